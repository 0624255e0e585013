import Foundation
import StreamReplayFakeLLM
import StreamReplayScenario
import StreamReplayTestSupport
import Testing

/// With an API key set, nothing `run --live --verbose` or `probe --record` prints or writes holds it.
@Suite(.serialized)
struct SecretsTests {
    static let key = "sk-test-SECRET-0123456789abcdef"

    @Test func liveRunAndProbeNeverWriteTheKey() async throws {
        let provider = FakeLLMScript(
            scenario: try ScenarioLoader(options: .init(requireTurns: false)).load(
                yaml: "llm:\n  - stream: [ { text: 'pong' }, { finish: stop } ]\n",
                file: "provider.yaml"
            )
        )
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sr-secrets-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let scenario = directory + "/live.yaml"
        try """
        name: live
        turns: [ { user: hi } ]
        llm: [ { stream: [ { text: x }, { finish: stop } ] } ]
        live: { expect: { text: { $regex: "pong" } } }
        """.write(toFile: scenario, atomically: true, encoding: .utf8)
        try await FakeLLMServer.withRunning(script: provider, options: .init(loop: true)) { server in
            let environment = ["SR_TEST_KEY": Self.key]
            let run = try await CLIProcess.run(
                [
                    "run", "--live", "--base-url", server.baseURL, "--model", "m", "--api-key-env", "SR_TEST_KEY",
                    "--verbose",
                    "--junit", directory + "/report.xml", "--json", directory + "/report.json", scenario,
                ],
                environment: environment
            )
            #expect(run.exitCode == 0, "\(run.stdout)\(run.stderr)")
            let probe = try await CLIProcess.run(
                [
                    "probe", "--base-url", server.baseURL, "--model", "m", "--api-key-env", "SR_TEST_KEY", "--record",
                    directory + "/probe",
                ],
                environment: environment
            )
            // The fake answers the tool probes with text, so their purposes fail (exit 1); the
            // probe itself ran to its end.
            #expect(probe.exitCode == 1, "\(probe.stdout)\(probe.stderr)")
            #expect(probe.stdout.contains("fail purpose: asked for a tool call"))
            // The provider did receive it …
            let sent = await server.journal().allSatisfy { request in
                request.headers.contains { $0.name.lowercased() == "authorization" && $0.value == "[redacted]" }
            }
            #expect(sent)
            // … and nothing printed or written holds it.
            for text in [run.stdout, run.stderr, probe.stdout, probe.stderr] {
                #expect(!text.contains("SECRET"))
            }
            let files = FileManager.default.enumerator(atPath: directory)?.compactMap { $0 as? String } ?? []
            #expect(files.count >= 7)
            for file in files {
                let contents = (try? String(contentsOfFile: directory + "/" + file, encoding: .utf8)) ?? ""
                #expect(!contents.contains("SECRET"), "\(file)")
            }
        }
    }
}
