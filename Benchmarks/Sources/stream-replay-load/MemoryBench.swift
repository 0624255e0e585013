import Foundation
import StreamReplayBenchmarkSupport
import StreamReplayEngine
import StreamReplayFakeLLM

/// Peak memory of one engine turn, each probe in a fresh process of this executable: the peak
/// RSS (VmHWM, reset through /proc/self/clear_refs after the fake's warm-up) minus the RSS
/// before the turn.
enum MemoryBench {
    /// The child side: `--memory-probe CHUNKS CHUNK_BYTES`; prints `growth=… peak=… texts=…`.
    static func probe(chunks: Int, chunkBytes: Int) async throws {
        let word = String(repeating: "w", count: max(0, chunkBytes - 1)) + " "
        try await FakeLLMServer.withRunning(script: Fixtures.script([Fixtures.textAnswer(chunks: chunks, word: word)]))
        {
            server in
            if let curl = Curl() { _ = try await curl.read(server.baseURL + "/chat/completions") }
            // curl made the fake build its plan above, so only the turn is in the growth.
            await server.reset()
            let before = ProcessStatus.bytes("VmRSS")
            let reset = ProcessStatus.resetPeak()
            let result = try await EngineTurn.measure(nil) { store in
                try ChatEngine(
                    configuration: EngineTurn.configuration(baseURL: server.baseURL, persist: false),
                    store: store,
                    tools: EngineTurn.NoTools()
                )
            }
            let peak = ProcessStatus.bytes("VmHWM")
            print(
                "growth=\(reset ? peak - before : -1) peak=\(peak) texts=\(result.texts) errors=\(result.errors.count)"
            )
        }
    }

    struct Probe {
        var growth: Int
        var peak: Int
    }

    static func spawn(chunks: Int, chunkBytes: Int) async throws -> Probe {
        let result = try await runProcess(
            Repository.ownExecutable,
            ["--memory-probe", String(chunks), String(chunkBytes)]
        )
        var values: [String: Int] = [:]
        for field in result.stdout.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
            let parts = field.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { values[String(parts[0])] = Int(parts[1]) }
        }
        guard result.status == 0, let growth = values["growth"], let peak = values["peak"],
            values["texts"] == chunks, values["errors"] == 0
        else {
            throw BenchError("memory probe \(chunks)×\(chunkBytes) B failed (exit \(result.status)): \(result.stdout)")
        }
        return Probe(growth: growth, peak: peak)
    }

    static func run(options: Options, report: Report) async throws {
        report.header("Memory (peak RSS of one engine turn, persist_deltas off, fresh process each)")
        let chunks = 100_000 / options.scale
        let small = try await self.spawn(chunks: chunks, chunkBytes: 5)
        let fewer = try await self.spawn(chunks: chunks / 10, chunkBytes: 50)
        let larger = try await self.spawn(chunks: chunks, chunkBytes: 50)
        guard small.growth >= 0 else {
            report.add("memory", "skipped: /proc/self/clear_refs not writable")
            return
        }
        func mb(_ bytes: Int) -> String { "\(format(Double(bytes) / Double(1 << 20), 1)) MB" }
        let answer = chunks * 5
        report.add(
            "turn peak RSS growth, \(megabytes(answer)) answer in \(format(Double(chunks))) chunks",
            mb(small.growth)
        )
        report.add(
            "turn peak RSS growth, \(megabytes(answer)) answer in \(format(Double(chunks / 10))) chunks",
            mb(fewer.growth)
        )
        report.add(
            "turn peak RSS growth, \(megabytes(answer * 10)) answer in \(format(Double(chunks))) chunks",
            mb(larger.growth)
        )
        // Same answer, 10× the chunks: at most 1.5× the memory (plus 2 MB of allocator noise).
        let extraPerChunk = Double(small.growth - fewer.growth) / Double(chunks - chunks / 10)
        report.add(
            "  growth from 10× more chunks, same answer (bytes per extra chunk)",
            "\(format(extraPerChunk, 1)) B/chunk",
            target: "≤ 1.5× + 2 MB",
            pass: Double(small.growth) <= 1.5 * Double(fewer.growth) + 2 * Double(1 << 20)
        )
        report.add("process peak RSS of the probe (VmHWM)", mb(larger.peak))
    }
}
