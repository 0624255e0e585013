import Foundation
import StreamReplayFakeLLM
import StreamReplayScenario
import StreamReplayTestSupport
import Testing

struct FakeLLMServerTests {
    @Test func writeSizeMakesOneFlushedWritePerPieceAndExactBytes() async throws {
        let yaml = """
            llm:
              - framing: { write_size: 7 }
                stream:
                  - text: Hello, wörld — this is a longer answer
                  - finish: stop
            """
        try await FakeLLMServer.withRunning(script: try script(yaml)) { server in
            let exchange = try await RawHTTPClient.post(
                path: "/v1/chat/completions",
                json: userRequest,
                port: server.port
            )
            let response = try #require(exchange.response)
            let request = try #require(await server.journal().first)
            #expect(request.writes == (response.body.count + 6) / 7)
            #expect(request.bytesWritten == response.body.count)
            #expect(exchange.reads.count > 1, "the socket saw several reads")
            #expect(dataLines(of: response.body).last == "[DONE]")
        }
    }

    @Test func withoutWriteSizeEachEventIsOneWrite() async throws {
        let yaml =
            "llm:\n  - stream:\n      - text: a\n      - comment: c\n      - raw: 'data: x\n\n'\n      - finish: stop\n"
        try await FakeLLMServer.withRunning(script: try script(yaml)) { server in
            _ = try await RawHTTPClient.post(path: "/v1/chat/completions", json: userRequest, port: server.port)
            #expect(await server.journal().first?.writes == 5)  // text, comment, raw, finish, [DONE]
        }
    }

    /// On the wire each event is one whole HTTP chunk (the fake frames it itself), then the
    /// zero-size chunk; an HTTP/1.0 request gets the same events unframed, ended by the close.
    @Test func eachEventIsOneHTTPChunkAndHTTP10GetsThemUnframed() async throws {
        let yaml = "llm:\n  - stream:\n      - text: a\n      - comment: c\n      - finish: stop\n"
        try await FakeLLMServer.withRunning(script: try script(yaml), options: FakeLLMOptions(loop: true)) { server in
            let exchange = try await RawHTTPClient.post(
                path: "/v1/chat/completions",
                json: userRequest,
                port: server.port
            )
            let framing = try #require(httpChunks(exchange.bytes))
            let chunks = framing.chunks
            #expect(framing.trailingBytes == 0)
            #expect(chunks.count == 5)  // text, comment, finish, [DONE], the zero-size chunk
            #expect(chunks.dropLast().allSatisfy { $0.hasSuffix("\n\n") && !$0.dropLast(2).contains("\n\n") })
            #expect(chunks[1] == ": c\n\n")
            #expect(chunks[3] == "data: [DONE]\n\n")
            #expect(chunks.last == "")

            let body = #"{"messages":[{"role":"user","content":"x"}]}"#
            let request =
                "POST /v1/chat/completions HTTP/1.0\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
            let old = try #require(try await RawHTTPClient.send(Array(request.utf8), port: server.port).response)
            #expect(old.header("transfer-encoding") == nil)
            #expect(old.bodyText == chunks.dropLast().joined())
        }
    }

