import Foundation
public import NIOCore

/// Everything time- or randomness-dependent the engine uses, injected so that a harness can make
/// every run exact. The defaults are the system's.
public struct ChatEngineDependencies: Sendable {
    /// Measures `interval_ms`, idle timeouts and retry back-off; `sleep` waits on it.
    var clock: EngineClock
    /// Milliseconds since 1970 for `created_at` and the `epoch_ms` of delta ids.
    public var wallClock: @Sendable () -> Int64
    /// Event ids and the random suffix of delta ids.
    public var ids: any ChatEngineIDSource
    /// Learns when the engine consumed the bytes of a response (for virtual time).
    public var observer: (any ChatEngineObserver)?

    /// The system's clock, wall time and random ids.
    public init() {
        self.init(clock: ContinuousClock())
    }

    /// Uses `clock` for time and the system's wall time unless `wallClock` is given.
    ///
    /// - Parameters:
    ///   - clock: Measures idle timeouts, delta intervals and retry back-off, and is slept on; a
    ///     ``VirtualClock`` makes them exact.
    ///   - wallClock: Milliseconds since 1970 for `created_at` and delta ids; the system's time
    ///     when `nil`.
    ///   - ids: Event ids and the hex suffix of delta ids; random by default.
    ///   - observer: Learns how far the engine read each response; none by default.
    public init<C: Clock<Duration>>(
        clock: C,
        wallClock: (@Sendable () -> Int64)? = nil,
        ids: any ChatEngineIDSource = RandomIDSource(),
        observer: (any ChatEngineObserver)? = nil
    ) {
        self.clock = EngineClock(clock)
        self.wallClock = wallClock ?? { Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) }
        self.ids = ids
        self.observer = observer
    }
}

/// A type-erased `Clock<Duration>`: instants are offsets from the moment it was wrapped.
struct EngineClock: Sendable {
    private let nowFunction: @Sendable () -> Duration
    private let sleepFunction: @Sendable (Duration) async throws -> Void

    init<C: Clock<Duration>>(_ clock: C) {
        let origin = clock.now
        self.nowFunction = { origin.duration(to: clock.now) }
        self.sleepFunction = { offset in try await clock.sleep(until: origin.advanced(by: offset), tolerance: nil) }
    }

    var now: EngineInstant { EngineInstant(offset: self.nowFunction()) }

    func sleep(until deadline: EngineInstant) async throws {
        try await self.sleepFunction(deadline.offset)
    }

    func sleep(for duration: Duration) async throws {
        try await self.sleep(until: self.now.advanced(by: duration))
    }
}

/// An instant of ``EngineClock``.
struct EngineInstant: InstantProtocol, Sendable {
    var offset: Duration

    func advanced(by duration: Duration) -> EngineInstant { EngineInstant(offset: self.offset + duration) }
    func duration(to other: EngineInstant) -> Duration { other.offset - self.offset }
    static func < (lhs: EngineInstant, rhs: EngineInstant) -> Bool { lhs.offset < rhs.offset }
}

/// Where event ids and the random part of delta ids come from.
public protocol ChatEngineIDSource: Sendable {
    /// A new UUID string for an event's `id`.
    func uuid() -> String
    /// Eight lowercase hex digits for the suffix of a delta's request id.
    func hex8() -> String
}

/// Random ids from the system generator.
public struct RandomIDSource: ChatEngineIDSource {
    /// Creates a source; it holds no state, so one value can serve every engine.
    public init() {}

    /// A random (version 4) UUID in lowercase, such as `9f1c2e4a-0b7d-4c3e-8a51-6d2f0e9b7c13`.
    public func uuid() -> String { UUID().uuidString.lowercased() }

    /// Eight random lowercase hex digits, zero-padded, such as `0a3f9c21`.
    public func hex8() -> String {
        let value = UInt32.random(in: .min ... .max)
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: 8 - hex.count) + hex
    }
}

