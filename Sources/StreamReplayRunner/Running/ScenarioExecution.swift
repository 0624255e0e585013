import Foundation
package import Logging
import StreamReplayEngine
import StreamReplayFakeLLM
package import StreamReplayScenario

/// Plays one scenario against the engine under test: the fake on an ephemeral port, scripted
/// tools, and (for an engine that carries it) a virtual clock and seeded ids.
package struct ScenarioExecution: Sendable {
    let scenario: Scenario
    let logger: Logger
    /// The engine under test.
    let engine: any EngineUnderTest
    /// Extra request parameters (the probe's `stream_options`).
    package var extraParametersJSON: String?
    /// What an adapter session saw, for the report.
    var trace = EngineTrace()
    /// Where the run is recorded in time order (for the HTML report); `nil`: not recorded.
    package var timeline: TimelineRecorder?
    /// `--profile`: the wire format of every answer whose entry names none; `nil`: what the
    /// engine's `ready` names, else `openai`.
    package var profile: Scenario.StreamAnswer.Profile?

    package init(scenario: Scenario, logger: Logger, engine: any EngineUnderTest = InProcessEngine()) {
        self.scenario = scenario
        self.logger = logger
        self.engine = engine
    }

    /// 2026-01-01T00:00:00Z in milliseconds: scenario wall time starts here.
    static let epochMilliseconds: Int64 = 1_767_225_600_000

    package func run() async throws -> ScenarioObservation {
        let clock = VirtualClock()
        let idle = Duration.milliseconds(self.scenario.engine.idleTimeoutMilliseconds)
        let time = VirtualTime(clock: clock, idleTimeout: idle, timeline: self.timeline)
        // An engine that does not carry the clock lives in real time: the fake then plays
        // `delay_ms` as real waits (an adapter says which in its `ready`).
        let link = ClockLink(clock: clock, time: time, virtual: self.engine.carriesVirtualClock)
        time.setSynchronise { await link.synchronise() }
        let tools = ScriptedToolExecutor(tools: self.scenario.tools, clock: clock) { await link.synchronise() }
        let script = FakeLLMScript(scenario: self.scenario)
        let timeline = self.timeline
        timeline.map { Self.start($0, on: link) }
        var options = FakeLLMOptions()
        options.profile = self.profile ?? .openai
        return try await FakeLLMServer.withRunning(
            scripts: [script],
            options: options,
            pacer: LinkedPacer(link: link),
            tap: timeline,
            logger: self.logger
        ) { server in
            let dependencies = ChatEngineDependencies(
                clock: clock,
                wallClock: { Self.epochMilliseconds + Self.milliseconds(clock.now.offset) },
                ids: SeededIDSource(seed: 0),
                observer: time
            )
            var observation = try await self.playTurns(
                EngineSetup(
                    scenarioName: self.scenario.name,
                    configuration: self.configuration(baseURL: server.baseURL),
                    tools: tools,
                    dependencies: dependencies,
                    logger: self.logger,
                    trace: self.trace,
                    link: link,
                    timeline: timeline
                ),
                clockRules: true,
                engineProfile: { profile in
                    // Precedence: the entry's own, then --profile, then the engine's ready.
                    if self.profile == nil { await server.setDefaultProfile(profile) }
                }
            )
            // The engine may have what it needs before the fake has counted its last write: the
            // report waits for the fake's own account of every answer.
            await server.settled()
            observation.requests = await server.journal().filter(\.isChatCompletion)
            observation.unusedAnswers = await server.unusedAnswers()
            if let timeline {
                if !timeline.sawCommits {
                    timeline.reportedCommits(observation.writes.isEmpty ? observation.events : observation.writes)
                }
                observation.timeline = timeline.timeline(requests: observation.requests)
            }
            return observation
        }
    }

    /// Plays the scenario against a real endpoint: real time, the real HTTP client (TLS, the
    /// environment's proxies), the model and key of `target`; the `llm` script is not played.
    package func runLive(_ target: LiveTarget) async throws -> ScenarioObservation {
        let tools = ScriptedToolExecutor(tools: self.scenario.tools, clock: VirtualClock())
        let recorder = LiveRecorder()
        var configuration = self.configuration(baseURL: target.baseURL)
        configuration.model = target.model
        configuration.apiKey = target.apiKey
        configuration.extraParametersJSON = self.extraParametersJSON
        configuration.idleTimeout = max(configuration.idleTimeout, .seconds(60))
        // Behind a corporate proxy as curl and the SDKs are: HTTPS_PROXY, HTTP_PROXY, NO_PROXY.
        configuration.proxy = ChatEngineProxy.environment()
        let dependencies = ChatEngineDependencies(clock: ContinuousClock(), observer: recorder)
        var observation = try await self.playTurns(
            EngineSetup(
                scenarioName: self.scenario.name,
                configuration: configuration,
                tools: tools,
                dependencies: dependencies,
                logger: self.logger,
                trace: self.trace
            )
        )
        observation.requests = recorder.requests
        observation.responses = recorder.responses
        observation.trafficObserved = self.engine is InProcessEngine
        return observation
    }

    /// Runs every turn in order (`concurrently` copies at once) through a fresh session of the
    /// engine under test, and collects what came out.
    private func playTurns(
        _ setup: EngineSetup,
        clockRules: Bool = false,
        engineProfile: @Sendable (Scenario.StreamAnswer.Profile) async -> Void = { _ in }
    ) async throws -> ScenarioObservation {
        try await self.engine.withSession(setup) { session in
            if let profile = session.profile { await engineProfile(profile) }
            // An engine in real time cannot play what needs scenario time (decided from the file).
            if clockRules, session.refusal == nil, !session.capabilities.contains(.clock),
                let reason = VirtualClockRules.skipReason(for: self.scenario)
            {
                throw ScenarioSkip(reason: reason)
            }
            var observation = ScenarioObservation()
            observation.capabilities = session.capabilities
            observation.engineName = session.engineName
            observation.engineError = session.refusal
            var writeCount = 0
            for (index, turn) in self.scenario.turns.enumerated() {
                let answeredBefore =
                    try await session.hasAnswer(conversationID: turn.conversation, requestID: turn.requestID)
                    ?? observation.turns.contains {
                        $0.conversationID == turn.conversation && $0.requestID == turn.requestID && $0.thrown == nil
                            && $0.messages.last?.type != .error
                    }
                guard session.refusal == nil else {
                    observation.turns.append(
                        .init(
                            turnIndex: index,
                            copy: 0,
                            conversationID: turn.conversation,
                            requestID: turn.requestID,
                            messages: [],
                            thrown: session.refusal,
                            writeRange: nil,
                            answeredBefore: answeredBefore
                        )
                    )
                    continue
                }
                let start = writeCount
                setup.timeline?.turnStarted(index, turn: turn)
                let copies = try await session.play(turn)
                var range: Range<Int>?
                if turn.concurrently == 1, let count = await session.writesSoFar {
                    writeCount = count
                    range = start..<writeCount
                }
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
            if let persisted = try await session.persisted() {
                observation.events = persisted.events
                observation.writes = persisted.writes ?? []
            }
            observation.toolCalls = setup.tools.calls
            observation.toolProblems = setup.tools.problems
            return observation
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

    /// Puts `recorder` on the run's time: scenario time while the engine carries the clock,
    /// real milliseconds since the start otherwise.
    private static func start(_ recorder: TimelineRecorder, on link: ClockLink) {
        let start = ContinuousClock.now
        let clock = link.clock
        recorder.start(
            now: {
                link.isVirtual
                    ? Int(Self.milliseconds(clock.now.offset)) : Int(Self.milliseconds(start.duration(to: .now)))
            },
            virtual: { link.isVirtual }
        )
    }

    /// The scenario cannot be played against this engine: it is `skipped` with `reason`.
    struct ScenarioSkip: Error {
        var reason: String
    }

    static func milliseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    }
}
