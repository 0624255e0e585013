import StreamReplayEngine
public import StreamReplayScenario

extension ScenarioRunner {
    /// Plays `scenario` once against the engine and returns what came out as an `expect` section
    /// (`messages`, `events`, `tool_calls`), for the user to edit.
    ///
    /// - Throws: What the run threw (such as a port that could not be bound).
    public func snapshot(_ scenario: Scenario) async throws -> ScenarioValue {
        let observation = try await ScenarioExecution(scenario: scenario, logger: self.logger).run()
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
