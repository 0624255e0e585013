/// A message the engine yields during a turn.
///
/// `type` is `text`, `refusal`, `tool_execution` or `error`; `metadata` carries the contract's keys
/// (`type`/`hop` on text deltas, `tool_count`/`hop` on tool notices, `finish_reason`,
/// `cached`, `code`/`hop`/`status`/`retry_after_ms` on errors).
public struct ChatMessage: Sendable, Hashable, CustomStringConvertible {
    /// The message kinds of the contract: `text`, `refusal`, `tool_execution`, `error`.
    ///
    /// A struct rather than an enum so that a kind the contract adds breaks no one; compare with
    /// `==` or switch with a `default`.
    public struct Kind: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        /// The kind's name in the contract (`tool_execution`).
        public var rawValue: String

        /// The kind named `rawValue`; any name is accepted, so a newer engine's kinds survive.
        ///
        /// - Parameter rawValue: The kind's name in the contract, such as `tool_execution`.
        public init(rawValue: String) {
            self.rawValue = rawValue
        }

        /// A fragment of the answer's text (`delta`), or a cached replay of a whole answer.
        public static let text = Kind(rawValue: "text")
        /// A fragment of the model's refusal (`delta.refusal`), or a cached replay of it.
        public static let refusal = Kind(rawValue: "refusal")
        /// The notice that tools are about to run (`Executing N tool(s)...`).
        public static let toolExecution = Kind(rawValue: "tool_execution")
        /// How the turn failed; always the turn's last message.
        public static let error = Kind(rawValue: "error")

        /// The kind's name in the contract.
        public var description: String { self.rawValue }
    }

    /// A metadata value: the contract only uses strings, integers and booleans.
    public enum MetadataValue: Sendable, Hashable, CustomStringConvertible {
        /// A text value, such as `code`, `finish_reason` or the `type` of a text delta.
        case string(String)
        /// An integer value, such as `hop`, `tool_count`, `status` or `retry_after_ms`.
        case int(Int)
        /// A boolean value, such as `cached`.
        case bool(Bool)

        /// The value as text, without quotes: `delta`, `3`, `true`.
        public var description: String {
            switch self {
            case .string(let value): value
            case .int(let value): String(value)
            case .bool(let value): String(value)
            }
        }
    }

    /// What kind of message this is: answer text, a refusal, a tool notice or an error.
    public var type: Kind
    /// The text: a fragment as received, a cached answer, a tool notice, the hop-limit warning,
    /// or the error's one sentence (whose wording is not part of the contract).
    public var content: String
    /// Metadata keys in the order the contract lists them.
    public var metadata: [(key: String, value: MetadataValue)]

    /// Creates a message, such as an expected one in a test.
    ///
    /// - Parameters:
    ///   - type: What kind of message it is.
    ///   - content: Its text.
    ///   - metadata: Its metadata pairs, in order; the order counts for `==`.
    public init(type: Kind, content: String, metadata: [(key: String, value: MetadataValue)]) {
        self.type = type
        self.content = content
        self.metadata = metadata
    }

    /// The metadata value of `key`.
    ///
    /// - Parameter key: A metadata key of the contract, such as `hop` or `code`.
    /// - Returns: The value of the first pair with that key, or `nil` when the message has none.
    public subscript(metadata key: String) -> MetadataValue? {
        self.metadata.first { $0.key == key }?.value
    }

    /// For an `error` message: its `code`.
    public var errorCode: String? {
        guard self.type == .error, case .string(let code)? = self[metadata: "code"] else { return nil }
        return code
    }

    /// `type "content" {key: value, …}`, such as `text "Hi" {type: delta, hop: 0}`.
    public var description: String {
        let metadata = self.metadata.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
        return "\(self.type.rawValue) \(String(reflecting: self.content)) {\(metadata)}"
    }

    /// Whether type, content and metadata (keys and values, in order) are all equal.
    public static func == (lhs: ChatMessage, rhs: ChatMessage) -> Bool {
        lhs.type == rhs.type && lhs.content == rhs.content
            && lhs.metadata.elementsEqual(rhs.metadata) { $0.key == $1.key && $0.value == $1.value }
    }

    /// Hashes type, content and every metadata pair in order, as `==` compares them.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(self.type)
        hasher.combine(self.content)
        for (key, value) in self.metadata {
            hasher.combine(key)
            hasher.combine(value)
        }
    }
}

extension ChatMessage {
    static func text(_ content: String, hop: Int) -> ChatMessage {
        ChatMessage(type: .text, content: content, metadata: [("type", .string("delta")), ("hop", .int(hop))])
    }

    static func toolExecution(count: Int, hop: Int) -> ChatMessage {
        ChatMessage(
            type: .toolExecution,
            content: "Executing \(count) tool(s)...",
            metadata: [("tool_count", .int(count)), ("hop", .int(hop))]
        )
    }

    static func toolLimit(max: Int, afterText: Bool) -> ChatMessage {
        let warning = "⚠️ Reached maximum tool call limit (\(max)). Stopping to prevent infinite recursion."
        return ChatMessage(
            type: .text,
            content: afterText ? "\n\n" + warning : warning,
            metadata: [("finish_reason", .string("tool_limit_reached"))]
        )
    }

    static func cached(_ content: String) -> ChatMessage {
        ChatMessage(type: .text, content: content, metadata: [("cached", .bool(true))])
    }

    /// A refusal fragment of hop `hop`: `{hop: H}`.
    static func refusal(_ content: String, hop: Int) -> ChatMessage {
        ChatMessage(type: .refusal, content: content, metadata: [("hop", .int(hop))])
    }

    /// A stored refusal replayed: `{cached: true}` alone.
    static func cachedRefusal(_ content: String) -> ChatMessage {
        ChatMessage(type: .refusal, content: content, metadata: [("cached", .bool(true))])
    }
}
