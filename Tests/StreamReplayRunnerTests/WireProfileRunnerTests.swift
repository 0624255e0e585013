import Foundation
import StreamReplayScenario
import Testing

@testable import StreamReplayRunner

/// `ChatEngine` speaks chat completions only: another profile is skipped for it, with the reason.
struct WireProfileRunnerTests {
    @Test func chatEngineSkipsAScenarioPlayedInAnotherProfile() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sr-profile-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let file = folder + "/anthropic.yaml"
        try """
        name: an Anthropic answer
        turns: [ { user: hi } ]
        llm:
          - profile: anthropic
            stream: [ { text: hi }, { finish: stop } ]
        """.write(toFile: file, atomically: true, encoding: .utf8)
        let result = try #require(await ScenarioRunner(options: .init(jobs: 1)).run(files: [file]).results.first)
        #expect(result.verdict == .skipped)
        #expect(result.skipReason == "ChatEngine speaks openai (chat completions) only: llm[0] plays profile anthropic")
    }

    @Test func aRunWideProfileSkipsChatEngineSayingWhereItCameFrom() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sr-profile-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let file = folder + "/plain.yaml"
        try """
        name: a plain answer
        turns: [ { user: hi } ]
        llm: [ { stream: [ { text: hi }, { finish: stop } ] }, { profile: openai, stream: [ { text: x } ] } ]
        """.write(toFile: file, atomically: true, encoding: .utf8)
        var options = ScenarioRunner.Options(jobs: 1)
        options.profile = .openaiResponses
        let result = try #require(await ScenarioRunner(options: options).run(files: [file]).results.first)
        #expect(result.verdict == .skipped)
        #expect(
            result.skipReason
                == "ChatEngine speaks openai (chat completions) only: llm[0] plays profile openai-responses (--profile)"
        )
        options.profile = .openai
        let plain = try #require(await ScenarioRunner(options: options).run(files: [file]).results.first)
        #expect(plain.verdict != .skipped)
    }
}
