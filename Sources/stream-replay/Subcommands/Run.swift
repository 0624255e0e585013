import ArgumentParser
import Foundation
import Logging
import StreamReplayRunner
import StreamReplayScenario

/// `stream-replay run`: play scenarios against the real engine and report verdicts.
struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run scenarios against the engine and report pass/fail.",
        discussion: """
            Each scenario runs with a fresh SQLite file, a fake LLM on an ephemeral 127.0.0.1 port \
            playing its `llm` script, scripted tools, and virtual time: results do not depend on \
            machine load or --jobs.

            Examples:
              stream-replay run                          # all of scenarios/
              stream-replay run scenarios/tool-calls --jobs 1
              stream-replay run --tag idempotency --junit report.xml --json report.json
              stream-replay run scenarios --repeat 100   # determinism soak
              stream-replay run --live --base-url https://api.openai.com/v1 --model gpt-4o-mini \\
                --api-key-env OPENAI_API_KEY scenarios/live

            The last line is `N passed, N failed` (plus errored/skipped when not zero).
            Exit codes: 0 all pass, 1 some fail, 2 a file is wrong or misuse, 130 interrupted.
            """
    )

    @Argument(help: "Scenario files or folders (searched for .yaml and .yml files).", completion: .file())
    var paths: [String] = ["scenarios"]

    @Option(name: .customLong("tag"), help: "Run only scenarios with this tag (repeat for several).")
    var tags: [String] = []

    @Option(help: "Run only scenarios whose name or file contains this text.")
    var filter: String?

    @Option(help: "Scenarios run at once (default: the number of cores).")
    var jobs: Int?

    @Flag(help: "Stop after the first failing scenario.")
    var failFast = false

    @Option(help: "Write a JUnit XML report to this file.")
    var junit: String?

    @Option(help: "Write a JSON report to this file.")
    var json: String?

    @Option(help: "Run each scenario this many times; differing verdicts fail it.")
    var `repeat`: Int = 1

    @Option(help: "Real seconds one scenario may take before it fails (scenario time itself is virtual).")
    var timeout: Int = 30

    @Flag(help: "Log engine and fake details on stderr.")
    var verbose = false

    @Flag(help: "Run against a real endpoint instead of the fake (scenarios without `live:` are skipped).")
    var live = false

    @Option(help: "Live mode: the provider's base URL, such as https://api.openai.com/v1.")
    var baseURL: String?

    @Option(help: "Live mode: the model to request.")
    var model: String?

    @Option(help: "Live mode: the environment variable that holds the API key (never printed).")
    var apiKeyEnv: String = "OPENAI_API_KEY"

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1, found \(jobs)") }
        if self.repeat < 1 { throw ValidationError("--repeat must be at least 1, found \(self.repeat)") }
        if self.timeout < 1 { throw ValidationError("--timeout must be at least 1 second, found \(self.timeout)") }
        if self.live {
            guard let baseURL, baseURL.hasPrefix("http://") || baseURL.hasPrefix("https://") else {
                throw ValidationError("--live needs --base-url http(s)://… (the provider's OpenAI-compatible base URL)")
            }
            guard let model, !model.isEmpty else { throw ValidationError("--live needs --model NAME") }
        } else if self.baseURL != nil || self.model != nil {
            throw ValidationError("--base-url and --model apply to live mode; add --live")
        }
    }

    func run() async throws {
        LogSetup.bootstrapOnce(verbose: self.verbose)
        let files = try Output.scenarioFiles(in: self.paths)
        if files.isEmpty {
            Output.error("error: no scenario files (.yaml, .yml) found in \(self.paths.joined(separator: ", "))")
            throw ExitCode(2)
        }
        Signals.exitOnInterrupt()
        var liveTarget: LiveTarget?
        if self.live, let baseURL, let model {
            let key = ProcessInfo.processInfo.environment[self.apiKeyEnv]
            if key == nil || key?.isEmpty == true {
                Output.error("note: \(self.apiKeyEnv) is not set; requests are sent without an API key")
            }
            liveTarget = LiveTarget(baseURL: baseURL, model: model, apiKey: key)
        }
        let runner = ScenarioRunner(
            options: .init(
                jobs: self.jobs,
                tags: self.tags,
                filter: self.filter,
                failFast: self.failFast,
                repeatCount: self.repeat,
                timeout: .seconds(self.timeout),
                live: liveTarget
            ),
            logger: Logger(label: "stream-replay")
        )
        let text = TextReport(colour: Output.useColour)
        let summary = await runner.run(files: files) { result in
            Output.line(text.render(result))
        }
        if let junit = self.junit {
            try Output.write(JUnitReport.xml(summary), to: junit)
        }
        if let json = self.json {
            try Output.write(JSONReport.json(summary), to: json)
        }
        Output.line(summary.line)
        if summary.exitCode != 0 {
            throw ExitCode(summary.exitCode)
        }
    }
}

/// `stream-replay list`: what a run would run.
struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List scenarios: file, name and tags.",
        discussion: "Exit codes: 0 listed, 2 a file is wrong or a path does not exist."
    )

    @Argument(help: "Scenario files or folders.", completion: .file())
    var paths: [String] = ["scenarios"]

    @Option(name: .customLong("tag"), help: "List only scenarios with this tag (repeat for several).")
    var tags: [String] = []

    func run() throws {
        let files = try Output.scenarioFiles(in: self.paths)
        var wrong = 0
        for file in files {
            do {
                let scenario = try ScenarioLoader().load(file: file)
                if !self.tags.isEmpty, !scenario.tags.contains(where: self.tags.contains) { continue }
                let tags = scenario.tags.isEmpty ? "" : "  [\(scenario.tags.joined(separator: ", "))]"
                Output.line("\(file)  \(scenario.name)\(tags)")
            } catch {
                wrong += 1
                Output.error(error.description)
            }
        }
        if wrong > 0 { throw ExitCode(2) }
    }
}
