/// Something a provider's stream does that the OpenAI chat-completions streaming rules do not.
public struct WireFinding: Sendable, Hashable, CustomStringConvertible {
    /// `warn`: clients cope, but a naive one breaks; `fail`: the stream breaks the rules.
    public enum Severity: String, Sendable, Hashable {
        case warn, fail
    }

    public var severity: Severity
    /// A short stable name of the rule, such as `tool-call-index-missing`.
    public var rule: String
    /// What was seen, with the event number (1-based) when it concerns one.
    public var message: String

    public init(severity: Severity, rule: String, message: String) {
        self.severity = severity
        self.rule = rule
        self.message = message
    }

    public var description: String { "\(self.severity.rawValue) \(self.rule): \(self.message)" }
}
