/// One Server-Sent Event, as dispatched by ``SSEDecoder``.
///
/// The WHATWG algorithm dispatches an event at each blank line when the block before it had a
/// `data` field. ``SSEDecoder`` also dispatches blocks that carried only fields the specification
/// would drop (such as a provider's non-standard `error:` line) or a `retry`, so that callers can
/// see them; such events have `data == nil`.
public struct SSEEvent: Sendable, Hashable {
    /// The event type: the last `event` field of the block, or `"message"`.
    public var type: String
    /// The `data` lines of the block joined with `"\n"`, or `nil` when the block had no `data` field.
    public var data: String?
    /// The last event ID buffer at dispatch time (the most recent `id` field without a NUL).
    public var lastEventID: String
    /// The `retry` value of this block, when it had a valid one (ASCII digits only).
    public var retry: Int?
    /// Fields the specification does not know (neither `data`, `event`, `id` nor `retry`), in order.
    public var extraFields: [SSEField]
    /// `false` when the stream ended before the blank line that should end this event.
    ///
    /// The WHATWG algorithm discards such an event; ``SSEDecoder`` hands it over flagged, so that a
    /// caller can accept a final `data: [DONE]` that lacks its blank line and lose nothing received.
    public var isTerminated: Bool

    /// Creates an event.
    ///
    /// - Parameters:
    ///   - type: The event type; `message` by default.
    ///   - data: The data, lines joined with `"\n"`; `nil` for a block without `data`.
    ///   - lastEventID: The last event ID; empty by default.
    ///   - retry: The `retry` value, if any.
    ///   - extraFields: Fields the specification does not know, in order.
    ///   - isTerminated: `false` for an event the end of the stream cut off.
    public init(
        type: String = "message",
        data: String?,
        lastEventID: String = "",
        retry: Int? = nil,
        extraFields: [SSEField] = [],
        isTerminated: Bool = true
    ) {
        self.type = type
        self.data = data
        self.lastEventID = lastEventID
        self.retry = retry
        self.extraFields = extraFields
        self.isTerminated = isTerminated
    }

    /// The value of the first extra field with this name, if any.
    ///
    /// - Parameter name: The field name, such as `error`; compared exactly (case-sensitive).
    /// - Returns: Its value, or `nil` when no extra field has that name.
    public func extraField(_ name: String) -> String? {
        self.extraFields.first { $0.name == name }?.value
    }
}

/// A field line of an SSE stream: `name: value`.
public struct SSEField: Sendable, Hashable {
    /// The field name, before the first colon.
    public var name: String
    /// The value after the colon, with one leading space removed.
    public var value: String

    /// Creates a field.
    ///
    /// - Parameters:
    ///   - name: The field name.
    ///   - value: The field value.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}
