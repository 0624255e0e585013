import Foundation
import Synchronization

/// What a finished subprocess did.
public struct ProcessResult: Sendable {
    /// The exit status.
    public var status: Int32
    /// Everything it wrote to standard output.
    public var stdout: String
    /// Everything it wrote to standard error.
    public var stderr = ""
    /// From the launch to the exit.
    public var elapsed: Duration
    /// When the first stdout line accepted by `firstLine` arrived, from the launch.
    public var firstLine: Duration?
    /// Whether it was killed for running past its time limit.
    public var timedOut = false
}

/// The environment for a subprocess: this one's without `LD_PRELOAD`, which package-benchmark
/// sets to load its malloc interposer into the benchmark; a server, curl or the CLI would
/// otherwise run with it too and pay for every allocation.
public func subprocessEnvironment() -> [String: String] {
    var environment = ProcessInfo.processInfo.environment
    environment["LD_PRELOAD"] = nil
    return environment
}

/// Runs a program to its end without blocking a thread of the concurrency pool (a server in this
/// process may be answering it), killing it after `timeLimit`.
public func runProcess(
    _ executable: String,
    _ arguments: [String],
    directory: String? = nil,
    timeLimit: Duration = .seconds(600),
    firstLine: (@Sendable (Substring) -> Bool)? = nil
) async throws -> ProcessResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.environment = subprocessEnvironment()
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    let pipe = Pipe()
    process.standardOutput = pipe
    // Standard error goes to a file, read when the program has ended, for error messages.
    let errorFile = FileManager.default.temporaryDirectory.appendingPathComponent(
        "stream-replay-bench-\(UUID().uuidString).err"
    )
    _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: errorFile) }
    process.standardError = try FileHandle(forWritingTo: errorFile)
    process.standardInput = FileHandle.nullDevice

    let clock = ContinuousClock()
    let start = clock.now
    let collector = OutputCollector(start: start, accept: firstLine)
    let reader = pipe.fileHandleForReading
    reader.readabilityHandler = { handle in
        let chunk = handle.availableData
        if !chunk.isEmpty { collector.take(chunk) }
    }
    // Kills the program (this process started it) when it runs past `timeLimit`: a timeout, not
    // a way to wait for something.
    let killed = Mutex(false)
    let watchdog = Task {
        try await Task.sleep(for: timeLimit)
        killed.withLock { $0 = true }
        kill(process.processIdentifier, SIGKILL)
    }
    let status: Int32 = try await withCheckedThrowingContinuation { continuation in
        process.terminationHandler = { process in
            continuation.resume(returning: process.terminationStatus)
        }
        do {
            try process.run()
        } catch {
            process.terminationHandler = nil
            continuation.resume(throwing: error)
        }
    }
    let elapsed = start.duration(to: clock.now)
    watchdog.cancel()
    reader.readabilityHandler = nil
    if let rest = try? reader.readToEnd(), !rest.isEmpty { collector.take(rest) }
    let state = collector.state.withLock { $0 }
    let stderr = (try? String(contentsOf: errorFile, encoding: .utf8)) ?? ""
    return ProcessResult(
        status: status,
        stdout: String(decoding: state.data, as: UTF8.self),
        stderr: stderr,
        elapsed: elapsed,
        firstLine: state.first,
        timedOut: killed.withLock { $0 }
    )
}

/// Collects a subprocess's standard output and notes when its first accepted line arrived.
final class OutputCollector: Sendable {
    struct State {
        var data = Data()
        var scanned = 0
        var first: Duration?
    }

    let state = Mutex(State())
    let start: ContinuousClock.Instant
    let accept: (@Sendable (Substring) -> Bool)?

    init(start: ContinuousClock.Instant, accept: (@Sendable (Substring) -> Bool)?) {
        self.start = start
        self.accept = accept
    }

    func take(_ chunk: Data) {
        let now = ContinuousClock.now
        self.state.withLock { state in
            state.data.append(chunk)
            guard state.first == nil, let accept = self.accept else { return }
            while let newline = state.data[state.scanned...].firstIndex(of: 0x0A) {
                let line = String(decoding: state.data[state.scanned..<newline], as: UTF8.self)
                state.scanned = newline + 1
                if accept(Substring(line)) {
                    state.first = self.start.duration(to: now)
                    break
                }
            }
        }
    }
}
