import ArgumentParser
import Foundation
import StreamReplayScenario
import Synchronization

#if canImport(Glibc)
import Glibc
private let systemWrite = Glibc.write
#else
import Darwin
private let systemWrite = Darwin.write
#endif

/// Where the CLI prints: results on stdout, problems on stderr.
///
/// A reader that goes away (`stream-replay run scenarios | head`) must not crash the run:
/// `FileHandle.write(_:)` traps on `EPIPE`, so lines go out through `write(2)`, and once a stream
/// fails it is not written again. The run itself goes on, writes its report files and exits with
/// its own code.
enum Output {
    static func line(_ text: String) {
        emit(text + "\n", to: STDOUT_FILENO, closed: stdoutClosed)
    }

    /// Text on stdout exactly as given (no newline added).
    static func write(raw text: String) {
        emit(text, to: STDOUT_FILENO, closed: stdoutClosed)
    }

    static func error(_ text: String) {
        emit(text + "\n", to: STDERR_FILENO, closed: stderrClosed)
    }

    private static let stdoutClosed = Atomic<Bool>(false)
    private static let stderrClosed = Atomic<Bool>(false)

    private static func emit(_ text: String, to descriptor: Int32, closed: borrowing Atomic<Bool>) {
        guard !closed.load(ordering: .relaxed) else { return }
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { systemWrite(descriptor, $0.baseAddress, $0.count) }
            if written > 0 {
                bytes = bytes.dropFirst(written)
            } else if written < 0 && errno == EINTR {
                continue
            } else {
                closed.store(true, ordering: .relaxed)
                return
            }
        }
    }
}

extension Output {
    /// Colour only on a terminal and never with `NO_COLOR`.
    /// This executable's absolute path, which an adapter command word `stream-replay` means.
    static var executablePath: String? {
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return path }
        return Bundle.main.executablePath
    }

    static var useColour: Bool {
        isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
    }

    static var stdoutIsTerminal: Bool {
        isatty(STDOUT_FILENO) == 1
    }

    /// The terminal's width in columns (`COLUMNS` when the terminal does not say; 80 failing both).
    static var terminalWidth: Int {
        var size = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        return ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init) ?? 80
    }

    /// Writes a report file, creating its folder.
    static func write(_ text: String, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        do {
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(),
                withIntermediateDirectories: true
            )
            try Data(text.utf8).write(to: url)
        } catch {
            Output.error("error: cannot write \(path): \(error.localizedDescription)")
            throw ExitCode(2)
        }
    }
}

extension Output {
    /// Makes sure `path` is a folder files can be written into (creating it when missing);
    /// prints what is wrong and exits 2 otherwise.
    static func prepareDirectory(_ path: String, flag: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                Output.error("error: \(flag) \(path): a file is there, not a folder")
                throw ExitCode(2)
            }
        } else {
            do {
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            } catch {
                Output.error("error: \(flag) \(path): cannot create the folder (\(error.localizedDescription))")
                throw ExitCode(2)
            }
        }
        guard FileManager.default.isWritableFile(atPath: path) else {
            Output.error("error: \(flag) \(path): the folder is not writable")
            throw ExitCode(2)
        }
    }

    /// The scenario files of `paths`; a path that does not exist is printed and exits 2.
    static func scenarioFiles(in paths: [String]) throws -> [String] {
        do {
            return try ScenarioDiscovery.files(in: paths)
        } catch {
            Output.error(error.message)
            throw ExitCode(2)
        }
    }
}
