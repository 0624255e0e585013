import StreamReplayEngine
import StreamReplayFakeLLM
import Synchronization

/// Scenario time: the one place where the fake's pauses, the engine's progress and the virtual
/// clock meet (architecture.md, "Virtual time").
///
/// - A `delay_ms: N` frame waits until the engine consumed every byte sent so far, then moves the
///   clock by N. When that stall reaches the engine's idle timeout, the engine's watchdog fires;
///   the fake then sends nothing more until the engine has finished with the response.
/// - A retry back-off moves the clock straight to its deadline.
/// - A scripted tool's delay moves the clock by its length.
final class VirtualTime: FakeLLMPacer, ChatEngineObserver {
    let clock: VirtualClock
    /// The engine's idle timeout, to know when a stall fires its watchdog.
    let idleTimeout: Duration

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
        var waiters: [Waiter] = []
    }

    private let state = Mutex(State())

    init(clock: VirtualClock, idleTimeout: Duration) {
        self.clock = clock
        self.idleTimeout = idleTimeout
    }

    // MARK: FakeLLMPacer

    func pause(milliseconds: Int, context: PacerContext) async throws {
        await self.wait(for: context.responseID, bytes: context.bytesWritten, untilFinished: false)
        let (lastActivity, finished) = self.state.withLock { state -> (VirtualClock.Instant, Bool) in
            let progress = state.responses[context.responseID, default: Progress(lastActivity: self.clock.now)]
            state.responses[context.responseID] = progress
            return (progress.lastActivity, progress.finished)
        }
        if finished { throw CancellationError() }
        self.clock.advance(by: .milliseconds(milliseconds))
        if lastActivity.duration(to: self.clock.now) >= self.idleTimeout {
            // The engine's idle watchdog fires: it ends the response; send nothing more until then.
            await self.wait(for: context.responseID, bytes: Int.max, untilFinished: true)
            throw CancellationError()
        }
    }

    func willDisconnect(context: PacerContext) async throws {
        await self.wait(for: context.responseID, bytes: context.bytesWritten, untilFinished: false)
    }

    // MARK: ChatEngineObserver

    func engineConsumed(bytes: Int, of response: ObservedResponse) {
        guard let id = response.requestIDHeader else { return }
        self.update(id) { progress in
            if bytes > progress.consumed {
                progress.consumed = bytes
                progress.lastActivity = self.clock.now
            }
        }
    }

    func engineFinished(_ response: ObservedResponse) {
        guard let id = response.requestIDHeader else { return }
        self.update(id) { $0.finished = true }
    }

    func engineWillRetry(after delay: Duration, conversationID: String, requestID: String, hop: Int) {
        self.clock.advance(by: delay)
    }

    // MARK: Waiting

    private func update(_ id: String, _ change: (inout Progress) -> Void) {
        let ready = self.state.withLock { state -> [CheckedContinuation<Void, Never>] in
            var progress = state.responses[id, default: Progress(lastActivity: self.clock.now)]
            change(&progress)
            state.responses[id] = progress
            var ready: [CheckedContinuation<Void, Never>] = []
            state.waiters.removeAll { waiter in
                guard waiter.responseID == id, Self.isSatisfied(waiter, by: progress) else { return false }
                ready.append(waiter.continuation)
                return true
            }
            return ready
        }
        for continuation in ready { continuation.resume() }
    }

    private static func isSatisfied(_ waiter: Waiter, by progress: Progress) -> Bool {
        progress.finished || (!waiter.untilFinished && progress.consumed >= waiter.bytes)
    }

    /// Waits until the engine consumed `bytes` of the response (or finished with it).
    private func wait(for id: String, bytes: Int, untilFinished: Bool) async {
        await withCheckedContinuation { continuation in
            let satisfied = self.state.withLock { state -> Bool in
                let progress = state.responses[id, default: Progress(lastActivity: self.clock.now)]
                state.responses[id] = progress
                let waiter = Waiter(
                    responseID: id,
                    bytes: bytes,
                    untilFinished: untilFinished,
                    continuation: continuation
                )
                if Self.isSatisfied(waiter, by: progress) { return true }
                state.waiters.append(waiter)
                return false
            }
            if satisfied { continuation.resume() }
        }
    }
}
