import StreamReplayEngine
import StreamReplayFakeLLM
import StreamReplayScenario

/// Compares an observation with the scenario: the `llm` request matchers, each turn's `expect`,
/// the top-level `expect`, the script's own rules, then every invariant.
enum ScenarioChecks {
    static func failures(
        of scenario: Scenario,
        in observation: ScenarioObservation,
        live: Bool = false
    ) -> [ScenarioFailure] {
        if let fault = scenario.fault, !live {
            return Self.faultedFailures(of: scenario, fault: fault, in: observation)
        }
        var failures: [ScenarioFailure] = []
        func check(_ matcher: Matcher?, _ actual: ScenarioValue?, at path: String) {
            guard let matcher, let mismatch = matcher.firstMismatch(in: actual, at: path) else { return }
            let section = ScenarioFailure.Section(
                path: path,
                expected: Self.lines(of: matcher),
                actual: Self.lines(of: actual)
            )
            failures.append(
                ScenarioFailure(
                    path: mismatch.path,
                    expected: mismatch.expected,
                    actual: mismatch.actual,
                    message: mismatch.message,
                    section: section
                )
            )
        }

        // What the engine sent (offline: the script's request matchers).
        for request in observation.requests where !live {
            guard let entry = request.entry, entry < scenario.llm.count else { continue }
            check(scenario.llm[entry].request, request.body, at: "llm[\(entry)].request")
        }

        // Each turn's own expectations, for each copy.
        for turn in observation.turns {
            let expect = scenario.turns[turn.turnIndex].expect
            let prefix = "turns[\(turn.turnIndex)]\(turn.copy > 0 ? "(copy \(turn.copy + 1))" : "").expect"
            check(expect.messages, .array(turn.messages.map(ObservationValues.message)), at: "\(prefix).messages")
            check(
                expect.text,
                .string(turn.messages.filter { $0.type == .text }.map(\.content).joined()),
                at: "\(prefix).text"
            )
            check(expect.error, ObservationValues.error(of: turn), at: "\(prefix).error")
        }

        // The whole run: `expect`, or `live.expect` against a real provider.
        let expect = live ? (scenario.live ?? Expectations()) : scenario.expect
        let prefix = live ? "live.expect" : "expect"
        check(
            expect.text,
            .string(observation.turns.flatMap(\.messages).filter { $0.type == .text }.map(\.content).joined()),
            at: "\(prefix).text"
        )
        check(
            expect.messages,
            .array(observation.turns.flatMap(\.messages).map(ObservationValues.message)),
            at: "\(prefix).messages"
        )
        if observation.capabilities.contains(.events) {
            check(expect.events, .array(observation.events.map(ObservationValues.event)), at: "\(prefix).events")
        }
        if observation.capabilities.contains(.writes) {
            check(expect.writes, .array(observation.writes.map(ObservationValues.write)), at: "\(prefix).writes")
        }
        check(
            expect.toolCalls,
            .array(observation.toolCalls.map(ObservationValues.toolCall)),
            at: "\(prefix).tool_calls"
        )
        if observation.trafficObserved {
            check(expect.llmRequests, .int(observation.requests.count), at: "\(prefix).llm_requests")
        }
        if let error = expect.error {
            check(error, observation.turns.first.flatMap(ObservationValues.error(of:)), at: "\(prefix).error")
        }

        // A turn that failed unexpectedly. Against a real provider this is the cause of whatever
        // else diverged (a refused connection leaves the text empty), so it is reported first.
        let expectsErrorMessage = expect.error != nil || (expect.messages.map(Self.mentionsError) ?? false)
        let beforeTurnFailures = failures.count
        for turn in observation.turns {
            let turnExpect = scenario.turns[turn.turnIndex].expect
            let expected =
                expectsErrorMessage || turnExpect.error != nil || (turnExpect.messages.map(Self.mentionsError) ?? false)
            guard !expected, let error = ObservationValues.error(of: turn) else { continue }
            failures.append(
                ScenarioFailure(
                    path: "turns[\(turn.turnIndex)]",
                    expected: "the turn completes (or an 'error' expectation)",
                    actual: error.jsonString,
                    message: "turn \(turn.turnIndex + 1) (\(turn.requestID)) failed unexpectedly"
                )
            )
        }
        if live {
            let turnFailures = failures[beforeTurnFailures...]
            failures = Array(turnFailures) + failures[..<beforeTurnFailures]
        }

        // The script's own rules.
        for request in observation.requests
        where request.entry == nil && request.rejection == nil && request.status == 500 {
            failures.append(
                ScenarioFailure(
                    path: "llm",
                    expected: "at most \(scenario.llm.count) request(s)",
                    actual: "request \(request.number)",
                    message:
                        "the engine sent a request beyond the script (request \(request.number); the script has \(scenario.llm.count))"
                )
            )
        }
        if !live, observation.unusedAnswers > 0 {
            failures.append(
                ScenarioFailure(
                    path: "llm[\(scenario.llm.count - observation.unusedAnswers)]",
                    expected: "every answer used",
                    actual: "\(observation.unusedAnswers) unused",
                    message: "\(observation.unusedAnswers) llm answer(s) were never requested"
                )
            )
        }
        for problem in observation.toolProblems {
            failures.append(
                ScenarioFailure(path: "tools", expected: "a scripted result", actual: "none left", message: problem)
            )
        }

        failures += Invariants.check(observation, allowed: Set(expect.allowedInvariants))
        return failures
    }

