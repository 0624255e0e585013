import Foundation
import StreamReplayEngine
import StreamReplayFakeLLM
import StreamReplayScenario
import Testing

@testable import StreamReplayRunner

/// Sweeps, fault schedules and shrinking (`run` with `sweep:` frames and `--faults`, `shrink`).
struct FindAndShrinkTests {
    private func write(_ yaml: String, in directory: String? = nil, name: String = "scenario") throws -> String {
        let folder =
            directory
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("sr-find-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = (folder as NSString).appendingPathComponent("\(name).yaml")
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    // MARK: Sweeps

    @Test func aSweepFindsTheOneCutPointThatFails() async throws {
        // The planted failure: only the cut after "abc" yields a first fragment "abc".
        let file = try write(
            """
            turns:
              - user: hi
                expect:
                  text: abcdef
                  messages: { $not: { $first: { content: abc } } }
            llm:
              - stream:
                  - { text: abcdef, sweep: true }
                  - finish: stop
            """
        )
        let result = try #require(await ScenarioRunner(options: .init(jobs: 1)).run(files: [file]).results.first)
        let sweep = try #require(result.sweep)
        #expect(result.verdict == .fail)
        #expect(sweep.cutPoints == 5)
        #expect(sweep.played == 5)
        #expect(sweep.passed == 4)
        #expect(sweep.failing.map(\.cut) == [3])
        #expect(sweep.failing.first?.place == #"scalar 3 ("abc" | "def")"#)
        #expect(sweep.line == "swept 5 cut points: 4 pass, 1 fail")
        #expect(result.failures.count == 1)
        #expect(result.failures.first?.path == "turns[0].expect.messages")
        #expect(result.failures.first?.message.hasPrefix(#"cut at scalar 3 ("abc" | "def"): "#) == true)
        // Each variant really reached the engine as two fragments.
        #expect(result.transcript.contains { $0.contains(#""content":"abc""#) })
    }

    @Test func aPassingSweepPlaysEveryScalarBoundaryOfToolArguments() async throws {
        let file = try write(
            """
            tools: [ { name: weather, result: sunny } ]
            turns: [ { user: hi } ]
            llm:
              - stream:
                  - tool_call: { index: 0, id: call_1, name: weather, arguments: '{"city": "Zürich 🌧"}' }
                    sweep: true
                  - finish: tool_calls
              - stream: [ { text: ok }, { finish: stop } ]
            expect:
              tool_calls: [ { name: weather, id: call_1, arguments: { city: "Zürich 🌧" } } ]
              llm_requests: 2
            """
        )
        let result = try #require(await ScenarioRunner(options: .init(jobs: 1)).run(files: [file]).results.first)
        let scalars = #"{"city": "Zürich 🌧"}"#.unicodeScalars.count
        #expect(result.verdict == .pass, "\(result.failures)")
        #expect(result.sweep?.cutPoints == scalars - 1)
        #expect(result.sweep?.line == "swept \(scalars - 1) cut points: \(scalars - 1) pass")
    }

    @Test func aByteSweepCutsTheEventEverywhereAndTheLimitSaysSo() async throws {
        let yaml = """
            turns:
              - user: hi
                expect: { text: "é🌧" }
            llm:
              - stream:
                  - { text: "é🌧", sweep: bytes }
                  - finish: stop
            """
        let file = try write(yaml)
        let scenario = try ScenarioLoader().load(file: file)
        let plan = try #require(SweepPlan(scenario))
        let event = try #require(FakeLLMScript(scenario: scenario).eventBytes(entry: 0, frame: 0))
        #expect(plan.cutPoints == event.count - 1)
        // A cut inside the 4-byte emoji shows the lone bytes.
        let emoji = try #require(event.firstIndex(of: 0xF0))
        #expect(plan.describe(cut: emoji + 2).contains(#"\xF0\x9F" | "\x8C\xA7"#))

        let all = try #require(await ScenarioRunner(options: .init(jobs: 1)).run(files: [file]).results.first)
        #expect(all.verdict == .pass, "\(all.failures)")
        #expect(all.sweep?.played == event.count - 1)

        var limited = ScenarioRunner.Options(jobs: 1)
        limited.sweepLimit = 7
        let some = try #require(await ScenarioRunner(options: limited).run(files: [file]).results.first)
        #expect(some.sweep?.played == 7)
        #expect(some.sweep?.line == "swept 7 of \(event.count - 1) byte cut points (--sweep-limit 7): 7 pass")
    }

    @Test(arguments: [
        ("- { text: ab, split: 1, sweep: true }", "remove 'split'"),
        ("- { text: a, sweep: true }", "at least 2 Unicode scalars"),
        ("- { text: ab, sweep: sometimes }", "true (every Unicode-scalar boundary) or bytes"),
        ("- { text: ab, tool_call: { index: 0, arguments: x }, sweep: true }", "both 'text' and tool-call 'arguments'"),
        ("- { finish: stop, sweep: true }", "needs a string to cut"),
        ("- { text: ab, sweep: true }\n      - { text: cd, sweep: bytes }", "only one frame of a scenario may sweep"),
    ])
    func wrongSweepsAreFileErrors(frames: String, problem: String) throws {
        let yaml = """
            turns: [ { user: hi } ]
            llm:
              - stream:
                  \(frames)
            """
        #expect {
            try ScenarioLoader().load(yaml: yaml, file: "sweep.yaml")
        } throws: { error in
            (error as? ScenarioError)?.diagnostics.contains { $0.message.contains(problem) } == true
        }
    }

    @Test func aSweepCannotBeCombinedWithWriteSize() throws {
        let yaml = """
            turns: [ { user: hi } ]
            llm:
              - framing: { write_size: 3 }
                stream: [ { text: abc, sweep: true } ]
            """
        #expect {
            try ScenarioLoader().load(yaml: yaml, file: "sweep.yaml")
        } throws: { error in
            let diagnostics = (error as? ScenarioError)?.diagnostics ?? []
            return diagnostics.contains { $0.message.contains("framing.write_size") && $0.line == 4 }
        }
    }

