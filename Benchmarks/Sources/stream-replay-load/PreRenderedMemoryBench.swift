import Foundation
import StreamReplayBenchmarkSupport
import StreamReplayEngine

/// Peak memory (VmHWM) of a fresh process of this executable that runs one turn against the
/// pre-rendered server (`Benchmarks/PreRendered/server.py`, 100,000 chunks, about 18 MB), the
/// process pinned to core 0 and the server to core 1. PreRenderedBenchmarks measures the same in
/// package-benchmark's process, where its malloc interposer (a header on every allocation) and
/// the runner itself add to the peak; here neither is loaded. The same fresh processes also give
/// the turn's rate without the interposer (whose header and count on every allocation slow the
/// engine there): the best of five, one turn per process.
enum PreRenderedMemoryBench {
    static let words = 100_000

    static func run(options: Options, report: Report) async throws {
        report.header("Memory of one pre-rendered turn (a fresh process, no malloc interposer)")
        guard let python = which("python3") else {
            report.add("pre-rendered turn", "skipped: needs python3")
            return
        }
        let script = Repository.path("Benchmarks/PreRendered/server.py")
        let arguments = [script, "--words", String(self.words)]
        let pinned = CPUAffinity.available
        let server =
            pinned
            ? try await Daemon.start(
                which("taskset") ?? "taskset",
                ["-c", String(CPUAffinity.serverCore), python] + arguments
            )
            : try await Daemon.start(python, arguments)
        var results: [ProcessResult] = []
        do {
            var probe = [Repository.ownExecutable, "--prerendered-probe", server.baseURL]
            if pinned { probe = [which("taskset") ?? "taskset", "-c", String(CPUAffinity.engineCore)] + probe }
            for _ in 0..<5 {
                results.append(try await runProcess(probe[0], Array(probe.dropFirst()), timeLimit: .seconds(120)))
            }
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
        let rates = results.compactMap { result -> Double? in
            let field = result.stdout.split(separator: " ").first { $0.hasPrefix("micros=") }
            guard
                let micros = field.flatMap({
                    Double($0.dropFirst("micros=".count).trimmingCharacters(in: .whitespacesAndNewlines))
                }),
                micros > 0
            else { return nil }
            return Double(self.words) / (micros / 1e6)
        }
        if let best = rates.max() {
            report.add(
                "engine ← pre-rendered stream, no interposer, best of \(rates.count) fresh processes",
                "\(format(best)) chunks/s",
                target: "≥ 500,000 (goal 1,000,000)",
                pass: best >= 500_000
            )
            report.add(
                "  ChatEngine / Python engine (62,126 chunks/s, issue #15)",
                "\(format(best / 62_126, 2))×",
                target: "≥ 8×",
                pass: best / 62_126 >= 8
            )
        }
        let result = results[results.count - 1]
        let values = Dictionary(
            result.stdout.split(whereSeparator: { $0 == " " || $0 == "\n" }).compactMap { field -> (String, Int)? in
                let parts = field.split(separator: "=", maxSplits: 1)
                guard parts.count == 2, let value = Int(parts[1]) else { return nil }
                return (String(parts[0]), value)
            },
            uniquingKeysWith: { $1 }
        )
        guard result.status == 0, let peak = values["peak"], values["texts"] == self.words else {
            throw BenchError(
                "pre-rendered memory probe failed (exit \(result.status)): \(result.stdout)\(result.stderr)"
            )
        }
        report.add(
            "peak memory (VmHWM) of a fresh process running one pre-rendered turn",
            "\(format(Double(peak) / Double(1 << 20), 1)) MB",
            target: "≤ 40 MB",
            pass: peak <= 40 << 20
        )
        if let before = values["before"] {
            report.add(
                "  of which before the turn (the process and its libraries)",
                "\(format(Double(before) / Double(1 << 20), 1)) MB"
            )
        }
    }

    /// The child side: `--prerendered-probe BASE-URL`; prints `before=… peak=… texts=…`.
    static func probe(baseURL: String) async throws {
        let before = ProcessStatus.bytes("VmHWM")
        let turn = try await EngineTurn.measure(nil) { store in
            try ChatEngine(
                configuration: EngineTurn.configuration(baseURL: baseURL, persist: false),
                store: store,
                tools: EngineTurn.NoTools()
            )
        }
        let micros =
            turn.elapsed.components.seconds * 1_000_000 + turn.elapsed.components.attoseconds / 1_000_000_000_000
        print(
            "before=\(before) peak=\(ProcessStatus.bytes("VmHWM")) texts=\(turn.texts) errors=\(turn.errors.count) micros=\(micros)"
        )
    }
}
