/// The error of the fake server module.
public struct FakeLLMError: Error, Sendable, CustomStringConvertible {
    /// A stable code; new codes may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String {
            case portInUse = "port_in_use"
            case bindFailed = "bind_failed"
        }

        private let value: Value

        /// The port is taken by another process.
        public static let portInUse = Code(value: .portInUse)
        /// The address could not be bound for another reason (permission, unknown host).
        public static let bindFailed = Code(value: .bindFailed)

        /// The code as text, such as `port_in_use`.
        public var description: String { self.value.rawValue }
    }

    /// What went wrong; compare with the static members of ``Code``.
    public var code: Code
    /// What went wrong and what to do, one line.
    public var message: String
    /// The underlying error (NIO's bind error), if any.
    public var cause: (any Error)?

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - code: What went wrong.
    ///   - message: What went wrong and what to do, one line.
    ///   - cause: The underlying error, if any.
    public init(code: Code, message: String, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    /// The ``message`` alone, without the code or the cause.
    public var description: String { self.message }
}
