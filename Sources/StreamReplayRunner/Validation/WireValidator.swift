import StreamReplaySSE
import StreamReplayScenario

/// Checks a recorded chat-completions stream against the OpenAI streaming rules: SSE framing,
/// one JSON object per event, tool-call fragments (index present and contiguous, id and name on
/// the first fragment only, string arguments), a `finish_reason` before `[DONE]`, the usage
/// chunk's shape, and an envelope `id`/`model` that stays the same.
///
/// ```swift
/// let findings = WireValidator.findings(in: Array(body), contentType: "text/event-stream")
/// for finding in findings { print(finding) }   // warn tool-call-index-missing: event 3 …
/// ```
package enum WireValidator {
    /// Every finding of one response body, in the order found (each rule reported once per kind
    /// of event, to keep reports short).
    package static func findings(in body: [UInt8], contentType: String?) -> [WireFinding] {
        var findings: [WireFinding] = []
        var seen: Set<String> = []
        func report(_ severity: WireFinding.Severity, _ rule: String, _ message: String) {
            guard seen.insert(rule).inserted else { return }
            findings.append(WireFinding(severity: severity, rule: rule, message: message))
        }
        if let contentType, !contentType.lowercased().hasPrefix("text/event-stream") {
            report(.fail, "content-type", "Content-Type is '\(contentType)', not text/event-stream")
        }
        Self.checkFraming(body, report: report)

        var parser = SSEStreamParser()
        let events = parser.push(body) + parser.finish()
        var sawDone = false
        var sawFinish = false
        var envelopeID: String?
        var envelopeModel: String?
        var toolIndexes: [Int] = []
        var idsSeen: [Int: String] = [:]
        var namesSeen: [Int: String] = [:]
        for (number, event) in events.enumerated() {
            let label = "event \(number + 1)"
            if !event.extraFields.isEmpty {
                let names = event.extraFields.map(\.name).joined(separator: ", ")
                report(.warn, "unknown-field", "\(label) has field(s) the SSE spec drops: \(names)")
            }
            if event.type != "message" {
                report(.warn, "event-type", "\(label) has `event: \(event.type)`; OpenAI streams send no event types")
            }
            guard let data = event.data else { continue }
            if sawDone {
                report(.warn, "data-after-done", "\(label) comes after data: [DONE]")
            }
            if data == "[DONE]" {
                sawDone = true
                if !sawFinish {
                    report(.fail, "no-finish-before-done", "[DONE] arrived before any finish_reason")
                }
                continue
            }
            if data.hasPrefix(":") {
                report(.warn, "data-comment", "\(label) is a comment wrapped in data: (\(Self.short(data)))")
                continue
            }
            guard let value = try? ScenarioValue.parseJSON(Array(data.utf8)) else {
                report(.fail, "data-not-json", "\(label) data is not JSON: \(Self.short(data))")
                continue
            }
            guard case .object = value else {
                report(.fail, "data-not-object", "\(label) data is JSON \(value.kindDescription), not an object")
                continue
            }
            if let error = value["error"], error != .null {
                report(.fail, "in-stream-error", "\(label) carries an error object: \(Self.short(error.jsonString))")
                continue
            }
            if let id = value["id"]?.stringValue, !id.isEmpty {
                if let envelopeID, envelopeID != id {
                    report(.warn, "envelope-id-changed", "\(label) has id '\(id)' after '\(envelopeID)'")
                }
                envelopeID = envelopeID ?? id
            }
            if let model = value["model"]?.stringValue, !model.isEmpty {
                if let envelopeModel, envelopeModel != model {
                    report(.warn, "envelope-model-changed", "\(label) has model '\(model)' after '\(envelopeModel)'")
                }
                envelopeModel = envelopeModel ?? model
            }
            if let usage = value["usage"], usage != .null {
                Self.checkUsage(usage, label: label, report: report)
                if let choices = value["choices"]?.arrayValue, !choices.isEmpty {
                    report(
                        .warn,
                        "usage-on-choice-chunk",
                        "\(label) carries usage on a chunk with choices (OpenAI sends it with choices: [])"
                    )
                }
            }
            guard let choices = value["choices"]?.arrayValue else {
                report(.fail, "choices-missing", "\(label) has no choices list")
                continue
            }
            for choice in choices {
                if let reason = choice["finish_reason"], reason != .null {
                    if reason.stringValue == nil {
                        report(.fail, "finish-reason-type", "\(label) finish_reason is not a string")
                    }
                    sawFinish = true
                }
                guard let delta = choice["delta"] else { continue }
                if case .array = delta["content"] ?? .null {
                    report(.warn, "content-parts", "\(label) sends delta.content as a list of parts, not a string")
                }
                for call in delta["tool_calls"]?.arrayValue ?? [] {
                    Self.checkToolCall(
                        call,
                        label: label,
                        indexes: &toolIndexes,
                        ids: &idsSeen,
                        names: &namesSeen,
                        report: report
                    )
                }
            }
        }
        if !sawDone {
            report(.warn, "no-done", "the stream ends without data: [DONE]")
        }
        if !sawFinish {
            report(.fail, "no-finish-reason", "no chunk carries a finish_reason")
        }
        let sorted = toolIndexes.sorted()
        if let first = sorted.first, first != 0 || sorted != Array(first..<(first + sorted.count)) {
            report(.warn, "tool-call-index-gap", "tool-call indexes are \(sorted), not 0, 1, 2, …")
        }
        return findings
    }

    private static func checkFraming(_ body: [UInt8], report: (WireFinding.Severity, String, String) -> Void) {
        var index = 0
        var sawLoneCR = false
        var sawCRLF = false
        while index < body.count {
            if body[index] == 13 {
                if index + 1 < body.count, body[index + 1] == 10 {
                    sawCRLF = true
                    index += 1
                } else {
                    sawLoneCR = true
                }
            }
            index += 1
        }
        if sawLoneCR { report(.warn, "cr-line-endings", "lines end with a lone CR") }
        if sawCRLF { report(.warn, "crlf-line-endings", "lines end with CRLF") }
        let text = String(decoding: body, as: UTF8.self)
        if text.contains("\ndata:{") || text.hasPrefix("data:{") {
            report(.warn, "data-without-space", "data lines have no space after the colon")
        }
        if !body.isEmpty, !(text.hasSuffix("\n\n") || text.hasSuffix("\r\n\r\n") || text.hasSuffix("\r\r")) {
            report(.warn, "unterminated-last-event", "the body does not end with a blank line")
        }
        if String(validating: body, as: UTF8.self) == nil {
            report(.fail, "invalid-utf8", "the body is not valid UTF-8")
        }
    }

    private static func checkUsage(
        _ usage: ScenarioValue,
        label: String,
        report: (WireFinding.Severity, String, String) -> Void
    ) {
        guard case .object = usage else {
            report(.fail, "usage-shape", "\(label) usage is \(usage.kindDescription), not an object")
            return
        }
        for key in ["prompt_tokens", "completion_tokens", "total_tokens"] {
            guard case .int = usage[key] ?? .null else {
                report(.warn, "usage-shape", "\(label) usage.\(key) is missing or not an integer")
                return
            }
        }
    }

    private static func checkToolCall(
        _ call: ScenarioValue,
        label: String,
        indexes: inout [Int],
        ids: inout [Int: String],
        names: inout [Int: String],
        report: (WireFinding.Severity, String, String) -> Void
    ) {
        guard case .object = call else {
            report(.fail, "tool-call-shape", "\(label) has a tool-call fragment that is not an object")
            return
        }
        guard case .int(let index) = call["index"] ?? .null else {
            report(.warn, "tool-call-index-missing", "\(label) has a tool-call fragment without an integer index")
            return
        }
        if !indexes.contains(index) { indexes.append(index) }
        if let id = call["id"]?.stringValue, !id.isEmpty {
            if ids[index] != nil {
                report(
                    .warn,
                    "tool-call-id-repeated",
                    "\(label) repeats the id of tool call \(index) on a later fragment"
                )
            }
            ids[index] = id
        }
        let function = call["function"]
        if let name = function?["name"]?.stringValue, !name.isEmpty {
            if names[index] != nil {
                report(
                    .warn,
                    "tool-call-name-repeated",
                    "\(label) repeats the name of tool call \(index) on a later fragment"
                )
            }
            names[index] = name
        }
        if let arguments = function?["arguments"], arguments != .null, arguments.stringValue == nil {
            report(
                .warn,
                "tool-call-arguments-type",
                "\(label) sends tool-call arguments as \(arguments.kindDescription), not a string"
            )
        }
    }

    private static func short(_ text: String) -> String {
        let scalars = text.unicodeScalars
        return scalars.count > 80 ? String(String.UnicodeScalarView(scalars.prefix(80))) + "…" : text
    }
}
