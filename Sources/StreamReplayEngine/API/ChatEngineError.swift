/// What the engine throws: only misuse, before anything is written. Everything a provider, a
/// tool or the network does ends the turn with an `error` message instead.
public struct ChatEngineError: Error, Sendable, CustomStringConvertible {
    /// A stable code; new codes may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String {
            case reservedRequestID = "reserved_request_id"
            case invalidConfiguration = "invalid_configuration"
            case storeFailed = "store_failed"
        }

        private let value: Value

        /// The request id starts with `assistant:`, `assistant_delta:` or `tool:`.
        public static let reservedRequestID = Code(value: .reservedRequestID)
        /// The configuration is invalid (such as `max_tool_hops: 0`).
        public static let invalidConfiguration = Code(value: .invalidConfiguration)
        /// The event store failed. Reserved: this version never throws it, because a store that
        /// fails (the user message included) ends the turn with an `error` message whose `code` is
        /// `store_failed` instead; match that message's code.
        public static let storeFailed = Code(value: .storeFailed)

        /// The code as the contract spells it, such as `reserved_request_id`.
        public var description: String { self.value.rawValue }
    }

    /// What kind of misuse; compare with the static members of ``Code``.
    public var code: Code
    /// What is wrong and what to do.
    public var message: String

    /// Creates an error, such as an expected one in a test.
    ///
    /// - Parameters:
    ///   - code: What kind of misuse.
    ///   - message: What is wrong and what to do.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    /// `code: message`, such as `invalid_configuration: max_tool_hops must be at least 1, found 0`.
    public var description: String { "\(self.code): \(self.message)" }
}
