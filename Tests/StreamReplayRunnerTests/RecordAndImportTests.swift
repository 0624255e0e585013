import Foundation
import StreamReplayCapture
import StreamReplayEngine
import StreamReplayFakeLLM
import StreamReplayRunner
import StreamReplayScenario
import StreamReplayTestSupport
import Testing

/// Record through the proxy against the fake as if it were a provider, then replay offline.
struct RecordAndImportTests {
    struct NoTools: ToolExecutor {
        func execute(_ call: ToolInvocation) async throws -> String { throw UnknownToolError(name: call.name) }
    }

    private func provider(_ yaml: String) throws -> FakeLLMScript {
        FakeLLMScript(
            scenario: try ScenarioLoader(options: .init(requireTurns: false)).load(yaml: yaml, file: "provider.yaml")
        )
    }

    private func temporaryDirectory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("sr-rec-\(UUID().uuidString)").path
    }

    @Test func recordedExchangeReplaysToTheSameMessagesAndEvents() async throws {
        let provider = try provider(
            """
            engine: { model: provider-model }
            llm:
              - framing: { write_size: 37 }
                stream:
                  - role: assistant
                    text: "Grüße aus Köln, "
                  - delay_ms: 30
                  - text: "user@example.com "
                  - text: "and goodbye."
                  - finish: stop
                  - usage: { prompt_tokens: 3, completion_tokens: 5, total_tokens: 8 }
            """
        )
        let output = self.temporaryDirectory()
        let secret = "sk-test-SECRET-4242"
        let live: (messages: [ChatMessage], events: [StoredEvent]) = try await FakeLLMServer.withRunning(
            script: provider
        ) { server in
            let options = RecordingProxy.Options(
                upstream: server.baseURL,
                outputDirectory: output,
                redact: ["[\\w.]+@[\\w.]+"]
            )
            return try await RecordingProxy.withRunning(options: options) { proxy in
                let store = try EventStore.temporary()
                defer { try? store.close() }
                var configuration = ChatEngineConfiguration(
                    baseURL: proxy.baseURL + "/v1",
                    apiKey: secret,
                    model: "provider-model"
                )
                configuration.persistDeltas = false
                let engine = try ChatEngine(configuration: configuration, store: store, tools: NoTools())
                var messages: [ChatMessage] = []
                for await message in try engine.processMessage(
                    conversationID: "conv-1",
                    text: "Say hello",
                    requestID: "r1"
                ) {
                    messages.append(message)
                }
                await engine.waitUntilIdle()
                // The provider saw the key (the proxy forwards it) …
                let forwarded = await server.journal().first?.headers.contains {
                    $0.name.lowercased() == "authorization"
                }
                #expect(forwarded == true)
                await proxy.waitUntilWritten(count: 1)
                #expect(proxy.files.count == 1)
                return (messages, try store.allEvents())
            }
        }
        #expect(live.messages.map(\.content).joined() == "Grüße aus Köln, user@example.com and goodbye.")

        // … but no written file holds it, nor the redacted address.
        let files = try FileManager.default.contentsOfDirectory(atPath: output).map { output + "/" + $0 }
        #expect(files.count == 1)
        for file in files {
            let text = try String(contentsOfFile: file, encoding: .utf8)
            #expect(!text.contains("SECRET"))
            #expect(!text.contains("user@example.com"))
            #expect(text.contains("delay_ms"))
        }

        // Replay offline: the same messages (the address redacted) and the same events.
        let scenario = try ScenarioLoader().load(file: files[0])
        let snapshot = try await ScenarioRunner().snapshot(scenario)
        let replayed = snapshot["messages"]?.arrayValue?.compactMap { $0["content"]?.stringValue } ?? []
        let redactedLive = live.messages.map {
            $0.content.replacingOccurrences(of: "user@example.com", with: "[redacted]")
        }
        #expect(replayed == redactedLive)
        let events = snapshot["events"]?.arrayValue ?? []
        #expect(events.map { $0["type"] } == live.events.map { .string($0.type) })
        #expect(events.last?["extra"]?["usage"]?["total_tokens"] == .int(8))
        let summary = await ScenarioRunner(options: .init(jobs: 1)).run(files: files)
        #expect(summary.results.map(\.verdict) == [.pass])
    }

    @Test func aCutUpstreamIsRecordedAsACutAndReplaysAsOne() async throws {
        let provider = try provider(
            "llm:\n  - stream: [ { role: assistant, text: 'half an ans' }, { disconnect: true } ]\n"
        )
        let output = self.temporaryDirectory()
        let live: [ChatMessage] = try await FakeLLMServer.withRunning(script: provider) { server in
            let options = RecordingProxy.Options(upstream: server.baseURL, outputDirectory: output)
            return try await RecordingProxy.withRunning(options: options) { proxy in
                let store = try EventStore.temporary()
                defer { try? store.close() }
                let configuration = ChatEngineConfiguration(baseURL: proxy.baseURL + "/v1", model: "m")
                let engine = try ChatEngine(configuration: configuration, store: store, tools: NoTools())
                var messages: [ChatMessage] = []
                for await message in try engine.processMessage(conversationID: "c", text: "hi", requestID: "r1") {
                    messages.append(message)
                }
                await engine.waitUntilIdle()
                await proxy.waitUntilWritten(count: 1)
                return messages
            }
        }
        #expect(live.map(\.errorCode).last == "stream_interrupted")
        let files = try FileManager.default.contentsOfDirectory(atPath: output).map { output + "/" + $0 }
        let text = try String(contentsOfFile: try #require(files.first), encoding: .utf8)
        #expect(text.contains("(the upstream cut the connection)"))
        #expect(text.hasSuffix("      - disconnect: true\n"))
        // Replayed offline, the engine meets the same cut: the text so far, then the same error.
        let snapshot = try await ScenarioRunner().snapshot(try ScenarioLoader().load(file: files[0]))
        let replayed = snapshot["messages"]?.arrayValue ?? []
        #expect(replayed.compactMap { $0["content"]?.stringValue } == live.map(\.content))
        #expect(replayed.last?["metadata"]?["code"] == .string("stream_interrupted"))
    }

    /// An exchange on `/v1/messages` is recorded with `profile: anthropic`, its bytes kept, its
    /// matcher and user message read from the Messages request; replayed, the same bytes.
    @Test func anAnthropicExchangeIsRecordedInItsProfileAndReplaysItsBytes() async throws {
        let provider = try provider("llm:\n  - stream: [ { text: 'Bonjour' }, { finish: stop } ]\n")
        var providerOptions = FakeLLMOptions()
        providerOptions.profile = .anthropic
        let output = self.temporaryDirectory()
        let body =
            #"{"model":"claude-x","max_tokens":32,"stream":true,"messages":[{"role":"user","content":[{"type":"text","text":"Salut"}]}]}"#
        let live = try await FakeLLMServer.withRunning(script: provider, options: providerOptions) { server in
            let options = RecordingProxy.Options(upstream: server.baseURL, outputDirectory: output)
            return try await RecordingProxy.withRunning(options: options) { proxy in
                let exchange = try await RawHTTPClient.post(path: "/v1/messages", json: body, port: proxy.port)
                await proxy.waitUntilWritten(count: 1)
                return exchange.response?.body ?? []
            }
        }
        #expect(String(decoding: live, as: UTF8.self).contains("event: message_start"))
        let file = try #require(try FileManager.default.contentsOfDirectory(atPath: output).first)
        let scenario = try ScenarioLoader().load(file: output + "/" + file)
        let stream = try #require(scenario.llm.first?.body.stream)
        #expect(stream.profile == .anthropic)
        #expect(scenario.turns.first?.user == "Salut")
        #expect(scenario.engine.model == "claude-x")
        let replayed = try await FakeLLMServer.withRunning(script: FakeLLMScript(scenario: scenario)) { server in
            try await RawHTTPClient.post(path: "/v1/messages", json: body, port: server.port).response?.body
        }
        #expect(replayed == live, "the replay is the recorded bytes")
    }

    @Test(arguments: ["sse", "jsonl", "har"])
    func importedCapturesLoadAndReplay(format: String) async throws {
        let text: String
        switch format {
        case "sse":
            text =
                #"data: {"choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}"# + "\n\n"
                + #"data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"# + "\r\n\r\ndata: [DONE]\n\n"
        case "jsonl":
            text =
                #"{"model":"m1","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}"# + "\n"
                + #"{"model":"m1","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"# + "\n"
        default:
            let body = ScenarioValue.string(
                #"data: {"choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":"stop"}]}"#
                    + "\n\ndata: [DONE]\n\n"
            ).jsonString
            text = """
                {"log":{"entries":[{"request":{"method":"POST","url":"https://api.example.com/v1/chat/completions",
                "postData":{"text":"{\\"model\\":\\"m2\\",\\"messages\\":[{\\"role\\":\\"user\\",\\"content\\":\\"Greet me\\"}]}"}},
                "response":{"status":200,"headers":[],"content":{"mimeType":"text/event-stream","text":\(body)}}}]}}
                """
        }
        #expect(TrafficImporter.detect(Array(text.utf8)).rawValue == format)
        let writer = try TrafficImporter.scenario(
            from: Array(text.utf8),
            file: "capture.\(format)",
            user: format == "har" ? nil : "Greet me"
        )
        let scenario = try ScenarioLoader().load(yaml: writer.yaml, file: "imported.yaml")
        #expect(scenario.turns.first?.user == "Greet me")
        let snapshot = try await ScenarioRunner().snapshot(scenario)
        #expect(snapshot["messages"]?.arrayValue?.compactMap { $0["content"]?.stringValue } == ["Hi"])
        if format == "sse" {
            // Event boundaries and line endings are kept byte for byte.
            guard let stream = scenario.llm.first?.body.stream else {
                Issue.record("expected a stream")
                return
            }
            let bytes = stream.frames.flatMap { frame -> [UInt8] in
                if let bytes = frame.rawBytes { return bytes }
                return []
            }
            #expect(bytes == Array(text.utf8))
            #expect(stream.frames.count == 3)
        }
    }
}
