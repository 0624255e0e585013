public import StreamReplayFakeLLM
import StreamReplayScenario

/// Answers for the fake, built in code.
public enum Fixtures {
    /// The model every benchmark request names.
    public static let model = "test-model"

    /// A text answer of `chunks` chunks of `word` each: the first also says `role: assistant`,
    /// the last carries `finish_reason: stop`. The fake plays it as it plays every scenario, one
    /// flushed write per event.
    public static func textAnswer(chunks: Int, word: String = "word ") -> LLMAnswer {
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

    /// The JSON-object arguments of the big tool call: `{"blob":"abc…"}`, exactly `bytes` long.
    public static func toolArguments(bytes: Int) -> String {
        let overhead = #"{"blob":""}"#.utf8.count
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        var blob = ""
        blob.reserveCapacity(bytes)
        for position in 0..<max(0, bytes - overhead) { blob.append(alphabet[position % alphabet.count]) }
        return #"{"blob":""# + blob + #""}"#
    }

    /// One tool call whose arguments arrive one byte (one scalar) per chunk, then the follow-up
    /// answer to the tool result.
    public static func bigToolCallScript(argumentBytes: Int) -> [LLMAnswer] {
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

    /// A script of `answers` for the benchmark model.
    public static func script(_ answers: [LLMAnswer]) -> FakeLLMScript {
        FakeLLMScript(scenarioName: "benchmark", model: self.model, answers: answers)
    }
}
