/// An event to write to the ``EventStore``; the store allocates its `seq`.
///
/// `request_id` is not a field of its own: the store takes it from `extra.request_id` when that is
/// a string, so the column and the JSON can never disagree.
///
/// ```swift
/// let user = NewEvent(
///     id: ids.uuid(), conversationID: "c1", type: "user_message", role: "user",
///     content: "Hello", createdAt: "2026-01-01T00:00:00.250Z", extra: ["request_id": "r1"]
/// )
/// let stored = try store.append(user)  // stored.seq == 1 in a new conversation
/// ```
package struct NewEvent: Sendable, Hashable {
    /// The event id, a UUID string; unique in the store.
    package var id: String
    /// The conversation the event belongs to.
    package var conversationID: String
    /// `user_message`, `meta`, `tool_result` or `assistant_message`.
    package var type: String
    /// `user`, `tool`, `assistant`, or `nil` (a `meta` event).
    package var role: String?
    /// The text, stored verbatim.
    package var content: String
    /// The tool call a `tool_result` answers; `nil` elsewhere.
    package var toolCallID: String?
    /// The model that wrote an `assistant_message`; `nil` elsewhere.
    package var model: String?
    /// ISO-8601 with milliseconds, UTC, such as `2026-01-01T00:00:00.250Z`; stored as given.
    package var createdAt: String
    /// The event's metadata; must be a JSON object (the store refuses anything else).
    package var extra: JSONValue

    /// Creates an event to write.
    ///
    /// - Parameters:
    ///   - id: The event id, a UUID string.
    ///   - conversationID: The conversation.
    ///   - type: `user_message`, `meta`, `tool_result` or `assistant_message`.
    ///   - role: `user`, `tool`, `assistant`, or `nil`.
    ///   - content: The text, stored verbatim.
    ///   - toolCallID: The tool call a `tool_result` answers.
    ///   - model: The model of an `assistant_message`.
    ///   - createdAt: ISO-8601 with milliseconds, UTC.
    ///   - extra: A JSON object; its `request_id`, when a string, becomes the row's `request_id`.
    package init(
        id: String,
        conversationID: String,
        type: String,
        role: String?,
        content: String,
        toolCallID: String? = nil,
        model: String? = nil,
        createdAt: String,
        extra: JSONValue
    ) {
        self.id = id
        self.conversationID = conversationID
        self.type = type
        self.role = role
        self.content = content
        self.toolCallID = toolCallID
        self.model = model
        self.createdAt = createdAt
        self.extra = extra
    }

    /// The row's `request_id`: `extra.request_id` when it is a string, else `nil`.
    package var requestID: String? { extra["request_id"]?.stringValue }
}
