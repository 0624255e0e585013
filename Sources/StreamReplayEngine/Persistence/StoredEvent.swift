import GRDB

extension EventStore {
    /// A row of `chat_events`, as the ``EventStore`` wrote it.
    ///
    /// Every column is present: ``role``, ``toolCallID``, ``model`` and ``requestID`` are `nil` where
    /// the row holds SQL `NULL`, and ``toolCalls`` is always `nil` in this version.
    public struct Event: Sendable, Hashable {
        /// The event id, a UUID string.
        public package(set) var id: String
        /// The conversation the event belongs to.
        public package(set) var conversationID: String
        /// The position in the conversation: from 1, increasing in write order, never reused.
        public package(set) var seq: Int64
        /// `user_message`, `meta`, `tool_result` or `assistant_message`.
        public package(set) var type: String
        /// `user`, `tool`, `assistant`, or `nil` (a `meta` event).
        public package(set) var role: String?
        /// The text, verbatim.
        public package(set) var content: String
        /// Always `nil` in this version.
        public package(set) var toolCalls: String?
        /// The tool call a `tool_result` answers; `nil` elsewhere.
        public package(set) var toolCallID: String?
        /// The model of an `assistant_message`; `nil` elsewhere.
        public package(set) var model: String?
        /// ISO-8601 with milliseconds, UTC, e.g. `2026-01-01T00:00:00.250Z`.
        public package(set) var createdAt: String
        /// The event's metadata; always a JSON object, keys in the order they were written.
        package var extra: JSONValue

        /// The event's metadata as compact JSON text (an object; keys in the order they were
        /// written), for an embedder to decode with the JSON library of its choice.
        public var extraJSON: String { self.extra.compactJSON }
        /// `extra.request_id` when it is a string, else `nil`.
        public package(set) var requestID: String?

        /// Creates an event value, such as an expected row in a test.
        ///
        /// - Parameters:
        ///   - id: The event id.
        ///   - conversationID: The conversation.
        ///   - seq: The position in the conversation.
        ///   - type: The event type.
        ///   - role: The role, if any.
        ///   - content: The text.
        ///   - toolCalls: Always `nil` in this version.
        ///   - toolCallID: The tool call a `tool_result` answers.
        ///   - model: The model of an `assistant_message`.
        ///   - createdAt: The timestamp text.
        ///   - extra: A JSON object; ``requestID`` is its `request_id` when that is a string.
        package init(
            id: String,
            conversationID: String,
            seq: Int64,
            type: String,
            role: String?,
            content: String,
            toolCalls: String? = nil,
            toolCallID: String? = nil,
            model: String? = nil,
            createdAt: String,
            extra: JSONValue
        ) {
            self.id = id
            self.conversationID = conversationID
            self.seq = seq
            self.type = type
            self.role = role
            self.content = content
            self.toolCalls = toolCalls
            self.toolCallID = toolCallID
            self.model = model
            self.createdAt = createdAt
            self.extra = extra
            self.requestID = extra["request_id"]?.stringValue
        }

        /// An event as another engine's store holds it, for reporting it to a scenario run
        /// (`StreamReplayTesting`); `extraJSON` must be a JSON object.
        ///
        /// - Parameters:
        ///   - id: The event id (any unique text).
        ///   - conversationID: The conversation.
        ///   - seq: The position in the conversation, from 1.
        ///   - type: `user_message`, `meta`, `tool_result` or `assistant_message`.
        ///   - role: `user`, `tool`, `assistant`, or `nil`.
        ///   - content: The text.
        ///   - toolCallID: The tool call a `tool_result` answers.
        ///   - model: The model of an `assistant_message`.
        ///   - createdAt: The timestamp text.
        ///   - extraJSON: The metadata, a JSON object text such as `{"request_id":"r1"}`.
        /// - Throws: ``EventStoreError`` with code ``EventStoreError/Code/corruptEvent`` when
        ///   `extraJSON` is not a JSON object.
        public init(
            id: String,
            conversationID: String,
            seq: Int64,
            type: String,
            role: String?,
            content: String,
            toolCallID: String? = nil,
            model: String? = nil,
            createdAt: String,
            extraJSON: String
        ) throws {
            guard let extra = try? JSONValue(parsing: extraJSON), case .object = extra else {
                throw EventStoreError(code: .corruptEvent, message: "the extra of event '\(id)' is not a JSON object")
            }
            self.init(
                id: id,
                conversationID: conversationID,
                seq: seq,
                type: type,
                role: role,
                content: content,
                toolCallID: toolCallID,
                model: model,
                createdAt: createdAt,
                extra: extra
            )
        }

        /// The stored form of an event just written with `seq`.
        init(_ event: NewEvent, seq: Int64) {
            self.init(
                id: event.id,
                conversationID: event.conversationID,
                seq: seq,
                type: event.type,
                role: event.role,
                content: event.content,
                toolCallID: event.toolCallID,
                model: event.model,
                createdAt: event.createdAt,
                extra: event.extra
            )
        }
    }
}

/// The short name inside the package.
package typealias StoredEvent = EventStore.Event

// MARK: - Reading rows

extension StoredEvent {
    /// The columns of `chat_events` in table order, for `SELECT`s that ``init(row:)`` reads.
    ///
    /// Text columns are selected as BLOBs so that a NUL inside them survives (see
    /// `EventStore.bound(_:)`).
    static let selection = """
        CAST(id AS BLOB) AS id, CAST(conversation_id AS BLOB) AS conversation_id, seq,
        CAST(type AS BLOB) AS type, CAST(role AS BLOB) AS role, CAST(content AS BLOB) AS content,
        CAST(tool_calls AS BLOB) AS tool_calls, CAST(tool_call_id AS BLOB) AS tool_call_id,
        CAST(model AS BLOB) AS model, CAST(created_at AS BLOB) AS created_at, CAST(extra AS BLOB) AS extra,
        CAST(request_id AS BLOB) AS request_id
        """

    /// Reads a row selected with ``selection``.
    ///
    /// - Throws: ``EventStoreError`` with code ``EventStoreError/Code/corruptEvent`` when a value
    ///   is missing or of the wrong type, or `extra` is not a JSON object.
    init(row: Row) throws {
        let id: String
        let extraText: String
        do {
            id = try EventStore.string(row, "id")
            conversationID = try EventStore.string(row, "conversation_id")
            seq = try row.decode(Int64.self, forColumn: "seq")
            type = try EventStore.string(row, "type")
            role = try EventStore.optionalString(row, "role")
            content = try EventStore.string(row, "content")
            toolCalls = try EventStore.optionalString(row, "tool_calls")
            toolCallID = try EventStore.optionalString(row, "tool_call_id")
            model = try EventStore.optionalString(row, "model")
            createdAt = try EventStore.string(row, "created_at")
            extraText = try EventStore.string(row, "extra")
            requestID = try EventStore.optionalString(row, "request_id")
        } catch {
            throw EventStoreError(
                code: .corruptEvent,
                message: "a chat_events row has a missing or mistyped value; "
                    + "the database was not written by EventStore, open a fresh file",
                cause: error
            )
        }
        self.id = id
        let extra: JSONValue
        do {
            extra = try JSONValue(parsing: extraText)
        } catch {
            throw EventStoreError(
                code: .corruptEvent,
                message: "the extra of event '\(id)' is not JSON; the database was not written by EventStore",
                cause: error
            )
        }
        guard case .object = extra else {
            throw EventStoreError(
                code: .corruptEvent,
                message: "the extra of event '\(id)' is JSON but not an object; "
                    + "the database was not written by EventStore"
            )
        }
        self.extra = extra
    }
}