    @Test func delayGoesThroughThePacerAfterFlushingPendingBytes() async throws {
        let yaml = """
            llm:
              - framing: { write_size: 1000 }
                stream:
                  - text: ab
                  - delay_ms: 250
                  - text: cd
            """
        let pacer = RecordingPacer()
        try await FakeLLMServer.withRunning(script: try script(yaml), pacer: pacer) { server in
            let exchange = try await RawHTTPClient.post(
                path: "/v1/chat/completions",
                json: userRequest,
                port: server.port
            )
            let firstChunkBytes =
                try #require(exchange.response?.bodyText.components(separatedBy: "\n\n").first).utf8.count + 2
            #expect(pacer.pauses.map(\.milliseconds) == [250])
            #expect(
                pacer.pauses.first?.context
                    == PacerContext(requestNumber: 1, responseID: "req_stream_replay_1", bytesWritten: firstChunkBytes)
            )
            #expect(await server.journal().first?.writes == 2)
        }
    }

    @Test func disconnectClosesWithoutDoneAndWithoutEndingTheBody() async throws {
        let yaml = "llm:\n  - stream:\n      - text: partial\n      - disconnect: true\n      - text: never sent\n"
        try await FakeLLMServer.withRunning(script: try script(yaml)) { server in
            let exchange = try await RawHTTPClient.post(
                path: "/v1/chat/completions",
                json: userRequest,
                port: server.port
            )
            let response = try #require(exchange.response)
            #expect(!response.isComplete, "no terminating chunk: the client sees a cut connection")
            let data = dataLines(of: response.body)
            #expect(data.count == 1)
            #expect(!data.contains("[DONE]"))
            #expect(await server.journal().first?.disconnected == true)
        }
    }

    @Test func rateLimitAnswerCarriesRetryAfter() async throws {
        let yaml = """
            llm:
              - status: 429
                headers: { Retry-After: "2" }
                body: { error: { message: Rate limit reached, type: requests, code: rate_limit_exceeded } }
            """
        try await FakeLLMServer.withRunning(script: try script(yaml)) { server in
            let response = try #require(
                try await RawHTTPClient.post(path: "/v1/chat/completions", json: userRequest, port: server.port)
                    .response
            )
            #expect(response.status == 429)
            #expect(response.header("retry-after") == "2")
            #expect(response.header("content-type") == "application/json")
            #expect(
                response.bodyText
                    == #"{"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}}"#
            )
        }
    }

    @Test func plainAnswersServerErrorAndNonSSE200() async throws {
        let yaml = """
            llm:
              - { status: 500, body: upstream exploded }
              - { status: 200, body: { id: x, choices: [] } }
            """
        try await FakeLLMServer.withRunning(script: try script(yaml)) { server in
            let first = try #require(
                try await RawHTTPClient.post(path: "/v1/chat/completions", json: userRequest, port: server.port)
                    .response
            )
            #expect(first.status == 500)
            #expect(first.bodyText == "upstream exploded")
            #expect(first.header("content-type") == "text/plain; charset=utf-8")
            let second = try #require(
                try await RawHTTPClient.post(path: "/chat/completions", json: userRequest, port: server.port).response
            )
            #expect(second.status == 200)
            #expect(second.header("content-type") == "application/json")
            #expect(second.bodyText == #"{"id":"x","choices":[]}"#)
        }
    }

    @Test func requestBeyondTheScriptGets500NamingScenarioAndNumber() async throws {
        let yaml = "name: tiny\nllm:\n  - stream: [ { text: x } ]\n"
        try await FakeLLMServer.withRunning(script: try script(yaml)) { server in
            _ = try await RawHTTPClient.post(path: "/v1/chat/completions", json: userRequest, port: server.port)
            let response = try #require(
                try await RawHTTPClient.post(path: "/v1/chat/completions", json: userRequest, port: server.port)
                    .response
            )
            #expect(response.status == 500)
            let error = try ScenarioValue.parseJSON(response.body)["error"]
            #expect(error?["scenario"] == .string("tiny"))
            #expect(error?["request_number"] == .int(2))
            #expect(
                error?["message"]?.stringValue?.contains("request 2 is beyond the script of scenario 'tiny'") == true
            )
            #expect(await server.unusedAnswers() == 0)
        }
    }

    @Test(arguments: [
        (#"not json"#, "could not parse the JSON body"),
        (#"{"model":"m"}"#, "Missing required parameter: 'messages'"),
        (
            #"{"messages":[{"role":"tool","tool_call_id":"a","content":"x"}]}"#,
            "must be a response to a preceeding message with 'tool_calls'"
        ),
        (
            #"{"messages":[{"role":"user","content":"q"},{"role":"assistant","content":"","tool_calls":[{"id":"a","type":"function","function":{"name":"f","arguments":"{}"}}]},{"role":"tool","tool_call_id":"b","content":"x"}]}"#,
            "must be a response"
        ),
        (
            #"{"messages":[{"role":"user","content":"q"},{"role":"assistant","content":"","tool_calls":[{"id":"a","type":"function","function":{"name":"f","arguments":"{}"}},{"id":"b","type":"function","function":{"name":"f","arguments":"{}"}}]},{"role":"tool","tool_call_id":"a","content":"x"}]}"#,
            "did not have response messages: b"
        ),
    ])
    func invalidConversationGetsProvider400WithoutUsingAnEntry(body: String, reason: String) async throws {
        let yaml = "llm:\n  - stream: [ { text: x } ]\n"
        try await FakeLLMServer.withRunning(script: try script(yaml)) { server in
            let response = try #require(
                try await RawHTTPClient.post(path: "/v1/chat/completions", json: body, port: server.port).response
            )
            #expect(response.status == 400)
            let error = try ScenarioValue.parseJSON(response.body)["error"]
            #expect(error?["type"] == .string("invalid_request_error"))
            #expect(error?["message"]?.stringValue?.contains(reason) == true)
            let recorded = try #require(await server.journal().first)
            #expect(recorded.status == 400)
            #expect(recorded.rejection?.contains(reason) == true)
            #expect(recorded.entry == nil)
            #expect(await server.unusedAnswers() == 1)
        }
    }

    @Test func validToolConversationIsAccepted() async throws {
        let body =
            #"{"messages":[{"role":"user","content":"q"},{"role":"assistant","content":"","tool_calls":[{"id":"a","type":"function","function":{"name":"f","arguments":"{}"}}]},{"role":"tool","tool_call_id":"a","content":"x"}]}"#
        try await FakeLLMServer.withRunning(script: try script("llm:\n  - stream: [ { text: x } ]\n")) { server in
            let response = try #require(
                try await RawHTTPClient.post(path: "/v1/chat/completions", json: body, port: server.port).response
            )
            #expect(response.status == 200)
        }
    }

    @Test func journalRecordsRequestsWithSecretsRedacted() async throws {
        try await FakeLLMServer.withRunning(script: try script("llm:\n  - stream: [ { text: x } ]\n")) { server in
            _ = try await RawHTTPClient.post(
                path: "/v1/chat/completions",
                json: userRequest,
                headers: [("Authorization", "Bearer sk-test-SECRET"), ("api-key", "SECRET2"), ("X-Trace", "t1")],
                port: server.port
            )
            let request = try #require(await server.journal().first)
            #expect(request.number == 1)
            #expect(request.method == "POST")
            #expect(request.path == "/v1/chat/completions")
            #expect(request.entry == 0)
            #expect(request.body?["messages"]?.arrayValue?.first?["content"] == .string("Hi"))
            #expect(request.headers.first { $0.name == "Authorization" }?.value == "[redacted]")
            #expect(request.headers.first { $0.name == "api-key" }?.value == "[redacted]")
            #expect(request.headers.first { $0.name == "X-Trace" }?.value == "t1")
            // The control endpoint serves the same journal, without the secret.
            let journal = try #require(
                try await RawHTTPClient.get(path: "/_stream-replay/requests", port: server.port).response
            )
            #expect(!journal.bodyText.contains("SECRET"))
            #expect(try ScenarioValue.parseJSON(journal.body)["count"] == .int(1))
        }
    }

    @Test func journalBodiesHaveTheirSecretsRedactedButTheAnswerSeesTheBody() async throws {
        let key = "sk-proj-AbC_12-xyz0123456789abcdefGHIJ"
        let yaml = """
            llm:
              - request: { messages: { $last: { content: { $contains: \(key) } } } }
                stream: [ { text: x } ]
            """
        let body =
            #"{"model":"test-model","api_key":"field-SECRET","max_tokens":5,"messages":[{"role":"user","content":"key \#(key)"}]}"#
        try await FakeLLMServer.withRunning(script: try script(yaml), options: .init(match: true)) { server in
            let response = try #require(
                try await RawHTTPClient.post(
                    path: "/v1/chat/completions",
                    json: body,
                    headers: [("X-Upstream-Key", key)],
                    port: server.port
                ).response
            )
            #expect(response.status == 200, "the request matcher saw the key")
            let request = try #require(await server.journal().first)
            #expect(request.body?["api_key"] == .string("[redacted]"))
            #expect(request.body?["max_tokens"] == .int(5))
            #expect(request.body?["messages"]?.arrayValue?.first?["content"] == .string("key [redacted]"))
            #expect(request.headers.first { $0.name == "X-Upstream-Key" }?.value == "[redacted]")
            let journal = try #require(
                try await RawHTTPClient.get(path: "/_stream-replay/requests", port: server.port).response
            )
            #expect(!journal.bodyText.contains("SECRET"))
            #expect(!journal.bodyText.contains(key))
            // A body that is not JSON is kept as text, redacted too.
            _ = try await RawHTTPClient.post(path: "/v1/chat/completions", json: "oops \(key)", port: server.port)
            #expect(await server.journal().last?.invalidBodyText == "oops [redacted]")
        }
    }

    @Test func resetRewindsTheScript() async throws {
        try await FakeLLMServer.withRunning(script: try script("llm:\n  - stream: [ { text: x } ]\n")) { server in
            _ = try await RawHTTPClient.post(path: "/v1/chat/completions", json: userRequest, port: server.port)
            let reset = try #require(
                try await RawHTTPClient.post(path: "/_stream-replay/reset", json: "", port: server.port).response
            )
            #expect(reset.status == 200)
            #expect(await server.journal().isEmpty)
            let again = try #require(
                try await RawHTTPClient.post(path: "/v1/chat/completions", json: userRequest, port: server.port)
                    .response
            )
            #expect(again.status == 200)
        }
    }

    @Test func modelsEndpointListsTheScenarioModelsThenItsOtherNames() async throws {
        let yaml = "engine: { model: m1 }\nllm:\n  - model: m2\n    stream: [ { text: x } ]\n"
        try await FakeLLMServer.withRunning(script: try script(yaml)) { server in
            let response = try #require(try await RawHTTPClient.get(path: "/v1/models", port: server.port).response)
            let ids = try ScenarioValue.parseJSON(response.body)["data"]?.arrayValue?.compactMap {
                $0["id"]?.stringValue
            }
            // The models, then the file name (here also the scenario's name): each routes a request.
            #expect(ids == ["m1", "m2", "inline"])
        }
    }

    @Test func unknownPathIs404() async throws {
        try await FakeLLMServer.withRunning(script: try script("llm: []\n")) { server in
            let response = try #require(try await RawHTTPClient.get(path: "/v1/embeddings", port: server.port).response)
            #expect(response.status == 404)
        }
    }

    @Test func bindsLoopbackOnAnEphemeralPort() async throws {
        try await FakeLLMServer.withRunning(script: try script("llm: []\n")) { server in
            #expect(server.host == "127.0.0.1")
            #expect(server.port > 0)
            #expect(server.baseURL == "http://127.0.0.1:\(server.port)/v1")
        }
    }

    @Test func portInUseIsAClearError() async throws {
        try await FakeLLMServer.withRunning(script: try script("llm: []\n")) { server in
            let error = await #expect(throws: FakeLLMError.self) {
                try await FakeLLMServer.withRunning(script: try script("llm: []\n"), port: server.port) { _ in }
            }
            #expect(error?.code == .portInUse)
            #expect(error?.message.contains("port \(server.port)") == true)
        }
    }

    @Test func keepAliveConnectionServesSeveralRequests() async throws {
        let yaml = "llm:\n  - stream: [ { text: one } ]\n  - stream: [ { text: two } ]\n"
        try await FakeLLMServer.withRunning(script: try script(yaml)) { server in
            let body = userRequest
            let one =
                "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
            let two =
                "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)"
            let exchange = try await RawHTTPClient.send(Array((one + two).utf8), port: server.port)
            let text = String(decoding: exchange.bytes, as: UTF8.self)
            #expect(text.components(separatedBy: "HTTP/1.1 200 OK").count == 3)
            #expect(await server.journal().map(\.entry) == [0, 1])
        }
    }
}

/// The payloads of a chunked response's chunks, in order (the last is the zero-size one), and how
/// many bytes follow the zero-size chunk's CRLF; `nil` if the framing is broken.
private func httpChunks(_ bytes: [UInt8]) -> (chunks: [String], trailingBytes: Int)? {
    func find(_ needle: [UInt8], from start: Int) -> Int? {
        var index = start
        while index + needle.count <= bytes.count {
            if Array(bytes[index..<index + needle.count]) == needle { return index }
            index += 1
        }
        return nil
    }
    guard let headEnd = find([13, 10, 13, 10], from: 0) else { return nil }
    var index = headEnd + 4
    var chunks: [String] = []
    while let lineEnd = find([13, 10], from: index) {
        guard let size = Int(String(decoding: bytes[index..<lineEnd], as: UTF8.self), radix: 16) else { return nil }
        let start = lineEnd + 2
        guard start + size + 2 <= bytes.count, bytes[start + size] == 13, bytes[start + size + 1] == 10 else {
            return nil
        }
        chunks.append(String(decoding: bytes[start..<start + size], as: UTF8.self))
        index = start + size + 2
        if size == 0 { return (chunks, bytes.count - index) }
    }
    return nil
}
