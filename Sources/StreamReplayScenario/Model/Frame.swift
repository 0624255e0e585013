extension Scenario {
    /// One frame of a streamed answer: usually one SSE event.
    ///
    /// A struct rather than an enum so that a new kind of frame breaks no one: build frames with
    /// the static members (`.chunk(…)`, `.raw(…)`, `.disconnect`, …).
    public struct Frame: Sendable, Hashable {
        /// The frame's kind and contents; switched over inside the package.
        package enum Storage: Sendable, Hashable {
            case chunk(ChunkFrame)
            case json(ScenarioValue)
            case raw([UInt8])
            case comment(String)
            case error(ScenarioValue)
            case delay(milliseconds: Int)
            case disconnect
        }

        package var storage: Storage

        package init(_ storage: Storage) {
            self.storage = storage
        }

        /// A chunk built from `role`, `text`, `tool_call(s)`, `finish`, `usage` and `split`.
        public static func chunk(_ frame: ChunkFrame) -> Frame { Frame(.chunk(frame)) }
        /// `chunk: {...}`: this exact JSON object as the event's data.
        public static func json(_ value: ScenarioValue) -> Frame { Frame(.json(value)) }
        /// `raw: STRING`: these exact bytes, nothing added.
        public static func raw(_ bytes: [UInt8]) -> Frame { Frame(.raw(bytes)) }
        /// `comment: TEXT`: an SSE comment line.
        public static func comment(_ text: String) -> Frame { Frame(.comment(text)) }
        /// `error: {...}`: `data: {"error": {...}}`.
        public static func error(_ value: ScenarioValue) -> Frame { Frame(.error(value)) }
        /// `delay_ms: N`: wait N (virtual) milliseconds.
        public static func delay(milliseconds: Int) -> Frame { Frame(.delay(milliseconds: milliseconds)) }
        /// `disconnect: true`: close the connection without ending the body.
        public static let disconnect = Frame(.disconnect)

        /// The chunk-building keys, for a frame built with ``chunk(_:)``.
        public var chunk: ChunkFrame? {
            if case .chunk(let frame) = self.storage { return frame }
            return nil
        }

        /// The bytes of a ``raw(_:)`` frame.
        public var rawBytes: [UInt8]? {
            if case .raw(let bytes) = self.storage { return bytes }
            return nil
        }
    }

    /// The chunk-building keys of a frame.
    public struct ChunkFrame: Sendable, Hashable {
        /// `role`: the delta's `role` (usually `assistant`, in the first chunk).
        public var role: String?
        /// `text`: the delta's `content`.
        public var text: String?
        /// From `tool_call` (one item) or `tool_calls`.
        public var toolCalls: [ToolCallFrame]
        /// `finish`: the choice's `finish_reason` (`stop`, `tool_calls`, `length`, …).
        public var finish: String?
        /// `usage` as written; alone in its frame it makes a usage-only chunk with `"choices": []`.
        public var usage: ScenarioValue?
        /// Cut `text` or the one call's `arguments` into pieces of this many Unicode scalars.
        public var split: Int?
        /// `sweep: true` or `sweep: bytes`: the runner plays the scenario once per cut point of
        /// this frame (at most one frame of a scenario sweeps).
        public var sweep: Sweep?
        /// In one variant of a sweep: where this frame is cut into its two pieces (a scalar
        /// offset into the swept string for ``Sweep/scalars``, a byte offset into the encoded
        /// event for ``Sweep/bytes``). Set by the runner, never by a file.
        package var cut: Int?

        /// A chunk in code; each key left `nil` is left out of the chunk.
        public init(
            role: String? = nil,
            text: String? = nil,
            toolCalls: [ToolCallFrame] = [],
            finish: String? = nil,
            usage: ScenarioValue? = nil,
            split: Int? = nil,
            sweep: Sweep? = nil
        ) {
            self.role = role
            self.text = text
            self.toolCalls = toolCalls
            self.finish = finish
            self.usage = usage
            self.split = split
            self.sweep = sweep
        }

        /// The string a `split` or a `sweep` cuts: `text`, else the one call's string `arguments`.
        public var cutString: String? {
            if let text = self.text { return text }
            if self.toolCalls.count == 1, let arguments = self.toolCalls[0].arguments?.stringValue {
                return arguments
            }
            return nil
        }

        /// Whether only `usage` is set: a usage-only chunk.
        public var isUsageOnly: Bool {
            self.usage != nil && self.role == nil && self.text == nil && self.toolCalls.isEmpty && self.finish == nil
        }
    }

    /// How a frame is swept: `sweep: true` cuts its string at every Unicode-scalar boundary,
    /// `sweep: bytes` cuts its encoded event at every byte boundary. A struct so that a new mode
    /// breaks no one.
    public struct Sweep: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        /// `true` or `bytes`, as written.
        public var rawValue: String

        /// The mode written `rawValue`, or `nil` when there is none of that name.
        public init?(rawValue: String) {
            guard rawValue == "true" || rawValue == "bytes" else { return nil }
            self.rawValue = rawValue
        }

        private init(known name: String) {
            self.rawValue = name
        }

        /// `sweep: true`: every Unicode-scalar boundary of `text` or the call's `arguments`.
        public static let scalars = Sweep(known: "true")
        /// `sweep: bytes`: every byte boundary of the frame's event as it goes on the wire.
        public static let bytes = Sweep(known: "bytes")

        /// `true` or `bytes`.
        public var description: String { self.rawValue }
    }

    /// One `tool_call` item. A key left out (`nil`) is left out of the JSON; a key written as `null`
    /// is `.null` and sent as `null`.
    public struct ToolCallFrame: Sendable, Hashable {
        /// `index`: the call's position among parallel calls.
        public var index: ScenarioValue?
        /// `id`: the call's id (`call_…`); often only in its first fragment.
        public var id: ScenarioValue?
        /// `type`: `function` as providers send it.
        public var type: ScenarioValue?
        /// `name`: the function's name.
        public var name: ScenarioValue?
        /// A string, or an object for servers that send arguments as JSON objects.
        public var arguments: ScenarioValue?

        /// A tool-call item in code; each key left `nil` is left out.
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
}
