/// Something a provider's stream does that the OpenAI chat-completions streaming rules do not.
package struct WireFinding: Sendable, Hashable, CustomStringConvertible {
    /// `warn`: clients cope, but a naive one breaks; `fail`: the stream breaks the rules.
    package enum Severity: String, Sendable, Hashable {
        case warn, fail
    }

    package var severity: Severity
    /// A short stable name of the rule, such as `tool-call-index-missing`.
    package var rule: String
    /// What was seen, with the event number (1-based) when it concerns one.
    package var message: String

    package init(severity: Severity, rule: String, message: String) {
        self.severity = severity
        self.rule = rule
        self.message = message
    }

    package var description: String { "\(self.severity.rawValue) \(self.rule): \(self.message)" }
}
