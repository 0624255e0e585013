import StreamReplayEngine
import Synchronization

/// Every event the store committed, in commit order (deltas later compacted away included).
final class WriteLog: Sendable {
    private let events = Mutex<[StoredEvent]>([])

    func append(_ written: [StoredEvent]) {
        self.events.withLock { $0.append(contentsOf: written) }
    }

    var all: [StoredEvent] { self.events.withLock { $0 } }
    var count: Int { self.events.withLock { $0.count } }
}
