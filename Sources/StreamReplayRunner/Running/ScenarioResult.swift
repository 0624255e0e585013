package import StreamReplayScenario

/// The verdict of one scenario.
package struct ScenarioResult: Sendable {
    /// pass, fail (an expectation or invariant broke), error (the file is wrong), skipped.
    package enum Verdict: String, Sendable, Hashable {
        case pass, fail, error, skipped
    }

    package var file: String
    package var name: String
    package var tags: [String]
    package var verdict: Verdict
    /// Real time the scenario took.
    package var durationMilliseconds: Int
    /// For `fail`: the first divergence first.
    package var failures: [ScenarioFailure]
    /// For `error`: what is wrong in the file.
    package var diagnostics: [Diagnostic]
    /// What went over the wire and what the engine yielded, for a failure report.
    package var transcript: [String]
    /// Live mode: what the wire validator found in the provider's streams.
    package var findings: [WireFinding] = []
    /// Live mode: no request got an answer and a turn failed with `connect_failed`: the endpoint
    /// could not be reached at all (its message is in ``unreachableReason``).
    package var unreachableReason: String?
    /// For `skipped`: why, in a few words (`interrupted`, `no live: section`); shown in every report.
    package var skipReason: String?
    /// The engine that ran (`ChatEngine (in process)`, or the adapter's name).
    package var engine: String?
    /// Checks the engine under test could not be judged on (its missing capabilities), by path:
    /// `expect.events`, `invariant.text-persisted`, …
    package var notApplicable: [String] = []
    /// For a scenario with a swept frame: the cut points played and the ones that failed.
    package var sweep: SweepReport?
    /// With `--faults`: the faulted runs played after the ordinary one.
    package var faults: FaultReport?
    /// The error codes the turns ended with (a faulted run of this scenario may end so too).
    package var errorCodes: [String] = []
    /// With `--html`, for a scenario that did not pass: the run drawn on one time axis.
    package var timeline: Timeline?
    /// The line of the scenario's `name` in its file.
    package var nameLine: Int?

    package init(
        file: String,
        name: String,
        tags: [String] = [],
        verdict: Verdict,
        durationMilliseconds: Int = 0,
        failures: [ScenarioFailure] = [],
        diagnostics: [Diagnostic] = [],
        transcript: [String] = []
    ) {
        self.file = file
        self.name = name
        self.tags = tags
        self.verdict = verdict
        self.durationMilliseconds = durationMilliseconds
        self.failures = failures
        self.diagnostics = diagnostics
        self.transcript = transcript
    }

    /// The line a report points at: a wrong file's first problem, else the first failure's
    /// expectation, else the scenario's `name`; 1 when the file cannot be read.
    package var line: Int {
        self.diagnostics.first?.line ?? self.failures.first?.line ?? self.nameLine ?? 1
    }

    /// The folder of the file, used as the JUnit `classname` and suite.
    package var folder: String {
        guard let slash = self.file.lastIndex(of: "/") else { return "." }
        return String(self.file[..<slash])
    }
}

/// The results of a run, in discovery order.
package struct RunSummary: Sendable {
    package var results: [ScenarioResult]
    package var durationMilliseconds: Int
    /// The run was cancelled (Ctrl-C): what had not finished is `skipped` with the reason `interrupted`.
    package var interrupted: Bool
    /// `--shard I/N`: the part of the selection this run played.
    package var shard: Shard?
    /// Scenarios selected (by paths, `--tag`, `--filter`) before the shard took its part.
    package var selectionCount = 0

    package init(results: [ScenarioResult], durationMilliseconds: Int, interrupted: Bool = false) {
        self.results = results
        self.durationMilliseconds = durationMilliseconds
        self.interrupted = interrupted
    }

    /// Live mode: every scenario played failed to reach the endpoint (misuse, exit 2: a wrong
    /// `--base-url` or a provider that is down), rather than the provider falling short.
    package var endpointUnreachable: Bool {
        let played = self.results.filter { $0.verdict != .skipped }
        return !played.isEmpty && played.allSatisfy { $0.unreachableReason != nil }
    }

    /// Whether nothing was played: no scenario was selected, or every selected one was skipped
    /// (a live run of scenarios without `live:`). A CI run that checks nothing must not pass
    /// unnoticed, so the CLI treats this as misuse unless told to allow it.
    package var ranNothing: Bool {
        !self.interrupted && !self.isEmptyShard && self.results.allSatisfy { $0.verdict == .skipped }
    }

    /// `--shard I/N` of a selection with fewer than I scenarios: nothing to play, and that is
    /// expected (a fixed CI matrix over a suite that shrank), not a mistake.
    package var isEmptyShard: Bool {
        self.shard != nil && self.results.isEmpty && self.selectionCount > 0
    }

    package func count(_ verdict: ScenarioResult.Verdict) -> Int {
        self.results.filter { $0.verdict == verdict }.count
    }

    /// `N passed, N failed` (plus `, N errored` and `, N skipped` when not zero).
    package var line: String {
        var line = "\(self.count(.pass)) passed, \(self.count(.fail)) failed"
        if self.count(.error) > 0 { line += ", \(self.count(.error)) errored" }
        if self.count(.skipped) > 0 { line += ", \(self.count(.skipped)) skipped" }
        return line
    }

    /// 0 all pass, 1 some fail (none wrong), 2 a file is wrong, 130 interrupted.
    package var exitCode: Int32 {
        if self.interrupted { return 130 }
        if self.count(.error) > 0 { return 2 }
        if self.endpointUnreachable { return 2 }
        if self.count(.fail) > 0 { return 1 }
        return 0
    }
}
