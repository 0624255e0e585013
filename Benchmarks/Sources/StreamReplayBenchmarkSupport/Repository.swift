import Foundation

/// Where the benchmarks find the repository's files and the release CLI.
public enum Repository {
    /// The repository root (holds `scenarios/` and `Benchmarks/`), from this file's path:
    /// Benchmarks/Sources/StreamReplayBenchmarkSupport/Repository.swift.
    public static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// A path under the repository root.
    public static func path(_ relative: String) -> String {
        URL(fileURLWithPath: self.root).appendingPathComponent(relative).path
    }

    /// The path of this executable.
    public static var ownExecutable: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    /// The release `stream-replay` CLI: `STREAM_REPLAY_CLI` when set, else the one built beside
    /// this executable (`swift build -c release --package-path Benchmarks --product stream-replay`,
    /// which `Benchmarks/run.sh` runs first). Throws with that command when there is none.
    public static func cli() throws -> String {
        if let path = ProcessInfo.processInfo.environment["STREAM_REPLAY_CLI"], !path.isEmpty { return path }
        let sibling = URL(fileURLWithPath: self.ownExecutable).deletingLastPathComponent()
            .appendingPathComponent("stream-replay").path
        guard FileManager.default.isExecutableFile(atPath: sibling) else {
            throw BenchError(
                "no release CLI at \(sibling): build it first with "
                    + "`swift build -c release --package-path Benchmarks --product stream-replay` "
                    + "(Benchmarks/run.sh does), or set STREAM_REPLAY_CLI"
            )
        }
        return sibling
    }
}

/// The first executable named `name` on PATH.
public func which(_ name: String) -> String? {
    for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
        let path = "\(directory)/\(name)"
        if FileManager.default.isExecutableFile(atPath: path) { return path }
    }
    return nil
}
