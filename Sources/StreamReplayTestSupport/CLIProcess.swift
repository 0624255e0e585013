package import Foundation
import Subprocess
import Synchronization

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
#if canImport(System)
import System
#else
import SystemPackage
#endif

/// Runs the built `stream-replay` binary, as a user would, and captures what it prints.
///
/// Children are started with swift-subprocess, not Foundation's `Process`: on Linux, Foundation
/// 6.3's `Process.run()` lists `/proc/self/fd` by copying each entry's whole 256-byte `d_name`,
/// which reads past glibc's directory buffer and crashes (SIGSEGV) once the process holds more
/// than about 1,350 descriptors (swift-corelibs-foundation#5472). A parallel test run holds
/// 2,000 at its start, and CI crashed on exactly that.
package enum CLIProcess {
    /// What a finished run printed and how it exited.
    package struct Result: Sendable {
        /// The exit code; 128 + N for a child ended by signal N, as a shell reports it.
        package var exitCode: Int32
        package var stdout: String
        package var stderr: String
    }

    /// The directory holding the built products (next to the test bundle).
    package static var productsDirectory: URL {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        while directory.path != "/" {
            if FileManager.default.isExecutableFile(atPath: directory.appendingPathComponent("stream-replay").path) {
                return directory
            }
            directory.deleteLastPathComponent()
        }
        return Bundle.main.bundleURL.deletingLastPathComponent()
    }

    /// The `stream-replay` executable.
    package static var executable: URL {
        self.productsDirectory.appendingPathComponent("stream-replay")
    }

    /// The most a test reads of one stream of a child (a runaway child fails the test, not the
    /// machine).
    private static let outputLimit = 64 * 1024 * 1024

    /// Runs `stream-replay ARGUMENTS` to the end, with `NO_COLOR=1` and `environment` over the
    /// test's own environment.
    package static func run(
        _ arguments: [String],
        environment: [String: String] = [:],
        currentDirectory: String? = nil
    ) async throws -> Result {
        let outcome = try await Subprocess.run(
            self.configuration(arguments, environment: environment, currentDirectory: currentDirectory),
            output: .bytes(limit: self.outputLimit),
            error: .bytes(limit: self.outputLimit)
        )
        return Result(
            exitCode: self.exitCode(outcome.terminationStatus),
            stdout: String(decoding: outcome.standardOutput, as: UTF8.self),
            stderr: String(decoding: outcome.standardError, as: UTF8.self)
        )
    }

    /// Starts `stream-replay ARGUMENTS`, waits for its first line on stdout, runs `body` with the
    /// running child, then waits for the child to exit. When `body` throws, the child is killed
    /// first. Returns what `body` returned and how the child ended (`stdout` holds every line,
    /// the first included).
    package static func withStarted<T: Sendable>(
        _ arguments: [String],
        environment: [String: String] = [:],
        _ body: (StartedCLI) async throws -> T
    ) async throws -> (value: T, result: Result) {
        let outcome = try await Subprocess.run(
            self.configuration(arguments, environment: environment, currentDirectory: nil),
            input: .none,
            output: .sequence,
            error: .sequence
        ) { execution -> Swift.Result<(T, [String], [String]), any Error> in
            let started = StartedCLI(processIdentifier: execution.processIdentifier.value)
            let stdoutTask = Task {
                do {
                    for try await line in execution.standardOutput.strings() { started.received(line, on: .stdout) }
                } catch {}
                started.ended(.stdout)
            }
            let stderrTask = Task {
                do {
                    for try await line in execution.standardError.strings() { started.received(line, on: .stderr) }
                } catch {}
                started.ended(.stderr)
            }
            let value: Swift.Result<T, any Error>
            do {
                _ = await started.line(on: .stdout, containing: "", within: .seconds(120))
                value = .success(try await body(started))
            } catch {
                try? execution.send(signal: .kill)
                value = .failure(error)
            }
            await stdoutTask.value
            await stderrTask.value
            return value.map { ($0, started.lines(on: .stdout), started.lines(on: .stderr)) }
        }
        let (value, stdout, stderr) = try outcome.closureResult.get()
        func text(_ lines: [String]) -> String { lines.map { $0 + "\n" }.joined() }
        return (
            value,
            Result(exitCode: self.exitCode(outcome.terminationStatus), stdout: text(stdout), stderr: text(stderr))
        )
    }

    private static func configuration(
        _ arguments: [String],
        environment: [String: String],
        currentDirectory: String?
    ) -> Configuration {
        var overrides: [Environment.Key: String?] = ["NO_COLOR": "1"]
        for (key, value) in environment {
            if let key = Environment.Key(rawValue: key) { overrides[key] = value }
        }
        return Configuration(
            executable: .path(FilePath(self.executable.path)),
            arguments: Arguments(arguments),
            environment: .inherit.updating(overrides),
            workingDirectory: currentDirectory.map { FilePath($0) }
        )
    }

    private static func exitCode(_ status: TerminationStatus) -> Int32 {
        switch status {
        case .exited(let code): code
        case .signaled(let signal): 128 + signal
        }
    }
}

