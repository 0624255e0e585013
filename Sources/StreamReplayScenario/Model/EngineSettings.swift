extension Scenario {
    /// The scenario's `engine` section, with the format's defaults.
    public struct EngineSettings: Sendable, Hashable {
        /// `model`: the model the engine asks for (default `test-model`).
        public var model = "test-model"
        /// `max_tool_hops`: rounds of tool calls before the turn stops (default 8, at least 1).
        public var maxToolHops = 8
        /// `persistence.persist_deltas`: whether text deltas are written in batches while streaming (default off).
        public var persistDeltas = false
        /// `persistence.interval_ms`: the longest a delta batch waits, in virtual milliseconds (default 200).
        public var persistIntervalMilliseconds = 200
        /// `persistence.min_chars`: a batch is written once it holds this many characters (default 1,024).
        public var persistMinChars = 1024
        /// `system_prompt`: sent first in every request when set.
        public var systemPrompt: String?
        /// `history_limit`: earlier user and assistant events sent with each request (default 50).
        public var historyLimit = 50
        /// `idle_timeout_ms`: a turn fails with `idle_timeout` after this long without a byte (default 60,000).
        public var idleTimeoutMilliseconds = 60_000
        /// `llm_retries`: retries of a hop before its first byte (default 0).
        public var llmRetries = 0

        /// The format's defaults.
        public init() {}
    }
}
