import Foundation
import NIOCore
import NIOHTTP1
import StreamReplayScenario

extension FakeLLMServer {
    /// The path and query of a request target: an absolute-form target (`http://host/v1/…`, as a
    /// client sends it through an HTTP proxy) is accepted as its path, as RFC 9112 asks of servers.
    static func originForm(_ target: String) -> String {
        guard let scheme = target.range(of: "://"), target.hasPrefix("http") else { return target }
        let afterAuthority = target[scheme.upperBound...]
        guard let slash = afterAuthority.firstIndex(where: { $0 == "/" || $0 == "?" }) else { return "/" }
        let rest = String(afterAuthority[slash...])
        return rest.hasPrefix("?") ? "/" + rest : rest
    }

    /// Answers one request. Returns `false` when the connection was closed by the answer.
    func respond(to head: HTTPRequestHead, body: ByteBuffer, channel: any Channel) async throws -> Bool {
        let parts = Self.originForm(head.uri).split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let path = String(parts.first ?? "")
        let query = parts.count > 1 ? String(parts[1]) : ""
        let headers = head.headers.map { name, value in
            Header(name: name, value: Redactor().redact(header: name, value: value))
        }
        // A model request: chat completions, or another profile's endpoint.
        if head.method == .POST, let endpoint = StreamAnswer.Profile(path: path) {
            return try await self.chatCompletion(
                head: head,
                path: path,
                endpoint: endpoint,
                headers: headers,
                body: body,
                channel: channel
            )
        }
        switch (head.method, path) {
        case (.GET, "/v1/models"), (.GET, "/models"):
            await self.state.record(method: head.method.rawValue, path: path, headers: headers, status: 200)
            let models = await self.state.models.map { model in
                ScenarioValue.object([
                    .init("id", .string(model)), .init("object", .string("model")),
                    .init("created", .int(FakeLLMState.created)), .init("owned_by", .string("stream-replay")),
                ])
            }
            try await self.writeJSON(
                status: .ok,
                .object([.init("object", .string("list")), .init("data", .array(models))]),
                channel: channel
            )
        case (.GET, "/_stream-replay/requests"):
            let since =
                query.split(separator: "&").compactMap { pair -> Int? in
                    let field = pair.split(separator: "=", maxSplits: 1)
                    return field.count == 2 && field[0] == "since" ? Int(field[1]) : nil
                }.first ?? 0
            let requests = await self.state.requests(since: since)
            let totals = await self.state.totals()
            try await self.writeJSON(
                status: .ok,
                .object([
                    .init("count", .int(requests.count)), .init("received", .int(totals.received)),
                    .init("requests", .array(requests.map(\.json))),
                ]),
                channel: channel
            )
        case (.POST, "/_stream-replay/reset"):
            await self.state.reset()
            try await self.writeJSON(status: .ok, .object([.init("reset", .bool(true))]), channel: channel)
        default:
            await self.state.record(method: head.method.rawValue, path: path, headers: headers, status: 404)
            try await self.writeJSON(
                status: .notFound,
                Self.providerError(
                    message:
                        "Unknown request URL: \(head.method.rawValue) \(path). This fake serves POST /v1/chat/completions, POST /v1/messages, POST /v1/responses and GET /v1/models.",
                    type: "invalid_request_error",
                    param: nil,
                    code: .string("unknown_url")
                ),
                channel: channel
            )
        }
        return true
    }

    private func chatCompletion(
        head: HTTPRequestHead,
        path: String,
        endpoint: StreamAnswer.Profile,
        headers: [Header],
        body: ByteBuffer,
        channel: any Channel
    ) async throws -> Bool {
        let decision = await self.state.decide(
            method: head.method.rawValue,
            path: path,
            headers: headers,
            body: Array(body.readableBytesView),
            endpoint: endpoint
        )
        self.tap?.requestArrived(number: decision.number)
        do {
            return try await self.respond(to: decision, head: head, endpoint: endpoint, channel: channel)
        } catch {
            self.tap?.answerEnded(requestNumber: decision.number, how: .clientGone)
            // A writer that failed before counting: its answer is accounted for all the same.
            if let number = decision.answerNumber { await self.state.accounted(number) }
            throw error
        }
    }

