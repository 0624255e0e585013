import StreamReplayFakeLLM
import StreamReplaySSE
import StreamReplayScenario
import StreamReplayTestSupport
import Testing

/// The same frames as Anthropic Messages and OpenAI Responses streams, on their own endpoints.
struct WireProfileTests {
    /// A text answer split in two, then a tool call split in three, each a whole answer.
    static let yaml = """
        llm:
          - stream:
              - { role: assistant, text: "Hello there", split: 6 }
              - comment: keep-alive
              - finish: stop
                usage: { prompt_tokens: 7, completion_tokens: 2, total_tokens: 9 }
          - stream:
              - tool_call: { index: 0, id: call_1, name: get_weather, arguments: '{"city":"Paris"}' }
                split: 6
              - finish: tool_calls
        """

    private static func events(_ body: [UInt8]) -> [SSEEvent] {
        var parser = SSEStreamParser()
        return parser.push(body) + parser.finish()
    }

    private static func json(_ event: SSEEvent) throws -> ScenarioValue {
        try ScenarioValue.parseJSON(Array((event.data ?? "").utf8))
    }

    @Test func anthropicGetsMessagesEventsWithBlocksAndDeltas() async throws {
        try await FakeLLMServer.withRunning(script: try script(Self.yaml)) { server in
            let body =
                #"{"model":"test-model","max_tokens":64,"stream":true,"messages":[{"role":"user","content":"Hi"}]}"#
            let text = try #require(
                try await RawHTTPClient.post(path: "/v1/messages", json: body, port: server.port).response
            )
            #expect(text.status == 200)
            let events = Self.events(text.body)
            #expect(
                events.map(\.type) == [
                    "message_start", "content_block_start", "content_block_delta", "content_block_delta", "ping",
                    "content_block_stop", "message_delta", "message_stop",
                ]
            )
            for event in events {
                #expect(try Self.json(event)["type"]?.stringValue == event.type, "the payload's type repeats the event")
            }
            let first = try Self.json(events[2])["delta"]
            #expect(first?["type"] == .string("text_delta") && first?["text"] == .string("Hello "))
            #expect(try Self.json(events[6])["delta"]?["stop_reason"] == .string("end_turn"))
            #expect(try Self.json(events[6])["usage"]?["output_tokens"] == .int(2))
            #expect(!text.bodyText.contains("[DONE]"))

