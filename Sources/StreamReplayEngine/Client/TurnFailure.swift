/// How a turn failed: the `code` and sentence of its `error` message, plus what is known.
struct TurnFailure: Error, Sendable, Hashable {
    var code: String
    var message: String
    var status: Int?
    var retryAfterMilliseconds: Int?
    /// The hop that failed (set by the hop loop).
    var hop: Int?

    static let providerTextLimit = 500

    /// The first 500 Unicode scalars of provider text.
    static func cut(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard scalars.count > Self.providerTextLimit else { return text }
        return String(String.UnicodeScalarView(scalars.prefix(Self.providerTextLimit)))
    }

    static func httpError(status: Int, body: String, retryAfterMilliseconds: Int? = nil) -> TurnFailure {
        let detail = body.isEmpty ? "" : ": \(Self.cut(body))"
        return TurnFailure(
            code: "http_error",
            message: "The provider answered HTTP \(status)\(detail)",
            status: status,
            retryAfterMilliseconds: retryAfterMilliseconds
        )
    }

    static func rateLimited(body: String, retryAfterMilliseconds: Int?) -> TurnFailure {
        var message = "The provider is rate limiting requests (HTTP 429)"
        if let retryAfterMilliseconds { message += "; retry after \(retryAfterMilliseconds) ms" }
        if !body.isEmpty { message += ": \(Self.cut(body))" }
        return TurnFailure(
            code: "rate_limited",
            message: message,
            status: 429,
            retryAfterMilliseconds: retryAfterMilliseconds
        )
    }

    static func connectFailed(_ target: String, reason: String) -> TurnFailure {
        TurnFailure(code: "connect_failed", message: "Could not connect to \(target): \(reason)")
    }

    static func streamInterrupted(_ how: String) -> TurnFailure {
        TurnFailure(code: "stream_interrupted", message: "The stream ended before the answer was complete: \(how)")
    }

    static func idleTimeout(_ timeout: Duration) -> TurnFailure {
        let milliseconds = timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000
        return TurnFailure(code: "idle_timeout", message: "No data arrived from the provider for \(milliseconds) ms")
    }

    static func invalidChunk(_ detail: String) -> TurnFailure {
        TurnFailure(
            code: "invalid_chunk",
            message: "The provider sent a data line that is not a valid JSON chunk (\(detail))"
        )
    }

    static func providerError(_ text: String?) -> TurnFailure {
        guard let text, !text.isEmpty else {
            return TurnFailure(code: "provider_error", message: "The provider reported an error")
        }
        return TurnFailure(code: "provider_error", message: "The provider reported an error: \(Self.cut(text))")
    }

    static func notEventStream(contentType: String?) -> TurnFailure {
        TurnFailure(
            code: "not_event_stream",
            message: "The provider answered 200 with Content-Type '\(contentType ?? "none")', not text/event-stream"
        )
    }

    static func undecodableEncoding(_ encoding: String) -> TurnFailure {
        TurnFailure(
            code: "not_event_stream",
            message:
                "The provider's event stream is encoded with '\(encoding)', which the engine does not decode (it reads gzip and deflate)"
        )
    }

    static let cancelled = TurnFailure(code: "cancelled", message: "The turn was cancelled before it completed")

    /// The `error` message of this failure at hop `hop`.
    func message(hop: Int?, cached: Bool = false) -> ChatMessage {
        var metadata: [(key: String, value: ChatMessage.MetadataValue)] = [("code", .string(self.code))]
        if let hop { metadata.append(("hop", .int(hop))) }
        if let status { metadata.append(("status", .int(status))) }
        if let retryAfterMilliseconds { metadata.append(("retry_after_ms", .int(retryAfterMilliseconds))) }
        if cached { metadata.append(("cached", .bool(true))) }
        return ChatMessage(type: .error, content: self.message, metadata: metadata)
    }
}
