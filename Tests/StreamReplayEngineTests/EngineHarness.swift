import Foundation
import StreamReplayEngine
import StreamReplayFakeLLM
import StreamReplayScenario
import Synchronization
import Testing

/// Runs the real engine against the fake over real HTTP with a fresh SQLite file.
struct EngineHarness {
    /// Tools for tests: a fixed answer per name, or a failure; records the calls.
    final class Tools: ToolExecutor {
        struct Failure: Error, CustomStringConvertible { var description: String }
        let answers: [String: Result<String, Failure>]
        private let received = Mutex<[ToolInvocation]>([])

        init(_ answers: [String: Result<String, Failure>] = [:]) {
            self.answers = answers
        }

        var calls: [ToolInvocation] { self.received.withLock { $0 } }

        func execute(_ call: ToolInvocation) async throws -> String {
            self.received.withLock { $0.append(call) }
            guard let answer = self.answers[call.name] else { throw UnknownToolError(name: call.name) }
            return try answer.get()
        }
    }

    /// A pacer that holds a `delay_ms` frame until the answer is abandoned.
    struct HoldingPacer: FakeLLMPacer {
        func pause(milliseconds: Int, context: PacerContext) async throws {
            while true { try await Task.sleep(for: .seconds(3600)) }
        }
    }

    var llm: String
    var configure: @Sendable (inout ChatEngineConfiguration) -> Void = { _ in }
    var tools = Tools()
    var pacer: any FakeLLMPacer = RealTimePacer()
    var options = FakeLLMOptions()
    var dependencies = ChatEngineDependencies()

    /// The script from YAML (`llm:` list items, indented as top-level YAML).
    func script() throws -> FakeLLMScript {
        let scenario = try ScenarioLoader(options: .init(requireTurns: false)).load(
            yaml: "llm:\n" + self.llm,
            file: "test.yaml"
        )
        return FakeLLMScript(scenario: scenario)
    }

    /// Runs `body` with a running engine, its store and the fake.
    func run<T>(_ body: (ChatEngine, EventStore, FakeLLMServer) async throws -> T) async throws -> T {
        let store = try EventStore.temporary()
        defer { try? store.close() }
        return try await FakeLLMServer.withRunning(script: try self.script(), options: self.options, pacer: self.pacer)
        { server in
            var configuration = ChatEngineConfiguration(baseURL: server.baseURL, model: "test-model")
            self.configure(&configuration)
            let engine = try ChatEngine(
                configuration: configuration,
                store: store,
                tools: self.tools,
                dependencies: self.dependencies
            )
            let result = try await body(engine, store, server)
            await engine.waitUntilIdle()
            return result
        }
    }

    /// One turn's messages and the store's rows after it.
    func turn(
        _ text: String = "hi",
        requestID: String = "r1"
    ) async throws -> (messages: [ChatMessage], rows: [StoredEvent]) {
        try await self.run { engine, store, _ in
            let messages = try await Self.collect(engine, text: text, requestID: requestID)
            await engine.waitUntilIdle()
            return (messages, try store.allEvents())
        }
    }

    static func collect(
        _ engine: ChatEngine,
        conversation: String = "c1",
        text: String = "hi",
        requestID: String = "r1"
    ) async throws -> [ChatMessage] {
        var messages: [ChatMessage] = []
        for await message in try engine.processMessage(conversationID: conversation, text: text, requestID: requestID) {
            messages.append(message)
        }
        return messages
    }
}

extension StoredEvent {
    /// `type: content` for compact assertions.
    var summary: String { "\(self.type): \(self.content)" }
}
