import Foundation
import StreamReplayCapture
import StreamReplayFakeLLM
import StreamReplayRunner
import StreamReplayScenario
import Testing

/// Live mode against the fake served on loopback as if it were a provider.
struct LiveModeTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    private func provider(_ yaml: String) throws -> FakeLLMScript {
        FakeLLMScript(
            scenario: try ScenarioLoader(options: .init(requireTurns: false)).load(yaml: yaml, file: "provider.yaml")
        )
    }

    @Test func liveScenariosRunAgainstTheEndpointAndOthersAreSkipped() async throws {
        let weather = Self.repository.appendingPathComponent("scenarios/live/weather-tool-call.yaml").path
        let plain = Self.repository.appendingPathComponent("scenarios/basic/plain-text.yaml").path
        // The "provider" answers differently from the scenario's own script: live mode must not play `llm`.
        let provider = try provider(
            """
            engine: { model: real-model }
            llm:
              - stream:
                  - tool_call: { index: 0, id: x9, type: function, name: get_weather, arguments: '{"city": "PARIS, France"}' }
                  - finish: tool_calls
              - stream: [ { text: "Sunny." }, { finish: stop } ]
            """
        )
        try await FakeLLMServer.withRunning(script: provider, options: .init(loop: true)) { server in
            let target = LiveTarget(baseURL: server.baseURL, model: "real-model", apiKey: "sk-live-SECRET")
            let summary = await ScenarioRunner(options: .init(jobs: 1, live: target)).run(files: [plain, weather])
            #expect(summary.results.map(\.verdict) == [.skipped, .pass])
            #expect(summary.line == "1 passed, 0 failed, 1 skipped")
            let journal = await server.journal()
            #expect(journal.count == 2)
            #expect(journal.allSatisfy { $0.body?["model"] == .string("real-model") })
            #expect(journal.first?.headers.first { $0.name.lowercased() == "authorization" }?.value == "[redacted]")
            let report = JSONReport.json(summary) + JUnitReport.xml(summary)
            #expect(!report.contains("SECRET"))
        }
    }

    @Test func wireFindingsReachTheReportsAndFailFindingsFail() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("sr-live-\(UUID().uuidString).yaml")
            .path
        try """
        name: live text
        turns: [ { user: hi } ]
        llm: [ { stream: [ { text: x }, { finish: stop } ] } ]
        live:
          expect:
            text: { $regex: "\\\\S" }
        """.write(toFile: file, atomically: true, encoding: .utf8)
        // A provider with CRLF framing (warn) and no finish_reason before [DONE] (fail).
        let provider = try provider(
            """
            llm:
              - framing: { line_ending: "\\r\\n" }
                stream: [ { text: "hello" } ]
            """
        )
        try await FakeLLMServer.withRunning(script: provider) { server in
            let target = LiveTarget(baseURL: server.baseURL, model: "m", apiKey: nil)
            let summary = await ScenarioRunner(options: .init(jobs: 1, live: target)).run(files: [file])
            let result = try #require(summary.results.first)
            #expect(result.findings.map(\.rule).contains("crlf-line-endings"))
            #expect(result.findings.map(\.rule).contains("no-finish-before-done"))
            #expect(result.verdict == .fail)
            #expect(result.failures.contains { $0.path == "wire.no-finish-before-done" })
            #expect(JSONReport.json(summary).contains(#""rule":"crlf-line-endings""#))
            #expect(TextReport(colour: false).render(result).contains("wire: warn crlf-line-endings"))
        }
    }
}

/// The provider probe against the fake served as a provider.
struct ProbeTests {
    @Test func probeTabulatesHowTheProviderStreams() async throws {
        let provider = FakeLLMScript(
            scenario: try ScenarioLoader(options: .init(requireTurns: false)).load(
                yaml: """
                    llm:
                      - request: { tools: { $length: 1 } }
                        stream:
                          - tool_call: { index: 0, id: call_1, type: function, name: get_weather, arguments: '{"city": "Paris"}' }
                            split: 5
                          - finish: tool_calls
                      - request: { messages: { $last: { role: tool } } }
                        stream: [ { text: done }, { finish: stop } ]
                      - stream:
                          - text: Hello there
                          - finish: stop
                          - usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 }
                    """,
                file: "provider.yaml"
            )
        )
        try await FakeLLMServer.withRunning(script: provider, options: .init(loop: true, match: true)) { server in
            let rows = await ProviderProbe(target: LiveTarget(baseURL: server.baseURL, model: "m", apiKey: nil)).run()
            #expect(
                rows.map(\.probe) == [
                    "plain text", "one tool call", "two parallel calls", "long argument", "include_usage",
                ]
            )
            #expect(rows.allSatisfy { $0.clean })
            #expect(rows[0].usageChunk == "own chunk")
            #expect(rows[0].sawDone)
            #expect(rows[1].indexes == "always")
            #expect(rows[1].ids == "first fragment")
            #expect(rows[1].argumentPieces == "4 (max 5)")
            #expect(rows[1].finishReasons == ["tool_calls"])
            let table = ProviderProbe.table(rows)
            #expect(table.hasPrefix("probe"))
            // The script answers the parallel probe with one call and the long-argument probe with
            // a short one: both purposes fail, each explained under the table.
            #expect(rows[0].purposeFailures.isEmpty && rows[1].purposeFailures.isEmpty)
            #expect(rows[2].purposeFailures == ["asked for 2 tool calls, got 1"])
            #expect(rows[3].purposeFailures == ["asked for a long argument (200+ characters), got 16"])
            #expect(rows[4].purposeFailures.isEmpty)
            #expect(table.split(separator: "\n").count == 7 + 2)
            #expect(table.contains("two parallel calls: fail purpose: asked for 2 tool calls, got 1"))
            // Each exchange can be kept as a scenario that loads.
            #expect(throws: Never.self) { try ScenarioLoader().load(yaml: rows[1].scenarioYAML, file: "probe.yaml") }
        }
    }
}
