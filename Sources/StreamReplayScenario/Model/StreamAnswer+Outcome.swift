extension Scenario.StreamAnswer {
    /// What a client that reads this answer's stream to its end is left with, as the frames say:
    /// the text, the tool calls, the finish reason, and whatever keeps the stream from being a
    /// clean one that every SDK must read alike (`list --json`, the SDK check in CI).
    package struct Outcome: Sendable, Hashable {
        /// One tool call, its fragments joined.
        package struct ToolCall: Sendable, Hashable {
            package var id: String?
            package var name: String?
            /// The argument fragments joined in order (an object written as JSON).
            package var arguments: String
        }

        /// Every text fragment, joined.
        package var text = ""
        /// The calls in the order they start: a fragment with a new `index`, or with an `id`
        /// other than its index's call, starts one (as every profile renders them).
        package var toolCalls: [ToolCall] = []
        /// The last `finish` written.
        package var finish: String?
        /// Why the stream is not a clean one: malformed on purpose (`raw`, `chunk`), an `error`
        /// frame, a cut (`disconnect`, `done: false`), a tool call without an id, two calls with
        /// one id.
        package var anomalies: [String] = []
    }

    /// See ``Outcome``.
    package var outcome: Outcome {
        var outcome = Outcome()
        var callIndexes: [ScenarioValue?] = []
        func note(_ anomaly: String) {
            if !outcome.anomalies.contains(anomaly) { outcome.anomalies.append(anomaly) }
        }
        for frame in self.frames {
            switch frame.storage {
            case .chunk(let chunk):
                outcome.text += chunk.text ?? ""
                if let finish = chunk.finish { outcome.finish = finish }
                for call in chunk.toolCalls {
                    // An empty id is no id (a continuation).
                    let id = call.id?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
                    var slot = callIndexes.lastIndex { $0 == call.index }
                    if let found = slot, let id, let current = outcome.toolCalls[found].id, current != id {
                        slot = nil
                    }
                    if slot == nil {
                        callIndexes.append(call.index)
                        outcome.toolCalls.append(.init(id: nil, name: nil, arguments: ""))
                        slot = outcome.toolCalls.count - 1
                    }
                    guard let slot else { continue }
                    if outcome.toolCalls[slot].id == nil { outcome.toolCalls[slot].id = id }
                    if outcome.toolCalls[slot].name == nil { outcome.toolCalls[slot].name = call.name?.stringValue }
                    switch call.arguments {
                    case .string(let fragment)?: outcome.toolCalls[slot].arguments += fragment
                    case .null?, nil: break
                    case let value?: outcome.toolCalls[slot].arguments += value.jsonString
                    }
                }
            case .raw: note("raw frame")
            case .json: note("chunk frame")
            case .error: note("error frame")
            case .disconnect: note("disconnect")
            case .comment, .delay: break
            }
        }
        if !self.sendsDone { note("done: false") }
        if outcome.toolCalls.contains(where: { $0.id == nil }) { note("a tool call without an id") }
        let ids = outcome.toolCalls.compactMap(\.id)
        if Set(ids).count < ids.count { note("two tool calls with one id") }
        return outcome
    }
}
