/// One way a scenario fell short: where, what was expected, what happened.
package struct ScenarioFailure: Sendable, Hashable {
    /// A JSON-path-like location, such as `expect.messages[2].content` or `invariant.seq-ordered`.
    package var path: String
    package var expected: String
    package var actual: String
    /// One readable sentence.
    package var message: String
    /// The whole section the failure is in (such as `expect.events`): its matcher and its actual
    /// value, one item per line, so a report can show the full expected-versus-actual.
    package var section: Section?
    /// The 1-based line of the scenario file the failure points at (the failing expectation; an
    /// invariant's: the line of `turns`), once the runner located it.
    package var line: Int?

    /// A whole section of expectations beside what happened.
    package struct Section: Sendable, Hashable {
        package var path: String
        package var expected: [String]
        package var actual: [String]

        package init(path: String, expected: [String], actual: [String]) {
            self.path = path
            self.expected = expected
            self.actual = actual
        }
    }

    package init(path: String, expected: String, actual: String, message: String, section: Section? = nil) {
        self.path = path
        self.expected = expected
        self.actual = actual
        self.message = message
        self.section = section
    }
}
