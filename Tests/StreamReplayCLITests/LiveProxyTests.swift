import Foundation
import StreamReplayFakeLLM
import StreamReplayScenario
import StreamReplayTestSupport
import Testing

/// Live mode goes through the environment's proxy as curl does, and past it for NO_PROXY hosts.
@Suite struct LiveProxyTests {
    @Test func liveModeHonoursHTTPProxyAndNoProxy() async throws {
        let provider = FakeLLMScript(
            scenario: try ScenarioLoader(options: .init(requireTurns: false)).load(
                yaml: "llm:\n  - stream: [ { text: 'through the proxy' }, { finish: stop } ]\n",
                file: "provider.yaml"
            )
        )
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sr-proxy-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let scenario = directory + "/live.yaml"
        try """
        name: live through a proxy
        turns: [ { user: hi } ]
        llm: [ { stream: [ { text: x }, { finish: stop } ] } ]
        live: { expect: { text: { $regex: "proxy" } } }
        """.write(toFile: scenario, atomically: true, encoding: .utf8)
        // The fake stands in for the proxy: it takes the absolute-form request an HTTP proxy gets.
        try await FakeLLMServer.withRunning(script: provider, options: .init(loop: true)) { proxy in
            let arguments = ["run", "--live", "--base-url", "http://llm.invalid:9/v1", "--model", "m", scenario]
            let proxied = try await CLIProcess.run(
                arguments,
                environment: ["HTTP_PROXY": "http://127.0.0.1:\(proxy.port)", "NO_PROXY": "localhost"]
            )
            #expect(proxied.exitCode == 0, "\(proxied.stdout)\(proxied.stderr)")
            #expect(await proxy.journal().count == 1)
            let direct = try await CLIProcess.run(
                arguments,
                environment: ["http_proxy": "http://127.0.0.1:\(proxy.port)", "no_proxy": ".invalid"]
            )
            // Direct, the made-up host does not resolve: the endpoint is unreachable (exit 2).
            #expect(direct.exitCode == 2, "\(direct.stdout)\(direct.stderr)")
            #expect(direct.stderr.contains("could not be resolved"), "\(direct.stderr)")
            #expect(await proxy.journal().count == 1, "NO_PROXY: the proxy saw no second request")
        }
    }
}
