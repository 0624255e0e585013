/// One way a scenario fell short: where, what was expected, what happened.
public struct ScenarioFailure: Sendable, Hashable {
    /// A JSON-path-like location, such as `expect.messages[2].content` or `invariant.seq-ordered`.
    public var path: String
    public var expected: String
    public var actual: String
    /// One readable sentence.
    public var message: String

    public init(path: String, expected: String, actual: String, message: String) {
        self.path = path
        self.expected = expected
        self.actual = actual
        self.message = message
    }
}
