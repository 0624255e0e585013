import Foundation
import StreamReplayFakeLLM
import StreamReplayScenario
import StreamReplayTestSupport
import Testing

/// The recorded streams of the SDKs' own test suites (Tests/Fixtures/sdk-streams) import into
/// their API's profile and replay on its endpoint byte for byte; ci/sdk-profiles.py then checks
/// with the SDKs what their tests assert of them.
@Suite(.serialized)
struct SDKStreamImportTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/sdk-streams")

    static var streams: [(file: String, profile: String)] {
        get throws {
            let data = try Data(contentsOf: Self.fixtures.appendingPathComponent("expected.json"))
            let manifest = try ScenarioValue.parseJSON(Array(data))
            return (manifest["streams"]?.arrayValue ?? []).compactMap { stream in
                guard let file = stream["file"]?.stringValue, let profile = stream["profile"]?.stringValue else {
                    return nil
                }
                return (file, profile)
            }
        }
    }

    @Test func eachRecordedStreamImportsIntoItsProfileAndReplaysByteForByte() async throws {
        let streams = try Self.streams
        #expect(streams.count == 5)
        let folder = try CLIProcess.temporaryFolder([:], prefix: "sr-sdk-streams")
        for (file, profileName) in streams {
            let input = Self.fixtures.appendingPathComponent(file).path
            let out = folder + "/" + file + ".yaml"
            let imported = try await CLIProcess.run(["import", input, "--out", out])
            #expect(imported.exitCode == 0, "\(file): \(imported.stderr)")
            let scenario = try ScenarioLoader().load(file: out)
            let stream = try #require(scenario.llm.first?.body.stream, "\(file)")
            let profile = try #require(Scenario.StreamAnswer.Profile(rawValue: profileName))
            #expect(stream.profile == profile, "\(file)")
            let body =
                switch profile {
                case .anthropic:
                    #"{"model":"m","max_tokens":10,"stream":true,"messages":[{"role":"user","content":"hi"}]}"#
                case .openaiResponses: #"{"model":"m","stream":true,"input":"hi"}"#
                default: #"{"model":"m","stream":true,"messages":[{"role":"user","content":"hi"}]}"#
                }
            let replayed = try await FakeLLMServer.withRunning(script: FakeLLMScript(scenario: scenario)) { server in
                try await RawHTTPClient.post(path: profile.path, json: body, port: server.port).response
            }
            let original = try Data(contentsOf: Self.fixtures.appendingPathComponent(file))
            #expect(replayed?.status == 200, "\(file)")
            #expect(replayed?.body == Array(original), "\(file): the replay differs from the recorded bytes")
        }
    }

    @Test func harAndJSONLinesOfTheOtherAPIsImportIntoTheirProfiles() async throws {
        let sse =
            "event: response.completed\ndata: {\"type\":\"response.completed\",\"response\":{\"model\":\"gpt-x\"}}\n\n"
        let har = """
            {"log": {"entries": [
              {"request": {"method": "POST", "url": "https://api.openai.com/v1/responses",
                           "postData": {"text": "{\\"model\\":\\"gpt-x\\",\\"input\\":\\"Hi there\\"}"}},
               "response": {"status": 200, "content": {"mimeType": "text/event-stream",
                            "text": \(ScenarioValue.string(sse).jsonString)}}}
            ]}}
            """
        let jsonl = """
            {"type":"message_start","message":{"id":"msg_1","model":"claude-x","content":[]}}
            {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}
            {"type":"message_stop"}
            """
        let folder = try CLIProcess.temporaryFolder(["session.har": har, "events.jsonl": jsonl], prefix: "sr-import")
        let fromHAR = try await CLIProcess.run(["import", folder + "/session.har", "--out", folder + "/har.yaml"])
        #expect(fromHAR.exitCode == 0, "\(fromHAR.stderr)")
        let harScenario = try ScenarioLoader().load(file: folder + "/har.yaml")
        #expect(harScenario.llm.first?.body.stream?.profile == .openaiResponses)
        #expect(harScenario.turns.first?.user == "Hi there")
        #expect(harScenario.llm.first?.request != nil, "a matcher on the request's input")
        let fromJSONL = try await CLIProcess.run(["import", folder + "/events.jsonl", "--out", folder + "/jsonl.yaml"])
        #expect(fromJSONL.exitCode == 0, "\(fromJSONL.stderr)")
        let jsonlScenario = try ScenarioLoader().load(file: folder + "/jsonl.yaml")
        let stream = try #require(jsonlScenario.llm.first?.body.stream)
        #expect(stream.profile == .anthropic && stream.frames.count == 3)
        #expect(
            stream.frames[1].rawBytes.map { String(decoding: $0, as: UTF8.self) }?
                .hasPrefix("event: content_block_delta\ndata: {") == true
        )
        #expect(jsonlScenario.engine.model == "claude-x")
        let snapshot = try await CLIProcess.run([
            "import", folder + "/events.jsonl", "--out", folder + "/snap.yaml", "--snapshot",
        ])
        #expect(snapshot.exitCode == 1)
        #expect(snapshot.stderr.contains("the capture is an Anthropic Messages stream (profile anthropic)"))
    }
}
