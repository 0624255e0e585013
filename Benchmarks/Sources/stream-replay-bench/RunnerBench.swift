import Foundation

/// The scenario runner, through the release CLI: `stream-replay run scenarios --jobs N`.
enum RunnerBench {
    /// The CLI binary: `--cli`, else beside this executable, else built into the same scratch
    /// folder (`swift build -c release --product stream-replay`, which reuses the modules built
    /// for the benchmark).
    static func locateCLI(options: Options) async -> String? {
        if let cli = options.cli { return cli }
        let directory = URL(fileURLWithPath: ownExecutable()).deletingLastPathComponent()
        let sibling = directory.appendingPathComponent("stream-replay").path
        // Build (or bring up to date: a few seconds when nothing changed) the root's CLI product
        // in this executable's scratch folder, <scratch>/<triple>/release/stream-replay-bench.
        let scratch = directory.deletingLastPathComponent().deletingLastPathComponent().path
        let package = URL(fileURLWithPath: options.root).appendingPathComponent("Benchmarks").path
        if let swift = which("swift") {
            note("swift build -c release --package-path \(package) --scratch-path \(scratch) --product stream-replay")
            let result = try? await runProcess(
                swift,
                [
                    "build", "-c", "release", "--package-path", package, "--scratch-path", scratch, "--product",
                    "stream-replay",
                ]
            )
            if result?.status != 0 {
                note(
                    FileManager.default.isExecutableFile(atPath: sibling)
                        ? "building the CLI failed (exit \(result?.status ?? -1)): using the binary built before, \(sibling)"
                        : "building the CLI failed (exit \(result?.status ?? -1)); pass --cli PATH"
                )
            }
        }
        return FileManager.default.isExecutableFile(atPath: sibling) ? sibling : nil
    }

    static func run(options: Options, report: Report) async throws {
        report.header("4. Runner (release CLI: stream-replay run PATH --jobs N, a subprocess)")
        guard let cli = await self.locateCLI(options: options) else {
            report.add("runner", "skipped: no CLI binary", target: "< 3 s", pass: false)
            return
        }
        // Warm the file cache (binary, scenarios) so that the first timed run is not a cold start.
        _ = try await runProcess(cli, ["list", "scenarios"], directory: options.root)
        for jobs in [1, 2] {
            try await self.time(
                cli: cli,
                suite: "scenarios",
                label: "bundled suite",
                jobs: jobs,
                limit: 3,
                options: options,
                report: report
            )
        }
        // A generated suite: the bundled files copied round-robin to 1,000 (`--quick`: 100).
        let count = 1_000 / options.scale
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "stream-replay-generated-\(getpid())"
        )
        defer { try? FileManager.default.removeItem(at: folder) }
        try self.generate(
            count: count,
            from: URL(fileURLWithPath: options.root).appendingPathComponent("scenarios"),
            into: folder
        )
        for jobs in [1, 2] {
            try await self.time(
                cli: cli,
                suite: folder.path,
                label: "\(format(Double(count))) generated scenarios",
                jobs: jobs,
                limit: 20 / Double(options.scale),
                options: options,
                report: report
            )
        }
    }

    /// Copies the `.yaml` files under `source` round-robin into `count` files in `folder`.
    static func generate(count: Int, from source: URL, into folder: URL) throws {
        let manager = FileManager.default
        try manager.createDirectory(at: folder, withIntermediateDirectories: true)
        var files: [URL] = []
        if let walker = manager.enumerator(at: source, includingPropertiesForKeys: nil) {
            for case let file as URL in walker where file.pathExtension == "yaml" { files.append(file) }
        }
        files.sort { $0.path < $1.path }
        guard !files.isEmpty else { throw BenchError("no scenarios under \(source.path)") }
        for index in 0..<count {
            let file = files[index % files.count]
            let name = String(format: "%04d-", index) + file.lastPathComponent
            try manager.copyItem(at: file, to: folder.appendingPathComponent(name))
        }
    }

    /// Best of 3 (`--quick`: 1) runs of `stream-replay run SUITE --jobs N`: scenarios/s, the wall
    /// time against `limit` seconds, and the time from the launch to the first verdict line.
    static func time(
        cli: String,
        suite: String,
        label: String,
        jobs: Int,
        limit: Double,
        options: Options,
        report: Report
    ) async throws {
        let isVerdict: @Sendable (Substring) -> Bool = { line in
            line.hasPrefix("✓") || line.hasPrefix("✗") || line.hasPrefix("! ") || line.hasPrefix("- ")
        }
        let target = "< \(format(limit, 0)) s"
        var best: ProcessResult?
        for _ in 0..<(options.quick ? 1 : 3) {
            let result = try await runProcess(
                cli,
                ["run", suite, "--jobs", String(jobs)],
                directory: options.root,
                timeLimit: .seconds(120),
                firstLine: isVerdict
            )
            if result.timedOut {
                let last = result.stdout.split(separator: "\n").last { isVerdict($0) }.map(String.init) ?? "none"
                note(
                    "stream-replay run \(suite) --jobs \(jobs) was still running after 120 s; the last verdict: \(last)"
                )
                report.add("runner, \(label), --jobs \(jobs)", "hung: killed after 120 s", target: target, pass: false)
                return
            }
            if result.elapsed < best?.elapsed ?? .seconds(1e9) { best = result }
        }
        guard let result = best else { return }
        let summary = result.stdout.split(separator: "\n").last.map(String.init) ?? ""
        let scenarios = result.stdout.split(separator: "\n").filter { isVerdict($0) }.count
        let seconds = result.elapsed.seconds
        report.add(
            "runner, \(label), --jobs \(jobs) (\(summary))",
            "\(format(Double(scenarios) / seconds, 1)) scenarios/s"
        )
        report.add(
            "  wall time of the suite (best of \(options.quick ? 1 : 3))",
            "\(format(seconds, 2)) s",
            target: target,
            pass: seconds < limit && result.status == 0
        )
        report.add(
            "  CLI start to first verdict",
            result.firstLine.map { "\(format($0.seconds * 1000, 0)) ms" } ?? "n/a"
        )
        if result.status != 0 {
            note("stream-replay run \(suite) --jobs \(jobs) exited \(result.status): \(summary)")
        }
    }
}
