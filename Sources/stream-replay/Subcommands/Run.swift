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
              stream-replay run scenarios/tools --jobs 1
              stream-replay run --tag idempotency --junit report.xml --json report.json
              stream-replay run scenarios --repeat 100   # determinism soak
              stream-replay run --live --base-url https://api.openai.com/v1 --model gpt-4o-mini \\
                --api-key-env OPENAI_API_KEY scenarios/live
              stream-replay run --engine 'python3 adapters/python/openai_sdk.py' scenarios
              stream-replay run --faults 42:20 --faults-out faults/ scenarios
              stream-replay run scenarios --shard 2/4 --junit reports/shard-2.xml --html reports/shard-2.html

            A frame with `sweep: true` (or `sweep: bytes`) plays the scenario once per cut point \
            of its text or arguments (or of its event's bytes), all against the same `expect`; \
            the report gives one verdict and each failing cut (`swept 16 cut points: 16 pass`). \
            --sweep-limit bounds the cut points played.

            --faults SEED[:RUNS] plays each scenario RUNS more times (default 10), each with one \
            fault drawn from SEED: a cut, a stall past idle_timeout_ms, a garbage data line, an \
            HTTP error in place of an answer, or 1-byte writes. A faulted run passes when every \
            invariant holds, the text so far is kept and each turn completes or ends with an \
            error code the contract allows for that fault; the scenario's own expectations do \
            not apply. The same seed draws the same faults anywhere, at any --jobs. \
            --faults-out DIR writes each failing faulted run as a scenario file that reproduces \
            it without the flag (never over an existing file).

            --engine runs the scenarios against another engine behind the adapter protocol \
            (docs/engine-adapter.md): the command is started once per scenario and spoken to \
            in JSON lines; `stream-replay adapter` is our own engine behind it. The fake plays \
            each answer in its entry's `profile`, else --profile, else the wire format the \
            adapter's `ready` names, else openai (docs/wire-profiles.md). Time is then \
            real, so scenarios that need the virtual clock are skipped with the rule that \
            applied, and checks the adapter cannot report are listed as not applicable. A \
            broken adapter is verdict `error` (exit 2), with its stderr in the report.

            --html FILE writes one self-contained page (nothing loaded from the network): a \
            summary bar, every scenario with its verdict and duration, failures first, each with \
            its first divergence (expected against actual) and a timeline of its stream: each \
            request, each write of the fake (bytes on expand), each message the engine yielded \
            and each event committed, on one time axis (scenario time).

            --shard I/N runs part I of N: the k-th selected scenario in path order (k from 0) \
            goes to part (k mod N) + 1, so N CI jobs with I = 1…N run each scenario once. A part \
            left empty (fewer scenarios than parts) exits 0 with `shard I/N: no scenarios`.

            With GITHUB_ACTIONS=true each failure is also printed as an `::error file=…,line=…` \
            annotation at the line of the failing expectation (an invariant: the scenario's \
            `turns`), so it shows on the pull request's diff; JUnit testcases carry `file` and \
            `line`. On a terminal a single `[37/113] file` line shows progress and is erased at \
            the end; never in a pipe, with NO_COLOR, or with CI set.

            The last line is `N passed, N failed` (plus errored/skipped when not zero). A \
            selection that plays nothing (a --tag or --filter that matches no scenario, a live run \
            where every scenario is skipped) is a mistake: exit 2 with `no scenario matches …`, \
            unless --allow-empty says it is expected. Ctrl-C stops the run: what finished is \
            reported (text, --junit, --json), the rest as skipped (interrupted), exit 130 (143 for SIGTERM).

            Exit codes: 0 all pass, 1 some fail, 2 a file is wrong, misuse or an endpoint that \
            cannot be reached, 130 interrupted by Ctrl-C (SIGINT), 143 by SIGTERM.
            """
    )

    @Argument(help: "Scenario files or folders (searched for .yaml and .yml files).", completion: .file())
    var paths: [String] = ["scenarios"]

    @Option(name: .customLong("tag"), help: "Run only scenarios with this tag (repeat for several).")
    var tags: [String] = []

    @Option(help: "Run only scenarios whose name or file contains this text.")
    var filter: String?

    @Option(parsing: .unconditional, help: "Scenarios run at once (default: the number of cores).")
    var jobs: Int?

    @Flag(help: "Stop after the first failing scenario.")
    var failFast = false

    @Option(help: "Write a JUnit XML report to this file.")
    var junit: String?

    @Option(help: "Write a JSON report to this file.")
    var json: String?

    @Option(
        help: ArgumentHelp(
            "Write one self-contained HTML page to this file: every verdict, and each failure's first divergence and stream timeline.",
            valueName: "file"
        )
    )
    var html: String?

    @Option(
        help: ArgumentHelp(
            "Run only part I of N of the selection (the k-th in path order goes to part k mod N + 1), for N CI jobs.",
            valueName: "i/n"
        )
    )
    var shard: String?

    @Option(parsing: .unconditional, help: "Run each scenario this many times; differing verdicts fail it.")
    var `repeat`: Int = 1

    @Option(
        parsing: .unconditional,
        help: "Real seconds one scenario may take before it fails (scenario time itself is virtual)."
    )
    var timeout: Int = 30

    @Flag(
        name: [.customLong("allow-empty"), .customLong("pass-with-no-scenarios")],
        help: "Exit 0 when the selection plays no scenario (default: exit 2, `no scenario matches …`)."
    )
    var allowEmpty = false

    @Option(
        help: ArgumentHelp(
            "Run against the engine behind this adapter command (docs/engine-adapter.md) instead of ChatEngine in process.",
            valueName: "command"
        )
    )
    var engine: String?

    @Option(
        help: ArgumentHelp(
            "With --engine: play every answer whose entry names no profile in this wire format (openai, anthropic, openai-responses) instead of what the adapter's ready names.",
            valueName: "profile"
        )
    )
    var profile: String?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("A sweeping scenario plays at most this many cut points (the first ones).", valueName: "n")
    )
    var sweepLimit: Int = 1000

    @Option(
        help: ArgumentHelp(
            "After each scenario, play it RUNS more times (default 10), each with a fault drawn from SEED.",
            valueName: "seed[:runs]"
        )
    )
    var faults: String?

    @Option(
        help: ArgumentHelp(
            "With --faults: write each failing faulted run into this folder as a scenario that reproduces it.",
            valueName: "dir"
        ),
        completion: .directory
    )
    var faultsOut: String?

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
        if let jobs { try OptionCheck.require(jobs, atLeast: 1, flag: "--jobs") }
        try OptionCheck.require(self.repeat, atLeast: 1, flag: "--repeat")
        try OptionCheck.require(self.timeout, atLeast: 1, flag: "--timeout", unit: "second")
        try OptionCheck.require(self.sweepLimit, atLeast: 1, flag: "--sweep-limit")
        if let shard, case .failure(let problem) = Shard.parse(shard) {
            throw ValidationError("--shard \(problem)")
        }
        if let faults {
            if case .failure(let problem) = FaultOptions.parse(faults) {
                throw ValidationError("--faults: \(problem)")
            }
            if self.live {
                throw ValidationError("--faults plays the fake's script with faults in it; it does not apply to --live")
            }
        } else if self.faultsOut != nil {
            throw ValidationError("--faults-out applies to --faults SEED[:RUNS]; add --faults")
        }
        if let profile {
            let named = try OptionCheck.profile(profile)
            if self.live {
                throw ValidationError(
                    "--profile chooses the fake's wire format; in live mode the engine talks to the provider as it does"
                )
            }
            if self.engine == nil, named != .openai {
                throw ValidationError(
                    "--profile \(profile): ChatEngine speaks openai (chat completions) only; "
                        + "add --engine CMD, an adapter whose engine speaks \(profile)"
                )
            }
        }
        if self.live {
            guard let baseURL else {
                throw ValidationError("--live needs --base-url http(s)://… (the provider's OpenAI-compatible base URL)")
            }
            try OptionCheck.endpoint(baseURL, flag: "--base-url")
            guard let model, !model.isEmpty else { throw ValidationError("--live needs --model NAME") }
        } else if self.baseURL != nil || self.model != nil {
            throw ValidationError("--base-url and --model apply to live mode; add --live")
        }
    }

    func run() async throws {
        LogSetup.bootstrapOnce(verbose: self.verbose)
        let engineUnderTest: any EngineUnderTest = try self.engine.map(OptionCheck.adapter) ?? InProcessEngine()
        let files = try Output.scenarioFiles(in: self.paths)
        if files.isEmpty {
            let reason = "no scenario files (.yaml, .yml) in \(self.paths.joined(separator: ", "))"
            Output.line("0 passed, 0 failed")
            if self.allowEmpty {
                Output.error("note: no scenario matches: \(reason) (allowed by --allow-empty)")
                return
            }
            Output.error("error: no scenario matches: \(reason), or pass --allow-empty")
            throw ExitCode(2)
        }
        var faultOptions: FaultOptions?
        if let faults, case .success(var options) = FaultOptions.parse(faults) {
            if let faultsOut {
                try Output.prepareDirectory(faultsOut, flag: "--faults-out")
                options.outDirectory = faultsOut
            }
            faultOptions = options
        }
        let interruption = Signals.listen([SIGINT, SIGTERM])
        var liveTarget: LiveTarget?
        if self.live, let baseURL, let model {
            let key = ProcessInfo.processInfo.environment[self.apiKeyEnv]
            if key == nil || key?.isEmpty == true {
                Output.error("note: \(self.apiKeyEnv) is not set; requests are sent without an API key")
            }
            liveTarget = LiveTarget(baseURL: baseURL, model: model, apiKey: key)
        }
        var options = ScenarioRunner.Options(
            jobs: self.jobs,
            tags: self.tags,
            filter: self.filter,
            failFast: self.failFast,
            repeatCount: self.repeat,
            timeout: .seconds(self.timeout),
            live: liveTarget,
            engine: engineUnderTest
        )
        options.sweepLimit = self.sweepLimit
        options.faults = faultOptions
        options.recordsTimelines = self.html != nil
        if let shard, case .success(let part) = Shard.parse(shard) { options.shard = part }
        options.profile = self.profile.flatMap(Scenario.StreamAnswer.Profile.init(rawValue:))
        let runner = ScenarioRunner(options: options, logger: Logger(label: "stream-replay"))
        let text = TextReport(colour: Output.useColour)
        let environment = ProcessInfo.processInfo.environment
        // Not with --verbose: its log lines on the same terminal would break the line apart.
        let showsProgress =
            !self.verbose && ProgressLine.isWanted(stdoutIsTerminal: Output.stdoutIsTerminal, environment: environment)
        let width = Output.terminalWidth
        let run = Task {
            await runner.run(files: files) { result in
                if showsProgress { Output.write(raw: ProgressLine.erase) }
                Output.line(text.render(result))
            } progress: { state in
                if showsProgress { Output.write(raw: ProgressLine.draw(state, width: width)) }
            }
        }
        // Ctrl-C (or SIGTERM) cancels the run, which then reports what finished; a second one
        // ends the process at once.
        let watcher = Task {
            let signal = await interruption.next()
            guard !Task.isCancelled else { return Int32(0) }
            Signals.exitOnInterrupt()
            run.cancel()
            return signal
        }
        let summary = await run.value
        if showsProgress { Output.write(raw: ProgressLine.erase) }
        // An adapter whose scenario timed out may still be in its teardown: end every one.
        AdapterProcesses.shared.killAll()
        watcher.cancel()
        let signal = await watcher.value
        if let junit = self.junit {
            try Output.write(JUnitReport.xml(summary), to: junit)
        }
        if let json = self.json {
            try Output.write(JSONReport.json(summary), to: json)
        }
        if let html = self.html {
            try Output.write(HTMLReport.html(summary), to: html)
        }
        // On GitHub Actions each failure also shows on the pull request's diff, at its line.
        if environment["GITHUB_ACTIONS"] == "true" {
            for annotation in GitHubAnnotations.lines(summary, workspace: environment["GITHUB_WORKSPACE"]) {
                Output.line(annotation)
            }
        }
        if summary.isEmptyShard, let shard = summary.shard {
            Output.line("shard \(shard): no scenarios")
        } else if let shard = summary.shard {
            Output.error(
                "note: shard \(shard): \(summary.results.count) of \(summary.selectionCount) selected scenarios"
            )
        }
        Output.line(summary.line)
        if summary.interrupted {
            Output.error(
                "interrupted: \(summary.results.filter { $0.skipReason == "interrupted" }.count) scenario(s) that had not finished are reported as skipped"
            )
            throw ExitCode(signal == SIGTERM ? 143 : 130)
        }
        if summary.endpointUnreachable, let baseURL, let reason = summary.results.first?.unreachableReason {
            Output.error("error: cannot reach \(baseURL): no request got an answer (\(reason))")
        }
        if summary.ranNothing {
            let selection = self.selectionDescription(files: files.count, summary: summary)
            if self.allowEmpty {
                Output.error("note: no scenario matches \(selection) (allowed by --allow-empty)")
            } else {
                Output.error("error: no scenario matches \(selection), or pass --allow-empty")
                throw ExitCode(2)
            }
        }
        if summary.exitCode != 0 {
            throw ExitCode(summary.exitCode)
        }
    }

    /// What the selection was, for `no scenario matches …`.
    private func selectionDescription(files: Int, summary: RunSummary) -> String {
        var criteria: [String] = self.tags.map { "--tag \($0)" }
        if let filter { criteria.append("--filter '\(filter)'") }
        let place = "\(files) scenario file(s) in \(self.paths.joined(separator: ", "))"
        if summary.results.isEmpty {
            return
                "\(criteria.joined(separator: " ")) among \(place); check the spelling (`stream-replay list` shows names and tags)"
        }
        let selected = criteria.isEmpty ? "" : " selected by \(criteria.joined(separator: " "))"
        if !self.live {
            // Offline, everything was skipped for a reason of its own (an engine without the
            // virtual clock, nothing it can be judged on): say which.
            let reasons = Array(Set(summary.results.compactMap(\.skipReason))).sorted()
            let why = reasons.isEmpty ? "" : " (\(reasons.prefix(3).joined(separator: "; ")))"
            return
                "that can be played: all \(summary.results.count) scenario(s)\(selected) of \(place) were skipped\(why)"
        }
        return
            "in live mode: all \(summary.results.count) scenario(s)\(selected) were skipped, none of \(place) has a live: section (see scenarios/live)"
    }
}

/// `stream-replay list`: what a run would run.
struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List scenarios: file, name and tags.",
        discussion: """
            --json prints one JSON document instead: each scenario's file, name and tags, and \
            for each `llm` entry what a client reading it to the end is left with, as the frames \
            say: `text`, `tool_calls` (id, name, arguments joined), `finish`, the `profile` it \
            names, and `anomalies`, what keeps its stream from being a clean one (a raw or \
            chunk frame, an error frame, a disconnect, done: false, a tool call without an id, two calls with one id).

            Exit codes: 0 listed, 2 a file is wrong or a path does not exist.
            """
    )

    @Argument(help: "Scenario files or folders.", completion: .file())
    var paths: [String] = ["scenarios"]

    @Option(name: .customLong("tag"), help: "List only scenarios with this tag (repeat for several).")
    var tags: [String] = []

    @Flag(help: "Print JSON: each scenario and what each of its llm entries plays.")
    var json = false

    func run() throws {
        let files = try Output.scenarioFiles(in: self.paths)
        var wrong = 0
        var listed: [ScenarioValue] = []
        for file in files {
            do {
                let scenario = try ScenarioLoader().load(file: file)
                if !self.tags.isEmpty, !scenario.tags.contains(where: self.tags.contains) { continue }
                if self.json {
                    listed.append(Self.json(scenario))
                } else {
                    let tags = scenario.tags.isEmpty ? "" : "  [\(scenario.tags.joined(separator: ", "))]"
                    Output.line("\(file)  \(scenario.name)\(tags)")
                }
            } catch {
                wrong += 1
                Output.error(error.description)
            }
        }
        if self.json {
            Output.line(ScenarioValue.object([.init("scenarios", .array(listed))]).jsonString)
        }
        if wrong > 0 { throw ExitCode(2) }
    }

    private static func json(_ scenario: Scenario) -> ScenarioValue {
        func string(_ text: String?) -> ScenarioValue { text.map { .string($0) } ?? .null }
        let entries: [ScenarioValue] = scenario.llm.map { entry in
            var members: [ScenarioValue.Member] = [.init("line", .int(entry.line))]
            if let stream = entry.body.stream {
                let outcome = stream.outcome
                members += [
                    .init("kind", .string("stream")),
                    .init("profile", stream.namesProfile ? .string(stream.profile.rawValue) : .null),
                    .init("text", .string(outcome.text)),
                    .init(
                        "tool_calls",
                        .array(
                            outcome.toolCalls.map { call in
                                .object([
                                    .init("id", string(call.id)), .init("name", string(call.name)),
                                    .init("arguments", .string(call.arguments)),
                                ])
                            }
                        )
                    ),
                    .init("finish", string(outcome.finish)),
                    .init("anomalies", .array(outcome.anomalies.map { .string($0) })),
                ]
            } else if let plain = entry.body.plain {
                members += [.init("kind", .string("plain")), .init("status", .int(plain.status))]
            } else {
                members.append(.init("kind", .string("raw_response")))
            }
            return .object(members)
        }
        return .object([
            .init("file", .string(scenario.file)), .init("name", .string(scenario.name)),
            .init("tags", .array(scenario.tags.map { .string($0) })), .init("llm", .array(entries)),
        ])
    }
}
