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
        report.header("4. Runner (release CLI: stream-replay run scenarios --jobs N, a subprocess)")
        guard let cli = await self.locateCLI(options: options) else {
            report.add("runner", "skipped: no CLI binary", target: "< 3 s", pass: false)
            return
        }
        let isVerdict: @Sendable (Substring) -> Bool = { line in
            line.hasPrefix("✓") || line.hasPrefix("✗") || line.hasPrefix("! ") || line.hasPrefix("- ")
        }
        // Warm the file cache (binary, scenarios) so that the first timed run is not a cold start.
        _ = try await runProcess(cli, ["list", "scenarios"], directory: options.root)
        for jobs in [1, 2] {
            var best: ProcessResult?
            for _ in 0..<(options.quick ? 1 : 3) {
                let result = try await runProcess(
                    cli,
                    ["run", "scenarios", "--jobs", String(jobs)],
                    directory: options.root,
                    timeLimit: .seconds(120),
                    firstLine: isVerdict
                )
                if result.timedOut {
                    let last = result.stdout.split(separator: "\n").last { isVerdict($0) }.map(String.init) ?? "none"
                    note("stream-replay run --jobs \(jobs) was still running after 120 s; the last verdict: \(last)")
                    report.add(
                        "runner, bundled suite, --jobs \(jobs)",
                        "hung: killed after 120 s",
                        target: "< 3 s",
                        pass: false
                    )
                    best = nil
                    break
                }
                if result.elapsed < best?.elapsed ?? .seconds(1e9) { best = result }
            }
            guard let result = best else { continue }
            let summary = result.stdout.split(separator: "\n").last.map(String.init) ?? ""
            let scenarios = result.stdout.split(separator: "\n").filter { isVerdict($0) }.count
            let seconds = result.elapsed.seconds
            report.add(
                "runner, bundled suite, --jobs \(jobs) (\(scenarios) scenarios; \(summary))",
                "\(format(Double(scenarios) / seconds, 1)) scenarios/s",
                target: "",
                pass: nil
            )
            report.add(
                "  wall time of the suite (best of \(options.quick ? 1 : 3))",
                "\(format(seconds, 2)) s",
                target: "< 3 s",
                pass: seconds < 3
            )
            report.add(
                "  CLI start to first verdict",
                result.firstLine.map { "\(format($0.seconds * 1000, 0)) ms" } ?? "n/a"
            )
            if result.status != 0 {
                note("stream-replay run --jobs \(jobs) exited \(result.status): \(summary)")
            }
        }
    }
}
