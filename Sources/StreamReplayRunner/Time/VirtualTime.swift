import StreamReplayEngine
import StreamReplayFakeLLM
import Synchronization

/// Scenario time: the one place where the fake's pauses, the engine's progress and the virtual
/// clock meet (architecture.md, "Virtual time").
///
/// - A `delay_ms: N` frame waits until the engine has the response head and consumed every byte
///   sent so far, then moves the clock by N. When the stall since the engine's last byte reaches
///   its idle timeout, the engine's watchdog fires; the fake then sends nothing more until the
///   engine has finished with the response.
/// - A `disconnect` frame waits until the engine consumed every byte sent before it.
/// - A retry back-off moves the clock straight to its deadline.
/// - A scripted tool's delay moves the clock by its length.
///
/// Every wait ends when its task is cancelled, so a scenario's safety timeout always ends it.
final class VirtualTime: FakeLLMPacer, ChatEngineObserver {
    let clock: VirtualClock
    /// The engine's idle timeout, to know when a stall fires its watchdog.
    let idleTimeout: Duration

    /// What the engine reported about one response (known once its head arrived).
    private struct Progress {
        var consumed = 0
        var lastActivity: VirtualClock.Instant
        var finished = false
    }

    private struct Waiter {
        var responseID: String
        var bytes: Int
        var untilFinished: Bool
        var continuation: CheckedContinuation<Void, Never>
    }

    private struct State {
        var responses: [String: Progress] = [:]
        var waiters: [Int: Waiter] = [:]
        var nextWaiter = 0
    }

    private let state = Mutex(State())
    /// Waits until an engine in another process has the runner's time (the `clock` capability).
    private let synchronise = Mutex<(@Sendable () async -> Void)?>(nil)

    /// Told of each message the engine yields, for the report's timeline.
    let timeline: TimelineRecorder?

    init(clock: VirtualClock, idleTimeout: Duration, timeline: TimelineRecorder? = nil) {
        self.clock = clock
        self.idleTimeout = idleTimeout
        self.timeline = timeline
    }

    func engineYielded(_ message: ChatMessage, conversationID: String, requestID: String) {
        self.timeline?.yielded(message, copy: 0)
    }

    // MARK: FakeLLMPacer

    func pause(milliseconds: Int, context: PacerContext) async throws {
        await self.wait(for: context.responseID, bytes: context.bytesWritten, untilFinished: false)
        try Task.checkCancellation()
        let progress = self.state.withLock { $0.responses[context.responseID] }
        guard let progress, !progress.finished else { throw CancellationError() }
        self.clock.advance(by: .milliseconds(milliseconds))
        await self.synchronise.withLock({ $0 })?()
        if progress.lastActivity.duration(to: self.clock.now) >= self.idleTimeout {
            // The engine's idle watchdog fires: it ends the response; send nothing more until then.
            await self.wait(for: context.responseID, bytes: Int.max, untilFinished: true)
            throw CancellationError()
        }
    }

    func willDisconnect(context: PacerContext) async throws {
        await self.wait(for: context.responseID, bytes: context.bytesWritten, untilFinished: false)
        try Task.checkCancellation()
    }

    // MARK: ChatEngineObserver

    func engineConsumed(bytes: Int, of response: ObservedResponse) {
        guard let id = response.requestIDHeader else { return }
        self.consumed(bytes: bytes, responseID: id)
    }

    func engineFinished(_ response: ObservedResponse) {
        guard let id = response.requestIDHeader else { return }
        self.finished(responseID: id)
    }

    func engineWillRetry(after delay: Duration, conversationID: String, requestID: String, hop: Int) {
        self.clock.advance(by: delay)
        if let synchronise = self.synchronise.withLock({ $0 }) {
            Task { await synchronise() }
        }
    }

    /// Sets how to wait until an engine in another process has the runner's time.
    func setSynchronise(_ synchronise: @escaping @Sendable () async -> Void) {
        self.synchronise.withLock { $0 = synchronise }
    }

    /// The engine handled the first `bytes` of the response whose `x-request-id` is `id`.
    func consumed(bytes: Int, responseID id: String) {
        let now = self.clock.now
        self.update(id) { progress in
            if progress == nil {
                progress = Progress(consumed: bytes, lastActivity: now)
            } else if bytes > progress?.consumed ?? 0 {
                progress?.consumed = bytes
                progress?.lastActivity = now
            }
        }
    }

    /// The engine stopped reading the response whose `x-request-id` is `id`.
    func finished(responseID id: String) {
        let now = self.clock.now
        self.update(id) { progress in
            if progress == nil { progress = Progress(lastActivity: now) }
            progress?.finished = true
        }
    }

    // MARK: Waiting

    private func update(_ id: String, _ change: (inout Progress?) -> Void) {
        let ready = self.state.withLock { state -> [CheckedContinuation<Void, Never>] in
            var progress = state.responses[id]
            change(&progress)
            state.responses[id] = progress
            guard let progress else { return [] }
            var ready: [CheckedContinuation<Void, Never>] = []
            for (key, waiter) in state.waiters where waiter.responseID == id && Self.isSatisfied(waiter, by: progress) {
                ready.append(waiter.continuation)
                state.waiters[key] = nil
            }
            return ready
        }
        for continuation in ready { continuation.resume() }
    }

    private static func isSatisfied(_ waiter: Waiter, by progress: Progress) -> Bool {
        progress.finished || (!waiter.untilFinished && progress.consumed >= waiter.bytes)
    }

    /// Waits until the engine has the response head and consumed `bytes` of it (or finished with
    /// it); returns at once when the task is cancelled.
    private func wait(for id: String, bytes: Int, untilFinished: Bool) async {
        let key = self.state.withLock { state -> Int in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let satisfied = self.state.withLock { state -> Bool in
                    if Task.isCancelled { return true }
                    let waiter = Waiter(
                        responseID: id,
                        bytes: bytes,
                        untilFinished: untilFinished,
                        continuation: continuation
                    )
                    if let progress = state.responses[id], Self.isSatisfied(waiter, by: progress) { return true }
                    state.waiters[key] = waiter
                    return false
                }
                if satisfied { continuation.resume() }
            }
        } onCancel: {
            let waiter = self.state.withLock { $0.waiters.removeValue(forKey: key) }
            waiter?.continuation.resume()
        }
    }
}
