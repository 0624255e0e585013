import ArgumentParser
import Foundation
import Logging
import StreamReplayRunner

/// `stream-replay matrix`: the same scenarios against several engines, as one table.
struct Matrix: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the same scenarios against several engines and print one table (scenario × engine).",
        discussion: """
            Each --engine NAME=COMMAND is an engine behind the adapter protocol (see \
            docs/engine-adapter.md); the command `in-process` stands for ChatEngine in this \
            process. Every scenario is played against every engine, and each cell says how it \
            went: pass, pass with checks not applicable, fail at the first divergence, error, \
            or skipped with its reason. The table is printed as Markdown (and written with \
            --markdown and --json).

            A failing cell is a finding about that engine, not a failure of the command. With \
            --expect FILE the Markdown table is compared with FILE (a table committed earlier): \
            any changed cell exits 1 and is printed as `- old` / `+ new` lines.

            Examples:
              stream-replay matrix --engine ours='stream-replay adapter' \\
                --engine openai-python='python3 adapters/python/openai_sdk.py' scenarios
              stream-replay matrix --engine openai-python='python3 adapters/python/openai_sdk.py' \\
                scenarios --expect adapters/python/matrix.md

            Exit codes: 0 the table was made (and matches --expect); 1 it differs from --expect; \
            2 a scenario file is wrong, an adapter broke the protocol or cannot start, or misuse.
            """
    )

    @Argument(help: "Scenario files or folders (searched for .yaml and .yml files).", completion: .file())
    var paths: [String] = ["scenarios"]

    @Option(
        name: .customLong("engine"),
        help: ArgumentHelp(
            "A column: NAME=COMMAND, an adapter command, or NAME=in-process for ChatEngine in process (repeat for several).",
            valueName: "name=command"
        )
    )
    var engines: [String] = []

    @Option(help: "Write the table as Markdown to this file.")
    var markdown: String?

    @Option(help: "Write the table as JSON (with each first divergence) to this file.")
    var json: String?

    @Option(help: "Compare the Markdown table with this file; exit 1 when a cell changed.")
    var expect: String?

    @Option(name: .customLong("tag"), help: "Only scenarios with this tag (repeat for several).")
    var tags: [String] = []

    @Option(help: "Only scenarios whose name or file contains this text.")
    var filter: String?

    @Option(parsing: .unconditional, help: "Scenarios run at once per engine (default: the number of cores).")
    var jobs: Int?

    @Option(parsing: .unconditional, help: "Real seconds one scenario may take before it fails.")
    var timeout: Int = 30

    func validate() throws {
        if let jobs { try OptionCheck.require(jobs, atLeast: 1, flag: "--jobs") }
        try OptionCheck.require(self.timeout, atLeast: 1, flag: "--timeout", unit: "second")
        guard !self.engines.isEmpty else {
            throw ValidationError("matrix needs at least one --engine NAME=COMMAND")
        }
        var names: Set<String> = []
        for engine in self.engines {
            guard let (name, command) = Self.split(engine) else {
                throw ValidationError("--engine '\(engine)' is not NAME=COMMAND (such as ours='stream-replay adapter')")
            }
            guard names.insert(name).inserted else { throw ValidationError("--engine names '\(name)' twice") }
            _ = command
        }
    }

    /// `NAME=COMMAND` split at the first `=`; `nil` when either side is empty.
    static func split(_ text: String) -> (String, String)? {
        guard let equals = text.firstIndex(of: "=") else { return nil }
        let name = text[..<equals].trimmingCharacters(in: .whitespaces)
        let command = text[text.index(after: equals)...].trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, !command.isEmpty else { return nil }
        return (name, command)
    }

    func run() async throws {
        LogSetup.bootstrapOnce(verbose: false)
        let files = try Output.scenarioFiles(in: self.paths)
        if files.isEmpty {
            Output.error(
                "error: no scenario matches: no scenario files (.yaml, .yml) in \(self.paths.joined(separator: ", "))"
            )
            throw ExitCode(2)
        }
        var columns: [CompatibilityMatrix.Column] = []
        for engine in self.engines {
            guard let (name, command) = Self.split(engine) else { throw ExitCode(2) }
            let underTest: any EngineUnderTest =
                command == "in-process" ? InProcessEngine() : try OptionCheck.adapter(command)
            let runner = ScenarioRunner(
                options: .init(
                    jobs: self.jobs,
                    tags: self.tags,
                    filter: self.filter,
                    timeout: .seconds(self.timeout),
                    engine: underTest
                ),
                logger: Logger(label: "stream-replay")
            )
            let summary = await runner.run(files: files)
            AdapterProcesses.shared.killAll()
            Output.error("\(name): \(summary.line)")
            columns.append(CompatibilityMatrix.Column(name: name, summary: summary))
        }
        let played = Set(columns.flatMap { $0.summary.results.map(\.file) })
        let matrix = CompatibilityMatrix(files: files.filter(played.contains), columns: columns)
        let root = FileManager.default.currentDirectoryPath
        let table = matrix.markdown(relativeTo: root)
        Output.write(raw: table)
        if let markdown { try Output.write(table, to: markdown) }
        if let json { try Output.write(matrix.json(relativeTo: root), to: json) }
        if matrix.isBroken {
            Output.error("error: a scenario file is wrong or an adapter broke the protocol (cells marked error)")
            throw ExitCode(2)
        }
        if let expect {
            guard let data = FileManager.default.contents(atPath: expect) else {
                Output.error("\(expect): error: cannot read the expected table")
                throw ExitCode(2)
            }
            let changes = Self.changedRows(expected: String(decoding: data, as: UTF8.self), actual: table)
            if !changes.isEmpty {
                Output.error("the table differs from \(expect):")
                for line in changes { Output.error(line) }
                throw ExitCode(1)
            }
        }
    }

    /// The rows that differ between two Markdown tables, as `- old` / `+ new` lines (rows
    /// matched by their first cell, the scenario).
    static func changedRows(expected: String, actual: String) -> [String] {
        func rows(_ text: String) -> [(key: String, line: String)] {
            text.split(separator: "\n").map(String.init).filter { $0.hasPrefix("| ") && !$0.hasPrefix("| ---") }.map {
                line in
                let key = line.dropFirst(2).split(separator: "|", maxSplits: 1).first.map(String.init) ?? line
                return (key.trimmingCharacters(in: .whitespaces), line)
            }
        }
        let old = rows(expected)
        let new = rows(actual)
        let oldByKey = Dictionary(old.map { ($0.key, $0.line) }, uniquingKeysWith: { first, _ in first })
        let newByKey = Dictionary(new.map { ($0.key, $0.line) }, uniquingKeysWith: { first, _ in first })
        var changes: [String] = []
        for (key, line) in old where newByKey[key] != line {
            changes.append("- " + line)
            if let replacement = newByKey[key] { changes.append("+ " + replacement) }
        }
        for (key, line) in new where oldByKey[key] == nil {
            changes.append("+ " + line)
        }
        return changes
    }
}
