public import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
package import StreamReplayScenario
import Synchronization

/// A fake OpenAI-compatible chat-completions server that plays a script.
///
/// Each `POST /v1/chat/completions` (or `/chat/completions`) gets the next answer of the script,
/// streamed frame by frame, each piece one flushed write (`TCP_NODELAY` on). Every request is kept
/// in a journal. `GET /v1/models` lists the script's models; `GET /_stream-replay/requests`
/// returns the journal and `POST /_stream-replay/reset` rewinds the script.
///
/// ```swift
/// let scenario = try ScenarioLoader().load(file: "scenarios/basic/text.yaml")
/// try await FakeLLMServer.withRunning(script: FakeLLMScript(scenario: scenario)) { server in
///     print(server.baseURL)                // http://127.0.0.1:54321/v1
///     // … point a client at it …
///     let requests = await server.journal()
/// }
/// ```
public final class FakeLLMServer: Sendable {
    /// The address the server is bound to.
    public let host: String
    /// The port it listens on (the ephemeral one picked when 0 was asked).
    public let port: Int
    let state: FakeLLMState
    let pacer: any FakeLLMPacer
    /// Told of every arrival, write and end, for a report's timeline.
    let tap: (any FakeLLMTap)?
    let logger: Logger
    private let openChannels = Mutex<[ObjectIdentifier: any Channel]>([:])

    /// The base URL of the OpenAI-compatible API, ending in `/v1`.
    public var baseURL: String {
        let host = self.host.contains(":") ? "[\(self.host)]" : self.host
        return "http://\(host):\(self.port)/v1"
    }

    private init(
        host: String,
        port: Int,
        state: FakeLLMState,
        pacer: any FakeLLMPacer,
        tap: (any FakeLLMTap)?,
        logger: Logger
    ) {
        self.host = host
        self.port = port
        self.state = state
        self.pacer = pacer
        self.tap = tap
        self.logger = logger
    }

    /// Starts a server, runs `body` with it, then shuts it down, on every path.
    ///
    /// - Parameters:
    ///   - script: The answers to play.
    ///   - host: The address to bind; `127.0.0.1` unless told otherwise.
    ///   - port: The port; 0 picks a free one (read it back from ``port``).
    ///   - options: How answers are picked and how many requests the journal keeps.
    ///   - pacer: How `delay_ms` frames wait; real sleeps by default.
    ///   - logger: Where connection problems are logged (at debug level).
    ///   - body: Runs while the server accepts connections.
    /// - Returns: What `body` returns.
    /// - Throws: ``FakeLLMError`` when the address cannot be bound (`port_in_use`, `bind_failed`),
    ///   or what `body` throws.
    public static func withRunning<Result>(
        script: FakeLLMScript,
        host: String = "127.0.0.1",
        port: Int = 0,
        options: FakeLLMOptions = FakeLLMOptions(),
        pacer: any FakeLLMPacer = RealTimePacer(),
        logger: Logger = Logger(label: "stream-replay.fake-llm"),
        _ body: (FakeLLMServer) async throws -> Result
    ) async throws -> Result {
        try await self.withRunning(
            scripts: [script],
            host: host,
            port: port,
            options: options,
            pacer: pacer,
            logger: logger,
            body
        )
    }

    /// Starts a server playing several scripts, each request routed by its `model` to the script
    /// whose `engine.model` (or scenario name) it names; runs `body`, then shuts down.
    ///
    /// A script answers as its model and each answer's own; failing those, a request's `model`
    /// picks the script of that file name or scenario name. With one script, every request goes to
    /// it; with several, a request whose `model` picks none gets HTTP 404 `model_not_found`.
    ///
    /// - Parameters:
    ///   - scripts: The scripts to play, each with its own cursor.
    ///   - host: The address to bind; `127.0.0.1` unless told otherwise.
    ///   - port: The port; 0 picks a free one (read it back from ``port``).
    ///   - options: How answers are picked and how many requests the journal keeps.
    ///   - pacer: How `delay_ms` frames wait; real sleeps by default.
    ///   - logger: Where connection problems are logged (at debug level).
    ///   - body: Runs while the server accepts connections.
    /// - Returns: What `body` returns.
    /// - Throws: ``FakeLLMError`` when the address cannot be bound (`port_in_use`, `bind_failed`),
    ///   or what `body` throws.
    public static func withRunning<Result>(
        scripts: [FakeLLMScript],
        host: String = "127.0.0.1",
        port: Int = 0,
        options: FakeLLMOptions = FakeLLMOptions(),
        pacer: any FakeLLMPacer = RealTimePacer(),
        logger: Logger = Logger(label: "stream-replay.fake-llm"),
        _ body: (FakeLLMServer) async throws -> Result
    ) async throws -> Result {
        try await self.withRunning(
            scripts: scripts,
            host: host,
            port: port,
            options: options,
            pacer: pacer,
            tap: nil,
            logger: logger,
            body
        )
    }

