import Foundation
import StreamReplayBenchmarkSupport
import StreamReplayFakeLLM

/// The fake's plan for `framing.write_size`: its first answer (building the plan) at 5,000 and
/// 20,000 chunks, each in a fresh process of this executable (`--plan-probe CHUNKS`) so that
/// memory freed by earlier sections does not hide the growth. Memory and time should grow 4× for
/// 4× the chunks; they grew 15× when each piece was a slice of one growing buffer.
enum PlanBench {
    static func run(options: Options, report: Report) async throws {
        report.header("Fake: plans for framing.write_size 16384 (the first answer, curl, fresh process each)")
        guard Curl() != nil else {
            report.add("write_size plans", "skipped: needs curl")
            return
        }
        // Not shrunk by --quick: smaller plans are too fast to show a square.
        let sizes = [5_000, 20_000]
        var probes: [(seconds: Double, growth: Int)] = []
        for chunks in sizes {
            let result = try await runProcess(
                Repository.ownExecutable,
                ["--plan-probe", String(chunks)],
                timeLimit: .seconds(300)
            )
            var values: [String: Double] = [:]
            for field in result.stdout.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
                let parts = field.split(separator: "=", maxSplits: 1)
                if parts.count == 2 { values[String(parts[0])] = Double(parts[1]) }
            }
            guard result.status == 0, let seconds = values["seconds"], let growth = values["growth"] else {
                let reason = (result.stdout + result.stderr).split(separator: "\n").last.map(String.init) ?? "no output"
                report.add(
                    "fake, first answer with write_size 16384, \(format(chunks)) chunks",
                    "failed (exit \(result.status)): \(reason)",
                    pass: false
                )
                return
            }
            probes.append((seconds, Int(growth)))
            report.add(
                "fake, first answer with write_size 16384, \(format(chunks)) chunks",
                "\(format(seconds * 1000, 0)) ms, +\(format(growth / Double(1 << 20), 0)) MB"
            )
        }
        let memoryRatio = Double(probes[1].growth) / Double(max(1, probes[0].growth))
        report.add(
            "  linearity: peak RSS growth(\(format(sizes[1])))/(\(format(sizes[0]))) chunks",
            format(memoryRatio, 1),
            target: "ideal 4.0 (≤ 5.0)",
            pass: memoryRatio <= 5.0
        )
        report.add("  time ratio", format(probes[1].seconds / probes[0].seconds, 1))
    }

    /// The child side of ``run(options:report:)``: prints `seconds=… growth=…`.
    static func probe(chunks: Int) async throws {
        guard let curl = Curl() else { throw BenchError("needs curl") }
        var answer = Fixtures.textAnswer(chunks: chunks)
        if var stream = answer.body.stream {
            stream.framing = Framing(writeSize: 16 * 1024)
            answer.body = .stream(stream)
        }
        try await FakeLLMServer.withRunning(script: Fixtures.script([answer])) { server in
            let rssBefore = ProcessStatus.bytes("VmRSS")
            let reset = ProcessStatus.resetPeak()
            let seconds = try await curl.read(server.baseURL + "/chat/completions").seconds
            let growth = reset ? ProcessStatus.bytes("VmHWM") - rssBefore : -1
            print("seconds=\(seconds) growth=\(growth)")
        }
    }
}
