package import StreamReplayScenario

/// What a sweep played, for every report: how many cut points, how many played, and each one
/// that failed with its first divergence.
package struct SweepReport: Sendable, Hashable {
    /// One cut point whose variant failed.
    package struct FailingCut: Sendable, Hashable {
        /// The cut point (1 … cut points).
        package var cut: Int
        /// The cut in words: `scalar 7 ("Hello, " | "world")`.
        package var place: String
        /// The variant's first divergence.
        package var failure: ScenarioFailure
    }

    package var mode: Sweep
    /// Every cut point of the frame.
    package var cutPoints: Int
    /// The cut points played (the first `played`; fewer than ``cutPoints`` under `--sweep-limit`).
    package var played: Int
    /// The variants that passed.
    package var passed: Int
    /// The variants that failed, in cut order.
    package var failing: [FailingCut]

    /// `swept 16 cut points: 16 pass`, or `swept 1000 of 4096 cut points (--sweep-limit 1000): …`.
    package var line: String {
        let unit = self.mode == .bytes ? "byte cut points" : "cut points"
        let counted =
            self.played == self.cutPoints
            ? "swept \(self.cutPoints) \(unit)"
            : "swept \(self.played) of \(self.cutPoints) \(unit) (--sweep-limit \(self.played))"
        var verdicts = ["\(self.passed) pass"]
        if !self.failing.isEmpty { verdicts.append("\(self.failing.count) fail") }
        let others = self.played - self.passed - self.failing.count
        if others > 0 { verdicts.append("\(others) did not run") }
        return counted + ": " + verdicts.joined(separator: ", ")
    }
}

extension ScenarioRunner {
    /// How many failing cut points a report details.
    static let failingCutsShown = 10

    /// Plays `scenario` once, or, when one of its frames sweeps, once per cut point (the first
    /// ``Options/sweepLimit``), and gives one verdict: it fails when any variant fails.
    func runPlayed(_ scenario: Scenario) async -> ScenarioResult {
        guard self.options.live == nil, let plan = SweepPlan(scenario, profile: self.options.profile),
            let cuts = plan.cuts(limit: self.options.sweepLimit)
        else {
            return await self.runOnce(scenario)
        }
        var report = SweepReport(mode: plan.mode, cutPoints: plan.cutPoints, played: cuts.count, passed: 0, failing: [])
        var combined: ScenarioResult?
        var duration = 0
        for cut in cuts {
            if Task.isCancelled { break }
            let result = await self.runOnce(plan.variant(of: scenario, cut: cut))
            duration += result.durationMilliseconds
            switch result.verdict {
            case .pass:
                report.passed += 1
                if combined == nil { combined = result }
            case .fail:
                let place = plan.describe(cut: cut)
                let first =
                    result.failures.first
                    ?? ScenarioFailure(path: "run", expected: "a pass", actual: "a fail", message: "the variant failed")
                report.failing.append(.init(cut: cut, place: place, failure: first))
                if combined?.verdict != .fail {
                    // The first failing variant's transcript is the one shown.
                    combined = result
                    combined?.failures = []
                }
            case .skipped, .error:
                // The engine cannot play the scenario at all (or broke the protocol): that is
                // the verdict of every variant, so say it once.
                var whole = result
                whole.durationMilliseconds = duration
                return whole
            }
        }
        var result =
            combined ?? ScenarioResult(file: scenario.file, name: scenario.name, tags: scenario.tags, verdict: .pass)
        // Each failing cut point in the report; the first ten in the failure list (the JSON
        // report has them all).
        result.failures = report.failing.prefix(Self.failingCutsShown).map { failing in
            var failure = failing.failure
            failure.message = "cut at \(failing.place): \(failure.message)"
            return failure
        }
        if report.failing.count > Self.failingCutsShown, let last = report.failing.last {
            result.failures.append(
                ScenarioFailure(
                    path: last.failure.path,
                    expected: "every cut point passes",
                    actual: "\(report.failing.count - Self.failingCutsShown) more failing cut points",
                    message:
                        "and \(report.failing.count - Self.failingCutsShown) more failing cut points, the last at \(last.place) (--json lists them all)"
                )
            )
        }
        result.verdict = report.failing.isEmpty ? .pass : .fail
        result.durationMilliseconds = duration
        result.sweep = report
        return result
    }
}
