import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import StreamReplaySSE
import Synchronization

/// Sends one hop's chat-completions request and streams its answer through a ``HopStreamReader``.
///
/// The body is never collected: each buffer is decoded as it arrives, its events handled, and the
/// observer told how far the engine got. An idle watchdog on the injected clock ends the hop
/// when no byte arrives for `idle_timeout`. Retries (when configured) happen only before the
/// first byte, for connect failures, 429 and 5xx, with back-off on the injected clock.
struct ChatCompletionsClient: Sendable {
    var configuration: ChatEngineConfiguration
    var httpClient: HTTPClient
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
        case read(HopStreamReader)
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
        let initial = HopStreamReader(context: context, batcher: batcher)
        let idleTimeout = self.configuration.idleTimeout
        let reader = await withTaskGroup(of: RaceOutcome.self) { group -> HopStreamReader in
            group.addTask {
                .read(
                    await self.read(
                        body: body,
                        context: context,
                        attempt: attempt,
                        reader: initial,
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
                case .read(var reader):
                    group.cancelAll()
                    if timedOut {
                        // No byte for idle_timeout: complete when a finish_reason (or [DONE]) was
                        // seen, else idle_timeout. A failure found in the stream itself stays.
                        let failure = reader.result.failure
                        if failure == nil || failure == .cancelled || failure?.code == "stream_interrupted" {
                            if reader.result.sawFinish || reader.result.sawDone {
                                reader.clearFailure()
                            } else {
                                reader.replaceFailure(with: .idleTimeout(idleTimeout))
                            }
                        }
                    }
                    return reader
                }
            }
            return initial
        }
        return reader.result
    }

    /// Sends the request and reads the answer; returns the reader with what it got, on every path.
    private func read(
        body: JSONValue,
        context: HopContext,
        attempt: Int,
        reader initial: HopStreamReader,
        lastActivity: LastActivity
    ) async -> HopStreamReader {
        var reader = initial
        let clock = self.dependencies.clock
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

        let response: ResponseStream
        do {
            let request = try HTTPClient.Request(
                url: self.endpoint,
                method: .POST,
                headers: headers,
                body: .byteBuffer(ByteBuffer(string: bodyText))
            )
            response = try await ResponseStream.start(request, on: self.httpClient, logger: self.logger)
        } catch {
            reader.fail(
                Task.isCancelled
                    ? .cancelled : .connectFailed(self.endpoint, reason: ConnectionErrorText.describe(error))
            )
            return reader
        }
        lastActivity.value = clock.now
        let status = Int(response.head.status.code)
        let responseHeaders = response.head.headers
        let observed = ObservedResponse(
            requestIDHeader: responseHeaders.first(name: "x-request-id"),
            conversationID: context.conversationID,
            requestID: context.requestID,
            hop: context.hop,
            attempt: attempt,
            status: status,
            contentType: responseHeaders.first(name: "content-type")
        )
        defer { self.dependencies.observer?.engineFinished(observed) }
        self.dependencies.observer?.engineConsumed(bytes: 0, of: observed)

        guard (200..<300).contains(status) else {
            let text = await Self.readText(of: response.body, limit: 64 * 1024)
            if status == 429 {
                reader.fail(
                    .rateLimited(body: text, retryAfterMilliseconds: Self.retryAfterMilliseconds(responseHeaders))
                )
            } else {
                reader.fail(
                    .httpError(
                        status: status,
                        body: text,
                        retryAfterMilliseconds: Self.retryAfterMilliseconds(responseHeaders)
                    )
                )
            }
            return reader
        }
        let contentType = responseHeaders.first(name: "content-type")
        if status == 200, !(contentType?.lowercased().hasPrefix("text/event-stream") ?? false) {
            reader.fail(.notEventStream(contentType: contentType))
            return reader
        }
        if let encoding = responseHeaders.first(name: "content-encoding")?.trimmingCharacters(in: .whitespaces),
            !["", "identity", "gzip", "x-gzip", "deflate"].contains(encoding.lowercased())
        {
            reader.fail(.undecodableEncoding(encoding))
            return reader
        }

        let processor = NIOSingleStepByteToMessageProcessor(SSEDecoder())
        var consumed = 0
        var interruption: String?
        do {
            for try await buffer in response.body {
                lastActivity.value = clock.now
                self.dependencies.observer?.engineReceived(buffer, of: observed)
                reader.noteBytes()
                consumed += buffer.readableBytes
                try processor.process(buffer: buffer) { event in
                    reader.handle(event, now: clock.now)
                }
                self.dependencies.observer?.engineConsumed(bytes: consumed, of: observed)
                if reader.isFinished { break }
            }
            if !reader.isFinished {
                try processor.finishProcessing(seenEOF: true) { event in
                    if event.isTerminated || event.data?.hasPrefix("[DONE]") == true {
                        reader.handle(event, now: clock.now)
                    }
                }
            }
        } catch {
            if Task.isCancelled {
                reader.fail(.cancelled)
            } else {
                // A final `data: [DONE]` whose blank line never came still ends the stream.
                try? processor.finishProcessing(seenEOF: true) { event in
                    if event.data?.hasPrefix("[DONE]") == true {
                        reader.handle(event, now: clock.now)
                    }
                }
                interruption = "the connection failed (\(ConnectionErrorText.describe(error)))"
            }
        }
        reader.flushDeltas()
        reader.end(interruption: interruption)
        return reader
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

    /// Reads up to `limit` bytes of a body as text.
    static func readText(of body: AsyncThrowingStream<ByteBuffer, any Error>, limit: Int) async -> String {
        var collected = ByteBuffer()
        do {
            for try await var buffer in body {
                let room = limit - collected.readableBytes
                if room <= 0 { break }
                if buffer.readableBytes > room, let slice = buffer.readSlice(length: room) {
                    buffer = slice
                }
                collected.writeBuffer(&buffer)
            }
        } catch {
            // What arrived before the failure is kept.
        }
        return String(buffer: collected)
    }
}

extension HopStreamReader {
    /// Replaces a stream-level failure by a more precise one (an idle timeout).
    mutating func replaceFailure(with failure: TurnFailure) {
        self.clearFailure()
        self.fail(failure)
    }
}

/// When the last byte (or the response head) of a hop arrived; shared with the idle watchdog.
final class LastActivity: Sendable {
    private let instant: Mutex<EngineInstant>

    init(_ instant: EngineInstant) {
        self.instant = Mutex(instant)
    }

    var value: EngineInstant {
        get { self.instant.withLock { $0 } }
        set { self.instant.withLock { $0 = newValue } }
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
        if let error = error as? HTTPClientError {
            if error == .connectTimeout { return "no connection was made within the connect timeout" }
            return error.description
        }
        return String(describing: error)
    }
}
