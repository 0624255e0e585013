public import Benchmark
public import StreamReplayEngine

/// One measured engine turn: a fresh temporary store and engine (not measured), then from
/// `processMessage` until its stream has ended and `waitUntilIdle()` returned (measured).
public enum EngineTurn {
    /// What a turn yielded, how long it took and how many allocations it made.
    public struct Result: Sendable {
        /// From `processMessage` to the end of `waitUntilIdle()`.
        public var elapsed: Duration = .zero
        /// Allocations in that time, all threads of the process.
        public var allocations = 0
        /// Text messages yielded.
        public var texts = 0
        /// Their UTF-8 bytes.
        public var textBytes = 0
        /// `tool_execution` messages yielded.
        public var toolNotices = 0
        /// The content of every refusal, error or unexpected message.
        public var errors: [String] = []

        /// Throws unless the turn yielded exactly `texts` text messages and no error.
        public func check(texts expected: Int) throws {
            guard self.errors.isEmpty, self.texts == expected else {
                throw BenchError(
                    "engine turn: \(self.texts) text messages of \(expected), errors: \(self.errors.prefix(3))"
                )
            }
        }
    }

    /// A configuration for the benchmark model at `baseURL`, with a long idle timeout.
    public static func configuration(baseURL: String, persist: Bool) -> ChatEngineConfiguration {
        var configuration = ChatEngineConfiguration(baseURL: baseURL, model: Fixtures.model)
        configuration.persistDeltas = persist
        configuration.idleTimeout = .seconds(600)
        return configuration
    }

    /// Runs one turn of the engine `makeEngine` builds on a fresh temporary store, between
    /// `benchmark.startMeasurement()` and `stopMeasurement()`.
    ///
    /// - Parameters:
    ///   - benchmark: The running benchmark; `nil` measures with this clock and counter only.
    ///   - onStart: Called just before the turn starts (after the engine is made).
    ///   - makeEngine: Builds the engine on the store it is given.
    /// - Returns: What the turn yielded, its time and its allocations.
    /// - Throws: What making the store or the engine, or starting the turn, throws.
    public static func measure(
        _ benchmark: Benchmark?,
        onStart: () -> Void = {},
        makeEngine: (EventStore) throws -> ChatEngine
    ) async throws -> Result {
        let store = try EventStore.temporary()
        defer { try? store.close() }
        let engine = try makeEngine(store)
        onStart()
        benchmark?.startMeasurement()
        let allocationsBefore = AllocationCounter.current
        let start = ContinuousClock.now
        var result = Result()
        for await message in try engine.processMessage(conversationID: "bench", text: "go", requestID: "r1") {
            switch message.type {
            case .text:
                result.texts += 1
                result.textBytes += message.content.utf8.count
            case .toolExecution:
                result.toolNotices += 1
            case .refusal:
                result.errors.append("refused: \(message.content)")
            case .error:
                result.errors.append(message.content)
            default:
                result.errors.append("unexpected message kind \(message.type): \(message.content)")
            }
        }
        await engine.waitUntilIdle()
        result.elapsed = start.duration(to: .now)
        result.allocations = AllocationCounter.current - allocationsBefore
        benchmark?.stopMeasurement()
        return result
    }

    /// Answers any tool call with an error: the text turns call none.
    public struct NoTools: ToolExecutor {
        /// A tool executor that knows no tool.
        public init() {}

        /// Throws `UnknownToolError`.
        public func execute(_ call: ToolInvocation) async throws -> String {
            throw UnknownToolError(name: call.name)
        }
    }
}
