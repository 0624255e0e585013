import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import StreamReplayEngine
import StreamReplayRunner
import StreamReplaySSE
import StreamReplayScenario

/// `probe --profile anthropic` / `openai-responses`: the same five probes sent in that API's own
/// request shape, straight over HTTP (ChatEngine speaks chat completions only), each answer's
/// events read and checked against the rules of that API's stream.
extension ProviderProbe {
    /// What one probe's answer in another API held, read from its events.
    struct ProfileReading {
        var ended = false
        var finishReasons: [String] = []
        var usage = "none"
        var calls: [(id: String, name: String, arguments: String)] = []
        var pieces: [Int] = []
        var findings: [WireFinding] = []
    }

    /// The request body of `probe` in `profile`'s shape.
    func requestBody(_ probe: Spec, profile: Scenario.StreamAnswer.Profile) -> ScenarioValue {
        let model = ScenarioValue.Member("model", .string(self.target.model))
        if profile == .anthropic {
            var members: [ScenarioValue.Member] = [
                model, .init("max_tokens", .int(1024)), .init("stream", .bool(true)),
                .init(
                    "messages",
                    .array([.object([.init("role", .string("user")), .init("content", .string(probe.user))])])
                ),
            ]
            if !probe.tools.isEmpty { members.append(.init("tools", Self.tools(probe.tools, profile: profile))) }
            return .object(members)
        }
        var members: [ScenarioValue.Member] = [
            model, .init("stream", .bool(true)), .init("input", .string(probe.user)),
        ]
        if !probe.tools.isEmpty { members.append(.init("tools", Self.tools(probe.tools, profile: profile))) }
        return .object(members)
    }

    /// The probe's tools as `profile` declares them: Anthropic's `input_schema`, or Responses'
    /// flat `{type: function, name, description, parameters}`.
    private static func tools(_ tools: [ToolScript], profile: Scenario.StreamAnswer.Profile) -> ScenarioValue {
        .array(
            tools.map { tool in
                let schema = tool.parameters ?? .object([])
                let described: [ScenarioValue.Member] = [
                    .init("name", .string(tool.name)), .init("description", .string(tool.description ?? "")),
                ]
                return profile == .anthropic
                    ? .object(described + [.init("input_schema", schema)])
                    : .object([.init("type", .string("function"))] + described + [.init("parameters", schema)])
            }
        )
    }

