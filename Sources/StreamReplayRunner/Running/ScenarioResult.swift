public import StreamReplayScenario

/// The verdict of one scenario.
public struct ScenarioResult: Sendable {
    /// pass, fail (an expectation or invariant broke), error (the file is wrong), skipped.
    public enum Verdict: String, Sendable, Hashable {
        case pass, fail, error, skipped
    }

    public var file: String
    public var name: String
    public var tags: [String]
    public var verdict: Verdict
    /// Real time the scenario took.
    public var durationMilliseconds: Int
    /// For `fail`: the first divergence first.
    public var failures: [ScenarioFailure]
    /// For `error`: what is wrong in the file.
    public var diagnostics: [Diagnostic]
    /// What went over the wire and what the engine yielded, for a failure report.
    public var transcript: [String]
    /// Live mode: what the wire validator found in the provider's streams.
    public var findings: [WireFinding] = []

    public init(
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

    /// The folder of the file, used as the JUnit `classname` and suite.
    public var folder: String {
        guard let slash = self.file.lastIndex(of: "/") else { return "." }
        return String(self.file[..<slash])
    }
}

/// The results of a run, in discovery order.
public struct RunSummary: Sendable {
    public var results: [ScenarioResult]
    public var durationMilliseconds: Int

    public init(results: [ScenarioResult], durationMilliseconds: Int) {
        self.results = results
        self.durationMilliseconds = durationMilliseconds
    }

    public func count(_ verdict: ScenarioResult.Verdict) -> Int {
        self.results.filter { $0.verdict == verdict }.count
    }

    /// `N passed, N failed` (plus `, N errored` and `, N skipped` when not zero).
    public var line: String {
        var line = "\(self.count(.pass)) passed, \(self.count(.fail)) failed"
        if self.count(.error) > 0 { line += ", \(self.count(.error)) errored" }
        if self.count(.skipped) > 0 { line += ", \(self.count(.skipped)) skipped" }
        return line
    }

    /// 0 all pass, 1 some fail (none wrong), 2 a file is wrong.
    public var exitCode: Int32 {
        if self.count(.error) > 0 { return 2 }
        if self.count(.fail) > 0 { return 1 }
        return 0
    }
}
