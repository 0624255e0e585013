import NIOCore
import StreamReplaySSE
import StreamReplayTestSupport
import Testing

/// Decodes `input` every way `ByteSplits` knows and checks each gives `expected`.
private func expectDecodes(
    _ input: String,
    to expected: [SSEEvent],
    sourceLocation: SourceLocation = #_sourceLocation
) {
    expectDecodes(Array(input.utf8), to: expected, sourceLocation: sourceLocation)
}

private func expectDecodes(
    _ bytes: [UInt8],
    to expected: [SSEEvent],
    sourceLocation: SourceLocation = #_sourceLocation
) {
    for (number, feeding) in ByteSplits.all(of: bytes).enumerated() {
        var parser = SSEStreamParser()
        var events: [SSEEvent] = []
        for piece in feeding {
            events += parser.push(piece)
        }
        events += parser.finish()
        #expect(events == expected, "feeding #\(number): \(feeding.map(\.count))", sourceLocation: sourceLocation)
    }
}

/// Also checks the NIO async path: `AsyncSequence<ByteBuffer>.decode(using:)`.
private func decodeAsync(_ pieces: [[UInt8]]) async throws -> [SSEEvent] {
    let stream = AsyncStream<ByteBuffer> { continuation in
        for piece in pieces { continuation.yield(ByteBuffer(bytes: piece)) }
        continuation.finish()
    }
    var events: [SSEEvent] = []
    for try await event in stream.decode(using: SSEDecoder()) {
        events.append(event)
    }
    return events
}

struct SSEDecoderTests {
    @Test func dataLineWithSpaceIsOneEvent() {
        expectDecodes("data: hello\n\n", to: [SSEEvent(data: "hello")])
    }

    @Test func dataWithoutSpaceAfterColon() {
        expectDecodes("data:{\"a\":1}\n\n", to: [SSEEvent(data: "{\"a\":1}")])
    }

    @Test func onlyOneLeadingSpaceIsRemoved() {
        expectDecodes("data:  two\n\n", to: [SSEEvent(data: " two")])
    }

    @Test func multiLineDataIsJoinedWithLineFeed() {
        expectDecodes("data: a\ndata: b\ndata:\n\n", to: [SSEEvent(data: "a\nb\n")])
    }

    @Test func fieldWithoutColonHasEmptyValue() {
        expectDecodes("data\n\n", to: [SSEEvent(data: "")])
    }

    @Test(arguments: ["\n", "\r\n", "\r"])
    func everyLineEndingSeparatesEvents(ending: String) {
        let input = "data: one\(ending)\(ending)data: two\(ending)data: 2\(ending)\(ending)"
        expectDecodes(input, to: [SSEEvent(data: "one"), SSEEvent(data: "two\n2")])
    }

    @Test func crlfSplitAcrossChunksIsOneLineBreak() {
        // "\r" ends the line at once; the "\n" in the next piece must not count as a blank line.
        var parser = SSEStreamParser()
        var events = parser.push(Array("data: a\r".utf8))
        events += parser.push(Array("\n".utf8))
        #expect(events.isEmpty)
        events += parser.push(Array("data: b\r".utf8))
        events += parser.push(Array("\n\r\n".utf8))
        #expect(events == [SSEEvent(data: "a\nb")])
    }

    @Test func mixedLineEndingsInOneStream() {
        expectDecodes("data: a\r\ndata: b\rdata: c\n\r\n", to: [SSEEvent(data: "a\nb\nc")])
    }

    @Test func utf8CharacterSplitAcrossReadsIsKept() {
        let bytes = Array("data: 21°C 🌤️ 東京\n\n".utf8)
        // Every single cut point, including those inside multi-byte characters.
        for cut in 0...bytes.count {
            var parser = SSEStreamParser()
            var events = parser.push(bytes[..<cut])
            events += parser.push(bytes[cut...])
            events += parser.finish()
            #expect(events == [SSEEvent(data: "21°C 🌤️ 東京")], "cut at \(cut)")
        }
    }

    @Test func leadingByteOrderMarkIsSkipped() {
        expectDecodes([0xEF, 0xBB, 0xBF] + Array("data: x\n\n".utf8), to: [SSEEvent(data: "x")])
    }

    @Test func byteOrderMarkLaterInStreamIsKept() {
        expectDecodes(
            Array("data: a\n\ndata: ".utf8) + [0xEF, 0xBB, 0xBF] + Array("b\n\n".utf8),
            to: [SSEEvent(data: "a"), SSEEvent(data: "\u{FEFF}b")]
        )
    }

    @Test func partialByteOrderMarkPrefixIsNotSkipped() {
        // EF BB followed by something else is not a BOM: it is a (broken) field name, kept.
        expectDecodes(
            [0xEF, 0xBB] + Array("\n\n".utf8),
            to: [SSEEvent(data: nil, extraFields: [SSEField(name: "\u{FFFD}", value: "")])]
        )
    }