    /// Writes the answer `decision` stands for; returns whether the connection stays open.
    /// `endpoint` is the API the request came to: its errors are in that provider's shape.
    private func respond(
        to decision: FakeLLMState.Decision,
        head: HTTPRequestHead,
        endpoint: StreamAnswer.Profile,
        channel: any Channel
    ) async throws -> Bool {
        switch decision {
        case .reject(_, let problem):
            let error = Self.providerError(
                message: problem.message,
                type: "invalid_request_error",
                param: problem.param,
                code: problem.code.map { .string($0) } ?? .null,
                status: .badRequest,
                endpoint: endpoint
            )
            try await self.writeJSON(number: decision.number, status: .badRequest, error, channel: channel)
            return true
        case .beyondScript(_, let chatNumber, let name, let count):
            let error = Self.providerError(
                message:
                    "stream-replay: request \(chatNumber) is beyond the script of scenario '\(name)', which has \(count) llm entr\(count == 1 ? "y" : "ies")",
                type: "script_exhausted",
                param: nil,
                code: .string("script_exhausted"),
                extra: [.init("scenario", .string(name)), .init("request_number", .int(chatNumber))],
                status: .internalServerError,
                endpoint: endpoint
            )
            try await self.writeJSON(number: decision.number, status: .internalServerError, error, channel: channel)
            return true
        case .noMatch(_, let message):
            try await self.writeJSON(
                number: decision.number,
                status: .notFound,
                Self.providerError(
                    message: message,
                    type: "invalid_request_error",
                    param: nil,
                    code: .string("no_match"),
                    status: .notFound,
                    endpoint: endpoint
                ),
                channel: channel
            )
            return true
        case .unknownModel(_, let model, let available):
            try await self.writeJSON(
                number: decision.number,
                status: .notFound,
                Self.providerError(
                    message:
                        "The model `\(model)` does not exist. Available models: \(available.joined(separator: ", "))",
                    type: "invalid_request_error",
                    param: "model",
                    code: .string("model_not_found"),
                    status: .notFound,
                    endpoint: endpoint
                ),
                channel: channel
            )
            return true
        case .plain(let number, _, let answer):
            var responseHeaders = HTTPHeaders(answer.headers.map { ($0.name, $0.value) })
            if !responseHeaders.contains(name: "content-type") {
                let looksLikeJSON = (try? ScenarioValue.parseJSON(Array(answer.body.utf8))) != nil
                responseHeaders.add(
                    name: "content-type",
                    value: looksLikeJSON ? "application/json" : "text/plain; charset=utf-8"
                )
            }
            if !responseHeaders.contains(name: "content-length") {
                responseHeaders.add(name: "content-length", value: String(answer.body.utf8.count))
            }
            let status = HTTPResponseStatus(statusCode: answer.status)
            try await channel.writeAndFlush(
                HTTPServerResponsePart.head(
                    HTTPResponseHead(version: head.version, status: status, headers: responseHeaders)
                )
            ).get()
            if !answer.body.isEmpty {
                let body = ByteBuffer(string: answer.body)
                self.tap?.wrote(body, requestNumber: number)
                try await channel.writeAndFlush(HTTPServerResponsePart.body(.byteBuffer(body))).get()
            }
            try await channel.writeAndFlush(HTTPServerResponsePart.end(nil)).get()
            self.tap?.answerEnded(requestNumber: number, how: .complete)
            await self.state.finish(
                number: number,
                writes: answer.body.isEmpty ? 0 : 1,
                bytes: answer.body.utf8.count,
                disconnected: false
            )
            return true
        case .rawResponse(let number, let bytes):
            // Take HTTP out of the pipeline: the bytes go to the socket as they are.
            try await channel.eventLoop.flatSubmit {
                do {
                    let pipeline = channel.pipeline.syncOperations
                    let encoder = try pipeline.handler(type: HTTPResponseEncoder.self)
                    let assistant = try pipeline.handler(type: HTTPServerPipelineHandler.self)
                    let errors = try pipeline.handler(type: HTTPServerProtocolErrorHandler.self)
                    pipeline.removeHandler(encoder, promise: nil)
                    pipeline.removeHandler(assistant, promise: nil)
                    pipeline.removeHandler(errors, promise: nil)
                    if let validator = try? pipeline.handler(type: NIOHTTPResponseHeadersValidator.self) {
                        pipeline.removeHandler(validator, promise: nil)
                    }
                    return channel.eventLoop.makeSucceededVoidFuture()
                } catch {
                    return channel.eventLoop.makeFailedFuture(error)
                }
            }.get()
            self.tap?.wrote(ByteBuffer(bytes: bytes), requestNumber: number)
            try await channel.writeAndFlush(ByteBuffer(bytes: bytes)).get()
            self.tap?.answerEnded(requestNumber: number, how: .cut)
            await self.state.finish(number: number, writes: 1, bytes: bytes.count, disconnected: true)
            try? await channel.close()
            return false
        case .stream(let number, _, let plan, let extraHeaders):
            var responseHeaders = HTTPHeaders([
                ("content-type", "text/event-stream; charset=utf-8"),
                ("cache-control", "no-cache"),
                ("x-request-id", FakeLLMServer.responseID(number: number)),
            ])
            for header in extraHeaders {
                responseHeaders.replaceOrAdd(name: header.name, value: header.value)
            }
            // HTTP/1.1 without a length: the body is chunked, and each piece goes out already
            // framed as one chunk (HTTP/1.0 and a scripted length: the bytes as they are).
            let chunked =
                (head.version.major, head.version.minor) >= (1, 1) && !responseHeaders.contains(name: "content-length")
                && !responseHeaders.contains(name: "transfer-encoding")
            if chunked { responseHeaders.add(name: "transfer-encoding", value: "chunked") }
            var writer = AnswerWriter(
                channel: channel,
                head: HTTPResponseHead(version: head.version, status: .ok, headers: responseHeaders),
                chunked: chunked
            )
            var disconnected = false
            do {
                /// Before a pause or a cut everything queued goes to the socket; what the pacer sees.
                func flushedContext() async throws -> PacerContext {
                    try await writer.flush()
                    return PacerContext(
                        requestNumber: number,
                        responseID: FakeLLMServer.responseID(number: number),
                        bytesWritten: writer.bytes
                    )
                }
                for step in plan.steps {
                    switch step {
                    case .write(let buffer):
                        self.tap?.wrote(buffer, requestNumber: number)
                        try await writer.append(buffer)
                    case .pause(let milliseconds):
                        try await self.pacer.pause(milliseconds: milliseconds, context: try await flushedContext())
                    case .disconnect:
                        try await self.pacer.willDisconnect(context: try await flushedContext())
                        disconnected = true
                    case .barrier:
                        try await self.pacer.waitUntilConsumed(context: try await flushedContext())
                    }
                    if disconnected { break }
                }
                try await writer.flush()
            } catch {
                // The client went away (or the pacer ended the answer): keep what was sent.
                await self.state.finish(
                    number: number,
                    writes: writer.writes,
                    bytes: writer.bytes,
                    disconnected: false
                )
                throw error
            }
            self.tap?.answerEnded(requestNumber: number, how: disconnected ? .cut : .complete)
            await self.state.finish(
                number: number,
                writes: writer.writes,
                bytes: writer.bytes,
                disconnected: disconnected
            )
            if disconnected {
                try? await channel.close()
                return false
            }
            try await channel.writeAndFlush(HTTPServerResponsePart.end(nil)).get()
            return true
        }
    }

