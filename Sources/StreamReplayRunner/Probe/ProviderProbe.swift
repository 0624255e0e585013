import Foundation
public import Logging
import StreamReplayEngine
import StreamReplaySSE
import StreamReplayScenario

/// Sends a small fixed set of live requests to a provider and reports how it streams: ids and
/// indexes on tool-call fragments, argument split sizes, `[DONE]`, the usage chunk, finish
/// reasons, the wire validator's findings, and whether the engine produced a clean turn.
public struct ProviderProbe: Sendable {
    /// One probe's outcome.
    public struct Row: Sendable {
        public var probe: String
        /// The engine's turn ended without an `error` message.
        public var clean: Bool
        /// The error message's code, when the turn failed.
        public var errorCode: String?
        public var sawDone: Bool
        public var finishReasons: [String]
        public var usageChunk: String
        public var indexes: String
        public var ids: String
        public var argumentPieces: String
        public var findings: [WireFinding]
        /// The exchange as a scenario file's text (for `--record`).
        public var scenarioYAML: String
    }

    public var target: LiveTarget
    public var timeout: Duration
    public var logger: Logger

    public init(
        target: LiveTarget,
        timeout: Duration = .seconds(60),
        logger: Logger = Logger(label: "stream-replay.probe")
    ) {
        self.target = target
        self.timeout = timeout
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

    /// The probes: name, user message, tools, extra parameters.
    static let probes: [(name: String, user: String, tools: [ToolScript], extra: String?)] = [
        ("plain text", "Say hello in five words.", [], nil),
        ("one tool call", "What is the weather in Paris? Use the get_weather tool.", [Self.weatherTool], nil),
        (
            "two parallel calls",
            "Get the weather in Paris and in Tokyo: call get_weather once for each city, in parallel.",
            [Self.weatherTool], nil
        ),
        ("long argument", "Call save_note with a note of about 200 words about the sea.", [Self.noteTool], nil),
        ("include_usage", "Say hello in five words.", [], #"{"stream_options": {"include_usage": true}}"#),
    ]

    /// Runs every probe in order.
    public func run() async -> [Row] {
        var rows: [Row] = []
        for probe in Self.probes {
            rows.append(await self.run(probe))
        }
        return rows
    }

    private func run(_ probe: (name: String, user: String, tools: [ToolScript], extra: String?)) async -> Row {
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
        let observation: ScenarioObservation? = await withTaskGroup(of: ScenarioObservation?.self) { group in
            group.addTask { try? await execution.runLive(target) }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        guard let observation else {
            return Row(
                probe: probe.name,
                clean: false,
                errorCode: "timeout",
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
        let messages = observation.turns.flatMap(\.messages)
        let error = messages.last { $0.type == .error }
        let first = observation.responses.first
        var row = Self.analyse(first?.body ?? [])
        row.probe = probe.name
        row.clean = error == nil && observation.turns.allSatisfy { $0.thrown == nil }
        row.errorCode = error?.errorCode
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

    /// The rows as an aligned text table.
    public static func table(_ rows: [Row]) -> String {
        let header = ["probe", "clean turn", "[DONE]", "finish", "usage", "index", "ids", "arg pieces", "findings"]
        let lines = rows.map { row in
            [
                row.probe, row.clean ? "yes" : "no (\(row.errorCode ?? "?"))", row.sawDone ? "yes" : "no",
                row.finishReasons.isEmpty ? "-" : row.finishReasons.joined(separator: ","), row.usageChunk, row.indexes,
                row.ids,
                row.argumentPieces,
                row.findings.isEmpty
                    ? "-" : row.findings.map { "\($0.severity.rawValue):\($0.rule)" }.joined(separator: " "),
            ]
        }
        let widths = header.indices.map { column in ([header] + lines).map { $0[column].count }.max() ?? 0 }
        func format(_ cells: [String]) -> String {
            cells.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(
                separator: "  "
            )
            .trimmingCharacters(in: .whitespaces)
        }
        return ([format(header), format(widths.map { String(repeating: "-", count: $0) })] + lines.map(format)).joined(
            separator: "\n"
        )
    }
}
