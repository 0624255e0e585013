import Foundation
import StreamReplayFakeLLM
import StreamReplayScenario
import StreamReplayTestSupport
import Testing

@testable import StreamReplayEngine

/// The engine against the fake over real HTTP: one test per line of the contract's message
/// table and per error code, asserting the messages yielded and the rows in SQLite.
@Suite struct EngineEndToEndTests {
    // MARK: The message table

    @Test func textFragmentsAreYieldedAsDeltasOfTheirHop() async throws {
        let harness = EngineHarness(
            llm: "  - stream: [ { role: assistant, text: 'Hel' }, { text: 'lo' }, { finish: stop } ]\n"
        )
        let (messages, rows) = try await harness.turn()
        #expect(
            messages == [
                ChatMessage(type: .text, content: "Hel", metadata: [("type", .string("delta")), ("hop", .int(0))]),
                ChatMessage(type: .text, content: "lo", metadata: [("type", .string("delta")), ("hop", .int(0))]),
            ]
        )
        #expect(rows.map(\.summary) == ["user_message: hi", "assistant_message: Hello"])
        #expect(rows.map(\.seq) == [1, 2])
        let answer = try #require(rows.last)
        #expect(answer.role == "assistant")
        #expect(answer.model == "test-model")
        #expect(answer.requestID == "assistant:r1")
        #expect(answer.extra["finish_reason"] == "stop")
        #expect(answer.extra["user_request_id"] == "r1")
        #expect(rows.first?.extra["request_id"] == "r1")
    }

    @Test func toolCallsAreAnnouncedRunAndAnswered() async throws {
        var harness = EngineHarness(
            llm: """
                  - stream:
                      - tool_call: { index: 0, id: call_1, type: function, name: weather, arguments: '{"city":"Paris"}' }
                      - finish: tool_calls
                  - stream: [ { text: 'Sunny.' }, { finish: stop } ]

                """
        )
        harness.tools = .init(["weather": .success("sunny")])
        harness.configure = { $0.tools = [ToolDefinition(name: "weather", parametersJSON: #"{"type":"object"}"#)] }
        let tools = harness.tools
        let (messages, rows) = try await harness.turn()
        #expect(messages.map(\.type) == [.toolExecution, .text])
        #expect(
            messages.first
                == ChatMessage(
                    type: .toolExecution,
                    content: "Executing 1 tool(s)...",
                    metadata: [("tool_count", .int(1)), ("hop", .int(0))]
                )
        )
        #expect(messages.last?[metadata: "hop"] == .int(1))
        #expect(tools.calls.map(\.argumentsJSON) == [#"{"city":"Paris"}"#])
        #expect(rows.map(\.summary) == ["user_message: hi", "tool_result: sunny", "assistant_message: Sunny."])
        #expect(rows[1].toolCallID == "call_1")
        #expect(rows[1].requestID == "tool:r1:0:0")
        #expect(rows[1].extra["is_error"] == nil)
    }

    @Test func hopLimitYieldsTheWarningWithoutAnnouncingFurtherCalls() async throws {
        var harness = EngineHarness(
            llm: """
                  - stream: [ { tool_call: { index: 0, id: a, name: f, arguments: '{}' } }, { finish: tool_calls } ]
                  - stream: [ { text: 'more' }, { tool_call: { index: 0, id: b, name: f, arguments: '{}' } }, { finish: tool_calls } ]

                """
        )
        harness.tools = .init(["f": .success("ok")])
        harness.configure = { $0.maxToolHops = 1 }
        let tools = harness.tools
        let (messages, rows) = try await harness.turn()
        #expect(messages.map(\.type) == [.toolExecution, .text, .text])
        #expect(
            messages.last
                == ChatMessage(
                    type: .text,
                    content: "\n\n⚠️ Reached maximum tool call limit (1). Stopping to prevent infinite recursion.",
                    metadata: [("finish_reason", .string("tool_limit_reached"))]
                )
        )
        #expect(tools.calls.map(\.id) == ["a"])
        #expect(rows.filter { $0.type == "tool_result" }.count == 1)
    }

    @Test func duplicateRequestIDYieldsTheStoredAnswerCached() async throws {
        let harness = EngineHarness(llm: "  - stream: [ { text: 'Hello' }, { finish: stop } ]\n")
        try await harness.run { engine, store, server in
            _ = try await EngineHarness.collect(engine)
            let again = try await EngineHarness.collect(engine)
            #expect(again == [ChatMessage(type: .text, content: "Hello", metadata: [("cached", .bool(true))])])
            #expect(try store.allEvents().count == 2)
            #expect(await server.journal().count == 1)
        }
    }

    @Test func failureYieldsAnErrorMessageWithCodeAndHop() async throws {
        let harness = EngineHarness(llm: "  - { status: 500, body: 'boom' }\n")
        let (messages, rows) = try await harness.turn()
        let error = try #require(messages.last)
        #expect(error.type == .error)
        #expect(error.errorCode == "http_error")
        #expect(error[metadata: "hop"] == .int(0))
        #expect(error[metadata: "status"] == .int(500))
        #expect(error.content.contains("500") && error.content.contains("boom"))
        #expect(rows.map(\.type) == ["user_message"], "a failure with no text and no tool keeps only the user message")
    }

    // MARK: Error codes

    @Test func rateLimitedCarriesRetryAfterMilliseconds() async throws {
        let harness = EngineHarness(llm: "  - { status: 429, headers: { Retry-After: '3' }, body: 'slow down' }\n")
        let error = try #require(try await harness.turn().messages.last)
        #expect(error.errorCode == "rate_limited")
        #expect(error[metadata: "status"] == .int(429))
        #expect(error[metadata: "retry_after_ms"] == .int(3000))
    }

    @Test func retryAfterMillisecondsHeaderWins() async throws {
        let harness = EngineHarness(
            llm: "  - { status: 429, headers: { Retry-After: '3', retry-after-ms: '250' }, body: '' }\n"
        )
        let error = try #require(try await harness.turn().messages.last)
        #expect(error[metadata: "retry_after_ms"] == .int(250))
    }

    @Test func connectFailedBeforeTheResponseHead() async throws {
        // A bound port that never listens: refused, and no parallel test's server can take it.
        let closed = try ClosedPort()
        let port = closed.port
        defer { withExtendedLifetime(closed) {} }
        let store = try EventStore.temporary()
        defer { try? store.close() }
        let engine = try ChatEngine(
            configuration: ChatEngineConfiguration(baseURL: "http://127.0.0.1:\(port)/v1", model: "m"),
            store: store,
            tools: EngineHarness.Tools()
        )
        let messages = try await EngineHarness.collect(engine)
        #expect(messages.map(\.errorCode) == ["connect_failed"])
        #expect(try store.allEvents().map(\.type) == ["user_message"])
    }

    @Test func aConnectionNotMadeWithinTheConnectTimeoutFailsWithConnectFailed() async throws {
        // The port's accept queue is full: the SYN is dropped and only the connect timeout ends
        // the attempt (without it the turn would wait for the system's own, minutes).
        let unanswered = try UnansweredPort()
        defer { withExtendedLifetime(unanswered) {} }
        let store = try EventStore.temporary()
        defer { try? store.close() }
        var configuration = ChatEngineConfiguration(baseURL: "http://127.0.0.1:\(unanswered.port)/v1", model: "m")
        configuration.connectTimeout = .milliseconds(150)
        let engine = try ChatEngine(configuration: configuration, store: store, tools: EngineHarness.Tools())
        let messages = try await EngineHarness.collect(engine)
        #expect(messages.map(\.errorCode) == ["connect_failed"])
        #expect(messages.last?.content.contains("no connection was made within the connect timeout") == true)
        #expect(try store.allEvents().map(\.type) == ["user_message"])
    }

    @Test func aConnectTimeoutThatIsNotPositiveIsAnInvalidConfiguration() throws {
        var configuration = ChatEngineConfiguration(baseURL: "http://127.0.0.1:1/v1", model: "m")
        configuration.connectTimeout = .zero
        let store = try EventStore.temporary()
        defer { try? store.close() }
        #expect(throws: ChatEngineError.self) {
            try ChatEngine(configuration: configuration, store: store, tools: EngineHarness.Tools())
        }
    }

    @Test(arguments: [
        ("  - stream: [ { text: 'part' }, { disconnect: true } ]\n", "a cut connection"),
        ("  - done: false\n    stream: [ { text: 'part' } ]\n", "a clean end without finish"),
    ])
    func streamInterruptedKeepsThePartialAnswer(llm: String, what: String) async throws {
        let (messages, rows) = try await EngineHarness(llm: llm).turn()
        #expect(messages.map(\.type) == [.text, .error], "\(what)")
        #expect(messages.last?.errorCode == "stream_interrupted")
        let answer = try #require(rows.last)
        #expect(answer.summary == "assistant_message: part")
        #expect(answer.extra["partial"] == true)
        #expect(answer.extra["error"]?["code"] == "stream_interrupted")
        #expect(answer.extra["finish_reason"] == nil)
    }

    @Test func idleTimeoutOnTheInjectedClock() async throws {
        let clock = VirtualClock()
        var harness = EngineHarness(llm: "  - stream: [ { text: 'wait' }, { delay_ms: 5000 }, { text: 'never' } ]\n")
        harness.configure = { $0.idleTimeout = .milliseconds(1000) }
        harness.dependencies = ChatEngineDependencies(clock: clock)
        harness.pacer = EngineHarness.HoldingPacer()
        try await harness.run { engine, store, _ in
            var messages: [ChatMessage] = []
            for await message in try engine.processMessage(conversationID: "c1", text: "hi", requestID: "r1") {
                messages.append(message)
                if message.type == .text {
                    // The fake now holds its stream; once the engine waits on the clock, time moves.
                    while clock.sleeperCount == 0 { await Task.yield() }
                    clock.advance(by: .milliseconds(1000))
                }
            }
            #expect(messages.map(\.type) == [.text, .error])
            #expect(messages.last?.errorCode == "idle_timeout")
            #expect(try store.allEvents().last?.extra["error"]?["code"] == "idle_timeout")
        }
    }

    @Test(arguments: [
        ("  - stream: [ { raw: \"data: {not json\\n\\n\" } ]\n", "invalid_chunk"),
        ("  - stream: [ { error: { message: 'overloaded' } } ]\n", "provider_error"),
        (
            "  - done: false\n    stream: [ { raw: \"error: {\\\"message\\\":\\\"x\\\"}\\n\\ndata: [DONE]\\n\\n\" } ]\n",
            "provider_error"
        ),
        (
            "  - done: false\n    stream: [ { raw: \"event: error\\ndata: {\\\"error\\\":{\\\"message\\\":\\\"x\\\"}}\\n\\n\" } ]\n",
            "provider_error"
        ),
        ("  - stream: [ { text: 'a' }, { finish: error } ]\n", "provider_error"),
        ("  - { status: 200, body: '{\"id\":\"x\"}' }\n", "not_event_stream"),
        ("  - { status: 404, body: 'no such model' }\n", "http_error"),
    ])
    func streamAndHTTPFailuresHaveTheirCode(llm: String, code: String) async throws {
        let messages = try await EngineHarness(llm: llm).turn().messages
        #expect(messages.last?.errorCode == code)
        #expect(messages.filter { $0.type == .error }.count == 1)
    }

    @Test func providerErrorQuotesTheProvidersMessage() async throws {
        let messages = try await EngineHarness(
            llm: "  - stream: [ { error: { message: 'The model is overloaded' } } ]\n"
        ).turn().messages
        #expect(messages.last?.content.contains("The model is overloaded") == true)
    }

    /// The fake writes 20 chunks and cuts the connection at once, without waiting for the engine
    /// (the real-time pacer): every chunk already sent is yielded and stored, 100 times out of 100.
    /// Reading through AsyncHTTPClient's async body lost the last 8 chunks in 143 of 300 turns.
    @Test func aCutConnectionLosesNoChunkAlreadySent() async throws {
        let frames = (0..<20).map { "{ text: 'w\($0) ' }" }.joined(separator: ", ")
        var harness = EngineHarness(llm: "  - stream: [ \(frames), { disconnect: true } ]\n")
        harness.options = FakeLLMOptions(loop: true)
        let expected = (0..<20).map { "w\($0) " }.joined()
        try await harness.run { engine, store, _ in
            for turn in 0..<100 {
                let messages = try await EngineHarness.collect(
                    engine,
                    conversation: "c\(turn)",
                    requestID: "r\(turn)"
                )
                #expect(messages.filter { $0.type == .text }.map(\.content).joined() == expected)
                #expect(messages.last?.errorCode == "stream_interrupted")
                await engine.waitUntilIdle()
                let stored = try store.events(conversationID: "c\(turn)").last
                #expect(stored?.content == expected)
                #expect(stored?.extra["partial"] == true)
            }
        }
    }

    @Test func cancelledWhenTheCallerStopsReading() async throws {
        var harness = EngineHarness(
            llm: "  - stream: [ { text: 'first' }, { delay_ms: 1 }, { text: 'second' }, { finish: stop } ]\n"
        )
        harness.pacer = EngineHarness.HoldingPacer()
        try await harness.run { engine, store, _ in
            for await message in try engine.processMessage(conversationID: "c1", text: "hi", requestID: "r1") {
                #expect(message.content == "first")
                break
            }
            await engine.waitUntilIdle()
            let rows = try store.allEvents()
            #expect(rows.map(\.summary) == ["user_message: hi", "assistant_message: first"])
            #expect(rows.last?.extra["partial"] == true)
            #expect(rows.last?.extra["error"]?["code"] == "cancelled")
        }
    }

    // MARK: Misuse

    @Test func reservedRequestIDsAreRefusedBeforeAnythingIsWritten() async throws {
        try await EngineHarness(llm: "  []\n").run { engine, store, _ in
            for id in ["assistant:x", "assistant_delta:x", "tool:x"] {
                let error = #expect(throws: ChatEngineError.self) {
                    _ = try engine.processMessage(conversationID: "c", text: "hi", requestID: id)
                }
                #expect(error?.code == .reservedRequestID)
            }
            let rows = try store.allEvents()
            #expect(rows.isEmpty)
        }
    }

    @Test func invalidConfigurationIsRefusedWhenTheEngineIsMade() throws {
        let store = try EventStore.temporary()
        defer { try? store.close() }
        var configuration = ChatEngineConfiguration(baseURL: "http://127.0.0.1:1/v1", model: "m")
        configuration.maxToolHops = 0
        let error = #expect(throws: ChatEngineError.self) {
            _ = try ChatEngine(configuration: configuration, store: store, tools: EngineHarness.Tools())
        }
        #expect(error?.code == .invalidConfiguration)
    }

    @Test func apiKeyIsSentButNeverInTheDescription() async throws {
        var harness = EngineHarness(llm: "  - stream: [ { text: 'ok' }, { finish: stop } ]\n")
        harness.configure = { $0.apiKey = "sk-test-SECRET-123" }
        try await harness.run { engine, _, server in
            _ = try await EngineHarness.collect(engine)
            let headers = try #require(await server.journal().first).headers
            #expect(headers.first { $0.name.lowercased() == "authorization" }?.value == "[redacted]")
        }
        var configuration = ChatEngineConfiguration(baseURL: "http://x", model: "m")
        configuration.apiKey = "sk-test-SECRET-123"
        #expect(!configuration.description.contains("SECRET"))
    }

    // MARK: Volume

    @Test func tenThousandOneCharacterChunksAllArrive() async throws {
        let text = String(repeating: "abcdefghij", count: 1000)
        let harness = EngineHarness(llm: "  - stream: [ { text: '\(text)', split: 1 }, { finish: stop } ]\n")
        let (messages, rows) = try await harness.turn()
        #expect(messages.count == 10_000)
        #expect(rows.last?.content == text)
    }
}

