extension Scenario {
    /// One item of `llm`: the fake server's answer to one chat-completions request.
    public struct LLMAnswer: Sendable, Hashable {
        /// A streamed answer, a plain HTTP answer or raw bytes; a struct so that a new kind of
        /// answer breaks no one.
        public struct Body: Sendable, Hashable {
            /// The answer's kind and contents; switched over inside the package.
            package enum Storage: Sendable, Hashable {
                case stream(StreamAnswer)
                case plain(PlainAnswer)
                case rawResponse([UInt8])
            }

            package var storage: Storage

            package init(_ storage: Storage) {
                self.storage = storage
            }

            /// `stream: [frames]`.
            public static func stream(_ answer: StreamAnswer) -> Body { Body(.stream(answer)) }
            /// `status` / `headers` / `body`.
            public static func plain(_ answer: PlainAnswer) -> Body { Body(.plain(answer)) }
            /// `raw_response` / `raw_response_base64`: these exact bytes on the socket (status
            /// line, headers and body), then the connection is closed. For broken HTTP framing:
            /// HTTP/1.0 close-delimited bodies, bad chunk sizes, short bodies.
            public static func rawResponse(_ bytes: [UInt8]) -> Body { Body(.rawResponse(bytes)) }

            /// The streamed answer, for a body built with ``stream(_:)``.
            public var stream: StreamAnswer? {
                if case .stream(let answer) = self.storage { return answer }
                return nil
            }

            /// The plain answer, for a body built with ``plain(_:)``.
            public var plain: PlainAnswer? {
                if case .plain(let answer) = self.storage { return answer }
                return nil
            }
        }

        /// The `request` matcher, checked against the body the engine sent.
        public var request: Matcher?
        /// What the fake sends back.
        public var body: Body
        /// Where the entry starts in its file (1-based), for messages.
        public var line: Int

        /// An answer in code; `line` is where it starts in its file, for messages (0 when built in code).
        public init(request: Matcher? = nil, body: Body, line: Int = 0) {
            self.request = request
            self.body = body
            self.line = line
        }
    }

    /// A streamed (SSE) answer.
    public struct StreamAnswer: Sendable, Hashable {
        /// The frames, played in order.
        public var frames: [Frame]
        /// `false`: no `data: [DONE]` at the end.
        public var sendsDone: Bool
        /// The envelope style of each chunk.
        public var profile: Profile
        /// Whether the file named ``profile`` (it then wins over a run's default).
        package var namesProfile = false
        /// The `model` of the chunk envelopes; `nil` means the scenario's `engine.model`.
        public var model: String?
        /// Line endings and write sizes on the wire.
        public var framing: Framing
        /// Extra response headers (an extension: `headers` next to `stream`).
        public var headers: [Header]

        /// The wire format an answer's frames are played in: a struct so that new profiles
        /// break no one.
        public struct Profile: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
            /// The profile's name as written in a scenario (`profile: openai`).
            public var rawValue: String

            /// The profile named `rawValue`, or `nil` when there is none of that name.
            public init?(rawValue: String) {
                guard Self.allCases.contains(where: { $0.rawValue == rawValue }) else { return nil }
                self.rawValue = rawValue
            }

            private init(known name: String) {
                self.rawValue = name
            }

            /// OpenAI chat completions: `chat.completion.chunk` envelopes on `POST /v1/chat/completions`.
            public static let openai = Profile(known: "openai")

            /// Anthropic's Messages API: typed events and content blocks on `POST /v1/messages`.
            public static let anthropic = Profile(known: "anthropic")

            /// OpenAI's Responses API: `response.*` events on `POST /v1/responses`.
            public static let openaiResponses = Profile(known: "openai-responses")

            /// Every profile, in the order the format lists them.
            public static var allCases: [Profile] { [.openai, .anthropic, .openaiResponses] }

            /// The profile's name.
            public var description: String { self.rawValue }

            /// The API's name in messages: `chat-completions`, `Anthropic Messages`,
            /// `OpenAI Responses`.
            package var apiName: String {
                switch self.rawValue {
                case "anthropic": "Anthropic Messages"
                case "openai-responses": "OpenAI Responses"
                default: "chat-completions"
                }
            }

            /// The endpoint its requests go to, such as `/v1/messages`.
            public var path: String {
                switch self.rawValue {
                case "anthropic": "/v1/messages"
                case "openai-responses": "/v1/responses"
                default: "/v1/chat/completions"
                }
            }

            /// The profile whose endpoint `path` is (`/v1/messages`, or `/messages` under a base
            /// URL that ends in `/v1`); `nil` for any other path.
            public init?(path: String) {
                switch path {
                case "/v1/chat/completions", "/chat/completions": self = .openai
                case "/v1/messages", "/messages": self = .anthropic
                case "/v1/responses", "/responses": self = .openaiResponses
                default: return nil
                }
            }
        }

        /// A streamed answer in code; the defaults are the format's.
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

        /// `line_ending` and `write_size` in code; by default `"\n"` and one write per event.
        public init(lineEnding: String = "\n", writeSize: Int? = nil) {
            self.lineEnding = lineEnding
            self.writeSize = writeSize
        }
    }

    /// A plain HTTP answer.
    public struct PlainAnswer: Sendable, Hashable {
        /// The HTTP status code (default 200).
        public var status: Int
        /// Response headers, in order.
        public var headers: [Header]
        /// The body text; a map or list written in the scenario is sent as compact JSON.
        public var body: String

        /// A plain answer in code.
        public init(status: Int = 200, headers: [Header] = [], body: String = "") {
            self.status = status
            self.headers = headers
            self.body = body
        }
    }

    /// An HTTP header as written in a scenario.
    public struct Header: Sendable, Hashable {
        /// The header's name, as written (sent with this case).
        public var name: String
        /// The header's value.
        public var value: String

        /// A header `name: value`.
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }
}
