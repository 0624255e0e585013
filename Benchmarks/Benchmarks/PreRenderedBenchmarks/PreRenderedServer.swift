import Foundation
import StreamReplayBenchmarkSupport
import Synchronization

/// `Benchmarks/PreRendered/server.py` as a subprocess of one benchmark, started in its setup:
/// this process pinned to ``CPUAffinity/engineCore``, the server to ``CPUAffinity/serverCore``
/// (when there are two cores and taskset), and curl's best time over `curlRuns` reads kept as the
/// ceiling.
final class PreRenderedServer: Sendable {
    struct State {
        var daemon: Daemon?
        var curlSeconds: Double?
        var bodyBytes = 0
        var pinning = "not pinned"
    }

    let words: Int
    private let state = Mutex(State())

    init(words: Int) {
        self.words = words
    }

    var baseURL: String {
        get throws {
            guard let daemon = self.state.withLock({ $0.daemon }) else {
                throw BenchError("the pre-rendered server is not running")
            }
            return daemon.baseURL
        }
    }

    var bodyBytes: Int { self.state.withLock { $0.bodyBytes } }
    var pinning: String { self.state.withLock { $0.pinning } }

    /// Text chunks per second that curl read.
    var curlRate: Double? {
        self.state.withLock { $0.curlSeconds }.map { Double(self.words) / $0 }
    }

    func start(curlRuns: Int) async throws {
        guard let python = which("python3") else { throw BenchError("the pre-rendered server needs python3") }
        let script = Repository.path("Benchmarks/PreRendered/server.py")
        let arguments = [script, "--words", String(self.words)]
        let daemon: Daemon
        if CPUAffinity.available {
            try await CPUAffinity.pinThisProcess(to: CPUAffinity.engineCore)
            let (taskset, pinned) = try CPUAffinity.pinned(CPUAffinity.serverCore, python, arguments)
            daemon = try await Daemon.start(taskset, pinned)
            self.state.withLock {
                $0.pinning = "engine on core \(CPUAffinity.engineCore), server on core \(CPUAffinity.serverCore)"
            }
        } else {
            daemon = try await Daemon.start(python, arguments)
        }
        self.state.withLock { $0.daemon = daemon }
        guard curlRuns > 0 else { return }
        guard let curl = Curl() else { throw BenchError("the curl ceiling needs curl") }
        var best = Double.infinity
        var bytes = 0
        for _ in 0..<curlRuns {
            let read = try await curl.read(daemon.url)
            best = min(best, read.seconds)
            bytes = read.bytes
        }
        self.state.withLock { state in
            state.curlSeconds = best
            state.bodyBytes = bytes
        }
    }

    func stop() async {
        let daemon = self.state.withLock { state in
            defer { state.daemon = nil }
            return state.daemon
        }
        await daemon?.stop()
    }
}

/// The peak memory of the one turn, for the summary.
final class PeakRecorder: Sendable {
    private let bytes = Mutex(0)

    func set(_ value: Int) { self.bytes.withLock { $0 = value } }

    var value: Int { self.bytes.withLock { $0 } }
}