    @Test func commentsAreSkipped() {
        expectDecodes(": OPENROUTER PROCESSING\n\n:\n\ndata: x\n: keep-alive\n\n", to: [SSEEvent(data: "x")])
    }

    @Test func eventTypeIsReportedAndReset() {
        expectDecodes(
            "event: error\ndata: {}\n\ndata: next\n\n",
            to: [SSEEvent(type: "error", data: "{}"), SSEEvent(data: "next")]
        )
    }

    @Test func eventTypeWithoutDataDispatchesNothing() {
        expectDecodes("event: ping\n\ndata: x\n\n", to: [SSEEvent(data: "x")])
    }

    @Test func idPersistsAcrossEventsAndIgnoresNul() {
        expectDecodes(
            "id: 7\ndata: a\n\ndata: b\n\nid: x\u{0}y\ndata: c\n\nid\ndata: d\n\n",
            to: [
                SSEEvent(data: "a", lastEventID: "7"),
                SSEEvent(data: "b", lastEventID: "7"),
                SSEEvent(data: "c", lastEventID: "7"),
                SSEEvent(data: "d", lastEventID: ""),
            ]
        )
    }

    @Test func retryWithDigitsIsReportedOtherwiseIgnored() {
        expectDecodes(
            "retry: 3000\n\nretry: 12a\ndata: x\n\n",
            to: [SSEEvent(data: nil, retry: 3000), SSEEvent(data: "x")]
        )
    }

    @Test func unknownFieldIsHandedToTheCaller() {
        // llama.cpp before Sept 2025: the error travels in a non-standard `error:` field.
        expectDecodes(
            "error: {\"message\":\"boom\"}\n\ndata: [DONE]\n\n",
            to: [
                SSEEvent(data: nil, extraFields: [SSEField(name: "error", value: "{\"message\":\"boom\"}")]),
                SSEEvent(data: "[DONE]"),
            ]
        )
    }

    @Test func doneAtEndOfStreamWithoutBlankLineIsHandedOverCutOff() {
        expectDecodes(
            "data: a\n\ndata: [DONE]",
            to: [SSEEvent(data: "a"), SSEEvent(data: "[DONE]", isTerminated: false)]
        )
        expectDecodes(
            "data: a\n\ndata: [DONE]\n",
            to: [SSEEvent(data: "a"), SSEEvent(data: "[DONE]", isTerminated: false)]
        )
    }

    @Test func emptyStreamGivesNothing() {
        expectDecodes("", to: [])
        expectDecodes("\n\n\r\n", to: [])
    }

    @Test func verticalTabAndFormFeedAreNotLineBreaks() {
        expectDecodes("data: a\u{0B}b\u{0C}c\n\n", to: [SSEEvent(data: "a\u{0B}b\u{0C}c")])
    }

    @Test func invalidUTF8IsReplacedNotFatal() {
        expectDecodes(
            Array("data: a".utf8) + [0xFF, 0xC3] + Array("\n\n".utf8),
            to: [SSEEvent(data: "a\u{FFFD}\u{FFFD}")]
        )
    }

    @Test func nulBytesInDataAreKept() {
        expectDecodes(Array("data: a".utf8) + [0] + Array("b\n\n".utf8), to: [SSEEvent(data: "a\u{0}b")])
    }

    @Test func longLineFedByteByByteIsDecodedOnce() {
        let payload = String(repeating: "x", count: 200_000)
        var parser = SSEStreamParser()
        var events: [SSEEvent] = []
        for byte in Array("data: \(payload)\n\n".utf8) {
            events += parser.push(CollectionOfOne(byte))
        }
        #expect(events == [SSEEvent(data: payload)])
    }

    @Test func asyncSequenceDecodingMatches() async throws {
        let bytes = Array("data: a\r\n\r\nevent: error\ndata: b\n\ndata: [DONE]".utf8)
        let expected = [
            SSEEvent(data: "a"), SSEEvent(type: "error", data: "b"), SSEEvent(data: "[DONE]", isTerminated: false),
        ]
        #expect(try await decodeAsync([bytes]) == expected)
        #expect(try await decodeAsync(bytes.map { [$0] }) == expected)
        #expect(try await decodeAsync(ByteSplits.random(of: bytes, seed: 9)) == expected)
    }

    @Test func realOpenAICaptureDecodesToItsDataLines() throws {
        let text = """
            data: {"id":"c1","choices":[{"index":0,"delta":{"role":"assistant","content":null}}]}

            data: {"id":"c1","choices":[{"index":0,"delta":{"content":"Hi"}}]}

            data: [DONE]


            """
        var expected: [SSEEvent] = []
        for line in text.split(separator: "\n") where line.hasPrefix("data: ") {
            expected.append(SSEEvent(data: String(line.dropFirst(6))))
        }
        expectDecodes(text, to: expected)
    }
}
