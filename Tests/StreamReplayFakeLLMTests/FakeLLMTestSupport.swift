import StreamReplayFakeLLM
import StreamReplaySSE
import StreamReplayScenario
import StreamReplayTestSupport
import Synchronization
import Testing

/// Loads an inline scenario whose `turns` may be left out.
func script(_ yaml: String, name: String = "inline") throws -> FakeLLMScript {
    let scenario = try ScenarioLoader(options: .init(requireTurns: false)).load(yaml: yaml, file: "\(name).yaml")
    return FakeLLMScript(scenario: scenario)
}

/// A valid request body with one user message.
let userRequest = #"{"model":"test-model","stream":true,"messages":[{"role":"user","content":"Hi"}]}"#

/// The `data` of each SSE event of a response body, read with the SSE decoder fed in pieces.
func dataLines(of body: [UInt8]) -> [String] {
    var parser = SSEStreamParser()
    var events: [SSEEvent] = []
    for piece in ByteSplits.random(of: body, seed: 3) {
        events += parser.push(piece)
    }
    events += parser.finish()
    return events.compactMap(\.data)
}

/// The envelope every chunk of the default profile carries, around `choices` (and `extra`).
func envelope(id: String, model: String = "test-model", choices: String, extra: String = "") -> String {
    #"{"id":"\#(id)","object":"chat.completion.chunk","created":1767225600,"model":"\#(model)","choices":\#(choices)\#(extra)}"#
}

/// `choices` with one choice.
func choice(_ delta: String, finish: String? = nil) -> String {
    #"[{"index":0,"delta":\#(delta),"finish_reason":\#(finish.map { "\"\($0)\"" } ?? "null")}]"#
}

/// Records pauses and returns at once: tests never sleep.
final class RecordingPacer: FakeLLMPacer {
    private let recorded = Mutex<[PacerContext]>([])
    private let milliseconds = Mutex<[Int]>([])

    var pauses: [(milliseconds: Int, context: PacerContext)] {
        Array(zip(self.milliseconds.withLock { $0 }, self.recorded.withLock { $0 })).map {
            (milliseconds: $0.0, context: $0.1)
        }
    }

    func pause(milliseconds: Int, context: PacerContext) async throws {
        self.milliseconds.withLock { $0.append(milliseconds) }
        self.recorded.withLock { $0.append(context) }
    }
}
