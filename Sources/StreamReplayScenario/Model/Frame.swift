/// One frame of a streamed answer: usually one SSE event.
public enum Frame: Sendable, Hashable {
    /// A chunk built from `role`, `text`, `tool_call(s)`, `finish`, `usage` and `split`.
    case chunk(ChunkFrame)
    /// `chunk: {...}`: this exact JSON object as the event's data.
    case json(ScenarioValue)
    /// `raw: STRING`: these exact bytes, nothing added.
    case raw([UInt8])
    /// `comment: TEXT`: an SSE comment line.
    case comment(String)
    /// `error: {...}`: `data: {"error": {...}}`.
    case error(ScenarioValue)
    /// `delay_ms: N`: wait N (virtual) milliseconds.
    case delay(milliseconds: Int)
    /// `disconnect: true`: close the connection without ending the body.
    case disconnect
}

/// The chunk-building keys of a frame.
public struct ChunkFrame: Sendable, Hashable {
    public var role: String?
    public var text: String?
    /// From `tool_call` (one item) or `tool_calls`.
    public var toolCalls: [ToolCallFrame]
    public var finish: String?
    /// `usage` as written; alone in its frame it makes a usage-only chunk with `"choices": []`.
    public var usage: ScenarioValue?
    /// Cut `text` or the one call's `arguments` into pieces of this many Unicode scalars.
    public var split: Int?

    public init(
        role: String? = nil,
        text: String? = nil,
        toolCalls: [ToolCallFrame] = [],
        finish: String? = nil,
        usage: ScenarioValue? = nil,
        split: Int? = nil
    ) {
        self.role = role
        self.text = text
        self.toolCalls = toolCalls
        self.finish = finish
        self.usage = usage
        self.split = split
    }

    /// Whether only `usage` is set: a usage-only chunk.
    public var isUsageOnly: Bool {
        self.usage != nil && self.role == nil && self.text == nil && self.toolCalls.isEmpty && self.finish == nil
    }
}

/// One `tool_call` item. A key left out (`nil`) is left out of the JSON; a key written as `null`
/// is `.null` and sent as `null`.
public struct ToolCallFrame: Sendable, Hashable {
    public var index: ScenarioValue?
    public var id: ScenarioValue?
    public var type: ScenarioValue?
    public var name: ScenarioValue?
    /// A string, or an object for servers that send arguments as JSON objects.
    public var arguments: ScenarioValue?

    public init(
        index: ScenarioValue? = nil,
        id: ScenarioValue? = nil,
        type: ScenarioValue? = nil,
        name: ScenarioValue? = nil,
        arguments: ScenarioValue? = nil
    ) {
        self.index = index
        self.id = id
        self.type = type
        self.name = name
        self.arguments = arguments
    }
}
