import Foundation

/// Pinning to a core, through `taskset` (Swift's Glibc module leaves `sched_setaffinity` out).
public enum CPUAffinity {
    /// The core the engine runs on.
    public static let engineCore = 0
    /// The other core, for the server the engine reads from.
    public static let serverCore = 1

    /// Whether there is a second core and `taskset` to pin with.
    public static var available: Bool {
        ProcessInfo.processInfo.activeProcessorCount >= 2 && which("taskset") != nil
    }

    /// Pins every thread of this process to `core`; threads it starts later inherit that.
    public static func pinThisProcess(to core: Int) async throws {
        guard let taskset = which("taskset") else { throw BenchError("pinning needs taskset (util-linux)") }
        let result = try await runProcess(taskset, ["-a", "-p", "-c", String(core), String(getpid())])
        guard result.status == 0 else {
            throw BenchError("taskset -a -p -c \(core) \(getpid()) failed: \(result.stdout)\(result.stderr)")
        }
    }

    /// `executable arguments…` as run by `taskset -c core`.
    public static func pinned(_ core: Int, _ executable: String, _ arguments: [String]) throws -> (String, [String]) {
        guard let taskset = which("taskset") else { throw BenchError("pinning needs taskset (util-linux)") }
        return (taskset, ["-c", String(core), executable] + arguments)
    }
}
