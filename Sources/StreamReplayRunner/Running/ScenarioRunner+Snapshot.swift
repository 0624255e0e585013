import StreamReplayEngine
import StreamReplayFakeLLM
package import StreamReplayScenario

/// A snapshot that would record the fake's own complaint instead of the engine's behaviour: the
/// engine asked for more than the capture holds (a capture that ends in tool calls).
package struct SnapshotIncomplete: Error, CustomStringConvertible, Sendable {
    /// The tools the engine called at the end of the capture.
    package var toolNames: [String]

    package var description: String {
        let tools = self.toolNames.isEmpty ? "" : " (\(self.toolNames.joined(separator: ", ")))"
        return "the capture ends in tool calls\(tools): the engine sent their results back in a follow-up "
            + "request that the capture does not hold, so there is no answer to snapshot. Add an llm entry "
            + "that answers the follow-up, and a tools: entry with a result for each tool, then write the "
            + "expect section (run the file with `stream-replay run` to see what comes out)"
    }
}

extension ScenarioRunner {
    /// Plays `scenario` once against the engine and returns what came out as an `expect` section
    /// (`messages`, `events`, `tool_calls`), for the user to edit.
    ///
    /// - Throws: ``SnapshotIncomplete`` when the engine sent a request beyond the script (what
    ///   came out would be the fake's own "beyond the script" error, not a result worth
    ///   expecting); what the run threw (such as a port that could not be bound).
    package func snapshot(_ scenario: Scenario) async throws -> ScenarioValue {
        let observation = try await ScenarioExecution(scenario: scenario, logger: self.logger).run()
        if let beyond = observation.requests.first(where: { $0.entry == nil && $0.rejection == nil && $0.status == 500 }
        ) {
            let assistant = beyond.body?["messages"]?.arrayValue?.last { $0["role"]?.stringValue == "assistant" }
            let names = (assistant?["tool_calls"]?.arrayValue ?? []).compactMap { $0["function"]?["name"]?.stringValue }
            var unique: [String] = []
            for name in names where !unique.contains(name) { unique.append(name) }
            throw SnapshotIncomplete(toolNames: unique)
        }
        let messages = observation.turns.flatMap(\.messages).map(ObservationValues.message)
        let events = observation.events.map { event -> ScenarioValue in
            var members: [ScenarioValue.Member] = [
                .init("type", .string(event.type)),
                .init("role", event.role.map { .string($0) } ?? .null),
                .init("content", .string(event.content)),
            ]
            if let toolCallID = event.toolCallID { members.append(.init("tool_call_id", .string(toolCallID))) }
            members.append(.init("extra", ObservationValues.json(event.extra)))
            return .object(members)
        }
        var members: [ScenarioValue.Member] = [.init("messages", .array(messages)), .init("events", .array(events))]
        if !observation.toolCalls.isEmpty {
            members.append(.init("tool_calls", .array(observation.toolCalls.map(ObservationValues.toolCall))))
        }
        return .object(members)
    }
}
