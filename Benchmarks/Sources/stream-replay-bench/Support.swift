import Foundation
import Synchronization

// MARK: Options

/// Command-line options: `[--quick] [--cli PATH] [--root PATH] [--only SECTION,…]`.
struct Options: Sendable {
    /// Shrinks every size by 10× for a smoke run.
    var quick = false
    /// The `stream-replay` CLI binary; found next to this executable (or built) when not given.
    var cli: String?
    /// The repository root (holds `scenarios/`); derived from this file's path when not given.
    var root: String
    /// Sections to run (sse, engine, fake, runner, serve, curl, memory); all when empty.
    var only: Set<String> = []
    /// Internal: run one memory probe in this process and print its numbers.
    var memoryProbe: (chunks: Int, chunkBytes: Int)?
    /// Internal: build one `write_size` plan in this process and print its numbers.
    var planProbe: Int?
    /// Internal: serve `BODY-FILE` as the minimal NIO ceiling server on `PORT` (section 6).
    var nioCeiling: (port: Int, bodyFile: String)?

    /// The size divisor: 1, or 10 with `--quick`.
    var scale: Int { self.quick ? 10 : 1 }

    func runs(_ section: String) -> Bool { self.only.isEmpty || self.only.contains(section) }

    static func parse(_ arguments: [String]) -> Options {
        // Benchmarks/Sources/stream-replay-bench/Support.swift → the repository root.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().path
        var options = Options(root: root)
        var iterator = arguments.dropFirst().makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--quick": options.quick = true
            case "--cli": options.cli = iterator.next()
            case "--root": options.root = iterator.next() ?? root
            case "--only": options.only = Set((iterator.next() ?? "").split(separator: ",").map(String.init))
            case "--memory-probe":
                let chunks = Int(iterator.next() ?? "") ?? 0
                let bytes = Int(iterator.next() ?? "") ?? 0
                options.memoryProbe = (chunks, bytes)
            case "--nio-ceiling":
                let port = Int(iterator.next() ?? "") ?? 0
                options.nioCeiling = (port, iterator.next() ?? "")
            case "--plan-probe":
                options.planProbe = Int(iterator.next() ?? "") ?? 0
            case "-h", "--help":
                print(
                    """
                    usage: swift run -c release --package-path Benchmarks stream-replay-bench [--quick]
                             [--only sse,engine,fake,runner,serve,curl,memory] [--cli PATH] [--root PATH]
                    """
                )
                exit(0)
            default:
                FileHandle.standardError.write(Data("unknown argument '\(argument)'; see --help\n".utf8))
                exit(2)
            }
        }
        return options
    }
}

// MARK: Time

extension Duration {
    var seconds: Double {
        Double(self.components.seconds) + Double(self.components.attoseconds) * 1e-18
    }
}

/// Times `body` on the continuous clock.
func measure<T>(_ body: () async throws -> T) async rethrows -> (T, Duration) {
    let clock = ContinuousClock()
    let start = clock.now
    let value = try await body()
    return (value, start.duration(to: clock.now))
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return .nan }
    return sorted.count % 2 == 1
        ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

// MARK: Formatting

func format(_ value: Double, _ digits: Int = 0) -> String {
    guard value.isFinite else { return "n/a" }
    let text = String(format: "%.\(digits)f", value)
    guard digits == 0, abs(value) >= 10_000 else { return text }
    // Thousands separators for large integers.
    var result = ""
    for (position, character) in text.reversed().enumerated() {
        if position > 0, position % 3 == 0, character != "-" { result.append(",") }
        result.append(character)
    }
    return String(result.reversed())
}

func megabytes(_ bytes: Int) -> String {
    bytes >= 1 << 20
        ? "\(format(Double(bytes) / Double(1 << 20), bytes % (1 << 20) == 0 ? 0 : 2)) MB"
        : "\(format(Double(bytes) / 1024, 0)) KB"
}

/// Progress notes go to standard error, the table to standard output.
func note(_ text: String) {
    FileHandle.standardError.write(Data("· \(text)\n".utf8))
}

/// The results table, printed row by row as results come in.
final class Report: Sendable {
    struct Row: Sendable {
        var measure: String
        var value: String
        var target: String
        var verdict: String
    }

