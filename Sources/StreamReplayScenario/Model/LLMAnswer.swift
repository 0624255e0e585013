/// One item of `llm`: the fake server's answer to one chat-completions request.
public struct LLMAnswer: Sendable, Hashable {
    /// A streamed answer or a plain HTTP answer.
    public enum Body: Sendable, Hashable {
        /// `stream: [frames]`.
        case stream(StreamAnswer)
        /// `status` / `headers` / `body`.
        case plain(PlainAnswer)
        /// `raw_response` / `raw_response_base64`: these exact bytes on the socket (status line,
        /// headers and body), then the connection is closed. For broken HTTP framing: HTTP/1.0
        /// close-delimited bodies, bad chunk sizes, short bodies.
        case rawResponse([UInt8])
    }

    /// The `request` matcher, checked against the body the engine sent.
    public var request: Matcher?
    public var body: Body
    /// Where the entry starts in its file (1-based), for messages.
    public var line: Int

    public init(request: Matcher? = nil, body: Body, line: Int = 0) {
        self.request = request
        self.body = body
        self.line = line
    }
}

/// A streamed (SSE) answer.
public struct StreamAnswer: Sendable, Hashable {
    public var frames: [Frame]
    /// `false`: no `data: [DONE]` at the end.
    public var sendsDone: Bool
    /// The envelope style of each chunk.
    public var profile: Profile
    /// The `model` of the chunk envelopes; `nil` means the scenario's `engine.model`.
    public var model: String?
    public var framing: Framing
    /// Extra response headers (an extension: `headers` next to `stream`).
    public var headers: [Header]

    /// Envelope styles.
    public enum Profile: String, Sendable, Hashable, CaseIterable {
        case openai
    }

    public init(
        frames: [Frame],
        sendsDone: Bool = true,
        profile: Profile = .openai,
        model: String? = nil,
        framing: Framing = Framing(),
        headers: [Header] = []
    ) {
        self.frames = frames
        self.sendsDone = sendsDone
        self.profile = profile
        self.model = model
        self.framing = framing
        self.headers = headers
    }
}

/// How an answer's bytes are put on the wire.
public struct Framing: Sendable, Hashable {
    /// The line break after every SSE line: `"\n"`, `"\r\n"` or `"\r"`.
    public var lineEnding: String
    /// When set, the body goes to the socket in flushed writes of exactly this many bytes.
    public var writeSize: Int?

    public init(lineEnding: String = "\n", writeSize: Int? = nil) {
        self.lineEnding = lineEnding
        self.writeSize = writeSize
    }
}

/// A plain HTTP answer.
public struct PlainAnswer: Sendable, Hashable {
    public var status: Int
    public var headers: [Header]
    /// The body text; a map or list written in the scenario is sent as compact JSON.
    public var body: String

    public init(status: Int = 200, headers: [Header] = [], body: String = "") {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// An HTTP header as written in a scenario.
public struct Header: Sendable, Hashable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}
