public import StreamReplayEngine

/// Your engine, as a scenario run drives it from your own `swift test`: in process, behind the
/// same seam the CLI uses for `ChatEngine` and for adapters.
///
/// For each scenario the run starts a fake OpenAI-compatible server playing the scenario's `llm`
/// script, then calls ``start(_:)`` with a configuration pointing at it; your engine streams its
/// answers from there, calls ``ScenarioContext/tools`` for every tool call, and yields the
/// contract's messages (`text`, `refusal`, `tool_execution`, `error`).
///
/// ```swift
/// struct MyEngine: ScenarioEngine {
///     func start(_ context: ScenarioContext) async throws -> any ScenarioEngineSession {
///         MySession(backend: MyBackend(baseURL: context.configuration.baseURL,
///                                      model: context.configuration.model,
///                                      tools: context.tools))
///     }
/// }
/// ```
public protocol ScenarioEngine: Sendable {
    /// Whether the engine runs on ``ScenarioContext/dependencies``' clock and tells its observer
    /// how far it read (as `ChatEngine` does); then scenarios that need the virtual clock are
    /// played too. `false` by default: such scenarios are skipped with the rule that applied.
    var carriesVirtualClock: Bool { get }

    /// A fresh engine for one scenario run, with empty state.
    ///
    /// - Parameter context: The scenario's configuration, its scripted tools, and the clock.
    /// - Returns: The session the scenario's turns go through.
    /// - Throws: A `ChatEngineError` to refuse the configuration (what `expect.error` with
    ///   `invalid_configuration` asserts); any other error fails the scenario.
    func start(_ context: ScenarioContext) async throws -> any ScenarioEngineSession
}

extension ScenarioEngine {
    /// Engines live in real time unless they say otherwise.
    public var carriesVirtualClock: Bool { false }
}

/// One started engine: the scenario's turns go through it.
public protocol ScenarioEngineSession: Sendable {
    /// Runs one turn and returns the messages it yields, in order. The copies of a
    /// `concurrently` turn call this at the same time.
    ///
    /// - Parameters:
    ///   - conversationID: The turn's conversation.
    ///   - requestID: The turn's request id (a repeat must replay, not run again).
    ///   - text: The user's message.
    /// - Returns: Every message of the turn, ending when the turn ends.
    /// - Throws: A `ChatEngineError` for an error thrown before anything was written
    ///   (`reserved_request_id`, …).
    func send(conversationID: String, requestID: String, text: String) async throws -> AsyncStream<ChatMessage>

    /// What the engine persisted, for `expect.events` and the invariants on stored events;
    /// `nil` (the default) when it reports none, and those checks are not applicable.
    ///
    /// - Returns: The events, in any order (the run orders them by conversation, then `seq`).
    /// - Throws: Any error, which fails the scenario.
    func events() async throws -> [EventStore.Event]?
}

extension ScenarioEngineSession {
    /// No events reported: the checks on stored events are not applicable.
    ///
    /// - Returns: `nil`.
    public func events() async throws -> [EventStore.Event]? { nil }
}

/// What a session is started with.
public struct ScenarioContext: Sendable {
    /// The scenario's `engine` section as a configuration: the fake's base URL, the model, the
    /// hop limit, persistence, system prompt, history limit, idle timeout, retries and the tools
    /// to offer the model.
    public var configuration: ChatEngineConfiguration
    /// The scenario's scripted tools: call it for every tool call; its calls are what
    /// `expect.tool_calls` matches.
    public var tools: any ToolExecutor
    /// The scenario's clock, wall time, ids and observer, for an engine that carries the virtual
    /// clock (see ``ScenarioEngine/carriesVirtualClock``).
    public var dependencies: ChatEngineDependencies
    /// The scenario's name.
    public var scenarioName: String
}

/// `ChatEngine` itself as a ``ScenarioEngine``, on the scenario's virtual clock: what the CLI
/// runs in process, and an example of the seam.
public struct ChatEngineUnderTest: ScenarioEngine {
    /// Creates the engine description; each scenario gets a fresh engine and SQLite file.
    public init() {}

    /// `ChatEngine` runs on the injected clock and reports its reads.
    public var carriesVirtualClock: Bool { true }

    /// A fresh `ChatEngine` on a temporary store.
    ///
    /// - Parameter context: The scenario's configuration, tools and clock.
    /// - Returns: The session.
    /// - Throws: `ChatEngineError` for an invalid configuration; `EventStoreError` when the
    ///   store cannot be created.
    public func start(_ context: ScenarioContext) async throws -> any ScenarioEngineSession {
        let store = try EventStore.temporary()
        let engine = try ChatEngine(
            configuration: context.configuration,
            store: store,
            tools: context.tools,
            dependencies: context.dependencies
        )
        return ChatEngineSession(engine: engine, store: store)
    }
}

/// A session of ``ChatEngineUnderTest``.
private struct ChatEngineSession: ScenarioEngineSession {
    let engine: ChatEngine
    let store: EventStore

    func send(conversationID: String, requestID: String, text: String) async throws -> AsyncStream<ChatMessage> {
        let messages = try self.engine.processMessage(conversationID: conversationID, text: text, requestID: requestID)
        return AsyncStream { continuation in
            let task = Task {
                for await message in messages { continuation.yield(message) }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    func events() async throws -> [EventStore.Event]? {
        await self.engine.waitUntilIdle()
        return try self.store.allEvents()
    }
}
