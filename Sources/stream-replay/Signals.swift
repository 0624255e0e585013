import Dispatch
import Foundation
import Synchronization

/// The last termination signal received (0: none). Set by a plain signal handler: a store to an
/// atomic is async-signal-safe, and nothing can be lost between installing it and waiting.
private let receivedSignal = Atomic<Int32>(0)

/// Waits for a termination signal.
enum Signals {
    /// Starts listening for `signals` (they no longer kill the process); call it before telling
    /// anyone the process is ready.
    static func listen(_ signals: [Int32]) -> Listener {
        for number in signals {
            signal(number) { received in receivedSignal.store(received, ordering: .sequentiallyConsistent) }
        }
        return Listener()
    }

    /// Signals being listened for.
    struct Listener: Sendable {
        /// The first signal that arrives (checked every 50 ms; a CLI's Ctrl-C needs no more).
        func next() async -> Int32 {
            while true {
                let number = receivedSignal.load(ordering: .sequentiallyConsistent)
                if number != 0 { return number }
                do {
                    try await Task.sleep(for: .milliseconds(50))
                } catch {
                    return SIGINT
                }
            }
        }
    }
}

extension Signals {
    /// Exits with 130 on Ctrl-C (and 143 on SIGTERM) while a long command runs.
    static func exitOnInterrupt() {
        signal(SIGINT) { _ in _exit(130) }
        signal(SIGTERM) { _ in _exit(143) }
    }
}
