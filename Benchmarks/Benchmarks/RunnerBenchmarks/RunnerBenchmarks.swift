import Benchmark
import Foundation
import StreamReplayBenchmarkSupport
import Synchronization

// The scenario runner through the release CLI, as a user runs it: `stream-replay run SUITE
// --jobs N` from the repository root, a subprocess, on the bundled suite and on 1,000 scenarios
// copied round-robin from it. Allocations happen in the subprocess, so none are counted here.
// The CLI is the one `Benchmarks/run.sh` builds beside the benchmarks (or STREAM_REPLAY_CLI).

let benchmarks: @Sendable () -> Void = {
    for (suite, limit) in [(RunnerSuite.bundled, 3.0), (RunnerSuite.generated(count: 1_000), 20.0)] {
        for jobs in [1, 2] {
            let fixture = RunnerFixture(suite: suite)
            Benchmark(
                "runner, \(suite.label), --jobs \(jobs)",
                configuration: .init(
                    metrics: [.wallClock, .scenariosPerSecond],
                    warmupIterations: 1,
                    maxDuration: .seconds(300),
                    maxIterations: 3
                )
            ) { benchmark in
                let (cli, folder) = try fixture.prepared
                benchmark.startMeasurement()
                let result = try await runProcess(
                    cli,
                    ["run", folder, "--jobs", String(jobs)],
                    directory: Repository.root,
                    timeLimit: .seconds(120),
                    firstLine: RunnerFixture.isVerdict
                )
                benchmark.stopMeasurement()
                try fixture.record(result, benchmark: benchmark)
            } setup: {
                try fixture.prepare()
            } teardown: {
                fixture.printSummary(measure: "runner, \(suite.label), --jobs \(jobs)", limit: limit)
                fixture.cleanUp()
            }
        }
    }
}

/// Which scenarios the runner runs.
enum RunnerSuite: Sendable {
    /// `scenarios/`, whatever it holds.
    case bundled
    /// The bundled files copied round-robin into a temporary folder of `count`.
    case generated(count: Int)

    var label: String {
        switch self {
        case .bundled: "bundled suite"
        case .generated(let count): "\(format(count)) generated scenarios"
        }
    }
}

/// The CLI and the suite folder of one runner benchmark, and its measured runs.
final class RunnerFixture: Sendable {
    struct Run: Sendable {
        var seconds: Double
        var scenarios: Int
        var firstVerdict: Duration?
        var summary: String
        var status: Int32
    }

    struct State {
        var cli: String?
        var folder: String?
        var temporary: URL?
        var runs: [Run] = []
    }

    let suite: RunnerSuite
    private let state = Mutex(State())

    init(suite: RunnerSuite) {
        self.suite = suite
    }

    static let isVerdict: @Sendable (Substring) -> Bool = { line in
        line.hasPrefix("✓") || line.hasPrefix("✗") || line.hasPrefix("! ") || line.hasPrefix("- ")
    }

    var prepared: (cli: String, folder: String) {
        get throws {
            let (cli, folder) = self.state.withLock { ($0.cli, $0.folder) }
            guard let cli, let folder else { throw BenchError("the runner benchmark is not set up") }
            return (cli, folder)
        }
    }

    func prepare() throws {
        let cli = try Repository.cli()
        switch self.suite {
        case .bundled:
            self.state.withLock { state in
                state.cli = cli
                state.folder = "scenarios"
            }
        case .generated(let count):
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
                "stream-replay-generated-\(getpid())"
            )
            try Self.generate(count: count, from: URL(fileURLWithPath: Repository.path("scenarios")), into: folder)
            self.state.withLock { state in
                state.cli = cli
                state.folder = folder.path
                state.temporary = folder
            }
        }
    }

    func record(_ result: ProcessResult, benchmark: Benchmark) throws {
        if result.timedOut {
            let last = result.stdout.split(separator: "\n").last { Self.isVerdict($0) }.map(String.init) ?? "none"
            throw BenchError("stream-replay run was still running after 120 s; the last verdict: \(last)")
        }
        let lines = result.stdout.split(separator: "\n")
        let run = Run(
            seconds: result.elapsed.seconds,
            scenarios: lines.filter { Self.isVerdict($0) }.count,
            firstVerdict: result.firstLine,
            summary: lines.last.map(String.init) ?? "",
            status: result.status
        )
        guard benchmark.currentIteration >= benchmark.configuration.warmupIterations else { return }
        self.state.withLock { $0.runs.append(run) }
        benchmark.measurement(.scenariosPerSecond, Int((Double(run.scenarios) / run.seconds).rounded()))
    }

    func printSummary(measure: String, limit: Double) {
        let runs = self.state.withLock { $0.runs }
        guard let best = runs.min(by: { $0.seconds < $1.seconds }) else {
            Summary.line(measure, "not measured", target: "< \(format(limit, 0)) s", pass: false)
            return
        }
        Summary.line(
            "\(measure) (\(best.summary))",
            "\(format(Double(best.scenarios) / best.seconds, 1)) scenarios/s"
        )
        Summary.line(
            "  wall time of the suite (best of \(runs.count))",
            "\(format(best.seconds, 2)) s",
            target: "< \(format(limit, 0)) s",
            pass: best.seconds < limit && best.status == 0
        )
        Summary.line(
            "  CLI start to first verdict",
            best.firstVerdict.map { "\(format($0.seconds * 1000, 0)) ms" } ?? "n/a"
        )
    }

    func cleanUp() {
        if let folder = self.state.withLock({ $0.temporary }) {
            try? FileManager.default.removeItem(at: folder)
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
}
