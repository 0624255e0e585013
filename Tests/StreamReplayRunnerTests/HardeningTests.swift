import Foundation
import StreamReplayCapture
import StreamReplayFakeLLM
import StreamReplayRunner
import StreamReplayScenario
import StreamReplayTestSupport
import Synchronization
import Testing

/// Regressions of the hardening issue that live in the runner's library: recordings never
/// overwritten, imports that refuse what is not a stream, and the fake's own account of each
/// answer read before the report.
struct HardeningTests {
    private func temporaryDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sr-hard-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    private func script(_ yaml: String) throws -> FakeLLMScript {
        FakeLLMScript(
            scenario: try ScenarioLoader(options: .init(requireTurns: false)).load(yaml: yaml, file: "provider.yaml")
        )
    }

    // MARK: record never overwrites

    /// Records one streamed exchange with a fake provider into `output`; returns the files written.
    private func recordOneExchange(into output: String) async throws -> [String] {
        let provider = try self.script("llm:\n  - stream: [ { text: hi }, { finish: stop } ]\n")
        return try await FakeLLMServer.withRunning(script: provider) { server in
            let options = RecordingProxy.Options(upstream: server.baseURL, outputDirectory: output)
            return try await RecordingProxy.withRunning(options: options) { proxy in
                _ = try await RawHTTPClient.post(
                    path: "/v1/chat/completions",
                    json: #"{"model":"m","stream":true,"messages":[{"role":"user","content":"hi"}]}"#,
                    port: proxy.port
                )
                await proxy.waitUntilWritten(count: 1)
                return proxy.files
            }
        }
    }

    @Test func recordContinuesTheNumberingOfEarlierRecordings() async throws {
        let output = try self.temporaryDirectory()
        let earlier = "# my earlier recording\n"
        try earlier.write(toFile: output + "/exchange-001.yaml", atomically: true, encoding: .utf8)
        try earlier.write(toFile: output + "/exchange-007.yaml", atomically: true, encoding: .utf8)
        let files = try await self.recordOneExchange(into: output)
        #expect(files == [output + "/exchange-008.yaml"])
        #expect(try String(contentsOfFile: output + "/exchange-001.yaml", encoding: .utf8) == earlier)
        #expect(try String(contentsOfFile: output + "/exchange-007.yaml", encoding: .utf8) == earlier)
        #expect(try String(contentsOfFile: files[0], encoding: .utf8).contains("recorded exchange 8"))
    }

