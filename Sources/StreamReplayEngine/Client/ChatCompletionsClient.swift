import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import StreamReplaySSE
import Synchronization

/// Sends one hop's chat-completions request and streams its answer through a ``HopHandler`` and
/// its ``HopDriver``, on the connection's event loop.
///
/// The body is never collected: each read is decoded where it arrives, its events handled, and
/// the observer told how far the engine got; the turn's task waits once per hop, not per message. An idle watchdog on the injected clock ends the hop
/// when no byte arrives for `idle_timeout`. Retries (when configured) happen only before the
/// first byte, for connect failures, 429 and 5xx, with back-off on the injected clock.
struct ChatCompletionsClient: Sendable {
    var configuration: ChatEngineConfiguration
    var transport: HopTransport
    var dependencies: ChatEngineDependencies
    var logger: Logger

    /// The endpoint: `{baseURL}/chat/completions`.
    var endpoint: String {
        var base = self.configuration.baseURL
        while base.hasSuffix("/") { base.removeLast() }
        return base + "/chat/completions"
    }

    /// Runs one hop to its end; never throws.
    func runHop(body: JSONValue, context: HopContext) async -> HopResult {
        var attempt = 0
        while true {
            let result = await self.attempt(body: body, context: context, attempt: attempt)
            guard let failure = result.failure, attempt < self.configuration.llmRetries, !result.receivedBytes,
                Self.isRetryable(failure), !Task.isCancelled
            else {
                return result
            }
            let backoff = Self.backoff(attempt: attempt, retryAfterMilliseconds: failure.retryAfterMilliseconds)
            self.logger.debug("retrying hop", metadata: ["code": "\(failure.code)", "attempt": "\(attempt + 1)"])
            // The deadline is fixed before the observer hears of it, so that an observer that
            // moves a virtual clock right away ends the wait instead of pushing it back.
            let deadline = self.dependencies.clock.now.advanced(by: backoff)
            self.dependencies.observer?.engineWillRetry(
                after: backoff,
                conversationID: context.conversationID,
                requestID: context.requestID,
                hop: context.hop
            )
            do {
                try await self.dependencies.clock.sleep(until: deadline)
            } catch {
                var cancelled = result
                cancelled.failure = .cancelled
                return cancelled
            }
            attempt += 1
        }
    }

    static func isRetryable(_ failure: TurnFailure) -> Bool {
        switch failure.code {
        case "connect_failed", "rate_limited": return true
        case "http_error": return (failure.status ?? 0) >= 500
        default: return false
        }
    }

    /// Retry n (from 0) waits `max(Retry-After, 500 ms × 2ⁿ)`, at most 30 s.
    static func backoff(attempt: Int, retryAfterMilliseconds: Int?) -> Duration {
        let exponential = 500 * (1 << min(attempt, 16))
        let milliseconds = min(max(retryAfterMilliseconds ?? 0, exponential), 30_000)
        return .milliseconds(milliseconds)
    }

    // MARK: One attempt

    private enum RaceOutcome: Sendable {
        case read(HopResult)
        case idle
    }

    private func attempt(body: JSONValue, context: HopContext, attempt: Int) async -> HopResult {
        let clock = self.dependencies.clock
        let lastActivity = LastActivity(clock.now)
        let batcher: DeltaBatcher<EngineInstant>? =
            self.configuration.persistDeltas
            ? DeltaBatcher(
                interval: self.configuration.persistInterval,
                minimumCharacters: self.configuration.persistMinChars,
                hopStart: clock.now
            )
            : nil
        let machine = HopStateMachine(hop: context.hop, batcher: batcher)
        let idleTimeout = self.configuration.idleTimeout
        return await withTaskGroup(of: RaceOutcome.self) { group -> HopResult in
            group.addTask {
                .read(
                    await self.exchange(
                        body: body,
                        context: context,
                        attempt: attempt,
                        machine: machine,
                        lastActivity: lastActivity
                    )
                )
            }
            group.addTask {
                // The watchdog: returns when no byte arrived for idle_timeout; cancelled otherwise.
                while !Task.isCancelled {
                    let deadline = lastActivity.value.advanced(by: idleTimeout)
                    do {
                        try await clock.sleep(until: deadline)
                    } catch {
                        break
                    }
                    if lastActivity.value.advanced(by: idleTimeout) <= clock.now {
                        return .idle
                    }
                }
                return .idle
            }
            var timedOut = false
            while let outcome = await group.next() {
                switch outcome {
                case .idle:
                    if Task.isCancelled { continue }
                    timedOut = true
                    group.cancelAll()
                case .read(var result):
                    group.cancelAll()
                    if timedOut {
                        // No byte for idle_timeout: complete when a finish_reason (or [DONE]) was
                        // seen, else idle_timeout. A failure found in the stream itself stays.
                        let failure = result.failure
                        if failure == nil || failure == .cancelled || failure?.code == "stream_interrupted" {
                            result.failure = result.sawFinish || result.sawDone ? nil : .idleTimeout(idleTimeout)
                        }
                    }
                    return result
                }
            }
            return machine.result
        }
    }

