public import StreamReplayScenario

/// One request the fake received, as kept in its journal.
public struct RecordedRequest: Sendable, Hashable {
    /// 1-based, in order of arrival.
    public var number: Int
    /// The HTTP method, such as `POST`.
    public var method: String
    /// The request path without its query, such as `/v1/chat/completions`.
    public var path: String
    /// The request headers in order; the values of secret headers (`Authorization`, `api-key`,
    /// `x-api-key`, cookies) and the secrets in other values are replaced by `[redacted]`.
    public var headers: [Scenario.Header]
    /// The body parsed as JSON, when it is JSON, with its secrets (API keys, bearer tokens,
    /// `api_key`/`password`/… fields) replaced by `[redacted]`.
    public var body: ScenarioValue?
    /// The body as text, kept only when it is not JSON (to show what was wrong), secrets redacted.
    public var invalidBodyText: String?
    /// The scenario whose script answered (several scripts are routed by model).
    public var scenario: String?
    /// With `--loop`: the pass over the script (1 for the first).
    public var round: Int?
    /// The 0-based `llm` entry that answered, or `nil` (rejected, beyond the script, not a chat request).
    public var entry: Int?
    /// The HTTP status answered; 0 for an answer written as raw bytes (`raw_response`).
    public var status: Int
    /// Why the request was refused with a 400, in a provider's words.
    public var rejection: String?
    /// Flushed writes of response body bytes.
    public var writes: Int
    /// Response body bytes written.
    public var bytesWritten: Int
    /// Whether the answer ended with a `disconnect` frame.
    public var disconnected: Bool

    /// A request not yet answered: no entry, status 0, nothing written.
    ///
    /// - Parameters:
    ///   - number: The journal number, 1-based, in order of arrival.
    ///   - method: The HTTP method.
    ///   - path: The request path without its query.
    ///   - headers: The request headers in order, secrets already redacted.
    ///   - body: The body parsed as JSON, secrets already redacted; `nil` when it is not JSON.
    public init(number: Int, method: String, path: String, headers: [Scenario.Header], body: ScenarioValue?) {
        self.number = number
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
        self.invalidBodyText = nil
        self.entry = nil
        self.scenario = nil
        self.round = nil
        self.status = 0
        self.rejection = nil
        self.writes = 0
        self.bytesWritten = 0
        self.disconnected = false
    }

    /// Whether it was a model request: chat completions, or another profile's endpoint
    /// (`/v1/messages`, `/v1/responses`).
    public var isChatCompletion: Bool {
        self.method == "POST" && Scenario.StreamAnswer.Profile(path: self.path) != nil
    }

    /// The journal's JSON form (`GET /_stream-replay/requests`).
    public var json: ScenarioValue {
        var members: [ScenarioValue.Member] = [
            .init("number", .int(self.number)),
            .init("method", .string(self.method)),
            .init("path", .string(self.path)),
            .init("headers", .object(self.headers.map { .init($0.name, .string($0.value)) })),
            .init("body", self.body ?? .null),
        ]
        if let invalidBodyText { members.append(.init("invalid_body", .string(invalidBodyText))) }
        if let scenario { members.append(.init("scenario", .string(scenario))) }
        members.append(.init("entry", self.entry.map { .int($0) } ?? .null))
        if let round { members.append(.init("round", .int(round))) }
        members.append(.init("status", .int(self.status)))
        if let rejection { members.append(.init("rejection", .string(rejection))) }
        members.append(.init("writes", .int(self.writes)))
        members.append(.init("bytes_written", .int(self.bytesWritten)))
        members.append(.init("disconnected", .bool(self.disconnected)))
        return .object(members)
    }
}
