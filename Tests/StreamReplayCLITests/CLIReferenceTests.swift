import Foundation
import StreamReplayTestSupport
import Testing

/// `docs/cli.md` against the CLI's own tables (ArgumentParser's help dump): every subcommand has
/// its section, and every flag of it is named there.
struct CLIReferenceTests {
    private static func reference() throws -> String {
        let file = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/cli.md")
        return try String(contentsOf: file, encoding: .utf8)
    }

    @Test func everySubcommandAndFlagIsInTheReference() async throws {
        let dump = try await CLIProcess.run(["--experimental-dump-help"])
        #expect(dump.exitCode == 0)
        let root = try #require(try JSONSerialization.jsonObject(with: Data(dump.stdout.utf8)) as? [String: Any])
        let command = try #require(root["command"] as? [String: Any])
        let subcommands = try #require(command["subcommands"] as? [[String: Any]])
        let reference = try Self.reference()
        var checked = 0
        for subcommand in subcommands {
            let name = try #require(subcommand["commandName"] as? String)
            if name == "help" { continue }
            let heading = "## stream-replay \(name)\n"
            guard let start = reference.range(of: heading) else {
                Issue.record("docs/cli.md has no section '## stream-replay \(name)'")
                continue
            }
            let rest = reference[start.upperBound...]
            let section = rest.range(of: "\n## ").map { rest[..<$0.lowerBound] } ?? rest
            for argument in subcommand["arguments"] as? [[String: Any]] ?? [] {
                for flag in argument["names"] as? [[String: Any]] ?? [] {
                    guard flag["kind"] as? String == "long", let long = flag["name"] as? String,
                        !["help", "version"].contains(long)
                    else { continue }
                    checked += 1
                    #expect(section.contains("`--\(long)"), "docs/cli.md: 'stream-replay \(name)' lacks --\(long)")
                }
            }
        }
        #expect(checked > 30)
    }
}
