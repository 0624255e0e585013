extension Scenario {
    /// The scenario's `engine` section, with the format's defaults.
    public struct EngineSettings: Sendable, Hashable {
        public var model = "test-model"
        public var maxToolHops = 8
        public var persistDeltas = false
        public var persistIntervalMilliseconds = 200
        public var persistMinChars = 1024
        public var systemPrompt: String?
        public var historyLimit = 50
        public var idleTimeoutMilliseconds = 60_000
        public var llmRetries = 0

        public init() {}
    }
}
