import StreamReplayEngine
import StreamReplayFakeLLM
import StreamReplayScenario
import Testing

@testable import StreamReplayRunner

/// Each invariant broken on purpose, with an observation an engine bug would produce.
struct InvariantTests {
    private static func event(
        _ type: String,
        seq: Int64,
        content: String = "",
        conversation: String = "c1",
        toolCallID: String? = nil,
        extra: JSONValue = [:]
    ) -> StoredEvent {
        StoredEvent(
            id: "e\(seq)",
            conversationID: conversation,
            seq: seq,
            type: type,
            role: nil,
            content: content,
            toolCallID: toolCallID,
            createdAt: "2026-01-01T00:00:00.000Z",
            extra: extra
        )
    }

    private static let user = event("user_message", seq: 1, content: "hi", extra: ["request_id": "r1"])
    private static let answer = event(
        "assistant_message",
        seq: 2,
        content: "Hello",
        extra: ["request_id": "assistant:r1", "user_request_id": "r1"]
    )

    private static func turn(
        _ messages: [ChatMessage],
        range: Range<Int>? = nil,
        answeredBefore: Bool = false
    ) -> ScenarioObservation.TurnRecord {
        .init(
            turnIndex: 0,
            copy: 0,
            conversationID: "c1",
            requestID: "r1",
            messages: messages,
            thrown: nil,
            writeRange: range,
            answeredBefore: answeredBefore
        )
    }

    private static let hello = ChatMessage(
        type: .text,
        content: "Hello",
        metadata: [("type", .string("delta")), ("hop", .int(0))]
    )

    /// A healthy observation: no invariant breaks.
    private static var healthy: ScenarioObservation {
        var observation = ScenarioObservation()
        observation.turns = [Self.turn([Self.hello], range: 0..<2)]
        observation.events = [Self.user, Self.answer]
        observation.writes = [Self.user, Self.answer]
        return observation
    }

    private func broken(_ observation: ScenarioObservation) -> [String] {
        Invariants.check(observation, allowed: []).map(\.path)
    }

    @Test func healthyObservationBreaksNothing() {
        #expect(broken(Self.healthy).isEmpty)
    }

    @Test func textPersisted() {
        var observation = Self.healthy
        observation.turns = [Self.turn([ChatMessage(type: .text, content: "Hel", metadata: [])], range: 0..<2)]
        #expect(broken(observation) == ["invariant.text-persisted"])
    }

    @Test func toolResultsAnswered() {
        var observation = Self.healthy
        observation.toolCalls = [
            .init(name: "f", id: "call_1", argumentsJSON: "{}", conversationID: "c1", requestID: "r1", hop: 0)
        ]
        #expect(broken(observation) == ["invariant.tool-results-answered"])
        let result = Self.event(
            "tool_result",
            seq: 3,
            toolCallID: "call_1",
            extra: ["request_id": "tool:r1:0:0", "tool_call_id": "call_1"]
        )
        observation.events.append(result)
        #expect(broken(observation).isEmpty)
        observation.events.append(
            Self.event("tool_result", seq: 4, toolCallID: "call_1", extra: ["request_id": "tool:r1:0:1"])
        )
        #expect(broken(observation) == ["invariant.tool-results-answered"])
    }

    @Test func seqOrdered() {
        var observation = Self.healthy
        observation.writes = [Self.user, Self.answer, Self.event("user_message", seq: 2, extra: ["request_id": "r2"])]
        #expect(broken(observation) == ["invariant.seq-ordered"])
    }

    @Test func noDeltaLeft() {
        var observation = Self.healthy
        observation.events.append(
            Self.event("meta", seq: 3, content: "Hel", extra: ["kind": "assistant_delta", "user_request_id": "r1"])
        )
        #expect(broken(observation) == ["invariant.no-delta-left"])
    }

    @Test func requestIDsUnique() {
        var observation = Self.healthy
        observation.events.append(Self.event("user_message", seq: 3, content: "hi", extra: ["request_id": "r1"]))
        #expect(broken(observation).contains("invariant.request-ids-unique"))
    }

    @Test func validConversation() {
        var observation = Self.healthy
        var request = RecordedRequest(number: 1, method: "POST", path: "/v1/chat/completions", headers: [], body: nil)
        request.status = 400
        request.rejection = "messages with role 'tool' must be a response to a preceeding message with 'tool_calls'"
        observation.requests = [request]
        #expect(broken(observation) == ["invariant.valid-conversation"])
    }

    @Test func idempotent() {
        var observation = Self.healthy
        // A repeat of an answered request that wrote again and yielded a fresh (not cached) text.
        observation.turns.append(Self.turn([Self.hello], range: 2..<3, answeredBefore: true))
        observation.writes.append(Self.event("user_message", seq: 3, content: "hi", extra: ["request_id": "r1b"]))
        #expect(broken(observation) == ["invariant.idempotent", "invariant.idempotent"])
    }

    @Test func allowedInvariantsAreNotChecked() {
        var observation = Self.healthy
        observation.writes = [Self.answer, Self.user]
        #expect(Invariants.check(observation, allowed: ["seq-ordered"]).isEmpty)
    }
}