    /// The `x-request-id` of the answer to journal request `number`.
    ///
    /// - Parameter number: The request's journal number (``RecordedRequest/number``).
    /// - Returns: `req_stream_replay_{number}`.
    public static func responseID(number: Int) -> String {
        "req_stream_replay_\(number)"
    }

    /// Writes a JSON answer; `number` is the chat request it answers, for the tap (none for the
    /// fake's own routes).
    private func writeJSON(
        number: Int? = nil,
        status: HTTPResponseStatus,
        _ value: ScenarioValue,
        channel: any Channel
    ) async throws {
        let body = ByteBuffer(string: value.jsonString)
        if let number { self.tap?.wrote(body, requestNumber: number) }
        let headers = HTTPHeaders([
            ("content-type", "application/json"), ("content-length", String(body.readableBytes)),
        ])
        try await channel.writeAndFlush(
            HTTPServerResponsePart.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))
        ).get()
        try await channel.writeAndFlush(HTTPServerResponsePart.body(.byteBuffer(body))).get()
        try await channel.writeAndFlush(HTTPServerResponsePart.end(nil)).get()
        if let number { self.tap?.answerEnded(requestNumber: number, how: .complete) }
    }

    /// An error body in the shape of the API at `endpoint`: OpenAI's `{error: {message, type,
    /// param, code}}` (chat completions and Responses), or Anthropic's `{type: error, error:
    /// {type, message}}` with the error type Anthropic gives that status; `extra` members go in
    /// the inner object.
    static func providerError(
        message: String,
        type: String,
        param: String?,
        code: ScenarioValue,
        extra: [ScenarioValue.Member] = [],
        status: HTTPResponseStatus = .badRequest,
        endpoint: StreamAnswer.Profile = .openai
    ) -> ScenarioValue {
        if endpoint == .anthropic {
            let anthropicType =
                switch status.code {
                case 401: "authentication_error"
                case 403: "permission_error"
                case 404: "not_found_error"
                case 413: "request_too_large"
                case 429: "rate_limit_error"
                case 529: "overloaded_error"
                case 500...: "api_error"
                default: "invalid_request_error"
                }
            return .object([
                .init("type", .string("error")),
                .init(
                    "error",
                    .object([.init("type", .string(anthropicType)), .init("message", .string(message))] + extra)
                ),
            ])
        }
        return .object([
            .init(
                "error",
                .object(
                    [
                        .init("message", .string(message)), .init("type", .string(type)),
                        .init("param", param.map { .string($0) } ?? .null), .init("code", code),
                    ] + extra
                )
            )
        ])
    }
}
