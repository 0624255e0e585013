import Benchmark
import StreamReplayBenchmarkSupport
import StreamReplayEngine
import StreamReplayFakeLLM

// The engine end to end against the in-process fake over loopback HTTP: a fresh ChatEngine and
// temporary store per turn, the turn measured from processMessage until its stream has ended and
// waitUntilIdle() returned. Allocations are those of the whole process, the fake's included.

let benchmarks: @Sendable () -> Void = {
    let chunks = 100_000
    for persist in [false, true] {
        let fake = FakeFixture { [Fixtures.textAnswer(chunks: chunks)] }
        let runs = RunRecorder(unit: "chunks")
        Benchmark(
            "engine ← fake, 100,000 one-word chunks, persistence \(persist ? "on" : "off")",
            configuration: .init(
                metrics: [.wallClock, .chunksPerSecond, .mallocCountTotal, .peakMemoryResident],
                warmupIterations: 1,
                maxDuration: .seconds(300),
                maxIterations: 5
            )
        ) { benchmark in
            let server = try fake.server
            await server.server.reset()
            let turn = try await EngineTurn.measure(benchmark) { store in
                try ChatEngine(
                    configuration: EngineTurn.configuration(baseURL: server.server.baseURL, persist: persist),
                    store: store,
                    tools: EngineTurn.NoTools()
                )
            }
            try turn.check(texts: chunks)
            runs.record(benchmark, seconds: turn.elapsed.seconds, allocations: turn.allocations, units: turn.texts)
        } setup: {
            try await fake.start(curlRuns: 3)
        } teardown: {
            let best = runs.printRate(
                of:
                    "engine ← fake, 100,000 one-word chunks, one write per event, persistence \(persist ? "on" : "off")",
                target: 100_000
            )
            if let ceiling = fake.curlRate {
                Summary.line(
                    "  curl -sN of the same stream (\(megabytes(fake.curlBytes)), best of 3)",
                    "\(format(ceiling)) chunks/s"
                )
                Summary.line(
                    "  engine as a share of curl",
                    "\(format(100 * best / ceiling, 0)) %",
                    target: "≥ 50 %",
                    pass: best / ceiling >= 0.5
                )
            }
            await fake.stop()
        }
    }

    toolArgumentsBenchmark()
}

/// One tool call whose 1 MB of arguments arrive in 1-byte fragments (one SSE event per byte,
/// 236 MB on the wire), then the follow-up answer. An observer stamps when ¼, ½ and all of the
/// first body were consumed: time(1 MB)/time(¼ MB) is 4.0 for linear work and grows towards 16
/// for quadratic accumulation.
func toolArgumentsBenchmark() {
    let size = 1 << 20
    let fake = FakeFixture { Fixtures.bigToolCallScript(argumentBytes: size) }
    let fractions = [0.25, 0.5, 1.0]
    let result = ToolArgumentsResult()
    Benchmark(
        "engine ← fake, 1 MB tool arguments in 1-byte fragments",
        configuration: .init(
            metrics: [.wallClock, .chunksPerSecond, .ratioTimes100, .mallocCountTotal, .peakMemoryResident],
            warmupIterations: 0,
            maxDuration: .seconds(600),
            maxIterations: 1
        )
    ) { benchmark in
        let server = try fake.server
        await server.server.reset()
        let marks = ProgressMarks(thresholds: fractions.map { Int(Double(fake.curlBytes) * $0) })
        let tool = EchoTool()
        let turn = try await EngineTurn.measure(benchmark, onStart: { marks.start() }) { store in
            try ChatEngine(
                configuration: EngineTurn.configuration(baseURL: server.server.baseURL, persist: false),
                store: store,
                tools: tool,
                dependencies: ChatEngineDependencies(clock: ContinuousClock(), observer: marks)
            )
        }
        guard turn.errors.isEmpty, tool.argumentBytes == size else {
            throw BenchError(
                "tool-argument turn: arguments of \(tool.argumentBytes) bytes (expected \(size)), errors: \(turn.errors.prefix(3))"
            )
        }
        let times = marks.marks.map { $0?.seconds ?? .nan }
        let ratio = times[2] / times[0]
        benchmark.measurement(.chunksPerSecond, Int(Double(size) / times[2]))
        benchmark.measurement(.ratioTimes100, Int((ratio * 100).rounded()))
        result.set(times: times, turn: turn)
    } setup: {
        try await fake.start(curlRuns: 1)
    } teardown: {
        let (times, turn) = result.value
        if let turn {
            for (fraction, time) in zip(fractions, times) {
                Summary.line(
                    "engine, tool arguments in 1-byte fragments: \(megabytes(Int(Double(size) * fraction))) read at",
                    "\(format(time, 3)) s"
                )
            }
            let ratio = times[2] / times[0]
            Summary.line(
                "  linearity time(1 MB)/time(256 KB)",
                format(ratio, 2),
                target: "ideal 4.0 (≤ 5.0)",
                pass: ratio <= 5.0
            )
            Summary.line("  fragments/s to the end of the arguments", "\(format(Double(size) / times[2])) chunks/s")
            Summary.line(
                "  allocations per fragment (the whole turn's / 1 MB)",
                "\(format(Double(turn.allocations) / Double(size), 2)) (\(format(turn.allocations)) in the turn)"
            )
            Summary.line("  whole turn (stream, run the tool, follow-up hop)", "\(format(turn.elapsed.seconds, 3)) s")
        }
        if let curlSeconds = fake.curlSeconds {
            Summary.line(
                "  curl -sN of the same stream (\(megabytes(fake.curlBytes)) on the wire)",
                "\(format(curlSeconds, 3)) s"
            )
        }
        if let cold = fake.coldSeconds {
            Summary.line("  the fake's first answer incl. building its plan (cold)", "\(format(cold, 3)) s")
        }
        await fake.stop()
    }
}