/// A `stream-replay` child started by ``CLIProcess/withStarted(_:environment:_:)``: the lines it
/// printed so far, and signals for it.
package final class StartedCLI: Sendable {
    /// One of the child's output streams.
    package enum Stream: Sendable {
        case stdout
        case stderr
    }

    private struct Waiter {
        var id: Int
        var stream: Stream
        var text: String
        var continuation: CheckedContinuation<String?, Never>
    }

    private struct State {
        var stdout: [String] = []
        var stderr: [String] = []
        var ended: Set<Stream> = []
        var waiters: [Waiter] = []
        var nextWaiter = 0
        var cancelled: Set<Int> = []

        func lines(_ stream: Stream) -> [String] {
            switch stream {
            case .stdout: self.stdout
            case .stderr: self.stderr
            }
        }
    }

    /// The child's process id.
    package let processIdentifier: Int32
    private let state = Mutex(State())

    init(processIdentifier: Int32) {
        self.processIdentifier = processIdentifier
    }

    /// The first line the child printed on stdout (empty when it printed none).
    package var firstLine: String {
        self.state.withLock { $0.stdout.first ?? "" }
    }

    /// Sends the child SIGINT, as Ctrl-C in a terminal does.
    package func interrupt() {
        kill(self.processIdentifier, SIGINT)
    }

    /// The first line of `stream` containing `text`, waiting for it as long as the child keeps
    /// the stream open; `nil` when the stream ended without one, or after `limit` of real time
    /// (a bound that only keeps a broken child from hanging the suite, never a synchronisation).
    package func line(
        on stream: Stream,
        containing text: String,
        within limit: Duration = .seconds(60)
    ) async -> String? {
        await withTaskGroup(of: String??.self) { group in
            group.addTask { .some(await self.waitForLine(on: stream, containing: text)) }
            group.addTask {
                try? await Task.sleep(for: limit)
                return .none
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first ?? nil
        }
    }

    private func waitForLine(on stream: Stream, containing text: String) async -> String? {
        let id = self.state.withLock { state in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let found: String?? = self.state.withLock { state in
                    if let line = state.lines(stream).first(where: { Self.line($0, contains: text) }) {
                        return .some(line)
                    }
                    if state.ended.contains(stream) || state.cancelled.contains(id) { return .some(nil) }
                    state.waiters.append(Waiter(id: id, stream: stream, text: text, continuation: continuation))
                    return nil
                }
                if let found { continuation.resume(returning: found) }
            }
        } onCancel: {
            let waiter = self.state.withLock { state -> Waiter? in
                state.cancelled.insert(id)
                guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiters.remove(at: index)
            }
            waiter?.continuation.resume(returning: nil)
        }
    }

    /// Every line of `stream` so far.
    package func lines(on stream: Stream) -> [String] {
        self.state.withLock { $0.lines(stream) }
    }

    fileprivate func received(_ line: String, on stream: Stream) {
        let ready = self.state.withLock { state in
            switch stream {
            case .stdout: state.stdout.append(line)
            case .stderr: state.stderr.append(line)
            }
            let ready = state.waiters.filter { $0.stream == stream && Self.line(line, contains: $0.text) }
            state.waiters.removeAll { $0.stream == stream && Self.line(line, contains: $0.text) }
            return ready
        }
        for waiter in ready { waiter.continuation.resume(returning: line) }
    }

    /// Whether `line` contains `text`; every line contains the empty text (Foundation's
    /// `contains` says no to it).
    private static func line(_ line: String, contains text: String) -> Bool {
        text.isEmpty || line.contains(text)
    }

    fileprivate func ended(_ stream: Stream) {
        let waiting = self.state.withLock { state in
            state.ended.insert(stream)
            let waiting = state.waiters.filter { $0.stream == stream }
            state.waiters.removeAll { $0.stream == stream }
            return waiting
        }
        for waiter in waiting { waiter.continuation.resume(returning: nil) }
    }
}

extension CLIProcess {
    /// The processes whose command line contains `text` (read from `/proc`), as `pid: command`.
    package static func processes(matching text: String) throws -> [String] {
        let own = ProcessInfo.processInfo.processIdentifier
        return try FileManager.default.contentsOfDirectory(atPath: "/proc").compactMap { entry in
            guard let pid = Int32(entry), pid != own,
                let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline")
            else { return nil }
            let command = String(decoding: data.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self)
            return command.contains(text) ? "\(pid): \(command)" : nil
        }
    }

    /// A new folder in the temporary directory holding `files` (relative path → text, folders
    /// made as needed); returns its path.
    package static func temporaryFolder(_ files: [String: String], prefix: String = "sr") throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for (name, text) in files {
            let file = directory.appendingPathComponent(name)
            try FileManager.default.createDirectory(
                at: file.deletingLastPathComponent(),
                withIntermediateDirectories: true
            )
            try text.write(to: file, atomically: true, encoding: .utf8)
        }
        return directory.path
    }
}
