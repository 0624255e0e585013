package import Foundation

/// Runs the built `stream-replay` binary, as a user would, and captures what it prints.
package struct CLIProcess: Sendable {
    /// What a finished run printed and how it exited.
    package struct Result: Sendable {
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

    /// Runs `stream-replay ARGUMENTS` to the end.
    package static func run(
        _ arguments: [String],
        environment: [String: String] = [:],
        currentDirectory: String? = nil
    ) throws -> Result {
        let process = Process()
        process.executableURL = self.executable
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        for (key, value) in environment { env[key] = value }
        process.environment = env
        if let currentDirectory { process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory) }
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        // Read both pipes to their end before waiting, so a full pipe cannot block the child.
        let errData = ReadAll(stderr.fileHandleForReading)
        let outData = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            exitCode: process.terminationStatus,
            stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData.wait(), as: UTF8.self)
        )
    }

    /// Starts `stream-replay ARGUMENTS` and returns once it printed its first line on stdout.
    /// Runs `stream-replay ARGUMENTS` to the end on a thread of its own, so that the waiting
    /// holds no thread of the cooperative pool (a fake server in the test process needs one to
    /// answer the run).
    package static func runDetached(
        _ arguments: [String],
        environment: [String: String] = [:]
    ) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Swift.Result { try Self.run(arguments, environment: environment) })
            }
        }
    }

    package static func start(_ arguments: [String]) throws -> (process: Process, firstLine: String, stderr: Pipe) {
        let process = Process()
        process.executableURL = self.executable
        process.arguments = arguments
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        var line = Data()
        let handle = stdout.fileHandleForReading
        while !line.contains(UInt8(ascii: "\n")) {
            let data = handle.availableData
            if data.isEmpty { break }
            line.append(data)
        }
        let text = String(decoding: line, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
        return (process, text, stderr)
    }
}

/// Reads a file handle to its end on a thread of its own.
private final class ReadAll: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var data = Data()

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            self.data = handle.readDataToEndOfFile()
            self.done.signal()
        }
    }

    func wait() -> Data {
        self.done.wait()
        return self.data
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