    // MARK: Fault schedules

    static let longAnswer = """
        name: a long answer
        engine: { persistence: { persist_deltas: true, interval_ms: 0, min_chars: 0 } }
        turns: [ { user: hi, request_id: r1 } ]
        llm:
          - stream:
              - role: assistant
              - text: "one "
              - text: "two "
              - text: "three "
              - text: "four "
              - text: "five "
              - text: "six "
              - finish: stop
        expect:
          events:
            - { type: user_message }
            - { type: assistant_message, content: "one two three four five six " }
        """

    @Test func theSameSeedDrawsTheSameScheduleAndAnotherSeedAnother() throws {
        let scenario = try ScenarioLoader().load(yaml: Self.longAnswer, file: "somewhere/long.yaml")
        let moved = try ScenarioLoader().load(yaml: Self.longAnswer, file: "/elsewhere/else/long.yaml")
        let first = FaultSchedule.draw(for: scenario, seed: 42, runs: 50, stalls: true)
        #expect(first == FaultSchedule.draw(for: moved, seed: 42, runs: 50, stalls: true), "not the folder")
        #expect(first != FaultSchedule.draw(for: scenario, seed: 43, runs: 50, stalls: true))
        #expect(Set(first.map(\.kind)) == Set(DrawnFault.Kind.allCases), "50 draws reach every kind")
        #expect(first.allSatisfy { ($0.frame ?? 0) <= 8 })
        // Without the virtual clock no stall is drawn.
        #expect(!FaultSchedule.draw(for: scenario, seed: 42, runs: 50, stalls: false).contains { $0.kind == .stall })
    }

    @Test func faultedRunsOfACorrectEngineKeepEveryRuleAtAnyJobs() async throws {
        let file = try write(Self.longAnswer)
        var one = ScenarioRunner.Options(jobs: 1)
        one.faults = FaultOptions(seed: 7, runs: 30)
        var two = one
        two.jobs = 2
        let a = try #require(await ScenarioRunner(options: one).run(files: [file, file]).results.first)
        let b = try #require(await ScenarioRunner(options: two).run(files: [file, file]).results.first)
        #expect(a.verdict == .pass, "\(a.failures.map(\.message))")
        #expect(a.faults?.runs.count == 30)
        #expect(a.faults?.line == "faults (seed 7): 30 runs: 30 pass")
        #expect(a.faults?.runs.map(\.fault) == b.faults?.runs.map(\.fault))
    }

