import Foundation
import StreamReplayRunner
import StreamReplayScenario
import Testing

struct RunnerTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    private func write(_ yaml: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sr-runner-\(UUID().uuidString).yaml")
            .path
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func bundledLibraryGivesIdenticalResultsAtAnyJobs() async throws {
        let files = try ScenarioDiscovery.files(in: [Self.repository.appendingPathComponent("scenarios").path])
        #expect(files.count >= 50)
        let one = await ScenarioRunner(options: .init(jobs: 1)).run(files: files)
        let four = await ScenarioRunner(options: .init(jobs: 4)).run(files: files)
        #expect(one.results.map(\.file) == files, "reported in discovery order")
        #expect(four.results.map(\.file) == files)
        #expect(one.results.map(\.verdict) == four.results.map(\.verdict))
        #expect(one.results.map(\.failures) == four.results.map(\.failures))
        #expect(
            one.results.allSatisfy { $0.verdict == .pass },
            "\(one.results.filter { $0.verdict != .pass }.map(\.file))"
        )
    }

    @Test func aWrongExpectationFailsWithItsPath() async throws {
        let file = try write(
            """
            turns: [ { user: hi } ]
            llm:
              - stream: [ { text: "Hello" }, { finish: stop } ]
            expect:
              events:
                - { type: user_message }
                - { type: assistant_message, content: "Goodbye" }
            """
        )
        let summary = await ScenarioRunner(options: .init(jobs: 1)).run(files: [file])
        let result = try #require(summary.results.first)
        #expect(result.verdict == .fail)
        #expect(result.failures.first?.path == "expect.events[1].content")
        #expect(result.failures.first?.expected == #""Goodbye""#)
        #expect(result.failures.first?.actual == #""Hello""#)
        #expect(summary.exitCode == 1)
    }

    @Test func unusedAnswersAndUnexpectedFailuresFail() async throws {
        let file = try write(
            """
            turns: [ { user: hi } ]
            llm:
              - { status: 500, body: x }
              - stream: [ { text: never } ]
            """
        )
        let result = try #require(await ScenarioRunner(options: .init(jobs: 1)).run(files: [file]).results.first)
        #expect(result.verdict == .fail)
        #expect(result.failures.contains { $0.message.contains("failed unexpectedly") })
        #expect(result.failures.contains { $0.message.contains("1 llm answer(s) were never requested") })
    }

    @Test func requestBeyondTheScriptFails() async throws {
        let file = try write(
            """
            tools: [ { name: f, result: ok } ]
            turns: [ { user: hi } ]
            llm:
              - stream: [ { tool_call: { index: 0, id: a, name: f, arguments: '{}' } }, { finish: tool_calls } ]
            """
        )
        let result = try #require(await ScenarioRunner(options: .init(jobs: 1)).run(files: [file]).results.first)
        #expect(result.verdict == .fail)
        #expect(result.failures.contains { $0.message.contains("beyond the script") })
    }

    @Test func wrongFileIsAnErrorWithDiagnostics() async throws {
        let file = try write("turns: [ { user: hi } ]\nllm: []\nexpect: { evnets: [] }\n")
        let summary = await ScenarioRunner(options: .init(jobs: 1)).run(files: [file])
        let result = try #require(summary.results.first)
        #expect(result.verdict == .error)
        #expect(result.diagnostics.first?.message.contains("did you mean 'events'?") == true)
        #expect(summary.exitCode == 2)
    }

    @Test func tagAndFilterSelect() async throws {
        let a = try write(
            "name: alpha\ntags: [x]\nturns: [ { user: hi } ]\nllm: [ { stream: [ { text: a }, { finish: stop } ] } ]\n"
        )
        let b = try write(
            "name: beta\ntags: [y]\nturns: [ { user: hi } ]\nllm: [ { stream: [ { text: b }, { finish: stop } ] } ]\n"
        )
        #expect(await ScenarioRunner(options: .init(tags: ["y"])).run(files: [a, b]).results.map(\.name) == ["beta"])
        #expect(
            await ScenarioRunner(options: .init(filter: "alp")).run(files: [a, b]).results.map(\.name) == ["alpha"]
        )
    }

    @Test func repeatGivesOneVerdictPerScenario() async throws {
        let file = try write("turns: [ { user: hi } ]\nllm: [ { stream: [ { text: a }, { finish: stop } ] } ]\n")
        let summary = await ScenarioRunner(options: .init(repeatCount: 5)).run(files: [file])
        #expect(summary.results.map(\.verdict) == [.pass])
    }
}