    /// Sends `probe` to the endpoint of `profile` and reads its answer to the end.
    func runProfile(_ probe: Spec, profile: Scenario.StreamAnswer.Profile) async -> Row {
        var base = self.target.baseURL
        while base.hasSuffix("/") { base.removeLast() }
        // `…/v1` plus `/messages`, or a bare host plus `/v1/messages`, as the SDKs do.
        let path = base.hasSuffix("/v1") ? String(profile.path.dropFirst(3)) : profile.path
        var request = HTTPClientRequest(url: base + path)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.headers.add(name: "accept", value: "text/event-stream")
        if let key = self.target.apiKey {
            if profile == .anthropic {
                request.headers.add(name: "x-api-key", value: key)
            } else {
                request.headers.add(name: "authorization", value: "Bearer \(key)")
            }
        }
        if profile == .anthropic { request.headers.add(name: "anthropic-version", value: "2023-06-01") }
        request.body = .bytes(ByteBuffer(string: self.requestBody(probe, profile: profile).jsonString))
        // `include_usage` names a chat-completions parameter; here the probe checks usage as such.
        var row = Row.nothingSeen(probe: probe.needsUsage ? "usage" : probe.name)
        // A refused connection is the answer, not something to retry until the deadline (which
        // the pool does by default); the client lives for this one probe.
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = .seconds(10)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let deadline = NIODeadline.now() + .nanoseconds(Int64(self.timeout.components.seconds) * 1_000_000_000)
        let outcome: Result<(status: Int, body: [UInt8], cut: Bool), any Error>
        do {
            let response = try await client.execute(request, deadline: deadline, logger: self.logger)
            var body: [UInt8] = []
            var cut = false
            do {
                for try await buffer in response.body { body += Array(buffer.readableBytesView) }
            } catch {
                cut = true
            }
            outcome = .success((Int(response.status.code), body, cut))
        } catch {
            outcome = .failure(error)
        }
        try? await client.shutdown()
        let status: Int
        let body: [UInt8]
        let cut: Bool
        switch outcome {
        case .success(let answer):
            (status, body, cut) = answer
        case .failure(let error):
            let reason = ConnectionErrorText.describe(error)
            let refused = "\(error)".contains("connect") || reason.contains("refused") || reason.contains("resolve")
            row.errorCode = refused ? "connect_failed" : "run_failed"
            row.errorMessage = "POST \(base + path): \(reason)"
            return row
        }
        guard status == 200 else {
            let parsed = try? ScenarioValue.parseJSON(body)
            row.errorCode = "http_\(status)"
            row.errorMessage =
                "HTTP \(status): "
                + (parsed?["error"]?["message"]?.stringValue ?? String(decoding: body.prefix(300), as: UTF8.self))
            row.scenarioYAML = self.profileScenario(probe, profile: profile, body: nil, status: status, raw: body)
            return row
        }
        let reading = Self.read(body, profile: profile)
        row.sawDone = reading.ended
        row.finishReasons = reading.finishReasons
        row.usageChunk = reading.usage
        row.ids = reading.calls.isEmpty ? "-" : reading.calls.allSatisfy { !$0.id.isEmpty } ? "every call" : "missing"
        row.argumentPieces =
            reading.pieces.isEmpty ? "-" : "\(reading.pieces.count) (max \(reading.pieces.max() ?? 0))"
        row.findings = reading.findings
        row.clean = reading.ended && !cut && !reading.findings.contains { $0.rule == "error-event" }
        if !row.clean {
            row.errorCode = cut ? "stream_interrupted" : "incomplete_stream"
            row.errorMessage =
                reading.findings.first { $0.rule == "error-event" }?.message
                ?? "the stream ended without its closing event"
        } else {
            row.purposeFailures = Self.purposeFailures(
                of: probe,
                calls: reading.calls.map(\.arguments),
                row: row,
                chatCompletions: false
            )
        }
        row.scenarioYAML = self.profileScenario(probe, profile: profile, body: body, status: 200, raw: body)
        return row
    }

    /// The probe's exchange as a scenario: the answer's events as raw frames in its profile.
    private func profileScenario(
        _ probe: Spec,
        profile: Scenario.StreamAnswer.Profile,
        body: [UInt8]?,
        status: Int,
        raw: [UInt8]
    ) -> String {
        var answer: ScenarioWriter.Answer
        if body != nil {
            answer = ScenarioWriter.Answer(frames: TrafficImporter.events(of: raw).map { .raw($0) })
            answer.profile = profile
        } else {
            answer = ScenarioWriter.Answer(
                status: status,
                headers: [("Content-Type", "application/json")],
                body: String(decoding: raw, as: UTF8.self)
            )
        }
        return ScenarioWriter(
            name: "probe \(probe.name) against \(self.target.model) (\(profile))",
            description: "Recorded by `stream-replay probe --profile \(profile)` from \(self.target.baseURL).",
            tags: ["probe", "recorded"],
            model: self.target.model,
            turns: [(probe.user, "r1")],
            answers: [answer]
        ).yaml
    }