    /// The rules of a faulted run (a scenario with a `fault` section): every invariant, each
    /// turn's text so far kept in its `assistant_message`, and each turn completed or ended with
    /// an allowed error code. Expectations, `request` matchers, unused answers, requests beyond
    /// the script and tool results beyond the script do not apply.
    static func faultedFailures(
        of scenario: Scenario,
        fault: Fault,
        in observation: ScenarioObservation
    ) -> [ScenarioFailure] {
        var failures: [ScenarioFailure] = []
        var allowed = fault.allowedErrors
        // A request past the script (the fault used an answer up, or moved one) gets the fake's 500.
        if observation.requests.contains(where: { $0.entry == nil && $0.rejection == nil && $0.status == 500 }) {
            allowed.append("http_error")
        }
        let allowedText =
            allowed.isEmpty ? "completion" : "completion or " + allowed.map { "`\($0)`" }.joined(separator: ", ")
        for turn in observation.turns {
            guard let error = ObservationValues.error(of: turn) else { continue }
            var code = ""
            if case .object(let members) = error,
                case .string(let text)? = members.first(where: { $0.key == "code" })?.value
            {
                code = text
            }
            if allowed.contains(code) { continue }
            failures.append(
                ScenarioFailure(
                    path: "fault.turns[\(turn.turnIndex)]",
                    expected: allowedText,
                    actual: "`\(code)`",
                    message:
                        "turn \(turn.turnIndex + 1) (\(turn.requestID)) ended with `\(code)`; after this fault (\(fault.kind)) a turn may end with \(allowedText)"
                )
            )
        }
        if observation.capabilities.contains(.events) {
            // The turn's text so far is kept: a turn that yielded text of its own has an
            // assistant_message (partial or not) with exactly that text.
            for turn in observation.turns where turn.thrown == nil {
                let texts = turn.messages.filter { $0.type == .text && $0[metadata: "cached"] != .bool(true) }
                guard !texts.isEmpty else { continue }
                let joined = texts.map(\.content).joined()
                let kept = observation.events.contains {
                    $0.conversationID == turn.conversationID && $0.requestID == "assistant:\(turn.requestID)"
                }
                if !kept {
                    failures.append(
                        ScenarioFailure(
                            path: "fault.text-kept",
                            expected: "an assistant_message with \(joined.unicodeScalars.count) characters",
                            actual: "no assistant_message",
                            message:
                                "turn \(turn.turnIndex + 1) (\(turn.requestID)) yielded text but kept no assistant_message: the text so far was lost"
                        )
                    )
                }
            }
        }
        // Whether the kept text equals what was yielded is `text-persisted`'s part.
        failures += Invariants.check(observation, allowed: Set(scenario.expect.allowedInvariants))
        return failures
    }

