import Foundation
public import Logging
public import NIOCore
import NIOPosix
import Synchronization

/// A streaming chat engine: one call of ``processMessage(conversationID:text:requestID:)`` is one
/// turn. It sends an OpenAI-compatible chat-completions request, streams the answer, yields text
/// as it arrives, runs the tools the model calls (looping until the model stops or the hop limit),
/// and persists the turn in an ``EventStore``, idempotently per request id.
///
/// ```swift
/// let store = try EventStore(path: "chat.sqlite")
/// var configuration = ChatEngineConfiguration(baseURL: "https://api.openai.com/v1", model: "gpt-4o")
/// configuration.apiKey = ProcessInfo.processInfo.environment["OPENAI_API_KEY"]
/// let engine = try ChatEngine(configuration: configuration, store: store, tools: MyTools())
/// for await message in try engine.processMessage(conversationID: "c1", text: "Hi", requestID: "r1") {
///     print(message.type, message.content)
/// }
/// ```
///
/// The contract (message kinds, metadata, events, ids) is `docs/engine-contract.md`.
public final class ChatEngine: Sendable {
    let configuration: ChatEngineConfiguration
    let store: EventStore
    let tools: any ToolExecutor
    let dependencies: ChatEngineDependencies
    let logger: Logger
    let client: ChatCompletionsClient
    let registry = TurnRegistry()
    let locks = ConversationLocks()
    /// The turns running, so that ``waitUntilIdle()`` can wait for them; a turn is registered
    /// before it starts and removes itself when it ends.
    private let running = Mutex<[UUID: Task<Void, Never>]>([:])

    /// Makes an engine.
    ///
    /// - Parameters:
    ///   - configuration: Provider, model and the contract's settings.
    ///   - store: Where turns are persisted.
    ///   - tools: Runs the tools the model calls.
    ///   - eventLoopGroup: Where connections run and answers are decoded; NIO's shared group
    ///     by default (one thread per core).
    ///   - dependencies: Clock, wall time, id source and observer; the system's by default.
    ///   - logger: Where the engine logs (never the API key).
    /// - Throws: ``ChatEngineError`` `invalid_configuration` when a setting is out of range.
    public convenience init(
        configuration: ChatEngineConfiguration,
        store: EventStore,
        tools: any ToolExecutor,
        eventLoopGroup: (any EventLoopGroup)? = nil,
        dependencies: ChatEngineDependencies = ChatEngineDependencies(),
        logger: Logger = Logger(label: "stream-replay.engine")
    ) throws(ChatEngineError) {
        try self.init(
            configuration: configuration,
            store: store,
            tools: tools,
            transport: HopTransport(group: eventLoopGroup ?? MultiThreadedEventLoopGroup.singleton),
            dependencies: dependencies,
            logger: logger
        )
    }

    /// Makes an engine whose every request is answered `200 text/event-stream` with
    /// `inMemoryAnswer`, one element per read, without a socket: the engine's whole path but the
    /// network, for benchmarks that count allocations.
    ///
    /// - Parameters:
    ///   - configuration: Provider, model and the contract's settings (the base URL is not used).
    ///   - store: Where turns are persisted.
    ///   - tools: Runs the tools the model calls.
    ///   - inMemoryAnswer: The body of every answer, in reads.
    ///   - dependencies: Clock, wall time, id source and observer.
    ///   - logger: Where the engine logs.
    /// - Throws: ``ChatEngineError`` `invalid_configuration` when a setting is out of range.
    @_spi(Benchmarking)
    public convenience init(
        configuration: ChatEngineConfiguration,
        store: EventStore,
        tools: any ToolExecutor,
        inMemoryAnswer: [ByteBuffer],
        dependencies: ChatEngineDependencies = ChatEngineDependencies(),
        logger: Logger = Logger(label: "stream-replay.engine")
    ) throws(ChatEngineError) {
        try self.init(
            configuration: configuration,
            store: store,
            tools: tools,
            transport: HopTransport(group: MultiThreadedEventLoopGroup.singleton, inMemoryAnswer: inMemoryAnswer),
            dependencies: dependencies,
            logger: logger
        )
    }