    @Test func aFailingFaultedRunIsWrittenAndReproducesWithoutTheFlag() async throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("sr-faults-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let file = try write(Self.longAnswer)
        var options = ScenarioRunner.Options(jobs: 1, engine: LosesPartialAnswers())
        options.faults = FaultOptions(seed: 3, runs: 40, outDirectory: out)
        let result = try #require(await ScenarioRunner(options: options).run(files: [file]).results.first)
        let failing = try #require(result.faults?.runs.first { $0.verdict == .fail })
        #expect(result.verdict == .fail)
        #expect(failing.failure?.path == "fault.text-kept")
        let written = try #require(failing.written)
        #expect(written.hasPrefix(out))
        #expect(result.failures.contains { $0.message.contains("reproduce: stream-replay run \(written)") })

        // The written file is an ordinary scenario: it fails the same way without --faults …
        let again = try #require(
            await ScenarioRunner(options: .init(jobs: 1, engine: LosesPartialAnswers())).run(files: [written]).results
                .first
        )
        #expect(again.verdict == .fail)
        #expect(again.failures.first?.path == "fault.text-kept")
        #expect(again.failures.first?.message == failing.failure?.message)
        // … names its fault, has no expectations left, and passes against the correct engine.
        let scenario = try ScenarioLoader().load(file: written)
        #expect(scenario.fault?.seed == 3)
        #expect(scenario.expect.events == nil)
        let correct = try #require(await ScenarioRunner(options: .init(jobs: 1)).run(files: [written]).results.first)
        #expect(correct.verdict == .pass, "\(correct.failures.map(\.message))")

