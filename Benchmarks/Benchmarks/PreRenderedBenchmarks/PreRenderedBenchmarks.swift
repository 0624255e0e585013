import Benchmark
import StreamReplayBenchmarkSupport
import StreamReplayEngine

// The engine reading one pre-rendered stream: Benchmarks/PreRendered/server.py (Python, standard
// library, pinned to core 1) answers with one whole HTTP/1.1 response of 100,000 one-word chunks
// (about 18 MB, Content-Length, compact JSON) in one write, as a buffering proxy or a fast local
// model delivers it. This process, the engine's, is pinned to core 0. Figures of issue #15.

/// The Python engine ours was ported from, on the same turn (quoted from issue #15, where it was
/// measured; it is not measurable here).
let pythonEngineRate = 62_126.0

let benchmarks: @Sendable () -> Void = {
    let words = 100_000
    for persist in [false, true] {
        let server = PreRenderedServer(words: words)
        let runs = RunRecorder(unit: "chunks")
        Benchmark(
            "engine ← pre-rendered stream, 100,000 chunks, persistence \(persist ? "on" : "off")",
            configuration: .init(
                metrics: [.wallClock, .chunksPerSecond, .mallocCountTotal, .peakMemoryResident],
                warmupIterations: 1,
                maxDuration: .seconds(300),
                maxIterations: 5
            )
        ) { benchmark in
            let baseURL = try server.baseURL
            let turn = try await EngineTurn.measure(benchmark) { store in
                try ChatEngine(
                    configuration: EngineTurn.configuration(baseURL: baseURL, persist: persist),
                    store: store,
                    tools: EngineTurn.NoTools()
                )
            }
            try turn.check(texts: words)
            runs.record(benchmark, seconds: turn.elapsed.seconds, allocations: turn.allocations, units: turn.texts)
        } setup: {
            try await server.start(curlRuns: 10)
        } teardown: {
            let best = runs.printRate(
                of: "engine ← pre-rendered stream, 100,000 chunks, persistence \(persist ? "on" : "off") (best of 5)",
                target: 500_000,
                targetText: "≥ 500,000 (goal 1,000,000)"
            )
            Summary.line(
                "  the Python engine (issue #15, not measured here)",
                "\(format(pythonEngineRate)) chunks/s"
            )
            Summary.line(
                "  ChatEngine / Python engine",
                "\(format(best / pythonEngineRate, 2))×",
                target: "≥ 8×",
                pass: best / pythonEngineRate >= 8
            )
            if let curl = server.curlRate {
                Summary.line(
                    "  curl -sN > /dev/null, same server (\(megabytes(server.bodyBytes)), best of 10)",
                    "\(format(curl)) chunks/s"
                )
                Summary.line("  ChatEngine as a share of curl", "\(format(100 * best / curl, 1)) %")
            }
            Summary.line("  pinning", server.pinning)
            await server.stop()
        }
    }

    // A fresh process (package-benchmark runs each benchmark in its own) that runs the one turn:
    // its peak resident memory, VmHWM, read from /proc/self/status when the turn has ended.
    let server = PreRenderedServer(words: words)
    let peak = PeakRecorder()
    Benchmark(
        "peak memory of a fresh process running one pre-rendered turn (VmHWM)",
        configuration: .init(
            metrics: [.wallClock, .peakRSS, .mallocCountTotal],
            warmupIterations: 0,
            maxDuration: .seconds(300),
            maxIterations: 1
        )
    ) { benchmark in
        let baseURL = try server.baseURL
        let turn = try await EngineTurn.measure(benchmark) { store in
            try ChatEngine(
                configuration: EngineTurn.configuration(baseURL: baseURL, persist: false),
                store: store,
                tools: EngineTurn.NoTools()
            )
        }
        try turn.check(texts: words)
        let bytes = ProcessStatus.bytes("VmHWM")
        benchmark.measurement(.peakRSS, bytes)
        peak.set(bytes)
    } setup: {
        try await server.start(curlRuns: 0)
    } teardown: {
        let bytes = peak.value
        Summary.line(
            "peak memory (VmHWM) of a fresh process running one pre-rendered turn",
            "\(format(Double(bytes) / Double(1 << 20), 1)) MB",
            target: "≤ 40 MB",
            pass: bytes > 0 && bytes <= 40 << 20
        )
        await server.stop()
    }
}