    /// The checks the engine under test cannot be judged on, by the capability they need
    /// (engine-adapter.md, "What needs what"): `expect.events` and the event invariants without
    /// `events`, `expect.writes` and the write order without `writes`.
    static func notApplicable(
        for scenario: Scenario,
        capabilities: EngineCapabilities,
        live: Bool = false,
        trafficObserved: Bool = true
    ) -> [String] {
        let expect = live ? (scenario.live ?? Expectations()) : scenario.expect
        let prefix = live ? "live.expect" : "expect"
        var paths: [String] = []
        if !trafficObserved {
            // Live mode through an adapter: its engine talks to the provider directly.
            if expect.llmRequests != nil { paths.append("\(prefix).llm_requests") }
            paths.append("wire")
        }
        if !capabilities.contains(.events) {
            if expect.events != nil { paths.append("\(prefix).events") }
            paths += Invariants.needingEvents.map { "invariant.\($0)" }
        }
        if !capabilities.contains(.writes) {
            if expect.writes != nil { paths.append("\(prefix).writes") }
            paths += Invariants.needingWrites.map { "invariant.\($0)" }
        }
        return paths
    }

    /// Whether every expectation the scenario states explicitly is in `notApplicable`: such a
    /// scenario is `skipped`, never `pass`.
    static func nothingApplicable(
        _ scenario: Scenario,
        notApplicable: [String],
        live: Bool = false
    ) -> Bool {
        let expect = live ? (scenario.live ?? Expectations()) : scenario.expect
        let prefix = live ? "live.expect" : "expect"
        var stated: [String] = []
        let keys: [(String, Matcher?)] = [
            ("messages", expect.messages), ("events", expect.events), ("writes", expect.writes),
            ("tool_calls", expect.toolCalls), ("llm_requests", expect.llmRequests), ("error", expect.error),
            ("text", expect.text),
        ]
        for (key, matcher) in keys where matcher != nil {
            stated.append("\(prefix).\(key)")
        }
        let turnsExpect = scenario.turns.contains {
            $0.expect.messages != nil || $0.expect.text != nil || $0.expect.error != nil
        }
        let requestMatchers = !live && scenario.llm.contains { $0.request != nil }
        guard !stated.isEmpty, !turnsExpect, !requestMatchers else { return false }
        return stated.allSatisfy(notApplicable.contains)
    }

    /// A matcher as lines: one per item of a list.
    static func lines(of matcher: Matcher) -> [String] {
        if case .list(let items) = matcher.storage { return items.isEmpty ? ["[]"] : items.map(\.description) }
        return [matcher.description]
    }

    /// A value as lines: one per item of a list.
    static func lines(of value: ScenarioValue?) -> [String] {
        guard let value else { return ["<absent>"] }
        if case .array(let items) = value { return items.isEmpty ? ["[]"] : items.map(\.jsonString) }
        return [value.jsonString]
    }

    /// Whether a messages matcher expects an `error` message somewhere (`type: error`).
    static func mentionsError(_ matcher: Matcher) -> Bool {
        switch matcher.storage {
        case .map(let entries), .exact(let entries):
            return entries.contains { entry in
                if entry.key == "type", case .scalar(.string("error"), _) = entry.matcher.storage { return true }
                return Self.mentionsError(entry.matcher)
            }
        case .list(let items), .containsItems(let items), .unordered(let items):
            return items.contains(where: Self.mentionsError)
        case .first(let inner), .last(let inner), .json(let inner), .literal(let inner):
            return Self.mentionsError(inner)
        default:
            return false
        }
    }
}
