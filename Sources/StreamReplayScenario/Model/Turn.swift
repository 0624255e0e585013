extension Scenario {
    /// One item of `turns`: one call of the engine's `processMessage`.
    public struct Turn: Sendable, Hashable {
        /// The user's message.
        public var user: String
        /// The conversation id (default `conv-1`).
        public var conversation: String
        /// The turn's request id (`request_id`; by default `req-1`, `req-2`, … by position).
        public var requestID: String
        /// How many copies start at once.
        public var concurrently: Int
        /// The turn's own `expect`.
        public var expect: TurnExpectations

        /// A turn in code; the defaults are the format's.
        public init(
            user: String,
            conversation: String = "conv-1",
            requestID: String,
            concurrently: Int = 1,
            expect: TurnExpectations = TurnExpectations()
        ) {
            self.user = user
            self.conversation = conversation
            self.requestID = requestID
            self.concurrently = concurrently
            self.expect = expect
        }
    }
}
