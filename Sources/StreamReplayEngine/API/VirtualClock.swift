import Synchronization

/// A clock whose time moves only when told to. It starts at 0.
///
/// The scenario runner uses it for scenario time; embedders use it to test their own backends
/// deterministically: pass it in ``ChatEngineDependencies`` and move time with ``advance(by:)``.
///
/// Sleepers wait until ``advance(by:)`` moves `now` past their deadline; they wake in deadline
/// order (ties in the order they went to sleep). A cancelled sleeper wakes at once and throws.
public final class VirtualClock: Clock, Sendable {
    /// A point of the clock's time: an offset from its start.
    public struct Instant: InstantProtocol, Sendable {
        /// Time since the clock started.
        public var offset: Duration

        /// The instant `offset` after the clock's start.
        ///
        /// - Parameter offset: Time since the clock started.
        public init(offset: Duration) {
            self.offset = offset
        }

        /// The instant `duration` later (earlier when `duration` is negative).
        public func advanced(by duration: Duration) -> Instant { Instant(offset: self.offset + duration) }
        /// The time from this instant to `other`; negative when `other` is earlier.
        public func duration(to other: Instant) -> Duration { other.offset - self.offset }
        /// Whether `lhs` is earlier than `rhs`.
        public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
    }

    private struct Sleeper {
        var deadline: Instant
        var order: Int
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now = Instant(offset: .zero)
        var sleepers: [Int: Sleeper] = [:]
        var nextOrder = 0
    }

    private let state = Mutex(State())

    /// A clock at 0 with no sleepers.
    public init() {}

    /// The current time: 0 at the start, then wherever ``advance(by:)`` and ``advance(to:)`` moved it.
    public var now: Instant { self.state.withLock { $0.now } }

    /// One nanosecond.
    public var minimumResolution: Duration { .nanoseconds(1) }

    /// How many tasks are asleep on the clock.
    public var sleeperCount: Int { self.state.withLock { $0.sleepers.count } }

    /// The earliest deadline of a sleeper, if any.
    public var nextDeadline: Instant? {
        self.state.withLock { $0.sleepers.values.map(\.deadline).min() }
    }

    /// Suspends until ``advance(by:)`` or ``advance(to:)`` moves `now` to `deadline` or past it;
    /// returns at once when `deadline` is not after `now`.
    ///
    /// - Parameters:
    ///   - deadline: The instant to wake at.
    ///   - tolerance: Ignored: a sleeper wakes exactly when time reaches its deadline.
    /// - Throws: `CancellationError` when the task is cancelled, before or during the sleep.
    public func sleep(until deadline: Instant, tolerance: Duration? = nil) async throws {
        let order = self.state.withLock { state -> Int in
            defer { state.nextOrder += 1 }
            return state.nextOrder
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let resumeNow: Result<Void, any Error>? = self.state.withLock { state in
                    if Task.isCancelled { return .failure(CancellationError()) }
                    if deadline <= state.now { return .success(()) }
                    state.sleepers[order] = Sleeper(deadline: deadline, order: order, continuation: continuation)
                    return nil
                }
                if let resumeNow {
                    continuation.resume(with: resumeNow)
                }
            }
        } onCancel: {
            let sleeper = self.state.withLock { $0.sleepers.removeValue(forKey: order) }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Moves time forward by `duration`, waking every sleeper whose deadline is reached.
    ///
    /// - Parameter duration: How far to move; a negative duration counts as zero.
    /// - Returns: How many sleepers woke.
    @discardableResult
    public func advance(by duration: Duration) -> Int {
        self.advance(to: self.now.advanced(by: max(duration, .zero)))
    }

    /// Moves time to `instant` (never backwards), waking every sleeper whose deadline is reached.
    ///
    /// - Parameter instant: The new time; an instant before `now` leaves time where it is.
    /// - Returns: How many sleepers woke.
    @discardableResult
    public func advance(to instant: Instant) -> Int {
        let woken = self.state.withLock { state -> [Sleeper] in
            if instant > state.now { state.now = instant }
            let due = state.sleepers.values.filter { $0.deadline <= state.now }.sorted {
                ($0.deadline, $0.order) < ($1.deadline, $1.order)
            }
            for sleeper in due { state.sleepers[sleeper.order] = nil }
            return due
        }
        for sleeper in woken {
            sleeper.continuation.resume()
        }
        return woken.count
    }
}