/// Learns how far the engine got in reading each response, so that a harness can move virtual
/// time only once the engine has consumed everything sent so far.
///
/// The engine calls it synchronously from the task that reads the response, for every turn
/// running at once: return quickly, and expect calls about different turns concurrently.
public protocol ChatEngineObserver: Sendable {
    /// The engine handled every event completed by the first `bytes` body bytes of `response`
    /// (messages yielded, batches written) and is about to wait for more. It is first called
    /// with 0 as soon as the response head arrived.
    ///
    /// - Parameters:
    ///   - bytes: Body bytes of `response` consumed so far, in total (not since the last call).
    ///   - response: The response being read.
    func engineConsumed(bytes: Int, of response: ObservedResponse)
    /// The engine stopped reading `response` (complete, failed or cancelled).
    ///
    /// - Parameter response: The response no longer read; no call about it follows.
    func engineFinished(_ response: ObservedResponse)
    /// The engine is about to wait `delay` on its clock before retrying a hop (retry back-off).
    ///
    /// - Parameters:
    ///   - delay: The back-off on the engine's clock: `max(Retry-After, 500 ms × 2ⁿ)`, at most 30 s.
    ///   - conversationID: The conversation of the turn.
    ///   - requestID: The turn's request id.
    ///   - hop: The hop to retry: 0 for the first request, n after n rounds of tool calls.
    func engineWillRetry(after delay: Duration, conversationID: String, requestID: String, hop: Int)
    /// The engine is about to send this chat-completions request body (one call per attempt).
    ///
    /// - Parameters:
    ///   - requestBody: The body exactly as it is sent: compact JSON text, with the API key not in it.
    ///   - conversationID: The conversation of the turn.
    ///   - requestID: The turn's request id.
    ///   - hop: The hop the request starts: 0 for the first request, n after n rounds of tool calls.
    func engineWillSend(requestBody: String, conversationID: String, requestID: String, hop: Int)
    /// Body bytes of `response` exactly as they arrived, before the engine handles them (for a
    /// wire validator or a recorder).
    ///
    /// - Parameters:
    ///   - bytes: The bytes of one read, in arrival order; chunk boundaries mean nothing.
    ///   - response: The response they belong to.
    func engineReceived(_ bytes: ByteBuffer, of response: ObservedResponse)
    /// The engine put `message` in the turn's stream, for its caller to take (a report's
    /// timeline: when the engine yielded it, not when the caller got round to reading it).
    ///
    /// - Parameters:
    ///   - message: The message, as the caller will receive it.
    ///   - conversationID: The conversation of the turn.
    ///   - requestID: The turn's request id.
    func engineYielded(_ message: ChatMessage, conversationID: String, requestID: String)
}

extension ChatEngineObserver {
    /// Does nothing, so that an observer implements only what it needs.
    public func engineConsumed(bytes: Int, of response: ObservedResponse) {}
    /// Does nothing, so that an observer implements only what it needs.
    public func engineFinished(_ response: ObservedResponse) {}
    /// Does nothing, so that an observer implements only what it needs.
    public func engineWillRetry(after delay: Duration, conversationID: String, requestID: String, hop: Int) {}
    /// Does nothing, so that an observer implements only what it needs.
    public func engineWillSend(requestBody: String, conversationID: String, requestID: String, hop: Int) {}
    /// Does nothing, so that an observer implements only what it needs.
    public func engineReceived(_ bytes: ByteBuffer, of response: ObservedResponse) {}
    /// Does nothing, so that an observer implements only what it needs.
    public func engineYielded(_ message: ChatMessage, conversationID: String, requestID: String) {}
}

/// A response the engine reads, as the observer sees it.
public struct ObservedResponse: Sendable, Hashable {
    /// The response's `x-request-id` header, when it has one.
    public var requestIDHeader: String?
    /// The conversation of the turn this response answers.
    public var conversationID: String
    /// The turn's request id.
    public var requestID: String
    /// The hop of the turn this response answers: 0 for the first request, n after n rounds of
    /// tool calls.
    public var hop: Int
    /// 0 for the first attempt, n for retry n.
    public var attempt: Int
    /// The HTTP status of the response.
    public var status: Int
    /// The response's `Content-Type`, when it has one.
    public var contentType: String?
}
