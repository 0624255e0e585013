import Benchmark
import NIOCore
import StreamReplayBenchmarkSupport
@_spi(Benchmarking) import StreamReplayEngine

// Allocations per chunk of one engine turn read from memory: the engine's in-memory transport
// answers the request with 10,000 one-word chunks in pieces of 16 KB (each piece one "socket
// read"), persistence off, so nothing but the engine runs and the count is the same on every
// run, whatever else the machine does. ci/alloc-check.sh compares it with a committed threshold.

let benchmarks: @Sendable () -> Void = {
    let chunks = InMemoryTurn.chunks
    let runs = RunRecorder(unit: "chunks")
    let pieces = InMemoryTurn.pieces()
    Benchmark(
        InMemoryTurn.name,
        configuration: .init(
            metrics: [.wallClock, .chunksPerSecond, .mallocCountTotal],
            warmupIterations: 2,
            maxDuration: .seconds(10),
            maxIterations: 20
        )
    ) { benchmark in
        let turn = try await EngineTurn.measure(benchmark) { store in
            try ChatEngine(
                configuration: EngineTurn.configuration(baseURL: "http://in-memory.invalid/v1", persist: false),
                store: store,
                tools: EngineTurn.NoTools(),
                inMemoryAnswer: pieces
            )
        }
        try turn.check(texts: chunks)
        runs.record(benchmark, seconds: turn.elapsed.seconds, allocations: turn.allocations, units: turn.texts)
    } teardown: {
        runs.printRate(of: "engine ← memory, 10,000 one-word chunks in 16 KB pieces, persistence off")
        // The figure ci/alloc-check.sh reads.
        print("allocations-per-chunk: \(format(runs.allocationsPerUnit, 4))")
    }
}

/// The in-memory answer: the same compact events as the pre-rendered server, cut into 16 KB pieces.
enum InMemoryTurn {
    static let name = "engine ← memory, 10,000 one-word chunks, 16 KB pieces, persistence off"
    static let chunks = 10_000
    static let pieceBytes = 16 * 1024

    static func event(_ delta: String, finish: String = "null") -> String {
        #"data: {"id":"chatcmpl-mini","object":"chat.completion.chunk","created":1767225600,"model":"test-model","choices":[{"index":0,"delta":"#
            + delta + #","finish_reason":"# + finish + "}]}\n\n"
    }

    static func pieces() -> [ByteBuffer] {
        var body = ByteBuffer()
        body.writeString(self.event(#"{"role":"assistant"}"#))
        let word = self.event(#"{"content":" word"}"#)
        for _ in 0..<self.chunks { body.writeString(word) }
        body.writeString(self.event("{}", finish: #""stop""#))
        body.writeString("data: [DONE]\n\n")
        var pieces: [ByteBuffer] = []
        while let piece = body.readSlice(length: min(self.pieceBytes, body.readableBytes)), piece.readableBytes > 0 {
            pieces.append(piece)
        }
        return pieces
    }
}
