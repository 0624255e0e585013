extension Scenario {
    /// The scenario's `expect` section, its matchers compiled.
    public struct Expectations: Sendable, Hashable {
        /// Every message yielded, all turns in order.
        public var messages: Matcher?
        /// The persisted events after the run.
        public var events: Matcher?
        /// Every event committed during the run, in commit order.
        public var writes: Matcher?
        /// Every call the tool executor received.
        public var toolCalls: Matcher?
        /// The number of requests the fake received.
        public var llmRequests: Matcher?
        /// How the (only) turn failed.
        public var error: Matcher?
        /// Invariants not checked in this scenario.
        public var allowedInvariants: [String]
        /// Live mode only: the text messages of all turns, joined.
        public var text: Matcher?

        /// Expectations in code; a `nil` matcher checks nothing.
        public init(
            messages: Matcher? = nil,
            events: Matcher? = nil,
            writes: Matcher? = nil,
            toolCalls: Matcher? = nil,
            llmRequests: Matcher? = nil,
            error: Matcher? = nil,
            allowedInvariants: [String] = []
        ) {
            self.messages = messages
            self.events = events
            self.writes = writes
            self.toolCalls = toolCalls
            self.llmRequests = llmRequests
            self.error = error
            self.allowedInvariants = allowedInvariants
        }

        /// The invariants of the format, by name.
        public static let invariantNames = [
            "text-persisted", "tool-results-answered", "seq-ordered", "no-delta-left", "request-ids-unique",
            "valid-conversation", "idempotent",
        ]
    }

    /// A turn's own `expect`: applies to each copy of a `concurrently` turn.
    public struct TurnExpectations: Sendable, Hashable {
        /// Every message this turn yielded, in order.
        public var messages: Matcher?
        /// The turn's text messages joined, one string.
        public var text: Matcher?
        /// How this turn failed: its `error` message (`code`, `content`, …).
        public var error: Matcher?

        /// A turn's expectations in code; a `nil` matcher checks nothing.
        public init(messages: Matcher? = nil, text: Matcher? = nil, error: Matcher? = nil) {
            self.messages = messages
            self.text = text
            self.error = error
        }
    }
}
