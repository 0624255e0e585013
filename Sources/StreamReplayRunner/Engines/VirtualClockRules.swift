import StreamReplayScenario

/// The protocol's mechanical rules for an engine that lives in real time (an adapter): a scenario
/// that needs the virtual clock is `skipped`, and the reason names the rule that applied. They
/// are decided from the file alone, before any process starts.
enum VirtualClockRules {
    /// `needs the virtual clock: …` with the first rule that applies, or `nil`.
    static func skipReason(for scenario: Scenario) -> String? {
        guard let rule = self.firstRule(scenario) else { return nil }
        return "needs the virtual clock: \(rule)"
    }

    private static func firstRule(_ scenario: Scenario) -> String? {
        for (index, answer) in scenario.llm.enumerated() {
            if let stream = answer.body.stream,
                stream.frames.contains(where: { if case .delay = $0.storage { true } else { false } })
            {
                return "llm[\(index)] has a delay_ms frame"
            }
        }
        if let tool = scenario.tools.first(where: { $0.delayMilliseconds > 0 }) {
            return "tool '\(tool.name)' has a delay_ms"
        }
        if let turn = scenario.turns.firstIndex(where: { $0.concurrently > 1 }) {
            return "turns[\(turn)] runs concurrently (whether copies overlap is a matter of time)"
        }
        if scenario.engine.llmRetries > 0 {
            return "llm_retries waits a back-off between attempts"
        }
        if scenario.engine.persistDeltas, scenario.engine.persistIntervalMilliseconds > 0 {
            return "persist_deltas batches by interval_ms"
        }
        let matchers = self.matchers(of: scenario)
        if matchers.contains(where: { $0.1.description.contains("idle_timeout") }) {
            return "it expects an idle_timeout"
        }
        for (path, matcher) in matchers where path.hasSuffix("events") || path.hasSuffix("writes") {
            let text = matcher.description
            if text.contains(#""created_at""#) { return "\(path) asserts on created_at" }
            if text.contains(#""id""#) { return "\(path) asserts on an event id" }
        }
        if matchers.contains(where: { $0.1.description.contains("assistant_delta:") }) {
            return "it asserts on the time or random part of a delta id"
        }
        return nil
    }

    /// Every matcher under `expect` and the turns' `expect`, with its path.
    private static func matchers(of scenario: Scenario) -> [(String, Matcher)] {
        let expect = scenario.expect
        var all: [(String, Matcher?)] = [
            ("expect.messages", expect.messages), ("expect.events", expect.events),
            ("expect.writes", expect.writes), ("expect.tool_calls", expect.toolCalls),
            ("expect.error", expect.error), ("expect.text", expect.text),
        ]
        for (index, turn) in scenario.turns.enumerated() {
            all.append(("turns[\(index)].expect.messages", turn.expect.messages))
            all.append(("turns[\(index)].expect.error", turn.expect.error))
        }
        return all.compactMap { path, matcher in matcher.map { (path, $0) } }
    }
}
