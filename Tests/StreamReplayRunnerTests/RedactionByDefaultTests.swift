import Foundation
import StreamReplayCapture
import StreamReplayFakeLLM
import StreamReplayRunner
import StreamReplayScenario
import StreamReplayTestSupport
import Testing

/// Recordings and imports redact keys, tokens and secret fields without being asked.
struct RedactionByDefaultTests {
    static let keys = [
        "sk-proj-AbC_12-xyz0123456789abcdefGHIJ", "sk-ant-api03-Zx9_yW8-vU7tS6rQ5pO4nM3l",
        "gsk_0123456789abcdefghijKLMN",
    ]

    @Test func aRecordingHoldsNoKeyNorSecretFieldWithoutRedactPatterns() async throws {
        let provider = FakeLLMScript(
            scenario: try ScenarioLoader(options: .init(requireTurns: false)).load(
                yaml: "llm:\n  - stream: [ { text: 'your key: \(Self.keys[2])' }, { finish: stop } ]\n",
                file: "provider.yaml"
            )
        )
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("sr-red-\(UUID().uuidString)").path
        let body =
            #"{"model":"m","api_key":"hunter2-field","messages":[{"role":"user","content":"use \#(Self.keys[0]) and Bearer tok3n-abcdef"}]}"#
        try await FakeLLMServer.withRunning(script: provider) { server in
            let options = RecordingProxy.Options(upstream: server.baseURL, outputDirectory: output)
            try await RecordingProxy.withRunning(options: options) { proxy in
                _ = try await RawHTTPClient.post(path: "/v1/chat/completions", json: body, port: proxy.port)
                await proxy.waitUntilWritten(count: 1)
            }
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: output)
        #expect(files.count == 1)
        let text = try String(contentsOfFile: output + "/" + files[0], encoding: .utf8)
        for secret in [Self.keys[0], Self.keys[2], "tok3n-abcdef"] {
            #expect(!text.contains(secret), "\(secret) in \(text)")
        }
        #expect(text.contains("[redacted]"))
    }

    @Test func anImportedHARHoldsNoKeyNorSecretField() throws {
        let answer = ScenarioValue.string(
            #"data: {"choices":[{"index":0,"delta":{"content":"key \#(Self.keys[1])"},"finish_reason":"stop"}]}"#
                + "\n\ndata: [DONE]\n\n"
        ).jsonString
        let request = ScenarioValue.string(
            #"{"model":"m","password":"pa55-word","messages":[{"role":"user","content":"my key is \#(Self.keys[0])"}]}"#
        ).jsonString
        let har = """
            {"log":{"entries":[{"request":{"method":"POST","url":"https://api.example.com/v1/chat/completions",
            "headers":[{"name":"Authorization","value":"Bearer \(Self.keys[2])"}],"postData":{"text":\(request)}},
            "response":{"status":200,"headers":[],"content":{"mimeType":"text/event-stream","text":\(answer)}}}]}}
            """
        let writer = try TrafficImporter.scenario(from: Array(har.utf8), file: "capture.har", user: nil)
        let yaml = writer.yaml
        for secret in Self.keys + ["pa55-word"] {
            #expect(!yaml.contains(secret), "\(secret) in \(yaml)")
        }
        let scenario = try ScenarioLoader().load(yaml: yaml, file: "imported.yaml")
        #expect(scenario.turns.first?.user == "my key is [redacted]")
    }

    @Test func anImportedSSEDumpHoldsNoKey() throws {
        let dump =
            #"data: {"choices":[{"index":0,"delta":{"content":"\#(Self.keys[0])"},"finish_reason":"stop"}]}"#
            + "\n\ndata: [DONE]\n\n"
        let writer = try TrafficImporter.scenario(from: Array(dump.utf8), file: "dump.sse", user: "hi")
        #expect(!writer.yaml.contains(Self.keys[0]))
        #expect(writer.yaml.contains("[redacted]"))
    }
}