    /// Reads an answer's events by the rules of `profile`'s stream.
    static func read(_ body: [UInt8], profile: Scenario.StreamAnswer.Profile) -> ProfileReading {
        var parser = SSEStreamParser()
        let events = parser.push(body) + parser.finish()
        var reading = ProfileReading()
        func finding(_ severity: WireFinding.Severity, _ rule: String, _ message: String) {
            if !reading.findings.contains(where: { $0.rule == rule }) {
                reading.findings.append(WireFinding(severity: severity, rule: rule, message: message))
            }
        }
        var blocks: [Int: (id: String, name: String, arguments: String, open: Bool, isTool: Bool)] = [:]
        var order: [Int] = []
        var nextSequence: Int?
        for (position, event) in events.enumerated() {
            let number = position + 1
            guard let data = event.data else { continue }
            guard let payload = try? ScenarioValue.parseJSON(Array(data.utf8)) else {
                finding(.fail, "invalid-json", "event \(number): its data is not JSON")
                continue
            }
            let type = payload["type"]?.stringValue ?? ""
            // `message` is the name of an event without an `event:` line (the Responses API's
            // streams may leave it out); a name given must be the payload's type.
            if event.type != "message", event.type != type {
                finding(.fail, "event-type-mismatch", "event \(number): `event: \(event.type)` carries type \(type)")
            }
            if profile == .openaiResponses {
                if case .int(let sequence)? = payload["sequence_number"] {
                    if let expected = nextSequence, sequence != expected {
                        finding(
                            .fail,
                            "sequence-number",
                            "event \(number): sequence_number \(sequence), not \(expected)"
                        )
                    }
                    nextSequence = sequence + 1
                }
                let index: Int = {
                    if case .int(let index)? = payload["output_index"] { return index }
                    return -1
                }()
                switch type {
                case "response.output_item.added":
                    if payload["item"]?["type"]?.stringValue == "function_call" {
                        blocks[index] = (
                            payload["item"]?["call_id"]?.stringValue ?? "", payload["item"]?["name"]?.stringValue ?? "",
                            "", true, true
                        )
                        order.append(index)
                    }
                case "response.function_call_arguments.delta":
                    let fragment = payload["delta"]?.stringValue ?? ""
                    blocks[index]?.arguments += fragment
                    if !fragment.isEmpty { reading.pieces.append(fragment.unicodeScalars.count) }
                case "response.function_call_arguments.done":
                    if let done = payload["arguments"]?.stringValue, let block = blocks[index], done != block.arguments
                    {
                        finding(
                            .fail,
                            "arguments-done-differs",
                            "event \(number): `.done` arguments differ from the deltas joined"
                        )
                    }
                case "response.completed", "response.incomplete":
                    reading.ended = true
                    reading.finishReasons.append(payload["response"]?["status"]?.stringValue ?? type)
                    if let usage = payload["response"]?["usage"], usage != .null { reading.usage = type }
                case "response.failed", "error":
                    reading.ended = true
                    let message = (payload["response"]?["error"] ?? payload["error"] ?? payload)["message"]?.stringValue
                    finding(.fail, "error-event", "event \(number): \(type): \(message ?? "no message")")
                default: break
                }
                continue
            }
            let index: Int = {
                if case .int(let index)? = payload["index"] { return index }
                return -1
            }()
            if position == 0, type != "message_start" {
                finding(.fail, "no-message-start", "event 1 is \(type), not message_start")
            }
            switch type {
            case "content_block_start":
                let block = payload["content_block"]
                let isTool = block?["type"]?.stringValue == "tool_use"
                blocks[index] = (
                    block?["id"]?.stringValue ?? "", block?["name"]?.stringValue ?? "", "", true, isTool
                )
                order.append(index)
            case "content_block_delta":
                guard blocks[index]?.open == true else {
                    finding(.fail, "delta-without-block", "event \(number): a delta for block \(index), not open")
                    continue
                }
                if payload["delta"]?["type"]?.stringValue == "input_json_delta" {
                    let fragment = payload["delta"]?["partial_json"]?.stringValue ?? ""
                    blocks[index]?.arguments += fragment
                    if !fragment.isEmpty { reading.pieces.append(fragment.unicodeScalars.count) }
                }
            case "content_block_stop":
                blocks[index]?.open = false
            case "message_delta":
                if let reason = payload["delta"]?["stop_reason"]?.stringValue { reading.finishReasons.append(reason) }
                if let usage = payload["usage"], usage != .null { reading.usage = "message_delta" }
            case "message_stop":
                reading.ended = true
            case "error":
                reading.ended = true
                let message = payload["error"]?["message"]?.stringValue ?? "no message"
                finding(.fail, "error-event", "event \(number): error: \(message)")
            default: break
            }
        }
        for index in order {
            guard let block = blocks[index] else { continue }
            if profile == .anthropic, block.open {
                finding(.warn, "block-not-stopped", "block \(index) has no content_block_stop")
            }
            guard block.isTool else { continue }
            if !block.arguments.isEmpty, (try? ScenarioValue.parseJSON(Array(block.arguments.utf8))) == nil {
                finding(.fail, "arguments-not-json", "the call \(block.id) has arguments that are not JSON")
            }
            reading.calls.append((block.id, block.name, block.arguments.isEmpty ? "{}" : block.arguments))
        }
        return reading
    }
}
