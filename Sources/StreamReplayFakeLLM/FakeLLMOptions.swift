public import StreamReplayScenario

/// How a fake server picks answers and how much it remembers.
public struct FakeLLMOptions: Sendable, Hashable {
    /// After the last answer, start again from the first (a standing mock).
    public var loop: Bool
    /// Answer each request with the first entry whose `request` matcher matches its body, instead
    /// of by arrival order; entries without `request` match anything.
    public var match: Bool
    /// How many of the newest requests the journal keeps (running counts are kept for all).
    public var journalLimit: Int
    /// The wire format of every answer whose entry names none (`serve --profile`); `nil`: the
    /// format of the endpoint each request came to.
    public var profile: Scenario.StreamAnswer.Profile?

    /// Options; by default answers are given once each, in order, and the journal keeps 1000 requests.
    ///
    /// - Parameters:
    ///   - loop: Start again from the first answer after the last.
    ///   - match: Pick each answer by its `request` matcher instead of by arrival order.
    ///   - journalLimit: How many of the newest requests the journal keeps; values below 1 count as 1.
    public init(loop: Bool = false, match: Bool = false, journalLimit: Int = 1000) {
        self.loop = loop
        self.match = match
        self.journalLimit = max(1, journalLimit)
    }
}
