public import AsyncHTTPClient
import Foundation
public import Logging
import NIOCore
import NIOHTTPCompression
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
    private let running = Mutex<[UUID: Task<Void, Never>]>([:])

    /// Makes an engine.
    ///
    /// - Parameters:
    ///   - configuration: Provider, model and the contract's settings.
    ///   - store: Where turns are persisted.
    ///   - tools: Runs the tools the model calls.
    ///   - httpClient: The HTTP client; by default one shared by every engine with the same
    ///     ``ChatEngineConfiguration/connectTimeout``, with connection retries off. A client
    ///     passed here keeps its own timeouts (`connectTimeout` is then not used).
    ///   - dependencies: Clock, wall time, id source and observer; the system's by default.
    ///   - logger: Where the engine logs (never the API key).
    /// - Throws: ``ChatEngineError`` `invalid_configuration` when a setting is out of range.
    public init(
        configuration: ChatEngineConfiguration,
        store: EventStore,
        tools: any ToolExecutor,
        httpClient: HTTPClient? = nil,
        dependencies: ChatEngineDependencies = ChatEngineDependencies(),
        logger: Logger = Logger(label: "stream-replay.engine")
    ) throws(ChatEngineError) {
        try configuration.validate()
        self.configuration = configuration
        self.store = store
        self.tools = tools
        self.dependencies = dependencies
        self.logger = logger
        self.client = ChatCompletionsClient(
            configuration: configuration,
            httpClient: httpClient ?? EngineHTTPClient.shared(connectTimeout: configuration.connectTimeout),
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
        let (stream, continuation) = AsyncStream.makeStream(of: ChatMessage.self)
        let taskID = UUID()
        let task = Task {
            let emit: @Sendable (ChatMessage) -> Void = { message in
                if !Task.isCancelled { continuation.yield(message) }
            }
            switch registration {
            case .duplicate(let box):
                let outcome = await box.wait()
                Self.replay(outcome, emit: emit)
            case .owner:
                await self.locks.acquire(conversationID)
                let outcome = await self.ownTurn(
                    conversationID: conversationID,
                    text: text,
                    requestID: requestID,
                    emit: emit
                )
                self.registry.finish(key, outcome: outcome)
                self.locks.release(conversationID)
            }
            continuation.finish()
            _ = self.running.withLock { $0.removeValue(forKey: taskID) }
        }
        self.running.withLock { $0[taskID] = task }
        continuation.onTermination = { termination in
            if case .cancelled = termination { task.cancel() }
        }
        return ChatMessageStream(base: stream)
    }

    /// Waits until every turn started so far has ended, finalisation included (also for turns
    /// whose caller stopped reading).
    public func waitUntilIdle() async {
        while let task = self.running.withLock({ $0.values.first }) {
            await task.value
            self.running.withLock { running in
                if let key = running.first(where: { $0.value == task })?.key { running[key] = nil }
            }
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

/// The engine's default HTTP clients: one per connect timeout, shared, never shut down, with
/// connection retries off (an unreachable endpoint fails at once instead of retrying until a
/// deadline). AsyncHTTPClient sets the connect timeout per client, not per request, hence one
/// client per distinct value (in practice one or two per process).
enum EngineHTTPClient {
    private static let clients = Mutex<[Duration: HTTPClient]>([:])

    /// The shared client whose connection attempts give up after `connectTimeout`.
    static func shared(connectTimeout: Duration) -> HTTPClient {
        Self.clients.withLock { clients in
            if let client = clients[connectTimeout] { return client }
            let client = Self.make(connectTimeout: connectTimeout)
            clients[connectTimeout] = client
            return client
        }
    }

    private static func make(connectTimeout: Duration) -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        // Each streamed answer holds its connection for the whole turn: the default of 8 per host
        // would queue the ninth concurrent conversation until the connect timeout.
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 512
        let milliseconds =
            connectTimeout.components.seconds * 1000
            + connectTimeout.components.attoseconds / 1_000_000_000_000_000
        configuration.timeout = .init(connect: .milliseconds(max(1, milliseconds)), read: nil)
        // A proxy may compress an event stream whatever the request asked (it sends
        // `Accept-Encoding: identity`): gzip and deflate are decoded before the SSE decoder, with
        // a ratio limit against decompression bombs; any other encoding fails the turn by name.
        configuration.decompression = .enabled(limit: .ratio(500))
        // A 3xx is the provider's answer (http_error), not something to follow.
        configuration.redirectConfiguration = .disallow
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }
}
