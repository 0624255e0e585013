import Foundation
package import Logging
package import StreamReplayEngine
import StreamReplayFakeLLM
package import StreamReplayScenario
import Synchronization

/// Runs scenario files against the real engine, each with a fresh SQLite file, a fake LLM on an
/// ephemeral port, scripted tools and virtual time, and gives a verdict per scenario.
///
/// ```swift
/// let runner = ScenarioRunner(options: .init(jobs: 2))
/// let files = try ScenarioDiscovery.files(in: ["scenarios"])
/// let summary = await runner.run(files: files) { result in print(result.verdict, result.name) }
/// print(summary.line)   // "42 passed, 0 failed"
/// ```
package struct ScenarioRunner: Sendable {
    /// How to run.
    package struct Options: Sendable {
        /// Scenarios run at once (default: the number of cores); results are the same at any value.
        package var jobs: Int
        /// Run only scenarios that have one of these tags (all when empty).
        package var tags: [String]
        /// Run only scenarios whose name or file contains this text.
        package var filter: String?
        /// Stop starting scenarios after the first failure or error.
        package var failFast: Bool
        /// Run each scenario this many times; differing verdicts fail it.
        package var repeatCount: Int
        /// Real time one scenario may take before it fails (a safety net: scenario time is virtual).
        package var timeout: Duration
        /// Live mode: run against this endpoint instead of the fake; scenarios without a `live`
        /// section are skipped.
        package var live: LiveTarget?
        /// The engine under test: `ChatEngine` in process unless an adapter is given.
        package var engine: any EngineUnderTest = InProcessEngine()
        /// A sweeping scenario plays at most this many cut points (the first ones).
        package var sweepLimit: Int = 1000
        /// `--faults SEED[:RUNS]`: faulted runs after each scenario's ordinary run.
        package var faults: FaultOptions?
        /// `--html`: keep a ``Timeline`` of each run that does not pass (in ``ScenarioResult/timeline``).
        package var recordsTimelines = false
        /// `--shard I/N`: run only this part of the selection.
        package var shard: Shard?
        /// `--profile`: the wire format of every answer whose entry names none (else the
        /// adapter's `ready.profile`, else `openai`).
        package var profile: Scenario.StreamAnswer.Profile?

        package init(
            jobs: Int? = nil,
            tags: [String] = [],
            filter: String? = nil,
            failFast: Bool = false,
            repeatCount: Int = 1,
            timeout: Duration = .seconds(30),
            live: LiveTarget? = nil,
            engine: any EngineUnderTest = InProcessEngine()
        ) {
            self.live = live
            self.engine = engine
            self.jobs = max(1, jobs ?? ProcessInfo.processInfo.activeProcessorCount)
            self.tags = tags
            self.filter = filter
            self.failFast = failFast
            self.repeatCount = max(1, repeatCount)
            self.timeout = timeout
        }
    }

    package var options: Options
    package var logger: Logger

    package init(options: Options = Options(), logger: Logger = Logger(label: "stream-replay.runner")) {
        self.options = options
        self.logger = logger
    }

    /// Runs `files` (in this order), calling `report` with each result in that same order as
    /// soon as it and every result before it are known, and `progress` whenever a scenario
    /// starts or finishes (for a terminal's progress line).
    ///
    /// Cancelling the calling task interrupts the run: no scenario starts after that, the ones
    /// running are cancelled, and every scenario that had not finished is reported `skipped` with
    /// the reason `interrupted`; the summary says ``RunSummary/interrupted``.
    package func run(
        files: [String],
        report: @escaping @Sendable (ScenarioResult) -> Void = { _ in },
        progress: (@Sendable (ProgressLine.State) -> Void)? = nil
    ) async -> RunSummary {
        let start = ContinuousClock.now
        let loaded = files.map { file -> Loaded in
            do throws(ScenarioError) {
                return .scenario(try ScenarioLoader().load(file: file))
            } catch {
                return .wrong(file: file, error: error)
            }
        }
        var selected = loaded.filter(self.isSelected)
        let selectionCount = selected.count
        if let shard = self.options.shard {
            let all = selected
            selected = shard.positions(of: all.map(\.file)).map { all[$0] }
        }
        var results: [ScenarioResult?] = Array(repeating: nil, count: selected.count)
        var reported = 0
        var stop = false
        await withTaskGroup(of: (Int, ScenarioResult).self) { group in
            var next = 0
            var running = 0
            var finished = 0
            var runningFiles: [Int: String] = [:]
            func tell() {
                let files = runningFiles.sorted { $0.key < $1.key }.map(\.value)
                progress?(ProgressLine.State(finished: finished, total: selected.count, running: files))
            }
            while next < selected.count || running > 0 {
                if Task.isCancelled { break }
                while !stop, running < self.options.jobs, next < selected.count {
                    let index = next
                    let item = selected[index]
                    group.addTask { (index, Self.located(await self.result(of: item))) }
                    runningFiles[index] = item.file
                    next += 1
                    running += 1
                }
                tell()
                guard let (index, result) = await group.next() else { break }
                running -= 1
                finished += 1
                runningFiles[index] = nil
                // A result that comes back after the interruption was cut short by it.
                if Task.isCancelled { break }
                results[index] = result
                if self.options.failFast, result.verdict == .fail || result.verdict == .error {
                    stop = true
                }
                while reported < results.count, let ready = results[reported] {
                    report(ready)
                    reported += 1
                }
                if stop, running == 0 { break }
            }
            group.cancelAll()
        }
        let interrupted = Task.isCancelled
        if interrupted {
            for index in results.indices where results[index] == nil {
                results[index] = Self.skipped(selected[index], reason: "interrupted")
            }
            while reported < results.count, let ready = results[reported] {
                report(ready)
                reported += 1
            }
        }
        let milliseconds = Self.milliseconds(start.duration(to: .now))
        var summary = RunSummary(
            results: results.compactMap { $0 },
            durationMilliseconds: milliseconds,
            interrupted: interrupted
        )
        summary.shard = self.options.shard
        summary.selectionCount = selectionCount
        return summary
    }

    private static func skipped(_ loaded: Loaded, reason: String) -> ScenarioResult {
        var result: ScenarioResult
        switch loaded {
        case .scenario(let scenario):
            result = ScenarioResult(file: scenario.file, name: scenario.name, tags: scenario.tags, verdict: .skipped)
        case .wrong(let file, _):
            result = ScenarioResult(file: file, name: file, verdict: .skipped)
        }
        result.skipReason = reason
        return result
    }

    enum Loaded: Sendable {
        case scenario(Scenario)
        case wrong(file: String, error: ScenarioError)

        var file: String {
            switch self {
            case .scenario(let scenario): scenario.file
            case .wrong(let file, _): file
            }
        }
    }

    private func isSelected(_ loaded: Loaded) -> Bool {
        guard case .scenario(let scenario) = loaded else { return true }
        if !self.options.tags.isEmpty, !scenario.tags.contains(where: self.options.tags.contains) { return false }
        if let filter = self.options.filter, !filter.isEmpty,
            !scenario.name.localizedCaseInsensitiveContains(filter),
            !scenario.file.localizedCaseInsensitiveContains(filter)
        {
            return false
        }
        return true
    }

    /// The first streamed entry of `scenario` played in a profile other than `openai` (its own,
    /// else `--profile`), with that profile.
    private func firstOtherProfile(in scenario: Scenario) -> (Int, Scenario.StreamAnswer.Profile)? {
        for (index, entry) in scenario.llm.enumerated() {
            guard let stream = entry.body.stream else { continue }
            let profile = stream.namesProfile ? stream.profile : self.options.profile ?? .openai
            if profile != .openai { return (index, profile) }
        }
        return nil
    }

    private func result(of loaded: Loaded) async -> ScenarioResult {
        switch loaded {
        case .wrong(let file, let error):
            let diagnostics =
                error.diagnostics.isEmpty
                ? [Diagnostic(file: file, line: 1, column: 1, message: error.message)] : error.diagnostics
            return ScenarioResult(file: file, name: file, verdict: .error, diagnostics: diagnostics)
        case .scenario(let scenario):
            if self.options.live != nil, scenario.live == nil {
                return Self.skipped(loaded, reason: "no live: section (live mode plays only scenarios that have one)")
            }
            // ChatEngine speaks chat completions only (docs/wire-profiles.md).
            if self.options.engine is InProcessEngine, self.options.live == nil,
                let (entry, profile) = self.firstOtherProfile(in: scenario)
            {
                let source = scenario.llm[entry].body.stream?.namesProfile == true ? "" : " (--profile)"
                return Self.skipped(
                    loaded,
                    reason:
                        "ChatEngine speaks openai (chat completions) only: llm[\(entry)] plays profile \(profile)\(source)"
                )
            }
            if self.options.engine.knownToLackVirtualClock, self.options.live == nil,
                let reason = VirtualClockRules.skipReason(for: scenario)
            {
                var skipped = Self.skipped(loaded, reason: reason)
                skipped.engine = self.options.engine.label
                return skipped
            }
            var first = await self.runPlayed(scenario)
            if self.options.repeatCount > 1 { first = await self.repeated(scenario, first: first) }
            if let faults = self.options.faults, self.options.live == nil {
                first = await self.withFaults(faults, scenario, baseline: first)
            }
            return first
        }
    }

    /// `result` with the line of its file each failure points at, and the line of the
    /// scenario itself (its `name`) for the reports.
    static func located(_ result: ScenarioResult) -> ScenarioResult {
        guard let yaml = try? String(contentsOfFile: result.file, encoding: .utf8) else { return result }
        var result = result
        for index in result.failures.indices {
            result.failures[index].line = ScenarioSourceLines.line(of: result.failures[index].path, in: yaml)
        }
        result.nameLine = ScenarioSourceLines.line(of: "name", in: yaml)
        return result
    }

    /// `--repeat N`: plays `scenario` N − 1 more times; differing verdicts fail it.
    private func repeated(_ scenario: Scenario, first: ScenarioResult) async -> ScenarioResult {
        var first = first
        var passes = first.verdict == .pass ? 1 : 0
        var totalTime = first.durationMilliseconds
        for _ in 1..<self.options.repeatCount {
            let again = await self.runPlayed(scenario)
            totalTime += again.durationMilliseconds
            if again.verdict == .pass { passes += 1 }
            if first.verdict == .pass, again.verdict != .pass { first = again }
        }
        first.durationMilliseconds = totalTime
        if passes != 0, passes != self.options.repeatCount {
            first.verdict = .fail
            first.failures.insert(
                ScenarioFailure(
                    path: "repeat",
                    expected: "\(self.options.repeatCount) identical verdicts",
                    actual: "pass in \(passes) of \(self.options.repeatCount) runs",
                    message:
                        "the verdict is not deterministic: pass in \(passes) of \(self.options.repeatCount) runs"
                ),
                at: 0
            )
        }
        return first
    }

    /// Runs a loaded scenario once.
    package func runOnce(_ scenario: Scenario) async -> ScenarioResult {
        let start = ContinuousClock.now
        var result = ScenarioResult(file: scenario.file, name: scenario.name, tags: scenario.tags, verdict: .pass)
        result.engine = self.options.engine.label
        let trace = EngineTrace()
        var configured = ScenarioExecution(scenario: scenario, logger: self.logger, engine: self.options.engine)
        configured.trace = trace
        configured.profile = self.options.profile
        let timeline = self.options.recordsTimelines && self.options.live == nil ? TimelineRecorder() : nil
        configured.timeline = timeline
        let execution = configured
        let timeout = self.options.timeout
        let live = self.options.live
        let outcome = await Self.withTimeout(timeout) { () async -> Result<ScenarioObservation, any Error> in
            do {
                if let live {
                    return .success(try await execution.runLive(live))
                }
                return .success(try await execution.run())
            } catch {
                return .failure(error)
            }
        }
        switch outcome {
        case .success(let observation):
            result.failures = ScenarioChecks.failures(of: scenario, in: observation, live: self.options.live != nil)
            result.notApplicable = ScenarioChecks.notApplicable(
                for: scenario,
                capabilities: observation.capabilities,
                live: live != nil,
                trafficObserved: observation.trafficObserved
            )
            if observation.engineName != "ChatEngine" { result.engine = observation.engineName }
            result.findings = observation.responses.enumerated().flatMap { number, response in
                WireValidator.findings(in: response.body, contentType: response.contentType).map { finding in
                    var finding = finding
                    finding.message = "response \(number + 1) (hop \(response.hop)): \(finding.message)"
                    return finding
                }
            }
            for finding in result.findings where finding.severity == .fail {
                result.failures.append(
                    ScenarioFailure(
                        path: "wire.\(finding.rule)",
                        expected: "a stream that follows the OpenAI rules",
                        actual: finding.message,
                        message: finding.description
                    )
                )
            }
            result.transcript = Transcript.lines(scenario: scenario, observation: observation)
            result.errorCodes = observation.turns.compactMap { turn in
                ObservationValues.error(of: turn).flatMap { error -> String? in
                    if case .object(let members) = error,
                        case .string(let code)? = members.first(where: { $0.key == "code" })?.value
                    {
                        return code
                    }
                    return nil
                }
            }
            if live != nil, observation.responses.isEmpty {
                result.unreachableReason =
                    observation.turns.lazy.compactMap { turn in
                        turn.messages.last.flatMap { $0.errorCode == "connect_failed" ? $0.content : nil }
                    }.first
            }
            result.verdict = result.failures.isEmpty ? .pass : .fail
            if result.verdict == .pass,
                ScenarioChecks.nothingApplicable(scenario, notApplicable: result.notApplicable, live: live != nil)
            {
                result.verdict = .skipped
                result.skipReason = "nothing to check: every expectation needs what the engine does not report"
            }
            if result.verdict != .pass {
                result.transcript += trace.reportLines
                result.timeline = observation.timeline
            }
        case .failure(let skip as ScenarioExecution.ScenarioSkip):
            result.verdict = .skipped
            result.skipReason = skip.reason
        case .failure(let error as AdapterProtocolError):
            result.verdict = .error
            var error = error
            if error.stderr.isEmpty { error.stderr = trace.stderrTail }
            result.failures = [
                ScenarioFailure(
                    path: "adapter",
                    expected: "the adapter protocol",
                    actual: error.message,
                    message: "protocol error: \(error.message)"
                )
            ]
            result.transcript = trace.reportLines
            result.timeline = timeline?.timeline()
        case .failure(let error):
            result.verdict = .fail
            result.timeline = timeline?.timeline()
            result.failures = [
                ScenarioFailure(
                    path: "run",
                    expected: "the scenario runs",
                    actual: "\(error)",
                    message: "the run failed: \(error)"
                )
            ]
        case nil:
            result.verdict = .fail
            result.failures = [
                ScenarioFailure(
                    path: "run",
                    expected: "the run ends within \(timeout)",
                    actual: "still running",
                    message: "the scenario did not finish within \(timeout) of real time (the engine or the fake hung)"
                )
            ]
            result.transcript = trace.reportLines
            // What happened before the hang, requests by number only (the journal went with the fake).
            result.timeline = timeline?.timeline()
        }
        result.durationMilliseconds = Self.milliseconds(start.duration(to: .now))
        return result
    }

    /// Plays `scenario` once against the configured engine, without the skip rules, and returns
    /// each turn's messages (every copy of a `concurrently` turn), for tests of the seam itself.
    package func messagesOfEachTurn(_ scenario: Scenario) async throws -> [[ChatMessage]] {
        var execution = ScenarioExecution(scenario: scenario, logger: self.logger, engine: self.options.engine)
        execution.profile = self.options.profile
        return try await execution.run().turns.map(\.messages)
    }

    /// Runs `operation` and returns its result, or `nil` once `timeout` of real time passed. A run
    /// that ignores cancellation is left behind rather than waited for, so the runner itself
    /// never hangs (a safety net: scenario time is virtual and runs end in milliseconds).
    package static func withTimeout<T: Sendable>(
        _ timeout: Duration,
        _ operation: @escaping @Sendable () async -> T
    ) async -> T? {
        let wait = TimeoutWait<T>()
        // Cancelling the caller (an interrupted run) ends the wait at once, as a timeout does.
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<T?, Never>) in
                wait.start(continuation, operation: operation, timeout: timeout)
            }
        } onCancel: {
            wait.finish(nil)
        }
    }

    static func milliseconds(_ duration: Duration) -> Int {
        Int(duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)
    }
}

