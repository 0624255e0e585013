import Foundation
import StreamReplayFakeLLM
import StreamReplayScenario
import StreamReplayTestSupport
import Testing

/// `probe --profile`: the five probes in Anthropic's and OpenAI Responses' own request shapes,
/// against the fake playing those profiles; a stream that breaks its API's rules is a finding.
@Suite(.serialized)
struct ProbeProfileTests {
    /// Answers for the five probes: text, one call, two calls, a long argument, text with usage.
    static let answers = """
        llm:
          - stream: [ { text: "Hello there, five words." }, { finish: stop } ]
          - stream:
              - tool_call: { index: 0, id: call_1, name: get_weather, arguments: '{"city": "Paris"}' }
                split: 5
              - finish: tool_calls
          - stream:
              - tool_call: { index: 0, id: call_a, name: get_weather, arguments: '{"city": "Paris"}' }
              - tool_call: { index: 1, id: call_b, name: get_weather, arguments: '{"city": "Tokyo"}' }
              - finish: tool_calls
          - stream:
              - tool_call: { index: 0, id: call_n, name: save_note, arguments: '{"text": "\(String(repeating: "the sea ", count: 40))"}' }
                split: 40
              - finish: tool_calls
          - stream: [ { text: "Hi." }, { finish: stop, usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 } } ]
        """

    private func script(_ yaml: String) throws -> FakeLLMScript {
        FakeLLMScript(
            scenario: try ScenarioLoader(options: .init(requireTurns: false)).load(yaml: yaml, file: "p.yaml")
        )
    }

    @Test(arguments: ["anthropic", "openai-responses"])
    func aProviderOfThatAPIProbesCleanAndRecordsInItsProfile(profile name: String) async throws {
        var options = FakeLLMOptions(loop: true)
        options.profile = Scenario.StreamAnswer.Profile(rawValue: name)
        let folder = try CLIProcess.temporaryFolder([:], prefix: "sr-probe")
        let (result, again, journal) = try await FakeLLMServer.withRunning(
            script: try script(Self.answers),
            options: options
        ) { server in
            let arguments = [
                "probe", "--profile", name, "--base-url", "http://127.0.0.1:\(server.port)", "--model", "m",
                "--api-key-env", "SR_PROBE_KEY", "--record", folder + "/out",
            ]
            let result = try await CLIProcess.run(arguments, environment: ["SR_PROBE_KEY": "sk-test-probe-SECRET"])
            let journal = await server.journal()
            // A second probe into the same folder writes beside the first recording, never over it.
            let again = try await CLIProcess.run(arguments, environment: ["SR_PROBE_KEY": "sk-test-probe-SECRET"])
            return (result, again, journal)
        }
        #expect(again.exitCode == 0 && again.stdout.contains("wrote 5 scenario(s)"))
        #expect(result.exitCode == 0, "\(result.stdout)\(result.stderr)")
        let end = name == "anthropic" ? "message_stop" : "completed"
        #expect(result.stdout.hasPrefix("probe               clean turn  \(end)"), "\(result.stdout)")
        #expect(result.stdout.contains("two parallel calls  yes"))
        #expect(!result.stdout.contains("fail"), "\(result.stdout)")
        // Each request went to the API's own endpoint in its own shape (the fake would have
        // refused another with a 400), with the key where that API wants it.
        let profile = try #require(Scenario.StreamAnswer.Profile(rawValue: name))
        #expect(journal.count == 5 && journal.allSatisfy { $0.path == profile.path && $0.status == 200 })
        let header = name == "anthropic" ? "x-api-key" : "authorization"
        #expect(journal.allSatisfy { request in request.headers.contains { $0.name.lowercased() == header } })
        let all = try FileManager.default.contentsOfDirectory(atPath: folder + "/out").sorted()
        #expect(all.count == 10 && all.filter { $0.hasSuffix("-2.yaml") }.count == 5)
        let files = all.filter { !$0.hasSuffix("-2.yaml") }
        let recorded = try ScenarioLoader().load(file: folder + "/out/" + files[1])
        #expect(recorded.llm.first?.body.stream?.profile == profile)
        for file in files {
            let text = try String(contentsOfFile: folder + "/out/" + file, encoding: .utf8)
            #expect(!text.contains("SECRET"))
        }
    }

    @Test func aStreamThatBreaksTheAPIsRulesIsAFinding() async throws {
        let broken = """
            llm:
              - profile: anthropic
                done: false
                stream:
                  - raw: "event: message_start\\ndata: {\\"type\\":\\"message_start\\",\\"message\\":{}}\\n\\n"
                  - raw: "event: content_block_delta\\ndata: {\\"type\\":\\"content_block_delta\\",\\"index\\":0,\\"delta\\":{\\"type\\":\\"text_delta\\",\\"text\\":\\"x\\"}}\\n\\n"
                  - raw: "event: message_stop\\ndata: {\\"type\\":\\"message_stop\\"}\\n\\n"
            """
        let result = try await FakeLLMServer.withRunning(script: try script(broken), options: .init(loop: true)) {
            server in
            try await CLIProcess.run([
                "probe", "--profile", "anthropic", "--base-url", "http://127.0.0.1:\(server.port)/v1", "--model", "m",
            ])
        }
        #expect(result.exitCode == 1)
        #expect(result.stdout.contains("fail:delta-without-block"), "\(result.stdout)")
    }

    @Test func anUnreachableProviderExits2AndAnUnknownProfileIsAMisuse() async throws {
        let closed = try ClosedPort()
        let unreachable = try await CLIProcess.run([
            "probe", "--profile", "openai-responses", "--base-url", "http://127.0.0.1:\(closed.port)", "--model", "m",
        ])
        #expect(unreachable.exitCode == 2, "\(unreachable.stdout)\(unreachable.stderr)")
        #expect(unreachable.stderr.contains("every probe failed to connect"))
        let unknown = try await CLIProcess.run([
            "probe", "--profile", "gemini", "--base-url", "http://127.0.0.1:9", "--model", "m",
        ])
        #expect(unknown.exitCode == 2)
        #expect(unknown.stderr.contains("--profile gemini: unknown wire format"))
    }
}