    init(
        configuration: ChatEngineConfiguration,
        store: EventStore,
        tools: any ToolExecutor,
        transport: HopTransport,
        dependencies: ChatEngineDependencies,
        logger: Logger
    ) throws(ChatEngineError) {
        try configuration.validate()
        self.configuration = configuration
        self.store = store
        self.tools = tools
        self.dependencies = dependencies
        self.logger = logger
        self.client = ChatCompletionsClient(
            configuration: configuration,
            transport: transport,
            dependencies: dependencies,
            logger: logger
        )
    }

    /// Request ids that would collide with derived ids.
    static let reservedPrefixes = ["assistant:", "assistant_delta:", "tool:"]

    /// Runs one turn.
    ///
    /// - Parameters:
    ///   - conversationID: The conversation.
    ///   - text: The user's message.
    ///   - requestID: The idempotency key: a request id is answered once per conversation.
    /// - Returns: The turn's messages as they are produced; see ``ChatMessageStream``.
    /// - Throws: ``ChatEngineError`` `reserved_request_id` before anything is written.
    public func processMessage(
        conversationID: String,
        text: String,
        requestID: String
    ) throws(ChatEngineError) -> ChatMessageStream {
        if let prefix = Self.reservedPrefixes.first(where: { requestID.hasPrefix($0) }) {
            throw ChatEngineError(
                code: .reservedRequestID,
                message: "request id '\(requestID)' starts with the reserved prefix '\(prefix)'; choose another id"
            )
        }
        let key = TurnRegistry.Key(conversationID: conversationID, requestID: requestID)
        let registration = self.registry.register(key)
        let messages = TurnMessages(
            observer: self.dependencies.observer,
            conversationID: conversationID,
            requestID: requestID
        )
        let taskID = UUID()
        // Registered under the lock that the task's own removal takes: a turn is in `running`
        // from before it starts until it ended, never after.
        let task = self.running.withLock { running in
            let task = Task {
                switch registration {
                case .duplicate(let box):
                    if let outcome = await box.wait() {
                        Self.replay(outcome, emit: messages.yield)
                    }
                case .owner:
                    let outcome: TurnOutcome
                    if await self.locks.acquire(conversationID) {
                        outcome = await self.ownTurn(
                            conversationID: conversationID,
                            text: text,
                            requestID: requestID,
                            messages: messages
                        )
                        self.locks.release(conversationID)
                    } else {
                        outcome = TurnOutcome(text: "", failure: .cancelled)
                    }
                    self.registry.finish(key, outcome: outcome)
                }
                messages.finish()
                _ = self.running.withLock { $0.removeValue(forKey: taskID) }
            }
            running[taskID] = task
            return task
        }
        messages.setOnCancel { task.cancel() }
        return ChatMessageStream(handle: TurnMessages.Handle(messages))
    }

    /// Waits until every turn started so far has ended, finalisation included (also for turns
    /// whose caller stopped reading).
    public func waitUntilIdle() async {
        while let task = self.running.withLock({ $0.values.first }) {
            await task.value
        }
    }

    /// Yields an outcome again, `cached: true`: its text as one message (also when it is empty),
    /// then its refusal as one `refusal` message if it was refused, then the same `error` message
    /// (code, hop, status, retry_after_ms) if it failed.
    static func replay(_ outcome: TurnOutcome, emit: @Sendable (ChatMessage) -> Void) {
        emit(.cached(outcome.text))
        if let refusal = outcome.refusal, !refusal.isEmpty {
            emit(.cachedRefusal(refusal))
        }
        if let failure = outcome.failure {
            emit(failure.message(hop: failure.hop, cached: true))
        }
    }
}