/// One wait of ``ScenarioRunner/withTimeout(_:_:)``: the first of the operation's value, the
/// timeout and a cancellation resumes the caller; the others find nothing left to do.
private final class TimeoutWait<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T?, Never>?
        var work: Task<Void, Never>?
        var finished = false
    }

    private let state = Mutex(State())

    func start(
        _ continuation: CheckedContinuation<T?, Never>,
        operation: @escaping @Sendable () async -> T,
        timeout: Duration
    ) {
        let alreadyCancelled = self.state.withLock { state -> Bool in
            if state.finished { return true }
            state.continuation = continuation
            return false
        }
        if alreadyCancelled {
            continuation.resume(returning: nil)
            return
        }
        let work = Task { self.finish(await operation()) }
        let late = self.state.withLock { state -> Bool in
            state.work = work
            return state.finished
        }
        if late { work.cancel() }
        Task {
            try? await Task.sleep(for: timeout)
            self.finish(nil)
        }
    }

    /// Resumes the caller with `value` (nil: timed out or cancelled) unless it was resumed already.
    func finish(_ value: T?) {
        let (continuation, work) = self.state.withLock {
            state -> (CheckedContinuation<T?, Never>?, Task<Void, Never>?) in
            if state.finished { return (nil, nil) }
            state.finished = true
            defer { state.continuation = nil }
            return (state.continuation, state.work)
        }
        if value == nil { work?.cancel() }
        continuation?.resume(returning: value)
    }
}
