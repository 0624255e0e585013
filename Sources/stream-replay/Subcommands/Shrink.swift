import ArgumentParser
import Foundation
import Logging
import StreamReplayRunner
import StreamReplayScenario

/// `stream-replay shrink`: the smallest scenario that still fails the same way.
struct Shrink: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Cut a failing scenario down to what its failure needs (delta debugging).",
        discussion: """
            Plays FILE, notes its first failure (the expectation key or invariant name, list \
            indices ignored: `expect.messages`, `invariant.text-persisted`), then removes what \
            that failure does not need, keeping a smaller scenario only when it still fails the \
            same way: frames first, then merged and cut `text`/`raw` contents, then turns, llm \
            entries, tools and expectations, repeated while anything gets smaller (Zeller's \
            ddmin). A few hundred frames take at most about 2,000 runs.

            Examples:
              stream-replay shrink bugs/long-recording.yaml --out bugs/small.yaml
              stream-replay shrink faults/weather.seed42.run3.yaml > small.yaml
              stream-replay shrink bug.yaml --engine 'python3 my.py' --out small.yaml

            Progress goes to stderr (frames left, runs made); the scenario, one `lint` accepts, \
            goes to --out or, without it, to stdout. --out never writes over an existing file. \
            Comments and the layout of FILE are not kept.

            Exit codes: 0 shrunk and written, 2 FILE passes (nothing to shrink), FILE is wrong, \
            --out exists, or misuse; 130 interrupted.
            """
    )

    @Argument(help: "The failing scenario file.", completion: .file())
    var file: String

    @Option(help: "Write the shrunk scenario here (a new file) instead of to stdout.", completion: .file())
    var out: String?

    @Option(parsing: .unconditional, help: "Stop after this many runs and write the smallest failing scenario so far.")
    var maxRuns: Int = 2000

    @Option(
        help: ArgumentHelp(
            "Shrink against the engine behind this adapter command instead of ChatEngine in process.",
            valueName: "command"
        )
    )
    var engine: String?

    @Option(parsing: .unconditional, help: "Real seconds one run may take before it fails.")
    var timeout: Int = 30

    @Flag(help: "Log engine and fake details on stderr.")
    var verbose = false

    func validate() throws {
        try OptionCheck.require(self.maxRuns, atLeast: 1, flag: "--max-runs")
        try OptionCheck.require(self.timeout, atLeast: 1, flag: "--timeout", unit: "second")
    }

    func run() async throws {
        LogSetup.bootstrapOnce(verbose: self.verbose)
        if let out, FileManager.default.fileExists(atPath: out) {
            Output.error("\(out): error: the file exists; shrink never writes over it (choose another --out)")
            throw ExitCode(2)
        }
        guard let data = FileManager.default.contents(atPath: self.file) else {
            Output.error("\(self.file): error: cannot read the file")
            throw ExitCode(2)
        }
        guard let yaml = String(data: data, encoding: .utf8) else {
            Output.error("\(self.file): error: the file is not UTF-8 text")
            throw ExitCode(2)
        }
        let engineUnderTest: any EngineUnderTest = try self.engine.map(OptionCheck.adapter) ?? InProcessEngine()
        var options = ScenarioRunner.Options(jobs: 1, timeout: .seconds(self.timeout), engine: engineUnderTest)
        options.sweepLimit = 1000
        let shrinker = ScenarioShrinker(
            runner: ScenarioRunner(options: options, logger: Logger(label: "stream-replay")),
            maxRuns: self.maxRuns
        ) { line in
            Output.error(line)
        }
        let interruption = Signals.listen([SIGINT, SIGTERM])
        let file = self.file
        let work = Task { () async -> Result<ScenarioShrinker.Outcome, ScenarioShrinker.Refusal> in
            do throws(ScenarioShrinker.Refusal) {
                return .success(try await shrinker.shrink(yaml: yaml, file: file))
            } catch {
                return .failure(error)
            }
        }
        let watcher = Task {
            _ = await interruption.next()
            guard !Task.isCancelled else { return }
            Signals.exitOnInterrupt()
            work.cancel()
        }
        let outcome = await work.value
        AdapterProcesses.shared.killAll()
        watcher.cancel()
        switch outcome {
        case .failure(.wrongFile(let error)):
            Output.error(error.description)
            throw ExitCode(2)
        case .failure(.passes(let verdict, let reason)):
            let how = verdict == .skipped ? "is skipped\(reason.map { " (\($0))" } ?? "")" : "passes"
            Output.error("\(self.file) \(how): nothing to shrink (shrink needs a failing scenario)")
            throw ExitCode(2)
        case .failure(.errored(let message)):
            Output.error("\(self.file): error: the engine could not play it: \(message)")
            throw ExitCode(2)
        case .success(let outcome):
            let header =
                "# Shrunk by `stream-replay shrink` from \(self.file): it still fails at \(outcome.key).\n"
            let text = header + outcome.yaml
            if let out {
                do {
                    guard try ExclusiveFile.create(out, contents: Array(text.utf8)) else {
                        Output.error(
                            "\(out): error: the file exists; shrink never writes over it (choose another --out)"
                        )
                        throw ExitCode(2)
                    }
                } catch let exit as ExitCode {
                    throw exit
                } catch {
                    Output.error("\(out): error: cannot write the file (\(error.localizedDescription))")
                    throw ExitCode(2)
                }
            } else {
                Output.write(raw: text)
            }
            let before = outcome.before
            let after = outcome.after
            var summary =
                "shrunk \(counted(before.frames, "frame")) to \(after.frames) in \(counted(outcome.runs, "run")) "
                + "(turns \(before.turns) → \(after.turns), llm entries \(before.answers) → \(after.answers), "
                + "tools \(before.tools) → \(after.tools), expectations \(before.expectations) → \(after.expectations)); "
                + "it still fails at \(outcome.key)"
            if outcome.budgetExhausted {
                summary += "; stopped at --max-runs \(self.maxRuns): a longer search may find a smaller one"
            }
            if let out { summary += "; written to \(out)" }
            Output.error(summary)
            if work.isCancelled { throw ExitCode(130) }
        }
    }
}