    /// Sends the request and reads the answer; returns what the hop got, on every path.
    private func exchange(
        body: JSONValue,
        context: HopContext,
        attempt: Int,
        machine initial: HopStateMachine,
        lastActivity: LastActivity
    ) async -> HopResult {
        var machine = initial
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "Accept", value: "text/event-stream")
        // Uncompressed, please (the client still decodes gzip and deflate if a proxy compresses).
        headers.add(name: "Accept-Encoding", value: "identity")
        headers.add(name: "User-Agent", value: "stream-replay-engine/0.1")
        if let key = self.configuration.apiKey, !key.isEmpty {
            headers.add(name: "Authorization", value: "Bearer \(key)")
        }
        let bodyText = body.compactJSON
        self.dependencies.observer?.engineWillSend(
            requestBody: bodyText,
            conversationID: context.conversationID,
            requestID: context.requestID,
            hop: context.hop
        )
        let eventLoop = self.transport.group.next()
        let promise = eventLoop.makePromise(of: HopResult.self)
        let endpoint = self.endpoint
        let handler: @Sendable () -> HopHandler = {
            [machine, clock = self.dependencies.clock, observer = self.dependencies.observer] in
            HopHandler(
                machine: machine,
                context: context,
                clock: clock,
                observer: observer,
                attempt: attempt,
                lastActivity: lastActivity,
                endpoint: endpoint,
                promise: promise
            )
        }
        if let answer = self.transport.inMemoryAnswer {
            InMemoryExchange.start(answer, handler: handler, eventLoop: eventLoop)
            return await Self.outcome(of: promise, observer: self.dependencies.observer)
        }
        guard let target = HopTarget(endpoint: self.endpoint, proxies: self.configuration.proxy) else {
            machine.fail(
                .connectFailed(self.endpoint, reason: "the base URL is not an http:// or https:// URL with a host")
            )
            promise.succeed(machine.result)
            return machine.result
        }
        let channel = NIOLockedValueBox<(any Channel)?>(nil)
        return await withTaskCancellationHandler {
            do {
                _ = try await HopConnection.open(
                    target,
                    headers: headers,
                    body: ByteBuffer(string: bodyText),
                    handler: handler,
                    group: eventLoop,
                    connectTimeout: self.configuration.connectTimeout,
                    opened: { opened in
                        channel.withLockedValue { $0 = opened }
                        if Task.isCancelled { opened.close(promise: nil) }
                    }
                )
            } catch {
                var reason = ConnectionErrorText.describe(error)
                if let proxy = target.proxy, !(error is HopConnectError) { reason += " (through the proxy \(proxy))" }
                machine.fail(Task.isCancelled ? .cancelled : .connectFailed(self.endpoint, reason: reason))
                // The handler may have run already; then its result stands.
                promise.succeed(machine.result)
            }
            // Time spent connecting is not idle time; but a byte that already arrived (the handler
            // runs on the connection's event loop, maybe before this line) set the instant
            // itself, and moving it to a later `now` could push the watchdog's deadline past
            // every advance of a virtual clock (found by `run --faults`: a stall right after
            // the head hung the hop).
            lastActivity.connected(at: self.dependencies.clock.now)
            return await Self.outcome(of: promise, observer: self.dependencies.observer)
        } onCancel: {
            channel.withLockedValue { $0 }?.close(promise: nil)
        }
    }

    /// Waits for the hop's handler, then tells the observer the response is done.
    private static func outcome(
        of promise: EventLoopPromise<HopResult>,
        observer: (any ChatEngineObserver)?
    ) async
        -> HopResult
    {
        // The promise is only ever succeeded.
        let result = (try? await promise.futureResult.get()) ?? HopResult()
        if let observed = result.observed { observer?.engineFinished(observed) }
        return result
    }

    // MARK: Helpers

    /// `retry-after-ms` wins over `Retry-After` (seconds).
    static func retryAfterMilliseconds(_ headers: HTTPHeaders) -> Int? {
        if let text = headers.first(name: "retry-after-ms"),
            let value = Double(text.trimmingCharacters(in: .whitespaces)), value >= 0
        {
            return Int(value.rounded())
        }
        if let text = headers.first(name: "retry-after"),
            let seconds = Double(text.trimmingCharacters(in: .whitespaces)), seconds >= 0
        {
            return Int((seconds * 1000).rounded())
        }
        return nil
    }
}

/// When the last byte (or the response head) of a hop arrived; shared with the idle watchdog.
final class LastActivity: Sendable {
    private let state: Mutex<(instant: EngineInstant, read: Bool)>

    init(_ instant: EngineInstant) {
        self.state = Mutex((instant, false))
    }

    /// The instant; setting it records a read.
    var value: EngineInstant {
        get { self.state.withLock { $0.instant } }
        set { self.state.withLock { $0 = (newValue, true) } }
    }

    /// The connection is set up at `instant`: the hop's idle time starts there, unless a read
    /// already set it.
    func connected(at instant: EngineInstant) {
        self.state.withLock { state in
            if !state.read { state.instant = instant }
        }
    }
}

/// Connection failures in words, for the engine's `connect_failed` messages and the recording
/// proxy's log.
package enum ConnectionErrorText {
    /// A connection failure in words: the system's text for a socket error (`Connection
    /// refused`, `No route to host`), a DNS failure as such, else the client's own description.
    package static func describe(_ error: any Error) -> String {
        if let error = error as? IOError {
            return String(cString: strerror(error.errnoCode)) + " (errno \(error.errnoCode))"
        }
        if let error = error as? NIOConnectionError {
            if let dns = error.dnsAError ?? error.dnsAAAAError {
                return "the host name '\(error.host)' could not be resolved (\(dns))"
            }
            if let first = error.connectionErrors.first {
                return Self.describe(first.error)
            }
            return "no address of '\(error.host)' accepted a connection"
        }
        if let error = error as? ChannelError, case .connectTimeout = error {
            return "no connection was made within the connect timeout"
        }
        if let error = error as? HopConnectError {
            return error.description
        }
        if let error = error as? NIOSSLError {
            return "the TLS handshake failed (\(error))"
        }
        return String(describing: error)
    }
}
