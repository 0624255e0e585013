public import StreamReplayFakeLLM

/// A `FakeLLMServer` kept running across a benchmark's iterations: package-benchmark calls setup,
/// the iterations and teardown separately, so the server's scoped lifetime
/// (`FakeLLMServer.withRunning`) runs in a task this object owns, from ``start(script:)`` until
/// ``stop()``.
public final class RunningFake: Sendable {
    /// The running server.
    public let server: FakeLLMServer
    private let stopSignal: AsyncStream<Void>.Continuation
    private let task: Task<Void, any Error>

    private init(server: FakeLLMServer, stopSignal: AsyncStream<Void>.Continuation, task: Task<Void, any Error>) {
        self.server = server
        self.stopSignal = stopSignal
        self.task = task
    }

    /// Starts a fake playing `script`; returns once it accepts connections.
    public static func start(script: FakeLLMScript) async throws -> RunningFake {
        let (stopRequests, stopSignal) = AsyncStream.makeStream(of: Void.self)
        let (started, startedContinuation) = AsyncThrowingStream.makeStream(of: FakeLLMServer.self)
        let task = Task {
            do {
                try await FakeLLMServer.withRunning(script: script) { server in
                    startedContinuation.yield(server)
                    // Runs until stop() finishes the stream.
                    for await _ in stopRequests {}
                }
                startedContinuation.finish()
            } catch {
                startedContinuation.finish(throwing: error)
                throw error
            }
        }
        var iterator = started.makeAsyncIterator()
        guard let server = try await iterator.next() else {
            throw BenchError("the fake ended before it accepted connections")
        }
        return RunningFake(server: server, stopSignal: stopSignal, task: task)
    }

    /// `http://127.0.0.1:PORT/v1/chat/completions`.
    public var url: String { self.server.baseURL + "/chat/completions" }

    /// Shuts the server down and waits until it has.
    public func stop() async {
        self.stopSignal.finish()
        _ = try? await self.task.value
    }
}