    /// ``withRunning(scripts:host:port:options:pacer:logger:_:)`` with a tap told of everything
    /// the fake does on the wire (the runner's timeline).
    package static func withRunning<Result>(
        scripts: [FakeLLMScript],
        host: String = "127.0.0.1",
        port: Int = 0,
        options: FakeLLMOptions = FakeLLMOptions(),
        pacer: any FakeLLMPacer = RealTimePacer(),
        tap: (any FakeLLMTap)?,
        logger: Logger = Logger(label: "stream-replay.fake-llm"),
        _ body: (FakeLLMServer) async throws -> Result
    ) async throws -> Result {
        let serverChannel = try await Self.bind(host: host, port: port)
        let boundPort = serverChannel.channel.localAddress?.port ?? port
        let server = FakeLLMServer(
            host: host,
            port: boundPort,
            state: FakeLLMState(scripts: scripts, options: options),
            pacer: pacer,
            tap: tap,
            logger: logger
        )
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await server.acceptConnections(serverChannel)
            }
            defer {
                group.cancelAll()
                serverChannel.channel.close(promise: nil)
                server.closeOpenConnections()
            }
            return try await body(server)
        }
    }

    /// Replaces the scripts (such as after the files changed); the journal is kept.
    ///
    /// - Parameter scripts: The new scripts; each starts again at its first answer.
    public func reload(scripts: [FakeLLMScript]) async {
        await self.state.replace(scripts: scripts)
    }

    /// How many requests arrived since the start (kept in the journal or not).
    public func requestCount() async -> Int {
        await self.state.totals().received
    }

    /// The requests kept (the newest `journalLimit`) since the start or the last reset, in order.
    public func journal() async -> [RecordedRequest] {
        await self.state.requests()
    }

    /// Returns once the writer of every answer given so far has counted what it wrote (writes,
    /// bytes, a cut): read the journal after this to see each answer's own account. An answer
    /// whose connection is gone counts as soon as its next write fails.
    public func settled() async {
        await self.state.settled()
    }

    /// How many answers of the script were never used.
    public func unusedAnswers() async -> Int {
        await self.state.unusedAnswers()
    }

    /// Makes `profile` the wire format of every answer whose entry names none, from the next
    /// request on (the runner's default once an adapter's `ready` named its engine's format).
    package func setDefaultProfile(_ profile: Scenario.StreamAnswer.Profile) async {
        await self.state.setDefaultProfile(profile)
    }

    /// Rewinds the script to its first answer and clears the journal.
    public func reset() async {
        await self.state.reset()
    }

    // MARK: Connections

    typealias Connection = HTTPRequestLoop.Connection

    private static func bind(host: String, port: Int) async throws -> NIOAsyncChannel<Connection, Never> {
        do {
            return try await HTTPRequestLoop.bind(host: host, port: port)
        } catch {
            throw FakeLLMError(code: error.isPortInUse ? .portInUse : .bindFailed, message: error.message, cause: error)
        }
    }

    private func acceptConnections(_ serverChannel: NIOAsyncChannel<Connection, Never>) async throws {
        try await serverChannel.executeThenClose { inbound in
            try await withThrowingDiscardingTaskGroup { group in
                for try await connection in inbound {
                    group.addTask {
                        await self.serve(connection)
                    }
                }
            }
        }
    }

    private func serve(_ connection: Connection) async {
        let channel = connection.channel
        let key = ObjectIdentifier(channel)
        self.openChannels.withLock { $0[key] = channel }
        defer { _ = self.openChannels.withLock { $0.removeValue(forKey: key) } }
        do {
            try await connection.executeThenClose { inbound in
                try await HTTPRequestLoop.serve(inbound) { head, body in
                    try await self.respond(to: head, body: body, channel: channel)
                }
            }
        } catch {
            self.logger.debug("connection ended with an error", metadata: ["error": "\(error)"])
        }
    }

    private func closeOpenConnections() {
        let channels = self.openChannels.withLock { Array($0.values) }
        for channel in channels {
            channel.close(promise: nil)
        }
    }
}
