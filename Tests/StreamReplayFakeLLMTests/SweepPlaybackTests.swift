import Foundation
import NIOCore
import StreamReplayScenario
import Testing

@testable import StreamReplayFakeLLM

/// The two pieces of a swept frame: what the fake writes, and the wait between them.
struct SweepPlaybackTests {
    private func plan(_ frames: String, cut: Int?) throws -> PlaybackPlan {
        let scenario = try ScenarioLoader().load(
            yaml: "turns: [ { user: hi } ]\nllm:\n  - stream:\n" + frames,
            file: "sweep.yaml"
        )
        var stream = try #require(scenario.llm.first?.body.stream)
        let index = try #require(stream.frames.firstIndex { $0.chunk?.sweep != nil })
        var chunk = try #require(stream.frames[index].chunk)
        chunk.cut = cut
        stream.frames[index] = .chunk(chunk)
        let builder = ChunkBuilder(id: "chatcmpl-x", created: 1, model: "m")
        return PlaybackPlan(answer: stream, builder: builder)
    }

    private func writes(_ plan: PlaybackPlan) -> [String] {
        plan.steps.map { step in
            switch step {
            case .write(let buffer): return String(decoding: buffer.readableBytesView, as: UTF8.self)
            case .barrier: return "|"
            case .pause(let milliseconds): return "pause \(milliseconds)"
            case .disconnect: return "disconnect"
            }
        }
    }

    @Test func aScalarCutIsTwoChunksWithAWaitBetween() throws {
        let steps = self.writes(
            try self.plan("      - { role: assistant, text: héllo, sweep: true, finish: stop }\n", cut: 2)
        )
        #expect(steps.count == 4, "\(steps)")
        #expect(steps[0].contains(#""delta":{"role":"assistant","content":"hé"},"finish_reason":null"#))
        #expect(steps[1] == "|")
        #expect(steps[2].contains(#""delta":{"content":"llo"},"finish_reason":"stop""#))
        #expect(steps[3] == "data: [DONE]\n\n")
    }

    @Test func aByteCutSplitsTheEventItselfMidCharacter() throws {
        let whole = self.writes(try self.plan("      - { text: é, sweep: bytes }\n", cut: nil)).joined()
        let event = try #require(whole.components(separatedBy: "data: [DONE]").first)
        let bytes = Array(event.utf8)
        let inside = try #require(bytes.firstIndex(of: 0xC3)) + 1
        let plan = try self.plan("      - { text: é, sweep: bytes }\n", cut: inside)
        var pieces: [[UInt8]] = []
        for step in plan.steps {
            if case .write(let buffer) = step { pieces.append(Array(buffer.readableBytesView)) }
        }
        #expect(plan.steps.count == 4)
        #expect(plan.steps[1] == .barrier)
        #expect(pieces[0] == Array(bytes[..<inside]), "the first piece ends inside é")
        #expect(pieces[0].last == 0xC3)
        #expect(pieces[1] == Array(bytes[inside...]))
    }
}
