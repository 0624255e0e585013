import ArgumentParser
import StreamReplayScenario

/// `stream-replay schema`: the JSON Schema of scenario files, for editors.
struct Schema: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the JSON Schema of scenario files (for editors' completion and checks).",
        discussion: """
            The schema (draft 2020-12) names every key, type and `$` operator of the format. Save \
            it, or use the copy in the repository, and put this first line in a scenario file so \
            that VS Code's YAML extension or a JetBrains IDE completes keys and underlines typos:

              # yaml-language-server: $schema=../../docs/scenario.schema.json

            `record` and `import` write that line themselves, with the right relative path, \
            when a `scenario.schema.json` or `docs/scenario.schema.json` is in the folder they \
            write to or a folder above it.

            Rules across fields (such as `delay_ms` alone in its frame) are checked by \
            `stream-replay lint`, which remains the judge.

            Example:
              stream-replay schema > scenario.schema.json

            Exit codes: 0 printed.
            """
    )

    func run() throws {
        Output.write(raw: ScenarioSchema.json)
    }
}
