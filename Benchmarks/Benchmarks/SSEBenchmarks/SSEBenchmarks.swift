import Benchmark
import NIOCore
import StreamReplayBenchmarkSupport
import StreamReplaySSE

// The SSE decoder alone, as the engine drives it: NIOSingleStepByteToMessageProcessor(SSEDecoder())
// fed 1,000 chat-completion events per iteration in pieces of 1 byte, 64 bytes and 16 KB (the
// size of a socket read). One iteration is 1,000 events, so with `scalingFactor: .kilo` the
// runner's scaled figures (marked *) are per event: time and allocations.

let benchmarks: @Sendable () -> Void = {
    let (stream, events) = SSEStream.make(events: 1_000)
    for piece in [1, 64, 16 * 1024] {
        let label = piece == 16 * 1024 ? "16 KB" : "\(piece) B"
        let runs = RunRecorder(unit: "events")
        Benchmark(
            "SSE decode, 1,000 events in \(label) pieces",
            configuration: .init(
                metrics: [.wallClock, .throughput, .mallocCountTotal],
                warmupIterations: 3,
                scalingFactor: .kilo,
                maxDuration: .seconds(3),
                maxIterations: 10_000
            )
        ) { benchmark in
            benchmark.startMeasurement()
            let allocationsBefore = AllocationCounter.current
            let start = ContinuousClock.now
            let decoded = try SSEStream.decode(stream, piece: piece)
            let elapsed = start.duration(to: .now)
            let allocations = AllocationCounter.current - allocationsBefore
            benchmark.stopMeasurement()
            guard decoded == events else {
                throw BenchError("\(decoded) events decoded from \(label) pieces, expected \(events)")
            }
            // The runner's throughput, scaled, is events/s already; the recorder keeps the rate and the
            // allocations for the summary line.
            runs.record(benchmark, seconds: elapsed.seconds, allocations: allocations, units: decoded, metric: nil)
        } teardown: {
            runs.printRate(of: "SSE decode, \(label) pieces (\(megabytes(stream.readableBytes)) per 1,000 events)")
            if let best = runs.best {
                let bytesPerSecond = Double(stream.readableBytes) * best.rate / Double(events)
                Summary.line("  MB/s at the best rate", format(bytesPerSecond / Double(1 << 20), 1))
            }
        }
    }
}

/// OpenAI-style events for the decoder, and the decoding loop.
enum SSEStream {
    /// `events` events such as OpenAI streams them: text deltas (some non-ASCII), a tool-call
    /// fragment every 50th, a keep-alive comment every 500 (not an event), the last one `[DONE]`.
    static func make(events target: Int) -> (buffer: ByteBuffer, events: Int) {
        let words = [
            "Hello", " world", ",", " the", " quick", " brown", " fox", " jumps", " — ", " naïve", " café", " 😀",
            "\\n\\n", " \\\"quoted\\\"",
        ]
        let prefix =
            #"data: {"id":"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT","object":"chat.completion.chunk","created":1767225600,"model":"gpt-4o-2024-08-06","system_fingerprint":"fp_f33667828e","choices":[{"index":0,"delta":{"#
        let suffix = #"},"logprobs":null,"finish_reason":null}]}"# + "\n\n"
        var buffer = ByteBuffer()
        var events = 0
        var position = 0
        while events < target - 1 {
            if position % 500 == 499 {
                buffer.writeString(": keep-alive\n\n")
            } else if position % 50 == 49 {
                buffer.writeString(prefix)
                buffer.writeString(#""tool_calls":[{"index":0,"function":{"arguments":"{\"city\": \"Par"}}]"#)
                buffer.writeString(suffix)
                events += 1
            } else {
                buffer.writeString(prefix)
                buffer.writeString(#""content":""#)
                buffer.writeString(words[position % words.count])
                buffer.writeString("\"")
                buffer.writeString(suffix)
                events += 1
            }
            position += 1
        }
        buffer.writeString("data: [DONE]\n\n")
        return (buffer, events + 1)
    }

    /// Feeds `stream` to a fresh decoder in pieces of `piece` bytes; returns the events decoded.
    static func decode(_ stream: ByteBuffer, piece: Int) throws -> Int {
        let processor = NIOSingleStepByteToMessageProcessor(SSEDecoder())
        var events = 0
        var dataBytes = 0
        var offset = stream.readerIndex
        let end = stream.writerIndex
        while offset < end {
            let length = min(piece, end - offset)
            guard let slice = stream.getSlice(at: offset, length: length) else { break }
            try processor.process(buffer: slice) { event in
                events += 1
                dataBytes &+= event.data?.utf8.count ?? 0
            }
            offset += length
        }
        try processor.finishProcessing(seenEOF: true) { _ in events += 1 }
        blackHole(dataBytes)
        return events
    }
}
