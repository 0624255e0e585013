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

/// A value set once and awaited by any number of tasks.
final class OutcomeBox: Sendable {
    private let state = Mutex<(outcome: TurnOutcome?, waiters: [CheckedContinuation<TurnOutcome, Never>])>((nil, []))

    func set(_ outcome: TurnOutcome) {
        let waiters = self.state.withLock { state -> [CheckedContinuation<TurnOutcome, Never>] in
            guard state.outcome == nil else { return [] }
            state.outcome = outcome
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters {
            waiter.resume(returning: outcome)
        }
    }

    func wait() async -> TurnOutcome {
        await withCheckedContinuation { continuation in
            let ready = self.state.withLock { state -> TurnOutcome? in
                if let outcome = state.outcome { return outcome }
                state.waiters.append(continuation)
                return nil
            }
            if let ready {
                continuation.resume(returning: ready)
            }
        }
    }
}

/// Serialises the turns of each conversation, first come first served.
final class ConversationLocks: Sendable {
    private let state = Mutex<[String: [CheckedContinuation<Void, Never>]]>([:])

    /// Waits until the conversation is free, then holds it.
    func acquire(_ conversationID: String) async {
        await withCheckedContinuation { continuation in
            let acquired = self.state.withLock { state -> Bool in
                if let waiters = state[conversationID] {
                    state[conversationID] = waiters + [continuation]
                    return false
                }
                state[conversationID] = []
                return true
            }
            if acquired {
                continuation.resume()
            }
        }
    }

    /// Hands the conversation to the next waiter, or frees it.
    func release(_ conversationID: String) {
        let next = self.state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard var waiters = state[conversationID] else { return nil }
            if waiters.isEmpty {
                state[conversationID] = nil
                return nil
            }
            let next = waiters.removeFirst()
            state[conversationID] = waiters
            return next
        }
        next?.resume()
    }
}
