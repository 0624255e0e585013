import ArgumentParser
import Foundation
import StreamReplayCapture
import StreamReplayRunner
import StreamReplayScenario

/// `stream-replay import`: captured traffic → a scenario.
struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Turn a captured stream (SSE dump, HAR, JSON lines) into a scenario.",
        discussion: """
            The input is detected: a HAR file (browser or proxy export) gives one llm entry per \
            POST …/chat/completions, …/messages or …/responses with a request matcher on its last \
            message; a raw SSE dump (as saved by `curl -N … > dump.sse`) gives one answer of raw \
            frames, one per event, bytes unchanged; JSON lines give one chunk frame per line.

            Anthropic Messages and OpenAI Responses streams are recognised by their events \
            (`message_start`, `response.*`): the answer gets `profile: anthropic` or \
            `profile: openai-responses`, so the fake replays the same bytes on that API's endpoint \
            (docs/wire-profiles.md); JSON lines of their events become one raw event each.

            Examples:
              curl -N https://api.example.com/v1/chat/completions … > bug.sse
              stream-replay import bug.sse --user "What's the weather?" --out scenarios/bugs/weather.yaml
              stream-replay import session.har --out scenarios/bugs/session.yaml --snapshot

            --snapshot runs the scenario once and writes the observed messages and events as its \
            `expect`, for you to edit down to what matters. A capture that ends in tool calls has \
            no answer for the engine's follow-up: the scenario is then written without `expect`, \
            with a note saying what to add.

            An existing --out file is refused unless --force is given. Input that holds no \
            chat-completions chunk or event of the other two APIs (prose, random bytes, other \
            JSON) is refused, saying what was found instead. --snapshot needs a chat-completions \
            capture (ChatEngine speaks nothing else).

            Exit codes: 0 written, 1 written without the snapshot (what to add is printed), \
            2 unreadable or unrecognised input, an existing --out, or misuse.
            """
    )

    @Argument(help: "The capture: .sse/.txt (raw SSE), .har, or .jsonl.", completion: .file())
    var file: String

    @Option(help: "Where to write the scenario.")
    var out: String

    @Option(help: "The user's message, when the capture does not hold the request.")
    var user: String?

    @Flag(help: "Run it once and write what came out as its `expect`.")
    var snapshot = false

    @Flag(help: "Write over an existing --out file (without it an existing file is never touched).")
    var force = false

    func run() async throws {
        if !self.force, FileManager.default.fileExists(atPath: self.out) {
            Output.error(
                "\(self.out): error: the file exists; import never writes over it (choose another --out, or pass --force)"
            )
            throw ExitCode(2)
        }
        guard let data = FileManager.default.contents(atPath: self.file) else {
            Output.error("\(self.file): error: cannot read the file")
            throw ExitCode(2)
        }
        var writer: ScenarioWriter
        var snapshotProblem: String?
        do {
            writer = try TrafficImporter.scenario(from: Array(data), file: self.file, user: self.user)
            writer.schema = ScenarioWriter.schemaReference(
                forFileIn: URL(fileURLWithPath: self.out).deletingLastPathComponent().path
            )
        } catch {
            Output.error("error: \(error.description)")
            throw ExitCode(2)
        }
        if self.snapshot, let other = writer.answers.lazy.compactMap(\.profile).first(where: { $0 != .openai }) {
            // ChatEngine, which the snapshot runs, speaks chat completions only.
            snapshotProblem =
                "the capture is an \(other.apiName) stream (profile \(other)) and ChatEngine speaks openai (chat completions) only; "
                + "write `expect` by hand, or check it with `run --engine CMD` against an engine that speaks \(other)"
        } else if self.snapshot {
            let scenario: Scenario
            do {
                scenario = try ScenarioLoader().load(yaml: writer.yaml, file: self.out)
            } catch {
                Output.error(error.description)
                throw ExitCode(2)
            }
            do {
                writer.expect = try await ScenarioRunner().snapshot(scenario)
            } catch let incomplete as SnapshotIncomplete {
                snapshotProblem = incomplete.description
            }
        }
        let yaml = writer.yaml
        do {
            _ = try ScenarioLoader().load(yaml: yaml, file: self.out)
        } catch {
            Output.error("error: the imported scenario does not load (a bug in import, please report it):\n\(error)")
            throw ExitCode(2)
        }
        try self.writeOut(yaml)
        Output.line("wrote \(self.out) (\(writer.answers.count) llm entr\(writer.answers.count == 1 ? "y" : "ies"))")
        if let snapshotProblem {
            Output.error("note: no snapshot written: \(snapshotProblem)")
            throw ExitCode(1)
        }
    }

    /// Writes `--out`: created exclusively unless `--force`, so a file that appeared while the
    /// import ran is not overwritten either.
    private func writeOut(_ yaml: String) throws {
        if self.force {
            try Output.write(yaml, to: self.out)
            return
        }
        do {
            let directory = URL(fileURLWithPath: self.out).deletingLastPathComponent()
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            if try !ExclusiveFile.create(self.out, contents: Array(yaml.utf8)) {
                Output.error(
                    "\(self.out): error: the file exists; import never writes over it (choose another --out, or pass --force)"
                )
                throw ExitCode(2)
            }
        } catch let exit as ExitCode {
            throw exit
        } catch {
            Output.error("error: cannot write \(self.out): \(error.localizedDescription)")
            throw ExitCode(2)
        }
    }
}
