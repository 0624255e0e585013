import StreamReplayRunner
import Testing

struct WireValidatorTests {
    private func rules(_ text: String, contentType: String? = "text/event-stream") -> [String] {
        WireValidator.findings(in: Array(text.utf8), contentType: contentType).map(\.rule)
    }

    private static let finish =
        #"data: {"id":"a","model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"# + "\n\n"
    private static let done = "data: [DONE]\n\n"

    @Test func compliantStreamHasNoFindings() {
        let text =
            #"data: {"id":"a","model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":"Hi"},"finish_reason":null}]}"#
            + "\n\n"
            + Self.finish
            + #"data: {"id":"a","model":"m","choices":[],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}"#
            + "\n\n"
            + Self.done
        #expect(rules(text).isEmpty)
    }

    @Test func missingDoneAndFinishAreReported() {
        let findings = WireValidator.findings(
            in: Array(#"data: {"choices":[]}"#.utf8) + [10, 10],
            contentType: "text/event-stream"
        )
        #expect(findings.map(\.rule) == ["no-done", "no-finish-reason"])
        #expect(findings.map(\.severity) == [.warn, .fail])
    }

    @Test func doneBeforeFinishFails() {
        #expect(rules(Self.done).contains("no-finish-before-done"))
    }

    @Test func framingQuirksAreWarnings() {
        #expect(
            rules(
                "data:{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\r\n\r\n"
                    + "data: [DONE]\r\n\r\n"
            ).contains("crlf-line-endings")
        )
        #expect(
            rules("data:{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n" + Self.done)
                .contains("data-without-space")
        )
        #expect(rules(Self.finish + "data: [DONE]").contains("unterminated-last-event"))
        #expect(rules("error: {\"message\":\"x\"}\n\n" + Self.finish + Self.done).contains("unknown-field"))
    }

    @Test func dataThatIsNotAJSONObjectFails() {
        #expect(rules("data: {nope\n\n" + Self.finish + Self.done).contains("data-not-json"))
        #expect(rules("data: [1]\n\n" + Self.finish + Self.done).contains("data-not-object"))
        #expect(rules(#"data: {"error":{"message":"x"}}"# + "\n\n").contains("in-stream-error"))
    }

    @Test func toolCallFragmentRules() {
        let noIndex =
            #"data: {"choices":[{"index":0,"delta":{"tool_calls":[{"id":"a","function":{"name":"f","arguments":"{}"}}]},"finish_reason":null}]}"#
            + "\n\n"
        #expect(rules(noIndex + Self.finish + Self.done).contains("tool-call-index-missing"))
        let repeated =
            #"data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"a","function":{"name":"f","arguments":"{"}}]},"finish_reason":null}]}"#
            + "\n\n"
            + #"data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"a","function":{"name":"f","arguments":"}"}}]},"finish_reason":null}]}"#
            + "\n\n"
        let found = rules(repeated + Self.finish + Self.done)
        #expect(found.contains("tool-call-id-repeated"))
        #expect(found.contains("tool-call-name-repeated"))
        let objectArguments =
            #"data: {"choices":[{"index":1,"delta":{"tool_calls":[{"index":1,"id":"a","function":{"name":"f","arguments":{"x":1}}}]},"finish_reason":null}]}"#
            + "\n\n"
        let more = rules(objectArguments + Self.finish + Self.done)
        #expect(more.contains("tool-call-arguments-type"))
        #expect(more.contains("tool-call-index-gap"))
    }

    @Test func envelopeMustStayStable() {
        let text =
            #"data: {"id":"a","model":"m1","choices":[]}"# + "\n\n"
            + #"data: {"id":"b","model":"m2","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"# + "\n\n"
            + Self.done
        let found = rules(text)
        #expect(found.contains("envelope-id-changed"))
        #expect(found.contains("envelope-model-changed"))
    }

    @Test func usageShapeAndContentType() {
        let text = #"data: {"choices":[],"usage":{"prompt_tokens":"1"}}"# + "\n\n" + Self.finish + Self.done
        #expect(rules(text).contains("usage-shape"))
        #expect(rules(Self.finish + Self.done, contentType: "application/json").contains("content-type"))
    }
}
