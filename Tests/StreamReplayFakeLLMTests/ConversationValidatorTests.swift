import StreamReplayScenario
import StreamReplayTestSupport
import Testing

@testable import StreamReplayFakeLLM

/// What OpenAI refuses in a conversation, refused here in OpenAI's words and error shape.
struct ConversationValidatorTests {
    private static func body(assistant toolCalls: String, extra: String = "") -> String {
        #"{"model":"test-model","messages":[{"role":"user","content":"q"},{"role":"assistant","content":""\#(extra),"tool_calls":\#(toolCalls)}]}"#
    }

    private static func problem(_ json: String) throws -> ConversationValidator.Problem? {
        ConversationValidator.problem(in: try ScenarioValue.parseJSON(Array(json.utf8)))
    }

    @Test func anEmptyToolCallsListIsRefusedAsEmptyArray() throws {
        let problem = try #require(try Self.problem(Self.body(assistant: "[]")))
        #expect(
            problem.message
                == "Invalid 'messages[1].tool_calls': empty array. Expected an array with minimum length 1, but got an empty array instead."
        )
        #expect(problem.param == "messages[1].tool_calls")
        #expect(problem.code == "empty_array")
    }

    @Test func aNullToolCallIdIsRefusedAtItsPath() throws {
        let calls = #"[{"id":null,"type":"function","function":{"name":"f","arguments":"{}"}}]"#
        let problem = try #require(try Self.problem(Self.body(assistant: calls)))
        #expect(
            problem.message
                == "Invalid type for 'messages[1].tool_calls[0].id': expected a string, but got null instead."
        )
        #expect(problem.param == "messages[1].tool_calls[0].id")
        #expect(problem.code == "invalid_type")
    }

    @Test func aMissingToolCallIdIsAMissingParameter() throws {
        let calls =
            #"[{"id":"a","type":"function","function":{"name":"f","arguments":"{}"}},{"type":"function","function":{"name":"f","arguments":"{}"}}]"#
        let problem = try #require(try Self.problem(Self.body(assistant: calls)))
        #expect(problem.message == "Missing required parameter: 'messages[1].tool_calls[1].id'.")
        #expect(problem.param == "messages[1].tool_calls[1].id")
        #expect(problem.code == "missing_required_parameter")
    }

    @Test func keysTheValidatorDoesNotKnowAreAccepted() throws {
        let calls = #"[{"id":"a","type":"function","function":{"name":"f","arguments":"{}"},"extra_content":{"x":1}}]"#
        let json =
            #"{"model":"m","messages":[{"role":"user","content":"q","name":"u"},{"role":"assistant","content":"","reasoning_content":"hmm","provider_extra":true,"tool_calls":\#(calls)},{"role":"tool","tool_call_id":"a","content":"x"}]}"#
        #expect(try Self.problem(json) == nil)
    }

    @Test func theWireAnswerHasOpenAIsShape() async throws {
        try await FakeLLMServer.withRunning(script: try script("llm:\n  - stream: [ { text: x } ]\n")) { server in
            let response = try #require(
                try await RawHTTPClient.post(
                    path: "/v1/chat/completions",
                    json: Self.body(assistant: "[]"),
                    port: server.port
                ).response
            )
            #expect(response.status == 400)
            #expect(
                String(decoding: response.body, as: UTF8.self)
                    == #"{"error":{"message":"Invalid 'messages[1].tool_calls': empty array. Expected an array with minimum length 1, but got an empty array instead.","type":"invalid_request_error","param":"messages[1].tool_calls","code":"empty_array"}}"#
            )
            #expect(await server.unusedAnswers() == 1)
        }
    }
}
