import ArgumentParser
import Foundation
import StreamReplayCapture
import StreamReplayRunner
import StreamReplayScenario

/// `stream-replay probe`: how does this provider stream?
struct Probe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Probe a provider with a few live requests and tabulate how it streams.",
        discussion: """
            Five requests (plain text; one tool call; two parallel tool calls; a long argument; \
            stream_options.include_usage) go through the real engine. The table shows whether \
            each turn was clean, [DONE], finish reasons, where usage arrives, whether tool-call \
            fragments carry an index and ids on every fragment or the first, how the arguments \
            are split, and the wire validator's findings.

            --profile anthropic or openai-responses probes a provider that speaks Anthropic's \
            Messages API or OpenAI's Responses API instead: the same five questions in that API's \
            own request shape (POST …/messages with x-api-key and anthropic-version, or POST \
            …/responses), each answer's events checked against that API's stream rules (event \
            names, blocks started before their deltas and stopped, sequence numbers, arguments \
            that are JSON, the closing event). The table's [DONE] column is then the closing \
            event, `ids` whether every call has one; --record writes the scenarios in that \
            profile (docs/wire-profiles.md).

            Example:
              OPENAI_API_KEY=… stream-replay probe --base-url https://api.openai.com/v1 --model gpt-4o-mini \\
                --record scenarios/providers/new
              ANTHROPIC_API_KEY=… stream-replay probe --profile anthropic --api-key-env ANTHROPIC_API_KEY \\
                --base-url https://api.anthropic.com --model claude-sonnet-4-5

            A probe whose purpose fails (asked for a tool call, two, a long argument or usage, \
            and got none) is a `fail:purpose` finding, explained under the table with any error \
            in the provider's or the connection's own words.

            Exit codes: 0 every turn clean, every purpose met and no fail finding; 1 otherwise; \
            2 misuse, or an endpoint that cannot be reached at all.
            """
    )

    @Option(help: "The provider's base URL.")
    var baseURL: String

    @Option(help: "The model to request.")
    var model: String

    @Option(help: "The environment variable that holds the API key (never printed).")
    var apiKeyEnv: String = "OPENAI_API_KEY"

    @Option(help: "Write each probe's exchange as a scenario into this folder.")
    var record: String?

    @Option(parsing: .unconditional, help: "Real seconds each probe may take.")
    var timeout: Int = 60

    @Option(
        help: ArgumentHelp(
            "The API the provider speaks: openai (chat completions, through the engine), anthropic or openai-responses.",
            valueName: "profile"
        )
    )
    var profile: String = "openai"

    func validate() throws {
        try OptionCheck.endpoint(self.baseURL, flag: "--base-url")
        try OptionCheck.require(self.timeout, atLeast: 1, flag: "--timeout", unit: "second")
        _ = try OptionCheck.profile(self.profile)
    }

    func run() async throws {
        LogSetup.bootstrapOnce(verbose: false)
        Signals.exitOnInterrupt()
        let key = ProcessInfo.processInfo.environment[self.apiKeyEnv]
        let probe = ProviderProbe(
            target: LiveTarget(baseURL: self.baseURL, model: self.model, apiKey: key?.isEmpty == false ? key : nil),
            timeout: .seconds(self.timeout),
            profile: try OptionCheck.profile(self.profile)
        )
        let rows = await probe.run()
        Output.line(ProviderProbe.table(rows, profile: probe.profile))
        if let record = self.record {
            try Output.prepareDirectory(record, flag: "--record")
            var written = 0
            for (number, row) in rows.enumerated() where !row.scenarioYAML.isEmpty {
                let slug = row.probe.replacingOccurrences(of: " ", with: "-")
                // Never over an earlier recording: an existing name moves on to -2, -3, …
                var attempt = 1
                while true {
                    let suffix = attempt == 1 ? "" : "-\(attempt)"
                    let file = "\(record)/probe-\(number + 1)-\(slug)\(suffix).yaml"
                    do {
                        if try ExclusiveFile.create(file, contents: Array(row.scenarioYAML.utf8)) { break }
                    } catch {
                        Output.error("error: cannot write \(file): \(error.localizedDescription)")
                        throw ExitCode(2)
                    }
                    attempt += 1
                }
                written += 1
            }
            Output.line("wrote \(written) scenario(s) to \(record)")
        }
        if rows.allSatisfy({ $0.errorCode == "connect_failed" }) {
            Output.error("error: cannot reach \(self.baseURL): every probe failed to connect")
            throw ExitCode(2)
        }
        let failed = rows.contains {
            !$0.clean || !$0.purposeFailures.isEmpty || $0.findings.contains { $0.severity == .fail }
        }
        if failed { throw ExitCode(1) }
    }
}