            let tools = try #require(
                try await RawHTTPClient.post(path: "/v1/messages", json: body, port: server.port).response
            )
            let toolEvents = Self.events(tools.body)
            let start = try Self.json(toolEvents[1])["content_block"]
            #expect(start?["type"] == .string("tool_use") && start?["id"] == .string("call_1"))
            #expect(start?["name"] == .string("get_weather"))
            let partial = try toolEvents.filter { $0.type == "content_block_delta" }.map {
                try Self.json($0)["delta"]?["partial_json"]?.stringValue ?? ""
            }
            #expect(partial == [#"{"city"#, #"":"Par"#, #"is"}"#])
            #expect(try Self.json(toolEvents[toolEvents.count - 2])["delta"]?["stop_reason"] == .string("tool_use"))
        }
    }

    @Test func responsesGetsTypedEventsAndACompletedResponse() async throws {
        try await FakeLLMServer.withRunning(script: try script(Self.yaml)) { server in
            let body = #"{"model":"test-model","stream":true,"input":"Hi"}"#
            let text = try #require(
                try await RawHTTPClient.post(path: "/v1/responses", json: body, port: server.port).response
            )
            let events = Self.events(text.body)
            #expect(events.first?.type == "response.created" && events.last?.type == "response.completed")
            let deltas = try events.filter { $0.type == "response.output_text.delta" }.map {
                try Self.json($0)["delta"]?.stringValue ?? ""
            }
            #expect(deltas == ["Hello ", "there"])
            let numbers = try events.map { try Self.json($0)["sequence_number"] }
            #expect(numbers == events.indices.map { .int($0) }, "sequence numbers count from 0")
            let completed = try Self.json(try #require(events.last))["response"]
            #expect(completed?["usage"]?["input_tokens"] == .int(7) && completed?["usage"]?["output_tokens"] == .int(2))
            #expect(
                completed?["output"]?.arrayValue?.first?["content"]?.arrayValue?.first?["text"]
                    == .string("Hello there")
            )

            let tools = try #require(
                try await RawHTTPClient.post(path: "/v1/responses", json: body, port: server.port).response
            )
            let toolEvents = Self.events(tools.body)
            let added = try #require(toolEvents.first { $0.type == "response.output_item.added" })
            let item = try Self.json(added)["item"]
            #expect(item?["type"] == .string("function_call") && item?["call_id"] == .string("call_1"))
            let done = try #require(toolEvents.first { $0.type == "response.function_call_arguments.done" })
            #expect(try Self.json(done)["arguments"] == .string(#"{"city":"Paris"}"#))
        }
    }

    @Test func eachEndpointRefusesAnInvalidConversationInItsProvidersShape() async throws {
        try await FakeLLMServer.withRunning(script: try script(Self.yaml)) { server in
            let orphan = #"""
                {"model":"test-model","max_tokens":10,"messages":[{"role":"user","content":"Hi"},
                 {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_9","content":"x"}]}]}
                """#
            let anthropic = try #require(
                try await RawHTTPClient.post(path: "/v1/messages", json: orphan, port: server.port).response
            )
            #expect(anthropic.status == 400)
            let error = try ScenarioValue.parseJSON(anthropic.body)
            #expect(error["type"] == .string("error") && error["error"]?["type"] == .string("invalid_request_error"))
            #expect(error["error"]?["message"]?.stringValue?.contains("toolu_9") == true)
            let noMax = try #require(
                try await RawHTTPClient.post(
                    path: "/v1/messages",
                    json: #"{"model":"test-model","messages":[]}"#,
                    port: server.port
                ).response
            )
            #expect(noMax.status == 400 && noMax.bodyText.contains("max_tokens: Field required"))
            let output =
                #"{"model":"test-model","input":[{"type":"function_call_output","call_id":"call_9","output":"x"}]}"#
            let responses = try #require(
                try await RawHTTPClient.post(path: "/v1/responses", json: output, port: server.port).response
            )
            #expect(responses.status == 400)
            #expect(try ScenarioValue.parseJSON(responses.body)["error"]?["param"] == .string("input[0]"))
            // A refusal uses up no answer: the next valid request gets the first entry.
            let valid = #"{"model":"test-model","max_tokens":10,"messages":[{"role":"user","content":"Hi"}]}"#
            let first = try #require(
                try await RawHTTPClient.post(path: "/v1/messages", json: valid, port: server.port).response
            )
            #expect(first.bodyText.contains("text_delta"))
        }
    }

    @Test func anEntryThatNamesAProfileIsServedOnlyOnItsEndpoint() async throws {
        let yaml = """
            llm:
              - profile: anthropic
                stream: [ { text: hi }, { finish: stop } ]
            """
        try await FakeLLMServer.withRunning(script: try script(yaml)) { server in
            let wrong = try #require(
                try await RawHTTPClient.post(path: "/v1/chat/completions", json: userRequest, port: server.port)
                    .response
            )
            #expect(wrong.status == 404)
            #expect(wrong.bodyText.contains("llm[0] is played as anthropic (POST /v1/messages)"))
            let journaled = try #require(await server.journal().first)
            #expect(journaled.status == 404 && journaled.entry == nil, "no entry answered it")
            let valid = #"{"model":"test-model","max_tokens":10,"messages":[{"role":"user","content":"Hi"}]}"#
            let right = try #require(
                try await RawHTTPClient.post(path: "/v1/messages", json: valid, port: server.port).response
            )
            #expect(right.status == 200 && right.bodyText.contains("event: message_start"))
        }
    }

    @Test func aRunWideProfilePlaysTheSameFramesOnItsEndpoint() async throws {
        var options = FakeLLMOptions()
        options.profile = .openaiResponses
        try await FakeLLMServer.withRunning(script: try script(Self.yaml), options: options) { server in
            let chat = try #require(
                try await RawHTTPClient.post(path: "/v1/chat/completions", json: userRequest, port: server.port)
                    .response
            )
            #expect(chat.status == 404 && chat.bodyText.contains("POST /v1/responses"))
            // Every error on the Messages endpoint is in Anthropic's shape, a 404 included.
            let valid = #"{"model":"test-model","max_tokens":10,"messages":[{"role":"user","content":"Hi"}]}"#
            let messages = try #require(
                try await RawHTTPClient.post(path: "/v1/messages", json: valid, port: server.port).response
            )
            let error = try ScenarioValue.parseJSON(messages.body)
            #expect(messages.status == 404)
            #expect(error["type"] == .string("error") && error["error"]?["type"] == .string("not_found_error"))
            #expect(error["error"]?["message"]?.stringValue?.contains("is played as openai-responses") == true)
            let body = #"{"model":"test-model","stream":true,"input":"Hi"}"#
            let responses = try #require(
                try await RawHTTPClient.post(path: "/v1/responses", json: body, port: server.port).response
            )
            #expect(responses.bodyText.contains("event: response.output_text.delta"))
        }
    }

    /// An empty id continues the call (as chat-completions clients read it); arguments sent as
    /// an object go out as their JSON text, the only form both APIs carry.
    @Test func anEmptyIdContinuesTheCallAndObjectArgumentsGoAsText() async throws {
        let yaml = """
            llm:
              - stream:
                  - tool_call: { index: 0, id: call_x, name: f, arguments: '{"a"' }
                  - tool_call: { index: 0, id: "", arguments: ': 1}' }
                  - tool_call: { index: 1, id: call_y, name: g, arguments: { b: 2 } }
                  - finish: tool_calls
            """
        var options = FakeLLMOptions()
        options.profile = .anthropic
        try await FakeLLMServer.withRunning(script: try script(yaml), options: options) { server in
            let body =
                #"{"model":"test-model","max_tokens":64,"stream":true,"messages":[{"role":"user","content":"Hi"}]}"#
            let answer = try #require(
                try await RawHTTPClient.post(path: "/v1/messages", json: body, port: server.port).response
            )
            let payloads = try Self.events(answer.body).map(Self.json)
            let starts = payloads.filter { $0["type"] == .string("content_block_start") }
            #expect(starts.map { $0["content_block"]?["id"] } == [.string("call_x"), .string("call_y")])
            var joined: [Int: String] = [:]
            for payload in payloads where payload["delta"]?["type"] == .string("input_json_delta") {
                guard case .int(let index)? = payload["index"] else { continue }
                joined[index, default: ""] += payload["delta"]?["partial_json"]?.stringValue ?? ""
            }
            #expect(joined == [0: #"{"a": 1}"#, 1: #"{"b":2}"#])
        }
    }

    /// `sweep: bytes` cuts the bytes the frame is played as: in another profile, that API's events
    /// for it, as they follow the frames before (a block's start comes with its first delta).
    @Test func theBytesASweepCutsAreThoseOfTheProfile() async throws {
        let yaml = """
            llm:
              - profile: anthropic
                stream:
                  - { text: "Hi " }
                  - { text: "there", sweep: bytes }
                  - finish: stop
            """
        let played = try script(yaml)
        let anthropic = try #require(played.eventBytes(entry: 0, frame: 1))
        let text = String(decoding: anthropic, as: UTF8.self)
        #expect(text.hasPrefix("event: content_block_delta\n"), "the block started with the first frame")
        #expect(text.contains(#""text":"there""#) && !text.contains("chat.completion.chunk"))
        let first = String(decoding: try #require(played.eventBytes(entry: 0, frame: 0)), as: UTF8.self)
        #expect(first.hasPrefix("event: message_start\n"))
        let valid = #"{"model":"test-model","max_tokens":64,"stream":true,"messages":[{"role":"user","content":"Hi"}]}"#
        let body = try await FakeLLMServer.withRunning(script: played) { server in
            try await RawHTTPClient.post(path: "/v1/messages", json: valid, port: server.port).response?.bodyText ?? ""
        }
        #expect(body.contains(first + text), "the bytes are those the fake plays, in order")
    }

    /// Each API's own rules, each a 400 in its provider's shape and words.
    @Test(arguments: [
        ("/v1/messages", #"{"max_tokens":5,"messages":[{"role":"user","content":"hi"}]}"#, "model: Field required"),
        (
            "/v1/messages", #"{"model":"m","max_tokens":"5","messages":[{"role":"user","content":"hi"}]}"#,
            "max_tokens: Input should be a valid integer"
        ),
        (
            "/v1/messages", #"{"model":"m","max_tokens":0,"messages":[{"role":"user","content":"hi"}]}"#,
            "max_tokens: Input should be greater than or equal to 1"
        ),
        ("/v1/messages", #"{"model":"m","max_tokens":5,"messages":[]}"#, "messages: at least one message is required"),
        (
            "/v1/messages",
            #"{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"f","input":{}}]},{"role":"user","content":"and?"}]}"#,
            "messages.1: `tool_use` ids were found without `tool_result` blocks immediately after: toolu_1."
        ),
        ("/v1/responses", #"{"input":"hi"}"#, "Missing required parameter: 'model'."),
        (
            "/v1/responses", #"{"model":"m","input":5}"#,
            "Invalid type for 'input': expected one of a string or array of input items, but got an integer instead."
        ),
    ])
    func eachAPIsOwnRuleIsA400InItsShape(path: String, body: String, message: String) async throws {
        try await FakeLLMServer.withRunning(script: try script(Self.yaml)) { server in
            let answer = try #require(try await RawHTTPClient.post(path: path, json: body, port: server.port).response)
            #expect(answer.status == 400)
            let error = try ScenarioValue.parseJSON(answer.body)
            if path == "/v1/messages" {
                #expect(error["type"] == .string("error"))
                #expect(error["error"]?["type"] == .string("invalid_request_error"))
            }
            #expect(error["error"]?["message"]?.stringValue?.hasPrefix(message) == true, "\(answer.bodyText)")
        }
    }

    @Test func aToolLoopInEachAPIsShapeIsValid() async throws {
        try await FakeLLMServer.withRunning(script: try script(Self.yaml)) { server in
            let messages =
                #"{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"f","input":{}}]},{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"ok"}]}]}"#
            let anthropic = try await RawHTTPClient.post(path: "/v1/messages", json: messages, port: server.port)
            #expect(anthropic.response?.status == 200, "\(anthropic.response?.bodyText ?? "")")
            let responses =
                #"{"model":"m","input":[{"role":"user","content":"hi"},{"type":"function_call","call_id":"c1","name":"f","arguments":"{}"},{"type":"function_call_output","call_id":"c1","output":"ok"}]}"#
            let openai = try await RawHTTPClient.post(path: "/v1/responses", json: responses, port: server.port)
            #expect(openai.response?.status == 200, "\(openai.response?.bodyText ?? "")")
        }
    }
}
