import Foundation
import StreamReplayBenchmarkSupport
import StreamReplayEngine
import StreamReplayFakeLLM
import Synchronization

/// The fake of one benchmark, started in its setup: it plays the answers `makeAnswers` builds
/// (then, not when the benchmarks are registered in every process), is warmed up with curl
/// (the fake builds and caches an answer's playback plan on its first request; the cold time is
/// kept), and curl's best time over `curlRuns` more reads is kept as the ceiling.
final class FakeFixture: Sendable {
    struct State {
        var running: RunningFake?
        var coldSeconds: Double?
        var curlSeconds: Double?
        var curlBytes = 0
        var chunks = 0
    }

    let makeAnswers: @Sendable () -> [LLMAnswer]
    private let state = Mutex(State())

    init(answers makeAnswers: @escaping @Sendable () -> [LLMAnswer]) {
        self.makeAnswers = makeAnswers
    }

    var server: RunningFake {
        get throws {
            guard let running = self.state.withLock({ $0.running }) else { throw BenchError("the fake is not running") }
            return running
        }
    }

    var coldSeconds: Double? { self.state.withLock { $0.coldSeconds } }
    var curlSeconds: Double? { self.state.withLock { $0.curlSeconds } }
    var curlBytes: Int { self.state.withLock { $0.curlBytes } }

    /// Text chunks per second that curl read, when curl ran (the text answer has one chunk per
    /// event, less the terminator).
    var curlRate: Double? {
        let (seconds, chunks) = self.state.withLock { ($0.curlSeconds, $0.chunks) }
        guard let seconds else { return nil }
        return Double(chunks) / seconds
    }

    func start(curlRuns: Int) async throws {
        let answers = self.makeAnswers()
        let running = try await RunningFake.start(script: Fixtures.script(answers))
        self.state.withLock { state in
            state.running = running
            state.chunks = answers.first?.body.stream?.frames.count ?? 0
        }
        guard let curl = Curl() else {
            throw BenchError("the benchmark warms the fake up with curl: install curl")
        }
        note("warming the fake up through curl")
        let cold = try await curl.read(running.url)
        var best = Double.infinity
        for _ in 0..<curlRuns {
            await running.server.reset()
            best = min(best, try await curl.read(running.url).seconds)
        }
        self.state.withLock { state in
            state.coldSeconds = cold.seconds
            state.curlBytes = cold.bytes
            state.curlSeconds = best.isFinite ? best : nil
        }
    }

    func stop() async {
        let running = self.state.withLock { state in
            defer { state.running = nil }
            return state.running
        }
        await running?.stop()
    }
}

/// Records when the engine has consumed given byte counts of hop 0's body.
final class ProgressMarks: ChatEngineObserver, Sendable {
    let thresholds: [Int]
    private let state: Mutex<(start: ContinuousClock.Instant, marks: [Duration?])>

    init(thresholds: [Int]) {
        self.thresholds = thresholds
        self.state = Mutex((ContinuousClock.now, Array(repeating: nil, count: thresholds.count)))
    }

    func start() { self.state.withLock { $0.start = ContinuousClock.now } }

    var marks: [Duration?] { self.state.withLock { $0.marks } }

    func engineConsumed(bytes: Int, of response: ObservedResponse) {
        guard response.hop == 0 else { return }
        let now = ContinuousClock.now
        self.state.withLock { state in
            for (position, threshold) in self.thresholds.enumerated()
            where state.marks[position] == nil && bytes >= threshold {
                state.marks[position] = state.start.duration(to: now)
            }
        }
    }
}

/// Answers any tool call with `ok`, and notes the size of the arguments it got.
final class EchoTool: ToolExecutor {
    private let bytes = Mutex(0)
    var argumentBytes: Int { self.bytes.withLock { $0 } }

    func execute(_ call: ToolInvocation) async throws -> String {
        self.bytes.withLock { $0 = call.argumentsJSON.utf8.count }
        return #"{"ok":true}"#
    }
}

/// The tool-argument turn's marks, for its summary.
final class ToolArgumentsResult: Sendable {
    private let state = Mutex<([Double], EngineTurn.Result?)>(([], nil))

    func set(times: [Double], turn: EngineTurn.Result) { self.state.withLock { $0 = (times, turn) } }

    var value: ([Double], EngineTurn.Result?) { self.state.withLock { $0 } }
}
