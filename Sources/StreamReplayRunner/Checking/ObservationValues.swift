import StreamReplayEngine
import StreamReplayScenario

/// The observation in the shapes `expect` matches against (scenario-format.md, "expect").
enum ObservationValues {
    static func message(_ message: ChatMessage) -> ScenarioValue {
        .object([
            .init("type", .string(message.type.rawValue)),
            .init("content", .string(message.content)),
            .init("metadata", .object(message.metadata.map { .init($0.key, self.metadata($0.value)) })),
        ])
    }

    static func metadata(_ value: ChatMessage.MetadataValue) -> ScenarioValue {
        switch value {
        case .string(let text): .string(text)
        case .int(let number): .int(number)
        case .bool(let flag): .bool(flag)
        }
    }

    static func event(_ event: StoredEvent) -> ScenarioValue {
        .object([
            .init("conversation_id", .string(event.conversationID)),
            .init("seq", .int(Int(event.seq))),
            .init("type", .string(event.type)),
            .init("role", event.role.map { .string($0) } ?? .null),
            .init("content", .string(event.content)),
            .init("tool_call_id", event.toolCallID.map { .string($0) } ?? .null),
            .init("model", event.model.map { .string($0) } ?? .null),
            .init("extra", self.json(event.extra)),
            .init("created_at", .string(event.createdAt)),
            .init("id", .string(event.id)),
        ])
    }

    static func write(_ event: StoredEvent) -> ScenarioValue {
        .object([
            .init("conversation_id", .string(event.conversationID)),
            .init("seq", .int(Int(event.seq))),
            .init("type", .string(event.type)),
            .init("role", event.role.map { .string($0) } ?? .null),
            .init("content", .string(event.content)),
            .init("extra", self.json(event.extra)),
            .init("created_at", .string(event.createdAt)),
        ])
    }

    static func toolCall(_ call: ScriptedToolExecutor.Call) -> ScenarioValue {
        let arguments = (try? JSONValue(parsing: call.argumentsJSON)).map(self.json) ?? .string(call.argumentsJSON)
        return .object([
            .init("name", .string(call.name)), .init("id", .string(call.id)), .init("arguments", arguments),
        ])
    }

    /// How a turn failed: its final `error` message, or the error the engine threw.
    static func error(of turn: ScenarioObservation.TurnRecord) -> ScenarioValue? {
        if let thrown = turn.thrown {
            return .object([.init("code", .string(thrown.code.description)), .init("message", .string(thrown.message))])
        }
        guard let last = turn.messages.last, last.type == .error else { return nil }
        return .object([
            .init("code", .string(last.errorCode ?? "")),
            .init("content", .string(last.content)),
            .init("metadata", .object(last.metadata.map { .init($0.key, self.metadata($0.value)) })),
        ])
    }

    /// JSON text as a value, keys in the order they were written (the engine's parser; the
    /// scenario module's own sorts them).
    static func parse(_ text: String) -> ScenarioValue? {
        (try? JSONValue(parsing: text)).map(self.json)
    }

    static func json(_ value: JSONValue) -> ScenarioValue {
        switch value {
        case .null: .null
        case .bool(let flag): .bool(flag)
        case .int(let number): .int(Int(clamping: number))
        case .double(let number): .double(number)
        case .string(let text): .string(text)
        case .array(let items): .array(items.map(self.json))
        case .object(let members): .object(members.map { .init($0.key, self.json($0.value)) })
        }
    }
}
