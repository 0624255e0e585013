import Testing

@testable import StreamReplayScenario

/// What a client reading an answer to its end is left with, as the frames say (`list --json`).
struct StreamOutcomeTests {
    private func outcome(_ yaml: String) throws -> Scenario.StreamAnswer.Outcome {
        let scenario = try ScenarioLoader(options: .init(requireTurns: false)).load(yaml: yaml, file: "o.yaml")
        return try #require(scenario.llm.first?.body.stream).outcome
    }

    @Test func textAndCallsAreJoinedAsTheWireJoinsThem() throws {
        let outcome = try self.outcome(
            """
            llm:
              - stream:
                  - { text: "Hel", split: 2 }
                  - { text: "lo" }
                  - tool_call: { index: 0, id: call_x, name: f, arguments: '{"a"' }
                  - tool_call: { index: 0, id: "", arguments: ': 1}' }
                  - tool_call: { index: 1, id: call_y, name: g, arguments: { b: 2 } }
                  - finish: tool_calls
            """
        )
        #expect(outcome.text == "Hello")
        #expect(
            outcome.toolCalls == [
                .init(id: "call_x", name: "f", arguments: #"{"a": 1}"#),
                .init(id: "call_y", name: "g", arguments: #"{"b":2}"#),
            ]
        )
        #expect(outcome.finish == "tool_calls")
        #expect(outcome.anomalies.isEmpty)
    }

    @Test func eachAnomalyIsNamedOnce() throws {
        let outcome = try self.outcome(
            """
            llm:
              - done: false
                stream:
                  - raw: "data: {oops\\n\\n"
                  - raw: "data: {again\\n\\n"
                  - tool_call: { index: 0, id: dup, name: f, arguments: "{}" }
                  - tool_call: { index: 1, id: dup, name: f, arguments: "{}" }
                  - tool_call: { index: 2, name: f, arguments: "{}" }
                  - disconnect: true
            """
        )
        #expect(
            outcome.anomalies == [
                "raw frame", "disconnect", "done: false", "a tool call without an id", "two tool calls with one id",
            ]
        )
    }
}
