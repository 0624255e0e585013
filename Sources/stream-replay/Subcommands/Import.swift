import ArgumentParser
import Foundation
import StreamReplayRunner
import StreamReplayScenario

/// `stream-replay import`: captured traffic → a scenario.
struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Turn a captured stream (SSE dump, HAR, JSON lines) into a scenario.",
        discussion: """
            The input is detected: a HAR file (browser or proxy export) gives one llm entry per \
            POST …/chat/completions with a request matcher on its last message; a raw SSE dump \
            (as saved by `curl -N … > dump.sse`) gives one answer of raw frames, one per event, \
            bytes unchanged; JSON lines give one chunk frame per line.

            Examples:
              curl -N https://api.example.com/v1/chat/completions … > bug.sse
              stream-replay import bug.sse --user "What's the weather?" --out scenarios/bugs/weather.yaml
              stream-replay import session.har --out scenarios/bugs/session.yaml --snapshot

            --snapshot runs the scenario once and writes the observed messages and events as its \
            `expect`, for you to edit down to what matters.
            Exit codes: 0 written, 2 unreadable input or misuse.
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

    func run() async throws {
        guard let data = FileManager.default.contents(atPath: self.file) else {
            Output.error("\(self.file): error: cannot read the file")
            throw ExitCode(2)
        }
        var writer: ScenarioWriter
        do {
            writer = try TrafficImporter.scenario(from: Array(data), file: self.file, user: self.user)
        } catch {
            Output.error("error: \(error.description)")
            throw ExitCode(2)
        }
        if self.snapshot {
            let scenario: Scenario
            do {
                scenario = try ScenarioLoader().load(yaml: writer.yaml, file: self.out)
            } catch {
                Output.error(error.description)
                throw ExitCode(2)
            }
            writer.expect = try await ScenarioRunner().snapshot(scenario)
        }
        let yaml = writer.yaml
        do {
            _ = try ScenarioLoader().load(yaml: yaml, file: self.out)
        } catch {
            Output.error("error: the imported scenario does not load (a bug in import, please report it):\n\(error)")
            throw ExitCode(2)
        }
        try Output.write(yaml, to: self.out)
        Output.line("wrote \(self.out) (\(writer.answers.count) llm entr\(writer.answers.count == 1 ? "y" : "ies"))")
    }
}
