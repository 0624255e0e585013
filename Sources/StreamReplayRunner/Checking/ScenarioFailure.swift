/// One way a scenario fell short: where, what was expected, what happened.
public struct ScenarioFailure: Sendable, Hashable {
    /// A JSON-path-like location, such as `expect.messages[2].content` or `invariant.seq-ordered`.
    public var path: String
    public var expected: String
    public var actual: String
    /// One readable sentence.
    public var message: String
    /// The whole section the failure is in (such as `expect.events`): its matcher and its actual
    /// value, one item per line, so a report can show the full expected-versus-actual.
    public var section: Section?

    /// A whole section of expectations beside what happened.
    public struct Section: Sendable, Hashable {
        public var path: String
        public var expected: [String]
        public var actual: [String]

        public init(path: String, expected: [String], actual: [String]) {
            self.path = path
            self.expected = expected
            self.actual = actual
        }
    }

    public init(path: String, expected: String, actual: String, message: String, section: Section? = nil) {
        self.path = path
        self.expected = expected
        self.actual = actual
        self.message = message
        self.section = section
    }
}