struct TimestampTests {
    @Test(arguments: [
        (Int64(0), "1970-01-01T00:00:00.000Z"),
        (Int64(1_767_225_600_100), "2026-01-01T00:00:00.100Z"),
        (Int64(1_767_225_600_999), "2026-01-01T00:00:00.999Z"),
        (Int64(951_782_400_000), "2000-02-29T00:00:00.000Z"),
        (Int64(4_102_444_799_001), "2099-12-31T23:59:59.001Z"),
        (Int64(-1), "1969-12-31T23:59:59.999Z"),
    ])
    func createdAtIsExactToTheMillisecond(milliseconds: Int64, text: String) {
        #expect(ChatEngine.iso8601(milliseconds: milliseconds) == text)
    }
}

/// Many turns at once against one store.
struct EngineConcurrencyTests {
    static let toolLoop = """
          - request: { messages: { $last: { role: tool } } }
            stream: [ { text: 'done' }, { finish: stop } ]
          - stream: [ { tool_call: { index: 0, id: call_1, name: f, arguments: '{}' } }, { finish: tool_calls } ]

        """

    @Test func hundredConversationsWithToolLoopsAtOnce() async throws {
        var harness = EngineHarness(llm: Self.toolLoop)
        harness.tools = .init(["f": .success("ok")])
        harness.options = FakeLLMOptions(loop: true, match: true)
        try await harness.run { engine, store, _ in
            let results = await withTaskGroup(of: [ChatMessage].self) { group in
                for number in 0..<100 {
                    group.addTask {
                        (try? await EngineHarness.collect(engine, conversation: "c\(number)", requestID: "r")) ?? []
                    }
                }
                var all: [[ChatMessage]] = []
                for await messages in group { all.append(messages) }
                return all
            }
            #expect(results.count == 100)
            let failures = results.filter { $0.map(\.type) != [.toolExecution, .text] }
            #expect(failures.isEmpty, "\(failures.first.map { $0.map(\.description) } ?? [])")
            let rows = try store.allEvents()
            #expect(rows.count == 300)
            for number in 0..<100 {
                let conversation = rows.filter { $0.conversationID == "c\(number)" }
                #expect(conversation.map(\.type) == ["user_message", "tool_result", "assistant_message"])
                #expect(conversation.map(\.seq) == [1, 2, 3])
            }
        }
    }

    @Test func fiftyRacingDuplicatesRunOnce() async throws {
        let harness = EngineHarness(llm: "  - stream: [ { text: 'Hel' }, { text: 'lo' }, { finish: stop } ]\n")
        try await harness.run { engine, store, server in
            let results = await withTaskGroup(of: [ChatMessage].self) { group in
                for _ in 0..<50 {
                    group.addTask { (try? await EngineHarness.collect(engine, requestID: "same")) ?? [] }
                }
                var all: [[ChatMessage]] = []
                for await messages in group { all.append(messages) }
                return all
            }
            #expect(results.allSatisfy { $0.map(\.content).joined() == "Hello" })
            #expect(results.filter { $0.first?[metadata: "cached"] == .bool(true) }.count == 49)
            let rows = try store.allEvents()
            #expect(rows.map(\.type) == ["user_message", "assistant_message"])
            #expect(await server.journal().count == 1)
        }
    }
}