        // A second run writes new files beside the first ones, never over them.
        _ = await ScenarioRunner(options: options).run(files: [file])
        let files = try FileManager.default.contentsOfDirectory(atPath: out)
        #expect(files.contains((written as NSString).lastPathComponent))
        #expect(files.contains { $0.hasSuffix("-2.yaml") })
    }

    @Test func anHTTPErrorAnswersInPlaceOfTheEntryAndARetryGetsIt() async throws {
        let yaml = """
            engine: { llm_retries: 1 }
            turns: [ { user: hi } ]
            llm:
              - stream: [ { text: ok }, { finish: stop } ]
            """
        let scenario = try ScenarioLoader().load(yaml: yaml, file: "retry.yaml")
        let fault = DrawnFault(kind: .httpError, entry: 0, status: 503)
        let faulted = try FaultSchedule.faulted(
            yaml: yaml,
            file: "retry.yaml",
            scenario: scenario,
            fault: fault,
            seed: 1,
            run: 1,
            alsoAllowed: []
        )
        let loaded = try ScenarioLoader().load(yaml: faulted, file: "retry.yaml")
        #expect(loaded.llm.count == 2)
        #expect(loaded.llm[0].body.plain?.status == 503)
        #expect(loaded.fault?.allowedErrors == ["http_error"])
        let observed = try await ScenarioRunner(options: .init(jobs: 1)).messagesOfEachTurn(loaded)
        #expect(observed.first?.map(\.content) == ["ok"], "the retry got the entry")
    }

    // MARK: Shrinking

    @Test func aThreeHundredFrameStreamShrinksToTheFramesThatMatter() async throws {
        var lines = [
            "name: a long recording that must never say BUG",
            "turns:",
            "  - user: hi",
            "    expect:",
            "      text: { $not: { $contains: BUG } }",
            "  - user: and again",
            "llm:",
            "  - stream:",
            "      - role: assistant",
        ]
        for index in 0..<300 {
            let text = index == 120 ? "so BU" : index == 121 ? "G here " : "word\(index) "
            lines.append("      - text: \"\(text)\"")
        }
        lines += [
            "      - finish: stop",
            "  - stream: [ { text: fine }, { finish: stop } ]",
            "expect:",
            "  llm_requests: 2",
        ]
        let yaml = lines.joined(separator: "\n") + "\n"
        let shrinker = ScenarioShrinker(runner: ScenarioRunner(options: .init(jobs: 1)), maxRuns: 2000) { _ in }
        let outcome = try await shrinker.shrink(yaml: yaml, file: "long.yaml")
        #expect(outcome.key == "turns.expect.text")
        #expect(outcome.before.frames == 304)
        #expect(outcome.after.frames <= 2)
        #expect(outcome.after.turns == 1)
        #expect(outcome.runs <= 2000)
        #expect(!outcome.budgetExhausted)
        let small = try ScenarioLoader().load(yaml: outcome.yaml, file: "small.yaml")
        let text = small.llm.first?.body.stream?.frames.compactMap { $0.chunk?.text }.joined()
        #expect(text == "BUG")
        #expect(small.expect.llmRequests == nil, "an expectation the failure does not need is dropped")
        let result = await ScenarioRunner(options: .init(jobs: 1)).runOnce(small)
        #expect(result.verdict == .fail)
        #expect(result.failures.map { ScenarioShrinker.failureKey($0.path) }.contains("turns.expect.text"))
    }

    @Test func aCandidateThatFailsInANewWayIsNotKept() async throws {
        // Without its answer the turn would still miss its text, but because the request went
        // beyond the script: a failure the original does not have.
        let yaml = """
            turns:
              - user: hi
                expect: { text: "Hello world!" }
              - user: again
            llm:
              - stream: [ { text: "Hello " }, { text: world }, { finish: stop } ]
              - stream: [ { text: fine } ]
            """
        let shrinker = ScenarioShrinker(runner: ScenarioRunner(options: .init(jobs: 1))) { _ in }
        let outcome = try await shrinker.shrink(yaml: yaml, file: "anchors.yaml")
        let small = try ScenarioLoader().load(yaml: outcome.yaml, file: "small.yaml")
        #expect(small.turns.count == 1)
        #expect(small.llm.count == 1, "the answer the turn needs stays; the unused one went with its turn")
        let result = await ScenarioRunner(options: .init(jobs: 1)).runOnce(small)
        #expect(result.failures.map { ScenarioShrinker.failureKey($0.path) } == ["turns.expect.text"])
    }

    @Test func aPassingScenarioIsNotShrunk() async throws {
        let shrinker = ScenarioShrinker(runner: ScenarioRunner(options: .init(jobs: 1))) { _ in }
        await #expect {
            try await shrinker.shrink(yaml: Self.longAnswer, file: "long.yaml")
        } throws: { error in
            if case .passes(.pass, _) = error as? ScenarioShrinker.Refusal { return true }
            return false
        }
    }

    @Test(arguments: [
        ("expect.messages[2].content", "expect.messages"),
        ("turns[1](copy 2).expect.text", "turns.expect.text"),
        ("invariant.text-persisted", "invariant.text-persisted"),
        ("llm[3].request.messages[0]", "llm.request"),
        ("fault.turns[0]", "fault.turns"),
        ("turns[0]", "turns"),
    ])
    func failuresAreComparedByKeyWithoutIndices(path: String, key: String) {
        #expect(ScenarioShrinker.failureKey(path) == key)
    }
}

/// A broken engine on purpose: ChatEngine, but what a failed turn kept is lost (the original
/// engine's bug on a cut), so a fault after some text breaks `fault.text-kept`.
private struct LosesPartialAnswers: EngineUnderTest {
    let inner = InProcessEngine()
    var label: String { "ChatEngine losing partial answers" }
    var carriesVirtualClock: Bool { true }
    var knownToLackVirtualClock: Bool { false }

    func withSession<T: Sendable>(
        _ setup: EngineSetup,
        _ body: (any EngineSession) async throws -> T
    ) async throws -> T {
        try await self.inner.withSession(setup) { session in
            try await body(Session(inner: session))
        }
    }

    struct Session: EngineSession {
        let inner: any EngineSession
        var capabilities: EngineCapabilities { self.inner.capabilities }
        var engineName: String { self.inner.engineName }
        var refusal: ThrownError? { self.inner.refusal }
        func play(_ turn: Turn) async throws -> [TurnOutcome] { try await self.inner.play(turn) }
        func hasAnswer(conversationID: String, requestID: String) async throws -> Bool? {
            try await self.inner.hasAnswer(conversationID: conversationID, requestID: requestID)
        }
        func persisted() async throws -> PersistedEvents? {
            guard var persisted = try await self.inner.persisted() else { return nil }
            persisted.events.removeAll { $0.extraJSON.contains(#""partial":true"#) }
            return persisted
        }
        var writesSoFar: Int? { get async { await self.inner.writesSoFar } }
    }
}
