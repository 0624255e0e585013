import Foundation
import Logging
import StreamReplayEngine
import StreamReplayFakeLLM
import StreamReplayScenario

/// Plays one scenario against the real engine: a fresh SQLite file, the fake on an ephemeral
/// port, scripted tools, a virtual clock and seeded ids.
struct ScenarioExecution: Sendable {
    let scenario: Scenario
    let logger: Logger
    /// Extra request parameters (the probe's `stream_options`).
    var extraParametersJSON: String?

    init(scenario: Scenario, logger: Logger) {
        self.scenario = scenario
        self.logger = logger
    }

    /// 2026-01-01T00:00:00Z in milliseconds: scenario wall time starts here.
    static let epochMilliseconds: Int64 = 1_767_225_600_000

    func run() async throws -> ScenarioObservation {
        let store = try EventStore.temporary()
        defer { try? store.close() }
        let writes = WriteLog()
        store.setWriteObserver { writes.append($0) }

        let clock = VirtualClock()
        let idle = Duration.milliseconds(self.scenario.engine.idleTimeoutMilliseconds)
        let time = VirtualTime(clock: clock, idleTimeout: idle)
        let tools = ScriptedToolExecutor(tools: self.scenario.tools, clock: clock)
        let script = FakeLLMScript(scenario: self.scenario)

        return try await FakeLLMServer.withRunning(script: script, pacer: time, logger: self.logger) { server in
            let dependencies = ChatEngineDependencies(
                clock: clock,
                wallClock: { Self.epochMilliseconds + Self.milliseconds(clock.now.offset) },
                ids: SeededIDSource(seed: 0),
                observer: time
            )
            var observation = try await self.playTurns(
                configuration: self.configuration(baseURL: server.baseURL),
                store: store,
                tools: tools,
                dependencies: dependencies,
                writes: writes
            )
            // The engine may have what it needs before the fake has counted its last write: the
            // report waits for the fake's own account of every answer.
            await server.settled()
            observation.requests = await server.journal().filter(\.isChatCompletion)
            observation.unusedAnswers = await server.unusedAnswers()
            return observation
        }
    }

    /// Plays the scenario against a real endpoint: real time, the real HTTP client (TLS), the
    /// model and key of `target`; the `llm` script is not played.
    func runLive(_ target: LiveTarget) async throws -> ScenarioObservation {
        let store = try EventStore.temporary()
        defer { try? store.close() }
        let writes = WriteLog()
        store.setWriteObserver { writes.append($0) }
        let tools = ScriptedToolExecutor(tools: self.scenario.tools, clock: VirtualClock())
        let recorder = LiveRecorder()
        var configuration = self.configuration(baseURL: target.baseURL)
        configuration.model = target.model
        configuration.apiKey = target.apiKey
        configuration.extraParametersJSON = self.extraParametersJSON
        configuration.idleTimeout = max(configuration.idleTimeout, .seconds(60))
        let dependencies = ChatEngineDependencies(clock: ContinuousClock(), observer: recorder)
        var observation = try await self.playTurns(
            configuration: configuration,
            store: store,
            tools: tools,
            dependencies: dependencies,
            writes: writes
        )
        observation.requests = recorder.requests
        observation.responses = recorder.responses
        return observation
    }

    /// Runs every turn in order (`concurrently` copies at once) and collects what came out.
    private func playTurns(
        configuration: ChatEngineConfiguration,
        store: EventStore,
        tools: ScriptedToolExecutor,
        dependencies: ChatEngineDependencies,
        writes: WriteLog
    ) async throws -> ScenarioObservation {
        var observation = ScenarioObservation()
        let engine: ChatEngine?
        do throws(ChatEngineError) {
            engine = try ChatEngine(
                configuration: configuration,
                store: store,
                tools: tools,
                dependencies: dependencies,
                logger: self.logger
            )
        } catch {
            engine = nil
            observation.engineError = error
        }
        for (index, turn) in self.scenario.turns.enumerated() {
            let answeredBefore =
                (try? store.event(conversationID: turn.conversation, requestID: "assistant:\(turn.requestID)")) != nil
            let start = writes.count
            guard let engine else {
                observation.turns.append(
                    .init(
                        turnIndex: index,
                        copy: 0,
                        conversationID: turn.conversation,
                        requestID: turn.requestID,
                        messages: [],
                        thrown: observation.engineError,
                        writeRange: nil,
                        answeredBefore: answeredBefore
                    )
                )
                continue
            }
            let copies = await Self.play(turn, on: engine)
            await engine.waitUntilIdle()
            let range: Range<Int>? = turn.concurrently == 1 ? start..<writes.count : nil
            for (copy, result) in copies.enumerated() {
                observation.turns.append(
                    .init(
                        turnIndex: index,
                        copy: copy,
                        conversationID: turn.conversation,
                        requestID: turn.requestID,
                        messages: result.messages,
                        thrown: result.thrown,
                        writeRange: range,
                        answeredBefore: answeredBefore
                    )
                )
            }
        }
        await engine?.waitUntilIdle()
        observation.events = try store.allEvents()
        observation.writes = writes.all
        observation.toolCalls = tools.calls
        observation.toolProblems = tools.problems
        return observation
    }

    /// Starts every copy of a turn at once (in copy order), and collects each copy's messages.
    private static func play(
        _ turn: Turn,
        on engine: ChatEngine
    ) async -> [(messages: [ChatMessage], thrown: ChatEngineError?)] {
        var streams: [Result<ChatMessageStream, ChatEngineError>] = []
        for _ in 0..<turn.concurrently {
            do {
                streams.append(
                    .success(
                        try engine.processMessage(
                            conversationID: turn.conversation,
                            text: turn.user,
                            requestID: turn.requestID
                        )
                    )
                )
            } catch {
                streams.append(.failure(error))
            }
        }
        return await withTaskGroup(of: (Int, [ChatMessage], ChatEngineError?).self) { group in
            for (copy, stream) in streams.enumerated() {
                group.addTask {
                    switch stream {
                    case .success(let messages):
                        var collected: [ChatMessage] = []
                        for await message in messages { collected.append(message) }
                        return (copy, collected, nil)
                    case .failure(let error):
                        return (copy, [], error)
                    }
                }
            }
            var results = Array(
                repeating: (messages: [ChatMessage](), thrown: ChatEngineError?.none),
                count: streams.count
            )
            for await (copy, messages, thrown) in group {
                results[copy] = (messages, thrown)
            }
            return results
        }
    }

    private func configuration(baseURL: String) -> ChatEngineConfiguration {
        let settings = self.scenario.engine
        var configuration = ChatEngineConfiguration(baseURL: baseURL, model: settings.model)
        configuration.maxToolHops = settings.maxToolHops
        configuration.persistDeltas = settings.persistDeltas
        configuration.persistInterval = .milliseconds(settings.persistIntervalMilliseconds)
        configuration.persistMinChars = settings.persistMinChars
        configuration.systemPrompt = settings.systemPrompt
        configuration.historyLimit = settings.historyLimit
        configuration.idleTimeout = .milliseconds(settings.idleTimeoutMilliseconds)
        configuration.llmRetries = settings.llmRetries
        configuration.tools = self.scenario.tools.map { tool in
            ToolDefinition(name: tool.name, description: tool.description, parametersJSON: tool.parameters?.jsonString)
        }
        return configuration
    }

    static func milliseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    }
}
