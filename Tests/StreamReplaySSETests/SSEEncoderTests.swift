import NIOCore
import StreamReplaySSE
import Testing

struct SSEEncoderTests {
    private func encode(_ body: (inout ByteBuffer) -> Void) -> String {
        var buffer = ByteBuffer()
        body(&buffer)
        return String(buffer: buffer)
    }

    @Test func dataIsWrittenWithSpaceAndBlankLine() {
        #expect(encode { SSEEncoder().writeData("{\"a\":1}", into: &$0) } == "data: {\"a\":1}\n\n")
    }

    @Test(arguments: SSEEncoder.LineEnding.allCases)
    func lineEndingIsUsedForEveryLine(ending: SSEEncoder.LineEnding) {
        let e = ending.rawValue
        #expect(encode { SSEEncoder(lineEnding: ending).writeData("x", into: &$0) } == "data: x\(e)\(e)")
    }

    @Test func multiLineDataBecomesSeveralDataLines() {
        #expect(
            encode { SSEEncoder().writeData("a\nb\r\nc\rd", into: &$0) } == "data: a\ndata: b\ndata: c\ndata: d\n\n"
        )
    }

    @Test func commentHasNoBlankLine() {
        #expect(encode { SSEEncoder().writeComment("keep-alive", into: &$0) } == ": keep-alive\n")
        #expect(encode { SSEEncoder().writeComment("", into: &$0) } == ":\n")
    }

    @Test func fullEventWritesEveryField() {
        let event = SSEEvent(
            type: "error",
            data: "x",
            lastEventID: "5",
            retry: 100,
            extraFields: [SSEField(name: "error", value: "boom")]
        )
        #expect(
            encode { SSEEncoder().write(event, into: &$0) }
                == "event: error\nid: 5\nretry: 100\nerror: boom\ndata: x\n\n"
        )
    }

    @Test func encodedEventsDecodeBack() {
        let texts = ["", "plain", "two\nlines", " leading space", "ünïcødé 🎉", "trailing\n"]
        for ending in SSEEncoder.LineEnding.allCases {
            var bytes: [UInt8] = []
            for text in texts { bytes += SSEEncoder(lineEnding: ending).encodeData(text) }
            var parser = SSEStreamParser()
            let events = parser.push(bytes) + parser.finish()
            #expect(events.map(\.data) == texts, "\(ending)")
        }
    }
}
