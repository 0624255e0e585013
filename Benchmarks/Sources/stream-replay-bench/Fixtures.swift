import Foundation
import StreamReplayFakeLLM
import StreamReplayScenario

/// Answers built in code, and the request every client sends.
enum Fixtures {
    static let model = "test-model"

    /// `{"model", "stream": true, "messages": [user]}`: what the curl and load clients send.
    static let requestBody = #"{"model":"test-model","stream":true,"messages":[{"role":"user","content":"go"}]}"#

    /// A text answer of `chunks` chunks of `word` each: the first also says `role: assistant`,
    /// the last carries `finish_reason: stop`.
    static func textAnswer(chunks: Int, word: String = "word ") -> LLMAnswer {
        var frames: [Frame] = []
        frames.reserveCapacity(chunks)
        for position in 0..<chunks {
            frames.append(
                .chunk(
                    ChunkFrame(
                        role: position == 0 ? "assistant" : nil,
                        text: word,
                        finish: position == chunks - 1 ? "stop" : nil
                    )
                )
            )
        }
        return LLMAnswer(body: .stream(StreamAnswer(frames: frames)))
    }

    /// The same text answer as ``textAnswer(chunks:word:)``, its SSE bytes built here and cut into
    /// `raw` frames of exactly `writeBytes` (events split anywhere): one write per 16 KB instead of
    /// one per event, which takes the fake's cost per write out of an engine measurement.
    ///
    /// (Not `framing.write_size`: the fake builds that plan in quadratic time and memory; see the
    /// fake section's `write_size` row.)
    static func textAnswerInBigWrites(chunks: Int, writeBytes: Int, word: String = "word ") -> LLMAnswer {
        let envelope =
            #"{"id":"chatcmpl-benchmark00000000000000","object":"chat.completion.chunk","created":1767225600,"model":"test-model","choices":[{"index":0,"delta":"#
        var bytes: [UInt8] = []
        bytes.reserveCapacity(chunks * 200)
        for position in 0..<chunks {
            let role = position == 0 ? #""role":"assistant","# : ""
            let finish = position == chunks - 1 ? #""stop""# : "null"
            let event =
                "data: " + envelope + "{" + role + #""content":""# + word + #""},"finish_reason":"# + finish + "}]}\n\n"
            bytes.append(contentsOf: event.utf8)
        }
        var frames: [Frame] = []
        var start = 0
        while start < bytes.count {
            let end = min(start + writeBytes, bytes.count)
            frames.append(.raw(Array(bytes[start..<end])))
            start = end
        }
        return LLMAnswer(body: .stream(StreamAnswer(frames: frames)))
    }

    /// The JSON-object arguments of the big tool call: `{"blob":"abc…"}`, exactly `bytes` long.
    static func toolArguments(bytes: Int) -> String {
        let overhead = #"{"blob":""}"#.utf8.count
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        var blob = ""
        blob.reserveCapacity(bytes)
        for position in 0..<max(0, bytes - overhead) { blob.append(alphabet[position % alphabet.count]) }
        return #"{"blob":""# + blob + #""}"#
    }

    /// One tool call whose arguments arrive one byte (one scalar) per chunk, then the follow-up
    /// answer to the tool result.
    static func bigToolCallScript(argumentBytes: Int) -> [LLMAnswer] {
        let call = ToolCallFrame(
            index: .int(0),
            id: .string("call_big"),
            type: .string("function"),
            name: .string("echo"),
            arguments: .string(self.toolArguments(bytes: argumentBytes))
        )
        let calls = LLMAnswer(
            body: .stream(
                StreamAnswer(frames: [
                    .chunk(ChunkFrame(role: "assistant", toolCalls: [call], split: 1)),
                    .chunk(ChunkFrame(finish: "tool_calls")),
                ])
            )
        )
        let followUp = LLMAnswer(
            body: .stream(StreamAnswer(frames: [.chunk(ChunkFrame(role: "assistant", text: "done", finish: "stop"))]))
        )
        return [calls, followUp]
    }

    static func script(_ answers: [LLMAnswer]) -> FakeLLMScript {
        FakeLLMScript(scenarioName: "benchmark", model: self.model, answers: answers)
    }
}

/// `curl -sN` against the fake: the transport ceiling, and the warm-up that makes the fake build
/// (and cache) an answer's playback plan before a timed run.
struct Curl: Sendable {
    let path: String

    init?() {
        guard let path = which("curl") else { return nil }
        self.path = path
    }

    /// Reads one streamed answer to EOF. Returns the body size and the time.
    func read(_ server: FakeLLMServer) async throws -> (bytes: Int, elapsed: Duration) {
        let result = try await runProcess(
            self.path,
            [
                "-sN", "-o", "/dev/null", "-w", "%{size_download}", "-X", "POST",
                "-H", "content-type: application/json", "--data-binary", Fixtures.requestBody,
                server.baseURL + "/chat/completions",
            ]
        )
        guard result.status == 0, let bytes = Int(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        else {
            throw BenchError("curl failed (exit \(result.status)): \(result.stdout)\(result.stderr)")
        }
        return (bytes, result.elapsed)
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
