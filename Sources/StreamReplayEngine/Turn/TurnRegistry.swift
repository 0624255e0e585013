import Synchronization

/// How a turn ended, as duplicates that waited for it replay it.
struct TurnOutcome: Sendable, Hashable {
    /// All text the turn yielded (or the stored answer of a replay).
    var text: String
    /// The turn's refusal fragments joined (or the stored refusal); `nil` when there was none.
    var refusal: String? = nil
    /// The failure, when the turn failed.
    var failure: TurnFailure?
}

/// The turns in flight, keyed by conversation and request id, so that a duplicate that arrives
/// while its original runs waits for that run's outcome instead of running again.
final class TurnRegistry: Sendable {
    struct Key: Hashable, Sendable {
        var conversationID: String
        var requestID: String
    }

    enum Registration: Sendable {
        /// This call runs the turn and must call ``finish(_:outcome:)``.
        case owner(OutcomeBox)
        /// The same request id is in flight: wait for its outcome.
        case duplicate(OutcomeBox)
    }

    private let inFlight = Mutex<[Key: OutcomeBox]>([:])

    /// Registers an arriving call, atomically.
    func register(_ key: Key) -> Registration {
        self.inFlight.withLock { inFlight in
            if let box = inFlight[key] { return .duplicate(box) }
            let box = OutcomeBox()
            inFlight[key] = box
            return .owner(box)
        }
    }

    /// Ends the run of `key`: duplicates that waited get `outcome`; later calls run anew.
    func finish(_ key: Key, outcome: TurnOutcome) {
        let box = self.inFlight.withLock { $0.removeValue(forKey: key) }
        box?.set(outcome)
    }
}

/// A value set once and awaited by any number of tasks; a waiter whose task is cancelled stops
/// waiting (and gets `nil`).
final class OutcomeBox: Sendable {
    private struct State {
        var outcome: TurnOutcome?
        var waiters: [UInt64: CheckedContinuation<TurnOutcome?, Never>] = [:]
        var nextWaiter: UInt64 = 0
    }

    private let state = Mutex(State())

    func set(_ outcome: TurnOutcome) {
        let waiters = self.state.withLock { state -> [CheckedContinuation<TurnOutcome?, Never>] in
            guard state.outcome == nil else { return [] }
            state.outcome = outcome
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters {
            waiter.resume(returning: outcome)
        }
    }

    /// The outcome, or `nil` when the waiting task was cancelled first.
    func wait() async -> TurnOutcome? {
        let id = self.state.withLock { state -> UInt64 in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<TurnOutcome?, Never>) in
                let ready = self.state.withLock { state -> TurnOutcome?? in
                    if let outcome = state.outcome { return .some(outcome) }
                    if Task.isCancelled { return .some(nil) }
                    state.waiters[id] = continuation
                    return nil
                }
                if let ready {
                    continuation.resume(returning: ready)
                }
            }
        } onCancel: {
            let waiter = self.state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.resume(returning: nil)
        }
    }
}

/// Serialises the turns of each conversation, first come first served; a waiter whose task is
/// cancelled leaves the queue.
final class ConversationLocks: Sendable {
    private struct Waiter {
        var id: UInt64
        var continuation: CheckedContinuation<Bool, Never>
    }

    private struct State {
        /// A conversation is held while it has an entry; the entry lists who waits, in order.
        var queues: [String: [Waiter]] = [:]
        var nextWaiter: UInt64 = 0
    }

    private let state = Mutex(State())

    /// Waits until the conversation is free, then holds it: `true`. `false` when the task was
    /// cancelled before it got the conversation (which is then not held).
    func acquire(_ conversationID: String) async -> Bool {
        let id = self.state.withLock { state -> UInt64 in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                let immediate = self.state.withLock { state -> Bool? in
                    if Task.isCancelled { return false }
                    if state.queues[conversationID] != nil {
                        state.queues[conversationID, default: []].append(Waiter(id: id, continuation: continuation))
                        return nil
                    }
                    state.queues[conversationID] = []
                    return true
                }
                if let immediate {
                    continuation.resume(returning: immediate)
                }
            }
        } onCancel: {
            let waiter = self.state.withLock { state -> Waiter? in
                guard var queue = state.queues[conversationID], let index = queue.firstIndex(where: { $0.id == id })
                else { return nil }
                let waiter = queue.remove(at: index)
                state.queues[conversationID] = queue
                return waiter
            }
            waiter?.continuation.resume(returning: false)
        }
    }

    /// Hands the conversation to the next waiter, or frees it.
    func release(_ conversationID: String) {
        let next = self.state.withLock { state -> Waiter? in
            guard var waiters = state.queues[conversationID] else { return nil }
            if waiters.isEmpty {
                state.queues[conversationID] = nil
                return nil
            }
            let next = waiters.removeFirst()
            state.queues[conversationID] = waiters
            return next
        }
        next?.continuation.resume(returning: true)
    }
}
