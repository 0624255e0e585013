import Foundation
package import Logging
import StreamReplayEngine
package import StreamReplayRunner
import StreamReplaySSE
package import StreamReplayScenario

/// Sends a small fixed set of live requests to a provider and reports how it streams: ids and
/// indexes on tool-call fragments, argument split sizes, `[DONE]`, the usage chunk, finish
/// reasons, the wire validator's findings, and whether the engine produced a clean turn.
package struct ProviderProbe: Sendable {
    /// One probe's outcome.
    package struct Row: Sendable {
        package var probe: String
        /// The engine's turn ended without an `error` message.
        package var clean: Bool
        /// The error message's code, when the turn failed (`timeout` only when the probe ran out
        /// of time; `run_failed` when it could not run at all).
        package var errorCode: String?
        /// The error message's text (the provider's or the connection's own words), when it failed.
        package var errorMessage: String?
        /// What the probe asked for and did not get (a tool call, two, a long argument, usage):
        /// its purpose failed, and the probe command exits 1.
        package var purposeFailures: [String] = []
        package var sawDone: Bool
        package var finishReasons: [String]
        package var usageChunk: String
        package var indexes: String
        package var ids: String
        package var argumentPieces: String
        package var findings: [WireFinding]
        /// The exchange as a scenario file's text (for `--record`).
        package var scenarioYAML: String

        /// A probe that saw no answer (yet): not clean, every column `-`.
        static func nothingSeen(probe: String) -> Row {
            Row(
                probe: probe,
                clean: false,
                errorCode: nil,
                errorMessage: nil,
                sawDone: false,
                finishReasons: [],
                usageChunk: "-",
                indexes: "-",
                ids: "-",
                argumentPieces: "-",
                findings: [],
                scenarioYAML: ""
            )
        }
    }

    package var target: LiveTarget
    package var timeout: Duration
    package var logger: Logger
    /// The API to probe: chat completions through the real engine, or another profile's own
    /// requests straight over HTTP (``runProfile(_:profile:)``).
    package var profile: Scenario.StreamAnswer.Profile

    package init(
        target: LiveTarget,
        timeout: Duration = .seconds(60),
        profile: Scenario.StreamAnswer.Profile = .openai,
        logger: Logger = Logger(label: "stream-replay.probe")
    ) {
        self.target = target
        self.timeout = timeout
        self.profile = profile
        self.logger = logger
    }

    static let weatherTool = ToolScript(
        name: "get_weather",
        description: "Get the current weather for a city.",
        parameters: .object([
            .init("type", .string("object")),
            .init("properties", .object([.init("city", .object([.init("type", .string("string"))]))])),
            .init("required", .array([.string("city")])),
        ]),
        behaviour: .result(#"{"temp_c": 21}"#)
    )

    static let noteTool = ToolScript(
        name: "save_note",
        description: "Save a note.",
        parameters: .object([
            .init("type", .string("object")),
            .init("properties", .object([.init("text", .object([.init("type", .string("string"))]))])),
            .init("required", .array([.string("text")])),
        ]),
        behaviour: .result("saved")
    )

    /// One probe: what it sends and what it is for.
    struct Spec: Sendable {
        var name: String
        var user: String
        var tools: [ToolScript] = []
        var extra: String?
        /// The fewest tool calls the first answer must carry (0: none asked for).
        var minimumCalls = 0
        /// The fewest Unicode scalars the first call's arguments must have (0: any).
        var minimumArgumentLength = 0
        /// Whether the answer must report usage.
        var needsUsage = false
    }

    /// The probes, in order.
    static let probes: [Spec] = [
        Spec(name: "plain text", user: "Say hello in five words."),
        Spec(
            name: "one tool call",
            user: "What is the weather in Paris? Use the get_weather tool.",
            tools: [Self.weatherTool],
            minimumCalls: 1
        ),
        Spec(
            name: "two parallel calls",
            user: "Get the weather in Paris and in Tokyo: call get_weather once for each city, in parallel.",
            tools: [Self.weatherTool],
            minimumCalls: 2
        ),
        Spec(
            name: "long argument",
            user: "Call save_note with a note of about 200 words about the sea.",
            tools: [Self.noteTool],
            minimumCalls: 1,
            minimumArgumentLength: 200
        ),
        Spec(
            name: "include_usage",
            user: "Say hello in five words.",
            extra: #"{"stream_options": {"include_usage": true}}"#,
            needsUsage: true
        ),
    ]

    /// Runs every probe in order.
    package func run() async -> [Row] {
        var rows: [Row] = []
        for probe in Self.probes {
            if self.profile == .openai {
                rows.append(await self.run(probe))
            } else {
                // The usage probe's `stream_options` is a chat-completions parameter: the other
                // APIs report usage in every stream, and the probe checks that they do.
                rows.append(await self.runProfile(probe, profile: self.profile))
            }
        }
        return rows
    }

    /// What `probe` asked for and the answer did not give; `calls` are the arguments of each
    /// call the first answer (hop 0) made (the probe asks its question once). `chatCompletions`:
    /// usage was asked for with `stream_options` (the other APIs always report it).
    static func purposeFailures(of probe: Spec, calls: [String], row: Row, chatCompletions: Bool = true) -> [String] {
        var failures: [String] = []
        if calls.count < probe.minimumCalls {
            let asked = probe.minimumCalls == 1 ? "a tool call" : "\(probe.minimumCalls) tool calls"
            let got = calls.isEmpty ? "none (the model answered with text)" : "\(calls.count)"
            failures.append("asked for \(asked), got \(got)")
        }
        if probe.minimumArgumentLength > 0, let first = calls.first,
            first.unicodeScalars.count < probe.minimumArgumentLength
        {
            failures.append(
                "asked for a long argument (\(probe.minimumArgumentLength)+ characters), got \(first.unicodeScalars.count)"
            )
        }
        if probe.needsUsage, row.usageChunk == "none" {
            // Chat completions asks for it (`stream_options`); the other APIs always report it.
            failures.append(
                chatCompletions
                    ? "asked for usage (stream_options.include_usage), got no usage chunk" : "asked for usage, got none"
            )
        }
        return failures
    }

    private func run(_ probe: Spec) async -> Row {
        let scenario = Scenario(
            file: "probe.yaml",
            name: "probe: \(probe.name)",
            tools: probe.tools,
            turns: [Turn(user: probe.user, conversation: "probe", requestID: "r1")]
        )
        var prepared = ScenarioExecution(scenario: scenario, logger: self.logger)
        prepared.extraParametersJSON = probe.extra
        let execution = prepared
        let target = self.target
        let timeout = self.timeout
        // The runner's own safety net: the probe's value, or nil once `timeout` passed.
        let outcome = await ScenarioRunner.withTimeout(timeout) { () async -> Result<ScenarioObservation, any Error> in
            do {
                return .success(try await execution.runLive(target))
            } catch {
                return .failure(error)
            }
        }
        guard case .success(let observation) = outcome else {
            let (code, message): (String, String)
            if case .failure(let error) = outcome {
                (code, message) = ("run_failed", "the probe could not run: \(error)")
            } else {
                (code, message) = ("timeout", "no answer within \(timeout) (--timeout)")
            }
            var row = Row.nothingSeen(probe: probe.name)
            row.errorCode = code
            row.errorMessage = message
            return row
        }
        let messages = observation.turns.flatMap(\.messages)
        let error = messages.last { $0.type == .error }
        let first = observation.responses.first
        var row = Self.analyse(first?.body ?? [])
        row.probe = probe.name
        row.clean = error == nil && observation.turns.allSatisfy { $0.thrown == nil }
        row.errorCode = error?.errorCode
        row.errorMessage = error?.content
        // A failed turn is its own explanation; the purpose is judged on turns that completed.
        if error == nil {
            row.purposeFailures = Self.purposeFailures(
                of: probe,
                calls: observation.toolCalls.filter { $0.hop == 0 }.map(\.argumentsJSON),
                row: row
            )
        }
        row.findings = observation.responses.flatMap {
            WireValidator.findings(in: $0.body, contentType: $0.contentType)
        }
        row.scenarioYAML =
            ScenarioWriter(
                name: "probe \(probe.name) against \(self.target.model)",
                description: "Recorded by `stream-replay probe` from \(self.target.baseURL).",
                tags: ["probe", "recorded"],
                model: self.target.model,
                turns: [(probe.user, "r1")],
                answers: observation.responses.map { response in
                    ScenarioWriter.Answer(frames: TrafficImporter.events(of: response.body).map { .raw($0) })
                }
            ).yaml
        return row
    }

    /// What one response body shows.
    static func analyse(_ body: [UInt8]) -> Row {
        var parser = SSEStreamParser()
        let events = parser.push(body) + parser.finish()
        var sawDone = false
        var finishes: [String] = []
        var usage = "none"
        var indexPresent = 0
        var indexMissing = 0
        var idsOnFirst = 0
        var idsOnLater = 0
        var pieces: [Int] = []
        var seenIndexes: Set<String> = []
        for event in events {
            guard let data = event.data else { continue }
            if data == "[DONE]" {
                sawDone = true
                continue
            }
            guard let chunk = try? ScenarioValue.parseJSON(Array(data.utf8)) else { continue }
            if let value = chunk["usage"], value != .null {
                usage = (chunk["choices"]?.arrayValue?.isEmpty ?? true) ? "own chunk" : "on a choice chunk"
            }
            for choice in chunk["choices"]?.arrayValue ?? [] {
                if let reason = choice["finish_reason"]?.stringValue { finishes.append(reason) }
                for call in choice["delta"]?["tool_calls"]?.arrayValue ?? [] {
                    let key: String
                    if let index = call["index"], index != .null {
                        indexPresent += 1
                        key = index.jsonString
                    } else {
                        indexMissing += 1
                        key = "none-\(indexMissing)"
                    }
                    let first = seenIndexes.insert(key).inserted
                    if let id = call["id"]?.stringValue, !id.isEmpty {
                        if first { idsOnFirst += 1 } else { idsOnLater += 1 }
                    }
                    if let arguments = call["function"]?["arguments"]?.stringValue, !arguments.isEmpty {
                        pieces.append(arguments.unicodeScalars.count)
                    }
                }
            }
        }
        let indexes =
            indexPresent + indexMissing == 0
            ? "-" : indexMissing == 0 ? "always" : indexPresent == 0 ? "never" : "sometimes"
        let ids = idsOnFirst + idsOnLater == 0 ? "-" : idsOnLater == 0 ? "first fragment" : "every fragment"
        let argumentPieces = pieces.isEmpty ? "-" : "\(pieces.count) (max \(pieces.max() ?? 0))"
        return Row(
            probe: "",
            clean: false,
            errorCode: nil,
            errorMessage: nil,
            sawDone: sawDone,
            finishReasons: finishes,
            usageChunk: usage,
            indexes: indexes,
            ids: ids,
            argumentPieces: argumentPieces,
            findings: [],
            scenarioYAML: ""
        )
    }

    /// The rows as an aligned text table; for another profile, `[DONE]` is its closing event
    /// (`message_stop`, `response.completed`).
    package static func table(_ rows: [Row], profile: Scenario.StreamAnswer.Profile = .openai) -> String {
        let end =
            switch profile {
            case .anthropic: "message_stop"
            case .openaiResponses: "completed"
            default: "[DONE]"
            }
        let header = ["probe", "clean turn", end, "finish", "usage", "index", "ids", "arg pieces", "findings"]
        let lines = rows.map { row in
            let findings =
                row.purposeFailures.map { _ in "fail:purpose" }
                + row.findings.map { "\($0.severity.rawValue):\($0.rule)" }
            return [
                row.probe, row.clean ? "yes" : "no (\(row.errorCode ?? "?"))", row.sawDone ? "yes" : "no",
                row.finishReasons.isEmpty ? "-" : row.finishReasons.joined(separator: ","), row.usageChunk, row.indexes,
                row.ids,
                row.argumentPieces,
                findings.isEmpty ? "-" : findings.joined(separator: " "),
            ]
        }
        let widths = header.indices.map { column in ([header] + lines).map { $0[column].count }.max() ?? 0 }
        func format(_ cells: [String]) -> String {
            cells.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(
                separator: "  "
            )
            .trimmingCharacters(in: .whitespaces)
        }
        var table = [format(header), format(widths.map { String(repeating: "-", count: $0) })] + lines.map(format)
        // What failed, in words, under the table: the actual error, and each purpose not met.
        for row in rows {
            if let message = row.errorMessage {
                table.append("\(row.probe): \(row.errorCode ?? "error"): \(message)")
            }
            for failure in row.purposeFailures {
                table.append("\(row.probe): fail purpose: \(failure)")
            }
        }
        return table.joined(separator: "\n")
    }
}
