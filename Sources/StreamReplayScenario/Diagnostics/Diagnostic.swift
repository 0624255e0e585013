extension ScenarioError {
    /// A problem in a scenario file, at a line and column.
    ///
    /// Its description is compiler-style, followed by the source line and a caret:
    ///
    /// ```
    /// scenarios/x.yaml:12:7: error: unknown key 'modle' (did you mean 'model'?)
    ///     modle: gpt-4o
    ///     ^
    /// ```
    public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
        /// The file as given to the loader.
        public var file: String
        /// 1-based line.
        public var line: Int
        /// 1-based column, in Unicode scalars.
        public var column: Int
        /// What is wrong, and how to fix it when that is known (`did you mean 'model'?`).
        public var message: String
        /// The text of the line, for the caret display.
        public var sourceLine: String?

        /// A problem at `line` and `column` of `file`; `sourceLine` is the text of that line, if known.
        public init(file: String, line: Int, column: Int, message: String, sourceLine: String? = nil) {
            self.file = file
            self.line = line
            self.column = column
            self.message = message
            self.sourceLine = sourceLine
        }

        /// `file:line:column: error: message`, without the source line.
        public var headline: String {
            "\(self.file):\(self.line):\(self.column): error: \(self.message)"
        }

        /// The headline, then the source line and a caret under the column.
        public var description: String {
            guard let sourceLine = self.sourceLine else { return self.headline }
            let prefix = sourceLine.unicodeScalars.prefix(max(0, self.column - 1))
            let indent = String(String.UnicodeScalarView(prefix.map { $0 == "\t" ? "\t" : " " }))
            return "\(self.headline)\n    \(sourceLine)\n    \(indent)^"
        }
    }
}
