/// The error of the scenario module: a file that cannot be read or that is wrong.
public struct ScenarioError: Error, Sendable, CustomStringConvertible {
    /// A stable code; new codes may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String {
            case unreadableFile = "unreadable_file"
            case invalidScenario = "invalid_scenario"
        }

        private let value: Value

        /// The file could not be read.
        public static let unreadableFile = Code(value: .unreadableFile)
        /// The file was read but is not a valid scenario; see ``ScenarioError/diagnostics``.
        public static let invalidScenario = Code(value: .invalidScenario)

        /// The code's stable text: `unreadable_file` or `invalid_scenario`.
        public var description: String { self.value.rawValue }
    }

    /// What kind of failure this is.
    public var code: Code
    /// What is wrong, one line.
    public var message: String
    /// Every problem found in the file, in file order.
    public var diagnostics: [Diagnostic]

    /// An error with a one-line `message` and the problems found, in file order.
    public init(code: Code, message: String, diagnostics: [Diagnostic] = []) {
        self.code = code
        self.message = message
        self.diagnostics = diagnostics
    }

    /// Every diagnostic with its source line and caret, or the message when there are none.
    public var description: String {
        if self.diagnostics.isEmpty { return self.message }
        return self.diagnostics.map(\.description).joined(separator: "\n")
    }
}
