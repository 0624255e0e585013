extension Scenario {
    /// One scripted tool of the scenario's `tools` section.
    public struct ToolScript: Sendable, Hashable {
        /// What the tool answers: a struct so that a new behaviour breaks no one.
        public struct Behaviour: Sendable, Hashable {
            /// The behaviour's kind and contents; switched over inside the package.
            package enum Storage: Sendable, Hashable {
                case result(String)
                case results([String])
                case error(String)
            }

            package var storage: Storage

            package init(_ storage: Storage) {
                self.storage = storage
            }

            /// `result: TEXT`, for every call.
            public static func result(_ text: String) -> Behaviour { Behaviour(.result(text)) }
            /// `results: [TEXT, ...]`, one per call in order.
            public static func results(_ texts: [String]) -> Behaviour { Behaviour(.results(texts)) }
            /// `error: TEXT`: the tool fails.
            public static func error(_ text: String) -> Behaviour { Behaviour(.error(text)) }
        }

        /// The tool's name, as the model calls it.
        public var name: String
        /// The description offered to the model.
        public var description: String?
        /// The JSON Schema of the parameters, as written.
        public var parameters: ScenarioValue?
        /// What each call answers.
        public var behaviour: Behaviour
        /// Virtual milliseconds the call takes.
        public var delayMilliseconds: Int

        /// A scripted tool in code.
        public init(
            name: String,
            description: String? = nil,
            parameters: ScenarioValue? = nil,
            behaviour: Behaviour,
            delayMilliseconds: Int = 0
        ) {
            self.name = name
            self.description = description
            self.parameters = parameters
            self.behaviour = behaviour
            self.delayMilliseconds = delayMilliseconds
        }
    }
}
