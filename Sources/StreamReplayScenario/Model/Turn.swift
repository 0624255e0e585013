extension Scenario {
    /// One item of `turns`: one call of the engine's `processMessage`.
    public struct Turn: Sendable, Hashable {
        public var user: String
        public var conversation: String
        public var requestID: String
        /// How many copies start at once.
        public var concurrently: Int
        /// The turn's own `expect`.
        public var expect: TurnExpectations

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
