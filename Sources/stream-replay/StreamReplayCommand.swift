import ArgumentParser
import Foundation

/// The `stream-replay` command: parses, prints and maps exit codes; the logic lives in libraries.
///
/// Exit codes (scenario-format.md): 0 done, 1 what was checked falls short, 2 a wrong file or
/// misuse (including a port in use), 130 interrupted.
@main
struct StreamReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stream-replay",
        abstract: "Reproduce streaming LLM chat bugs with scripted, byte-exact fake providers.",
        discussion: """
            A scenario file says what the user sends, what the fake LLM streams back (chunk by \
            chunk, byte by byte, faults included) and what the engine must yield and persist.

            Start a fake OpenAI-compatible server that plays a scenario's `llm` script:
              stream-replay serve scenarios/basic/plain-text.yaml --port 8080
            """,
        version: "0.1.0",
        subcommands: [
            Run.self, Lint.self, List.self, Serve.self, Record.self, Import.self, Probe.self, Schema.self, Adapter.self,
            Matrix.self, Shrink.self,
        ],
        defaultSubcommand: nil
    )

    /// Misuse exits 2 (ArgumentParser alone would exit 64).
    static func main() async {
        // A closed pipe is an error from write(2), which Output handles, not a signal.
        signal(SIGPIPE, SIG_IGN)
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                Output.error(fullMessage(for: error))
                Self.exit(withError: ExitCode(2))
            }
            exit(withError: error)
        }
    }
}
