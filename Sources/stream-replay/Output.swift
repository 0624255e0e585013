import ArgumentParser
import Foundation
import StreamReplayScenario

/// Where the CLI prints: results on stdout, problems on stderr.
enum Output {
    static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}

extension Output {
    /// Colour only on a terminal and never with `NO_COLOR`.
    static var useColour: Bool {
        isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
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
