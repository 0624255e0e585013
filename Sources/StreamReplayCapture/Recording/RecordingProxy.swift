import AsyncHTTPClient
import Foundation
package import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import StreamReplayFakeLLM
import StreamReplayScenario
import Synchronization

/// A recording proxy: listens on 127.0.0.1, forwards each request to an upstream provider,
/// streams the answer back unchanged as it arrives, and writes each chat-completions exchange as a
/// scenario file whose `raw` frames are the exact bytes of each read, with `delay_ms` from the
/// real gaps, so that a replay reproduces the same chunk boundaries.
///
/// Secrets never reach a file: no request header is written at all (so `Authorization`,
/// `api-key`, `x-api-key` and cookies are always left out), and what is written has the secrets
/// ``Redactor`` finds by default (API keys such as `sk-…`, bearer tokens, `api_key`/`password`/…
/// fields) and every match of the `redact` patterns replaced by `[redacted]`.
package final class RecordingProxy: Sendable {
    /// What the proxy records and where.
    package struct Options: Sendable {
        package var upstream: String
        package var outputDirectory: String
        /// Regular expressions whose matches are replaced by `[redacted]` in written files, on top
        /// of the secrets redacted by default.
        package var redact: [String]
        /// Called with each file written.
        package var onWrite: @Sendable (String) -> Void
        /// Called with one line for each request that could not be forwarded or recorded (the
        /// upstream is down, a file cannot be written).
        package var onProblem: (@Sendable (String) -> Void)?

        package init(
            upstream: String,
            outputDirectory: String,
            redact: [String] = [],
            onWrite: @escaping @Sendable (String) -> Void = { _ in }
        ) {
            self.upstream = upstream
            self.outputDirectory = outputDirectory
            self.redact = redact
            self.onWrite = onWrite
        }
    }

    package let host: String
    package let port: Int
    let options: Options
    let client: HTTPClient
    let logger: Logger
    private let written = Mutex<
        (files: [String], waiters: [(count: Int, continuation: CheckedContinuation<Void, Never>)])
    >(([], []))

    /// The base URL clients use instead of the upstream's.
    package var baseURL: String { "http://\(self.host):\(self.port)" }

    /// The files written so far, in order.
    package var files: [String] { self.written.withLock { $0.files } }

    /// Waits until `count` files were written (an exchange is written after its answer ended).
    package func waitUntilWritten(count: Int) async {
        await withCheckedContinuation { continuation in
            let ready = self.written.withLock { state -> Bool in
                if state.files.count >= count { return true }
                state.waiters.append((count, continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }

    private init(host: String, port: Int, options: Options, client: HTTPClient, logger: Logger) {
        self.host = host
        self.port = port
        self.options = options
        self.client = client
        self.logger = logger
    }

    typealias Connection = HTTPRequestLoop.Connection

    /// Starts the proxy, runs `body`, then shuts it down.
    ///
    /// - Throws: An error naming the port when it cannot be bound, or what `body` throws.
    package static func withRunning<Result>(
        options: Options,
        host: String = "127.0.0.1",
        port: Int = 0,
        logger: Logger = Logger(label: "stream-replay.record"),
        _ body: (RecordingProxy) async throws -> Result
    ) async throws -> Result {
        try FileManager.default.createDirectory(atPath: options.outputDirectory, withIntermediateDirectories: true)
        let serverChannel: NIOAsyncChannel<Connection, Never>
        do {
            serverChannel = try await HTTPRequestLoop.bind(host: host, port: port)
        } catch {
            throw RecordingError(description: error.message)
        }
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.decompression = .disabled
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout = .init(connect: .seconds(10), read: .seconds(300))
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let proxy = RecordingProxy(
            host: host,
            port: serverChannel.channel.localAddress?.port ?? port,
            options: options,
            client: client,
            logger: logger
        )
        let result: Result
        do {
            result = try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await serverChannel.executeThenClose { inbound in
                        try await withThrowingDiscardingTaskGroup { connections in
                            for try await connection in inbound {
                                connections.addTask { await proxy.serve(connection) }
                            }
                        }
                    }
                }
                defer {
                    group.cancelAll()
                    serverChannel.channel.close(promise: nil)
                }
                return try await body(proxy)
            }
        } catch {
            try? await client.shutdown()
            throw error
        }
        try? await client.shutdown()
        return result
    }

    func noteWritten(_ file: String) {
        let ready = self.written.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.files.append(file)
            let count = state.files.count
            let ready = state.waiters.filter { $0.count <= count }.map(\.continuation)
            state.waiters.removeAll { $0.count <= count }
            return ready
        }
        for continuation in ready { continuation.resume() }
        self.options.onWrite(file)
    }

    private func serve(_ connection: Connection) async {
        let channel = connection.channel
        do {
            try await connection.executeThenClose { inbound in
                try await HTTPRequestLoop.serve(inbound) { head, body in
                    try await self.forward(head, body: body, to: channel)
                    return true
                }
            }
        } catch {
            self.logger.debug("proxy connection ended", metadata: ["error": "\(error)"])
        }
    }
}

/// A problem of the recorder, one line.
package struct RecordingError: Error, CustomStringConvertible, Sendable {
    package var description: String
}
