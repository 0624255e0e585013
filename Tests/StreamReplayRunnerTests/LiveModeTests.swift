import Foundation
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