    @Test func recordPointsEditorsAtTheSchemaOfTheProject() async throws {
        let project = try self.temporaryDirectory()
        try FileManager.default.createDirectory(atPath: project + "/docs", withIntermediateDirectories: true)
        try "{}".write(toFile: project + "/docs/scenario.schema.json", atomically: true, encoding: .utf8)
        let output = project + "/scenarios/recorded"
        let files = try await self.recordOneExchange(into: output)
        let yaml = try String(contentsOfFile: try #require(files.first), encoding: .utf8)
        #expect(yaml.hasPrefix("# yaml-language-server: $schema=../../docs/scenario.schema.json\n"))
        _ = try ScenarioLoader().load(yaml: yaml, file: "recorded.yaml")
    }

    @Test func recordReportsEachForwardThatFails() async throws {
        let output = try self.temporaryDirectory()
        let problems = Mutex<[String]>([])
        let closed = try ClosedPort()
        let upstream = "http://127.0.0.1:\(closed.port)"
        var options = RecordingProxy.Options(upstream: upstream, outputDirectory: output)
        options.onProblem = { line in problems.withLock { $0.append(line) } }
        let exchange = try await RecordingProxy.withRunning(options: options) { proxy in
            try await RawHTTPClient.post(path: "/v1/chat/completions", json: #"{"messages":[]}"#, port: proxy.port)
        }
        #expect(exchange.response?.status == 502)
        let lines = problems.withLock { $0 }
        #expect(lines.count == 1)
        #expect(lines.first?.contains("could not forward POST /v1/chat/completions to \(upstream)") == true)
        withExtendedLifetime(closed) {}
        #expect(lines.first?.contains("Connection refused") == true)
    }

    // MARK: import refuses what is not a stream

    @Test(arguments: [
        ("random.bin", [UInt8](repeating: 0xFF, count: 64) + [0x00, 0x9F, 0x92], "bytes that are not UTF-8 text"),
        ("prose.txt", Array("Dear team, the stream broke again.\n".utf8), "text with no `data:` line"),
        ("object.json", Array(#"{"a":1}"#.utf8), "found 1 JSON line(s), none with a `choices` list"),
        (
            "events.sse", Array("data: {\"hello\":1}\n\ndata: [DONE]\n\n".utf8),
            "2 SSE data line(s), none a chat-completions chunk"
        ),
    ])
    func importRefusesInputWithoutAChunk(name: String, bytes: [UInt8], found: String) throws {
        do {
            _ = try TrafficImporter.scenario(from: bytes, file: name, user: nil)
            Issue.record("\(name) was imported")
        } catch {
            #expect(error.description.hasPrefix("\(name): no chat-completions chunk in it: found "))
            #expect(error.description.contains(found), "\(error.description)")
        }
    }

    @Test func snapshotOfACaptureEndingInToolCallsSaysWhatIsMissing() async throws {
        let yaml = """
            turns: [ { user: weather? } ]
            llm:
              - stream:
                  - tool_call: { index: 0, id: c1, name: get_weather, arguments: '{}' }
                  - finish: tool_calls
            """
        let scenario = try ScenarioLoader().load(yaml: yaml, file: "imported.yaml")
        do {
            _ = try await ScenarioRunner().snapshot(scenario)
            Issue.record("a snapshot of the fake's own 500 was taken")
        } catch let incomplete as SnapshotIncomplete {
            #expect(incomplete.toolNames == ["get_weather"])
            #expect(incomplete.description.contains("Add an llm entry that answers the follow-up"))
        }
    }

    // MARK: the fake's account of each answer

    /// Holds the fake at a `disconnect` frame until released, after it flushed the bytes before it.
    final class Gate: FakeLLMPacer, Sendable {
        private let state = Mutex<(entered: Bool, release: CheckedContinuation<Void, Never>?)>((false, nil))
        let entered = AsyncStream<Void>.makeStream()

        func pause(milliseconds: Int, context: PacerContext) async throws {}

        func willDisconnect(context: PacerContext) async throws {
            await withCheckedContinuation { continuation in
                self.state.withLock { $0 = (true, continuation) }
                self.entered.continuation.yield()
            }
        }

        func open() {
            let continuation = self.state.withLock { state in
                defer { state.release = nil }
                return state.release
            }
            continuation?.resume()
        }
    }

    @Test func settledWaitsForTheWritersOwnAccount() async throws {
        let gate = Gate()
        let provider = try self.script("llm:\n  - stream: [ { text: one }, { text: two }, { disconnect: true } ]\n")
        let journal = try await FakeLLMServer.withRunning(script: provider, pacer: gate) { server in
            let request = Task {
                try await RawHTTPClient.post(
                    path: "/v1/chat/completions",
                    json: #"{"model":"test-model","stream":true,"messages":[{"role":"user","content":"hi"}]}"#,
                    port: server.port
                )
            }
            var entered = gate.entered.stream.makeAsyncIterator()
            _ = await entered.next()
            // The answer's bytes are out, its account is not: settled() must wait for it.
            let settled = Task { () -> [RecordedRequest] in
                await server.settled()
                return await server.journal()
            }
            gate.open()
            _ = try? await request.value
            return await settled.value
        }
        #expect(journal.count == 1)
        #expect(journal.first?.writes ?? 0 > 0)
        #expect(journal.first?.bytesWritten ?? 0 > 0)
        #expect(journal.first?.disconnected == true)
    }
}