    private let rows = Mutex<[Row]>([])
    static let widths = (measure: 62, value: 22, target: 22)

    func header(_ title: String) {
        print("")
        print("## \(title)")
        fflush(nil)
    }

    /// Adds a row; `pass` is `nil` for an informational row.
    func add(_ measure: String, _ value: String, target: String = "", pass: Bool? = nil) {
        let verdict = pass.map { $0 ? "PASS" : "MISS" } ?? ""
        let row = Row(measure: measure, value: value, target: target, verdict: verdict)
        self.rows.withLock { $0.append(row) }
        print(Self.line(row))
        fflush(nil)
    }

    static func line(_ row: Row) -> String {
        func pad(_ text: String, _ width: Int) -> String {
            text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
        }
        return pad(row.measure, Self.widths.measure) + pad(row.value, Self.widths.value)
            + pad(row.target, Self.widths.target) + row.verdict
    }

    var verdicts: (pass: Int, miss: Int) {
        self.rows.withLock { rows in
            (rows.filter { $0.verdict == "PASS" }.count, rows.filter { $0.verdict == "MISS" }.count)
        }
    }
}

// MARK: Memory

enum Memory {
    /// A field of a /proc status file (this process's by default) in bytes (`VmHWM`, `VmRSS`).
    static func status(_ field: String, of path: String = "/proc/self/status") -> Int {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return 0 }
        for line in text.split(separator: "\n") where line.hasPrefix(field + ":") {
            let digits = line.dropFirst(field.count + 1).filter(\.isNumber)
            return (Int(digits) ?? 0) * 1024
        }
        return 0
    }

    /// Resets VmHWM to the current RSS (Linux ≥ 4.0). Returns whether it worked.
    @discardableResult
    static func resetPeak() -> Bool {
        guard let handle = FileHandle(forWritingAtPath: "/proc/self/clear_refs") else { return false }
        defer { try? handle.close() }
        do {
            try handle.write(contentsOf: Data("5".utf8))
            return true
        } catch {
            return false
        }
    }
}

// MARK: Subprocesses

/// What a finished subprocess did.
struct ProcessResult: Sendable {
    var status: Int32
    var stdout: String
    var stderr = ""
    var elapsed: Duration
    /// When the first stdout line accepted by `firstLine` arrived, from the launch.
    var firstLine: Duration?
    /// Whether it was killed for running past its time limit.
    var timedOut = false
}

/// Runs a program without blocking a thread of the concurrency pool (the fake server may be
/// serving it from this process).
func runProcess(
    _ executable: String,
    _ arguments: [String],
    directory: String? = nil,
    timeLimit: Duration = .seconds(600),
    firstLine: (@Sendable (Substring) -> Bool)? = nil
) async throws -> ProcessResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
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

    final class Collector: Sendable {
        struct State {
            var data = Data()
            var scanned = 0
            var first: Duration?
        }
        let state = Mutex(State())
        let clock = ContinuousClock()
        let start: ContinuousClock.Instant
        let accept: (@Sendable (Substring) -> Bool)?
        init(start: ContinuousClock.Instant, accept: (@Sendable (Substring) -> Bool)?) {
            self.start = start
            self.accept = accept
        }
        func take(_ chunk: Data) {
            let now = self.clock.now
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

    let clock = ContinuousClock()
    let start = clock.now
    let collector = Collector(start: start, accept: firstLine)
    let reader = pipe.fileHandleForReading
    reader.readabilityHandler = { handle in
        let chunk = handle.availableData
        if !chunk.isEmpty { collector.take(chunk) }
    }
    // Kills the program (this process started it) when it runs past `timeLimit`.
    final class Flag: Sendable { let value = Mutex(false) }
    let killed = Flag()
    let watchdog = Task {
        try await Task.sleep(for: timeLimit)
        killed.value.withLock { $0 = true }
        process.terminate()
        try await Task.sleep(for: .seconds(5))
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
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
        timedOut: killed.value.withLock { $0 }
    )
}

/// The first executable named `name` on PATH.
func which(_ name: String) -> String? {
    for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
        let path = "\(directory)/\(name)"
        if FileManager.default.isExecutableFile(atPath: path) { return path }
    }
    return nil
}

/// The path of this executable.
func ownExecutable() -> String {
    (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
}
