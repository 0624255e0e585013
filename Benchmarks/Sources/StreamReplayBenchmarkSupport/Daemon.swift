import Foundation
import Synchronization

/// A server started as a subprocess that prints its port on its first lines (`serve`: "… at
/// http://127.0.0.1:PORT/v1"; the ceilings and the pre-rendered server: "listening on PORT"),
/// and is stopped with SIGKILL.
///
/// ```swift
/// let server = try await Daemon.start("/usr/bin/python3", [script, "--words", "100000"])
/// defer { Task { await server.stop() } }
/// print(server.port)
/// ```
public final class Daemon: Sendable {
    let process: Process
    /// The port it printed.
    public let port: Int
    private let watch: Watch

    /// `http://127.0.0.1:PORT/v1/chat/completions`.
    public var url: String { "http://127.0.0.1:\(self.port)/v1/chat/completions" }

    /// `http://127.0.0.1:PORT/v1`.
    public var baseURL: String { "http://127.0.0.1:\(self.port)/v1" }

    /// The subprocess's pid.
    public var processIdentifier: Int32 { self.process.processIdentifier }

    private init(process: Process, port: Int, watch: Watch) {
        self.process = process
        self.port = port
        self.watch = watch
    }

    /// Starts `executable` and returns once it has printed its port; throws with what it printed
    /// if it ends first.
    public static func start(_ executable: String, _ arguments: [String]) async throws -> Daemon {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = subprocessEnvironment()
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        let watch = Watch()
        pipe.fileHandleForReading.readabilityHandler = { handle in
            let chunk = handle.availableData
            if chunk.isEmpty {
                handle.readabilityHandler = nil
                watch.ended()
            } else {
                watch.take(chunk)
            }
        }
        process.terminationHandler = { _ in watch.exited() }
        try process.run()
        do {
            let port = try await watch.port()
            return Daemon(process: process, port: port, watch: watch)
        } catch {
            kill(process.processIdentifier, SIGKILL)
            throw BenchError("\(executable) \(arguments.joined(separator: " ")): \(error)")
        }
    }

    /// A field of the process's /proc status (`VmRSS`, `VmHWM`) in bytes; 0 if unreadable.
    public func memory(_ field: String) -> Int {
        ProcessStatus.bytes(field, of: "/proc/\(self.process.processIdentifier)/status")
    }

    /// Kills the server and waits until it has exited. SIGKILL: a child of Foundation's `Process`
    /// on Linux inherits a signal mask that blocks SIGTERM.
    public func stop() async {
        kill(self.process.processIdentifier, SIGKILL)
        await self.watch.exit()
    }

    /// The daemon's output until its port, and its exit.
    final class Watch: Sendable {
        struct State {
            var output = Data()
            var port: Int?
            var finished = false
            var exited = false
            var portWaiter: CheckedContinuation<Int, any Error>?
            var exitWaiters: [CheckedContinuation<Void, Never>] = []
        }

        let state = Mutex(State())

        func take(_ chunk: Data) {
            let waiter: (CheckedContinuation<Int, any Error>, Int)? = self.state.withLock { state in
                state.output.append(chunk)
                guard state.port == nil, let port = Daemon.port(in: String(decoding: state.output, as: UTF8.self))
                else { return nil }
                state.port = port
                defer { state.portWaiter = nil }
                return state.portWaiter.map { ($0, port) }
            }
            if let (continuation, port) = waiter { continuation.resume(returning: port) }
        }

        /// Standard output closed (or the process exited) before a port: fail the waiter.
        func ended() {
            let waiter: (CheckedContinuation<Int, any Error>, String)? = self.state.withLock { state in
                state.finished = true
                defer { state.portWaiter = nil }
                return state.portWaiter.map { ($0, String(decoding: state.output, as: UTF8.self)) }
            }
            if let (continuation, output) = waiter {
                continuation.resume(throwing: BenchError("ended without printing its port: \(output)"))
            }
        }

        func exited() {
            let waiters = self.state.withLock { state in
                state.exited = true
                defer { state.exitWaiters = [] }
                return state.exitWaiters
            }
            for waiter in waiters { waiter.resume() }
            self.ended()
        }

        func port() async throws -> Int {
            try await withCheckedThrowingContinuation { continuation in
                let now: Result<Int, any Error>? = self.state.withLock { state in
                    if let port = state.port { return .success(port) }
                    if state.finished {
                        return .failure(
                            BenchError(
                                "ended without printing its port: \(String(decoding: state.output, as: UTF8.self))"
                            )
                        )
                    }
                    state.portWaiter = continuation
                    return nil
                }
                if let now { continuation.resume(with: now) }
            }
        }

        func exit() async {
            await withCheckedContinuation { continuation in
                let done = self.state.withLock { state in
                    if state.exited { return true }
                    state.exitWaiters.append(continuation)
                    return false
                }
                if done { continuation.resume() }
            }
        }
    }

    /// The port in a daemon's first output, if it is there yet.
    static func port(in text: String) -> Int? {
        for marker in ["listening on ", "at http://127.0.0.1:"] {
            if let range = text.range(of: marker) {
                let digits = text[range.upperBound...].prefix { $0.isNumber }
                // The whole number: wait for what follows it.
                if digits.endIndex < text.endIndex { return Int(digits) }
            }
        }
        return nil
    }
}
