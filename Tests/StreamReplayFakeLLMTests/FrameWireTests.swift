import Foundation
import StreamReplayFakeLLM
import StreamReplayScenario
import StreamReplayTestSupport
import Testing

/// Every frame key, read over real HTTP with the SSE decoder: each chunk is exactly the JSON its
/// frame describes, envelope included, in order.
struct FrameWireTests {
    /// Plays a one-answer stream and returns the data lines and the chunk id.
    private func play(
        _ frames: String,
        answerKeys: String = "",
        model: String? = nil
    ) async throws -> (data: [String], id: String, response: RawHTTPResponse) {
        var yaml = "name: wire\n"
        if let model { yaml += "engine: { model: \(model) }\n" }
        yaml +=
            "llm:\n  - stream:\n" + frames.split(separator: "\n").map { "      " + $0 }.joined(separator: "\n") + "\n"
        if !answerKeys.isEmpty {
            yaml += answerKeys.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n") + "\n"
        }
        let script = try script(yaml)
        return try await FakeLLMServer.withRunning(script: script) { server in
            let exchange = try await RawHTTPClient.post(
                path: "/v1/chat/completions",
                json: userRequest,
                port: server.port
            )
            let response = try #require(exchange.response)
            let data = dataLines(of: response.body)
            let id = try #require(
                data.first.flatMap { line -> String? in
                    guard let range = line.range(of: #"chatcmpl-[A-Za-z0-9]{24}"#, options: .regularExpression) else {
                        return nil
                    }
                    return String(line[range])
                } ?? "chatcmpl-none"
            )
            return (data, id, response)
        }
    }

    @Test func roleAndTextGoIntoOneDelta() async throws {
        let (data, id, response) = try await play("- role: assistant\n  text: Hi\n- finish: stop")
        #expect(response.status == 200)
        #expect(response.header("content-type")?.hasPrefix("text/event-stream") == true)
        #expect(
            data == [
                envelope(id: id, choices: choice(#"{"role":"assistant","content":"Hi"}"#)),
                envelope(id: id, choices: choice("{}", finish: "stop")),
                "[DONE]",
            ]
        )
    }

    @Test func textOnlyFrameAndUnquotedScalarText() async throws {
        let (data, id, _) = try await play("- text: 21\n- text: 'no'")
        #expect(
            data == [
                envelope(id: id, choices: choice(#"{"content":"21"}"#)),
                envelope(id: id, choices: choice(#"{"content":"no"}"#)),
                "[DONE]",
            ]
        )
    }

    @Test func toolCallKeysLeftOutAreLeftOutAndNullIsSentAsNull() async throws {
        let (data, id, _) = try await play(
            """
            - tool_call: { index: 0, id: call_1, type: function, name: get_weather, arguments: '{"city":"Paris"}' }
            - tool_call: { index: 0, arguments: '' }
            - tool_call: { id: null, name: '' }
            - finish: tool_calls
            """
        )
        #expect(
            data == [
                envelope(
                    id: id,
                    choices: choice(
                        #"{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]}"#
                    )
                ),
                envelope(id: id, choices: choice(#"{"tool_calls":[{"index":0,"function":{"arguments":""}}]}"#)),
                envelope(id: id, choices: choice(#"{"tool_calls":[{"id":null,"function":{"name":""}}]}"#)),
                envelope(id: id, choices: choice("{}", finish: "tool_calls")),
                "[DONE]",
            ]
        )
    }

    @Test func objectArgumentsAreSentAsAnObject() async throws {
        let (data, id, _) = try await play(
            "- tool_call: { index: 0, id: c, name: f, arguments: { city: Paris, n: 2 } }"
        )
        #expect(
            data.first
                == envelope(
                    id: id,
                    choices: choice(
                        #"{"tool_calls":[{"index":0,"id":"c","function":{"name":"f","arguments":{"city":"Paris","n":2}}}]}"#
                    )
                )
        )
    }

    @Test func toolCallsPutSeveralItemsInOneChunk() async throws {
        let (data, id, _) = try await play(
            "- tool_calls:\n    - { index: 0, id: a, name: f, arguments: '{}' }\n    - { index: 1, id: b, name: g, arguments: '{}' }\n  finish: tool_calls"
        )
        #expect(
            data.first
                == envelope(
                    id: id,
                    choices: choice(
                        #"{"tool_calls":[{"index":0,"id":"a","function":{"name":"f","arguments":"{}"}},{"index":1,"id":"b","function":{"name":"g","arguments":"{}"}}]}"#,
                        finish: "tool_calls"
                    )
                )
        )
    }

    @Test func usageAloneIsAChunkWithEmptyChoices() async throws {
        let (data, id, _) = try await play(
            "- finish: stop\n- usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 }"
        )
        #expect(
            data[1]
                == envelope(
                    id: id,
                    choices: "[]",
                    extra: #","usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}"#
                )
        )
    }

    @Test func usageWithOtherKeysIsAddedToThatChunk() async throws {
        let (data, id, _) = try await play("- text: x\n  finish: stop\n  usage: { total_tokens: 1 }")
        #expect(
            data[0]
                == envelope(
                    id: id,
                    choices: choice(#"{"content":"x"}"#, finish: "stop"),
                    extra: #","usage":{"total_tokens":1}"#
                )
        )
    }

    @Test func splitTextCarriesOtherKeysOnFirstAndFinishUsageOnLast() async throws {
        let (data, id, _) = try await play(
            "- role: assistant\n  text: héllo🌍\n  split: 2\n  finish: stop\n  usage: { total_tokens: 9 }"
        )
        #expect(
            data == [
                envelope(id: id, choices: choice(#"{"role":"assistant","content":"hé"}"#)),
                envelope(id: id, choices: choice(#"{"content":"ll"}"#)),
                envelope(
                    id: id,
                    choices: choice(#"{"content":"o🌍"}"#, finish: "stop"),
                    extra: #","usage":{"total_tokens":9}"#
                ),
                "[DONE]",
            ]
        )
    }

    @Test func splitArgumentsKeepIdTypeNameOnFirstPieceAndIndexOnAll() async throws {
        let (data, id, _) = try await play(
            #"- tool_call: { index: 0, id: call_1, type: function, name: get_weather, arguments: '{"city": "Paris"}' }"#
                + "\n  split: 7\n  finish: tool_calls"
        )
        #expect(
            data == [
                envelope(
                    id: id,
                    choices: choice(
                        #"{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\""}}]}"#
                    )
                ),
                envelope(id: id, choices: choice(#"{"tool_calls":[{"index":0,"function":{"arguments":": \"Pari"}}]}"#)),
                envelope(
                    id: id,
                    choices: choice(
                        #"{"tool_calls":[{"index":0,"function":{"arguments":"s\"}"}}]}"#,
                        finish: "tool_calls"
                    )
                ),
                "[DONE]",
            ]
        )
    }

    @Test func chunkFrameIsSentExactlyInWrittenKeyOrder() async throws {
        let (data, _, _) = try await play("- chunk: { z: 1, a: [true, null, 1.5, 'x'], id: '' }")
        #expect(data.first == #"{"z":1,"a":[true,null,1.5,"x"],"id":""}"#)
    }

    @Test func rawFrameBytesAreSentUnchanged() async throws {
        let (_, _, response) = try await play(
            "- raw: \"data:{\\\"x\\\":1}\\r\\n\\r\\n\"\n- raw: \": ping\\n\\n\"",
            answerKeys: "done: false"
        )
        #expect(response.bodyText == "data:{\"x\":1}\r\n\r\n: ping\n\n")
    }

    @Test func commentIsACommentLineAndBlankLine() async throws {
        let (_, _, response) = try await play("- comment: OPENROUTER PROCESSING", answerKeys: "done: false")
        #expect(response.bodyText == ": OPENROUTER PROCESSING\n\n")
    }

    @Test func errorFrameIsDataWithErrorObject() async throws {
        let (data, _, _) = try await play("- error: { message: overloaded, type: server_error, code: 529 }")
        #expect(data == [#"{"error":{"message":"overloaded","type":"server_error","code":529}}"#, "[DONE]"])
    }

    @Test func doneFalseSendsNoDone() async throws {
        let (data, _, response) = try await play("- text: x", answerKeys: "done: false")
        #expect(data.count == 1)
        #expect(response.isComplete, "the body still ends cleanly")
    }

    @Test func answerModelOverridesEngineModel() async throws {
        let (data, id, _) = try await play("- text: x", answerKeys: "model: other-model", model: "base-model")
        #expect(data.first == envelope(id: id, model: "other-model", choices: choice(#"{"content":"x"}"#)))
    }

    @Test(arguments: [("\"\\r\\n\"", "\r\n"), ("\"\\r\"", "\r"), ("crlf", "\r\n")])
    func lineEndingFramesEveryLine(written: String, ending: String) async throws {
        let (_, id, response) = try await play("- text: x", answerKeys: "framing: { line_ending: \(written) }")
        let chunk = envelope(id: id, choices: choice(#"{"content":"x"}"#))
        #expect(response.bodyText == "data: \(chunk)\(ending)\(ending)data: [DONE]\(ending)\(ending)")
    }
}
