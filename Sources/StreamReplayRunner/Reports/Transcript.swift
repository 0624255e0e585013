import StreamReplayEngine
import StreamReplayFakeLLM
import StreamReplayScenario

/// A compact transcript of a run: the requests sent (and what answered them) and the messages
/// each turn yielded.
enum Transcript {
    static func lines(scenario: Scenario, observation: ScenarioObservation) -> [String] {
        var lines: [String] = []
        for request in observation.requests {
            let messages = request.body?["messages"]?.arrayValue ?? []
            let last = messages.last.map { message -> String in
                let role = message["role"]?.stringValue ?? "?"
                let content = message["content"]?.stringValue ?? message["content"].map(\.jsonString) ?? ""
                return "\(role): \(Self.short(content))"
            }
            var line = "→ request \(request.number): \(messages.count) message(s)"
            if let last { line += ", last \(last)" }
            switch (request.entry, request.rejection) {
            case (_, let rejection?) where request.status == 400: line += " ← 400 (\(Self.short(rejection)))"
            case (nil, let message?) where request.status == 404: line += " ← 404 (\(Self.short(message)))"
            case (let entry?, _):
                line += " ← llm[\(entry)] \(request.status), \(request.writes) write(s), \(request.bytesWritten) bytes"
                if request.disconnected { line += ", disconnected" }
            default:
                // Live mode: the provider's real status, or no answer at all.
                line += request.status == 0 ? " ← no response" : " ← \(request.status)"
                if let rejection = request.rejection { line += " (not a valid conversation: \(Self.short(rejection)))" }
            }
            lines.append(line)
        }
        for turn in observation.turns {
            let copy = turn.copy > 0 ? " copy \(turn.copy + 1)" : ""
            if let thrown = turn.thrown {
                lines.append(
                    "turn \(turn.turnIndex + 1)\(copy) (\(turn.requestID)) threw \(thrown.code): \(thrown.message)"
                )
                continue
            }
            lines.append(
                "turn \(turn.turnIndex + 1)\(copy) (\(turn.requestID)) yielded \(turn.messages.count) message(s):"
            )
            for message in turn.messages {
                lines.append("  \(ObservationValues.message(message).jsonString)")
            }
        }
        return lines
    }

    static func short(_ text: String) -> String {
        let scalars = text.unicodeScalars
        let quoted = ScenarioValue.string(
            scalars.count > 60 ? String(String.UnicodeScalarView(scalars.prefix(60))) + "…" : text
        ).jsonString
        return quoted
    }
}
