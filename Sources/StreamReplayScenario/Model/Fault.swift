extension Scenario {
    /// The `fault` section: this scenario is one run of a fault schedule (`run --faults`),
    /// written out with the fault already in its frames. Its own expectations do not apply; it
    /// passes when every invariant holds, each turn's text so far is kept, and each turn either
    /// completes or ends with one of ``allowedErrors``.
    public struct Fault: Sendable, Hashable {
        /// What was injected: `cut`, `stall`, `garbage_line`, `http_error` or `byte_writes`.
        public var kind: String
        /// The `llm` entry (from 0) the fault was injected at.
        public var entry: Int?
        /// The frame (from 0) it was injected before, for `cut`, `stall` and `garbage_line`.
        public var frame: Int?
        /// The seed of the schedule that drew it, for the record.
        public var seed: Int?
        /// The run of that schedule (from 1), for the record.
        public var run: Int?
        /// The error codes a turn may end with.
        public var allowedErrors: [String]

        /// The kinds of fault a schedule draws, in the order the docs list them.
        public static let kinds = ["cut", "stall", "garbage_line", "http_error", "byte_writes"]

        /// A fault section in code.
        public init(
            kind: String,
            entry: Int? = nil,
            frame: Int? = nil,
            seed: Int? = nil,
            run: Int? = nil,
            allowedErrors: [String]
        ) {
            self.kind = kind
            self.entry = entry
            self.frame = frame
            self.seed = seed
            self.run = run
            self.allowedErrors = allowedErrors
        }
    }
}
