/// Why an ``EventStore`` operation failed.
///
/// Compare ``code`` with the static members of ``Code``; the ``message`` is for people and says
/// what to do. ``cause`` is the underlying SQLite or decoding error, when there is one. Its
/// description names the failing SQL statement but never the statement's arguments (the
/// conversation text), as GRDB keeps arguments out of error descriptions by default.
///
/// ```swift
/// do {
///     _ = try store.append(userMessage)
/// } catch let error as EventStoreError where error.code == .duplicateRequestID {
///     // The request was seen before: answer it from the stored events.
/// }
/// ```
public struct EventStoreError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure; compare with the static members. New codes may be added.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: Sendable, Hashable {
            case duplicateRequestID
            case duplicateEventID
            case invalidEvent
            case corruptEvent
            case databaseError
        }

        private let base: Base

        /// The conversation already holds an event with this request id.
        ///
        /// Detected by the unique index on `(conversation_id, request_id)` when the insert runs,
        /// so two concurrent writers of one request id cannot both succeed. Nothing was written.
        public static let duplicateRequestID = Code(base: .duplicateRequestID)
        /// The store already holds an event with this `id`. Nothing was written.
        public static let duplicateEventID = Code(base: .duplicateEventID)
        /// The event to write breaks a rule of the store (its `extra` is not a JSON object, or it
        /// names another conversation than the operation). Nothing was written.
        public static let invalidEvent = Code(base: .invalidEvent)
        /// A stored row cannot be read as an event (a missing value, or an `extra` that is not a
        /// JSON object): the file was written by something other than ``EventStore``.
        public static let corruptEvent = Code(base: .corruptEvent)
        /// SQLite failed: the file cannot be opened or migrated, is locked for longer than the
        /// busy timeout, is full, or the store is closed.
        public static let databaseError = Code(base: .databaseError)

        /// A short name of the code, such as `duplicateRequestID`.
        public var description: String {
            switch base {
            case .duplicateRequestID: "duplicateRequestID"
            case .duplicateEventID: "duplicateEventID"
            case .invalidEvent: "invalidEvent"
            case .corruptEvent: "corruptEvent"
            case .databaseError: "databaseError"
            }
        }
    }

    /// What kind of failure.
    public let code: Code
    /// What happened and what to do about it.
    public let message: String
    /// The underlying error (a GRDB `DatabaseError`, a row decoding error, a JSON parse error), if any.
    public let cause: (any Error)?

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - code: What kind of failure.
    ///   - message: What happened and what to do about it.
    ///   - cause: The underlying error, if any.
    package init(code: Code, message: String, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    /// `code: message`, then the cause in parentheses when there is one.
    public var description: String {
        guard let cause else { return "\(code): \(message)" }
        return "\(code): \(message) (\(cause))"
    }
}
