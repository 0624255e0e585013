import NIOCore
import StreamReplaySSE

/// The SSE decoder alone: realistic chat-completion chunk events fed in pieces of a fixed size.
enum SSEBench {
    /// About `bytes` of events such as OpenAI streams them: text deltas (some non-ASCII), an
    /// occasional tool-call fragment, keep-alive comments, a final `[DONE]`.
    static func makeStream(bytes target: Int) -> (buffer: ByteBuffer, events: Int) {
        let words = [
            "Hello", " world", ",", " the", " quick", " brown", " fox", " jumps", " — ", " naïve", " café", " 😀",
            "\\n\\n", " \\\"quoted\\\"",
        ]
        let prefix =
            #"data: {"id":"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT","object":"chat.completion.chunk","created":1767225600,"model":"gpt-4o-2024-08-06","system_fingerprint":"fp_f33667828e","choices":[{"index":0,"delta":{"#
        let suffix = #"},"logprobs":null,"finish_reason":null}]}"# + "\n\n"
        var buffer = ByteBuffer()
        buffer.reserveCapacity(target + 4096)
        var events = 0
        var position = 0
        while buffer.readableBytes < target {
            if position % 500 == 499 {
                buffer.writeString(": keep-alive\n\n")  // a comment: no event
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
    static func decode(_ stream: ByteBuffer, piece: Int) throws -> (events: Int, dataBytes: Int) {
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
        return (events, dataBytes)
    }

    static func run(options: Options, report: Report) async throws {
        report.header("1. SSE decoder (NIOSingleStepByteToMessageProcessor + SSEDecoder, in process)")
        let size = 50 * (1 << 20) / options.scale
        let (stream, expected) = self.makeStream(bytes: size)
        note("SSE stream: \(megabytes(stream.readableBytes)), \(expected) events")
        for piece in [1, 64, 16 * 1024] {
            let ((events, _), elapsed) = try await measure { try self.decode(stream, piece: piece) }
            guard events == expected else {
                throw BenchError(
                    "SSE decoder: \(events) events decoded from \(piece)-byte pieces, expected \(expected)"
                )
            }
            let rate = Double(stream.readableBytes) / Double(1 << 20) / elapsed.seconds
            report.add(
                "SSE decode, \(megabytes(stream.readableBytes)) in \(piece == 16384 ? "16 KB" : "\(piece)-byte") pieces",
                "\(format(rate, 1)) MB/s",
                target: "",
                pass: nil
            )
            report.add(
                "  events/s (\(format(Double(expected))) events, \(format(elapsed.seconds, 2)) s)",
                format(Double(events) / elapsed.seconds)
            )
        }
    }
}
