import OrderedCollections
import StreamReplayEngine
import StreamReplayFakeLLM
import StreamReplayScenario

/// The invariants of scenario-format.md, checked on every run unless a scenario allows them.
enum Invariants {
    /// The invariants judged on the persisted events: not applicable to an engine that reports
    /// none (the event side of `idempotent` included; its message side still holds).
    static let needingEvents = ["text-persisted", "tool-results-answered", "no-delta-left", "request-ids-unique"]
    /// The invariants judged on the commit order: not applicable without the `writes` capability.
    static let needingWrites = ["seq-ordered"]

    /// Every broken invariant not in `allowed`, with its evidence; invariants the engine under
    /// test cannot be judged on (its capabilities) are not checked.
    static func check(_ observation: ScenarioObservation, allowed: Set<String>) -> [ScenarioFailure] {
        var failures: [ScenarioFailure] = []
        var skipped = allowed
        if !observation.capabilities.contains(.events) { skipped.formUnion(Self.needingEvents) }
        if !observation.capabilities.contains(.writes) { skipped.formUnion(Self.needingWrites) }
        let hasEvents = observation.capabilities.contains(.events)
        func fail(_ name: String, _ expected: String, _ actual: String, _ message: String) {
            guard !skipped.contains(name) else { return }
            failures.append(
                ScenarioFailure(path: "invariant.\(name)", expected: expected, actual: actual, message: message)
            )
        }
        let events = observation.events

        // text-persisted
        for turn in observation.turns where turn.thrown == nil {
            guard
                let answer = events.first(where: {
                    $0.conversationID == turn.conversationID && $0.requestID == "assistant:\(turn.requestID)"
                })
            else { continue }
            let texts = turn.messages.filter { $0.type == .text }
            let cached = texts.contains { $0[metadata: "cached"] == .bool(true) }
            let joined = texts.map(\.content).joined()
            let failedWithoutKeeping =
                turn.messages.last?.type == .error && !cached && joined.isEmpty && answer.content != ""
            if failedWithoutKeeping { continue }  // a failed run that kept nothing; a later run wrote the answer
            if joined != answer.content {
                fail(
                    "text-persisted",
                    Self.quote(answer.content),
                    Self.quote(joined),
                    "turn \(turn.turnIndex + 1) (\(turn.requestID)) yielded text that differs from its stored assistant_message"
                )
            }
        }

        // tool-results-answered
        for call in observation.toolCalls {
            let results = events.filter {
                $0.type == "tool_result" && $0.toolCallID == call.id && $0.conversationID == call.conversationID
                    && Self.isToolResult($0.requestID, of: call.requestID, hop: call.hop)
            }
            if results.count != 1 {
                fail(
                    "tool-results-answered",
                    "1 tool_result for \(call.id)",
                    "\(results.count)",
                    "tool call \(call.id) (\(call.name)) has \(results.count) tool_result events"
                )
            }
        }

        // seq-ordered
        var lastSeq: [String: Int64] = [:]
        for write in observation.writes {
            if let last = lastSeq[write.conversationID], write.seq <= last {
                fail(
                    "seq-ordered",
                    "seq > \(last)",
                    "\(write.seq)",
                    "conversation \(write.conversationID): a \(write.type) was written with seq \(write.seq) after seq \(last)"
                )
            }
            lastSeq[write.conversationID] = max(write.seq, lastSeq[write.conversationID] ?? 0)
        }

        // no-delta-left
        for answer in events where answer.type == "assistant_message" {
            let rid = answer.extra["user_request_id"]?.stringValue
            let left = events.filter {
                $0.type == "meta" && $0.conversationID == answer.conversationID
                    && $0.extra["kind"]?.stringValue == "assistant_delta"
                    && $0.extra["user_request_id"]?.stringValue == rid
            }
            if !left.isEmpty {
                fail(
                    "no-delta-left",
                    "no assistant_delta",
                    "\(left.count) left",
                    "turn \(rid ?? "?") completed but \(left.count) delta batch(es) remain"
                )
            }
        }

        // request-ids-unique
        var seen: Set<[String]> = []
        for event in events {
            guard let rid = event.requestID else { continue }
            if !seen.insert([event.conversationID, rid]).inserted {
                fail(
                    "request-ids-unique",
                    "one event per request_id",
                    rid,
                    "conversation \(event.conversationID) has two events with request_id \(rid)"
                )
            }
        }

        // valid-conversation
        // Each API's own rule, as the fake checked it on the endpoint the request came to (a
        // request to another profile's endpoint is a 404, told elsewhere, not a conversation).
        for request in observation.requests {
            if let rejection = request.rejection, request.status != 404 {
                let api = (Scenario.StreamAnswer.Profile(path: request.path) ?? .openai).apiName
                fail(
                    "valid-conversation",
                    "a valid \(api) conversation",
                    "HTTP 400",
                    "request \(request.number) was refused as a provider would: \(rejection)"
                )
            }
        }

        // idempotent
        for (position, turn) in observation.turns.enumerated() where turn.thrown == nil {
            var answer = events.first {
                $0.conversationID == turn.conversationID && $0.requestID == "assistant:\(turn.requestID)"
            }
            if !hasEvents, turn.answeredBefore {
                // Without events the stored answer is what the first completed run of this
                // request yielded (the message side of the invariant).
                answer = observation.turns[..<position].first {
                    $0.conversationID == turn.conversationID && $0.requestID == turn.requestID && $0.thrown == nil
                        && $0.messages.last?.type != .error
                }.map { earlier in
                    StoredEvent(
                        id: "",
                        conversationID: turn.conversationID,
                        seq: 0,
                        type: "assistant_message",
                        role: "assistant",
                        content: earlier.messages.filter { $0.type == .text }.map(\.content).joined(),
                        createdAt: "",
                        extra: .object(
                            earlier.messages.contains { $0.type == .refusal }
                                ? [
                                    "refusal": .string(
                                        earlier.messages.filter { $0.type == .refusal }.map(\.content).joined()
                                    )
                                ]
                                : [:]
                        )
                    )
                }
            }
            if turn.answeredBefore, let answer {
                if let range = turn.writeRange, !observation.writes[range].isEmpty {
                    fail(
                        "idempotent",
                        "no event written",
                        "\(observation.writes[range].count) written",
                        "turn \(turn.turnIndex + 1) repeats answered request \(turn.requestID) but wrote events"
                    )
                }
                let texts = turn.messages.filter { $0.type == .text }
                let replayed =
                    texts.count == 1 && texts[0].content == answer.content
                    && texts[0][metadata: "cached"] == .bool(true)
                let allCached = turn.messages.allSatisfy { $0[metadata: "cached"] == .bool(true) }
                // The stored refusal, if any, comes back as one cached refusal message.
                let refusals = turn.messages.filter { $0.type == .refusal }.map(\.content)
                let storedRefusal = answer.extra["refusal"]?.stringValue
                let refusalReplayed = refusals == (storedRefusal.map { [$0] } ?? [])
                if !replayed || !allCached || !refusalReplayed {
                    let refusalNote = storedRefusal.map { " and one cached refusal \(Self.quote($0))" } ?? ""
                    fail(
                        "idempotent",
                        "one cached text equal to the stored answer \(Self.quote(answer.content))\(refusalNote)",
                        turn.messages.map { ObservationValues.message($0).jsonString }.joined(separator: ", "),
                        "turn \(turn.turnIndex + 1) repeats answered request \(turn.requestID) but did not replay it exactly"
                    )
                }
            }
        }
        // A repeat never writes a second user message, whatever the timing (concurrent copies too).
        var userMessages: [[String]: Int] = [:]
        for write in observation.writes where write.type == "user_message" {
            userMessages[[write.conversationID, write.requestID ?? ""], default: 0] += 1
        }
        for (key, count) in userMessages where count > 1 {
            fail(
                "idempotent",
                "one user_message",
                "\(count)",
                "request \(key[1]) of \(key[0]) has \(count) user messages written"
            )
        }
        return failures
    }

    /// Whether `id` is exactly `tool:{rid}:{hop}:{digits}` (a request id may itself hold colons).
    static func isToolResult(_ id: String?, of requestID: String, hop: Int) -> Bool {
        let prefix = "tool:\(requestID):\(hop):"
        guard let id, id.hasPrefix(prefix) else { return false }
        let rest = id.dropFirst(prefix.count)
        return !rest.isEmpty && rest.allSatisfy(\.isASCII) && rest.allSatisfy(\.isNumber)
    }

    static func quote(_ text: String) -> String {
        ScenarioValue.string(text).jsonString
    }
}
