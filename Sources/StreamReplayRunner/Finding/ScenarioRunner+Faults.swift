import Foundation
import StreamReplayScenario

/// What the faulted runs of one scenario did.
package struct FaultReport: Sendable, Hashable {
    /// One faulted run.
    package struct Run: Sendable, Hashable {
        /// 1 … RUNS.
        package var run: Int
        /// The fault in words: `cut before frame 3 of llm[1]`.
        package var fault: String
        /// `pass`, `fail`, or `skipped` (the engine cannot play it).
        package var verdict: ScenarioResult.Verdict
        /// The first divergence of a failing run.
        package var failure: ScenarioFailure?
        /// Where the failing run was written (`--faults-out`).
        package var written: String?
    }

    package var seed: Int
    package var runs: [Run]
    /// Why no run was drawn (a scenario with no `llm` entry), if none was.
    package var note: String?

    /// `faults (seed 42): 10 runs: 9 pass, 1 fail`.
    package var line: String {
        if let note { return "faults (seed \(self.seed)): \(note)" }
        var counts = ["\(self.runs.filter { $0.verdict == .pass }.count) pass"]
        let failed = self.runs.filter { $0.verdict == .fail }.count
        if failed > 0 { counts.append("\(failed) fail") }
        let other = self.runs.count - self.runs.filter { $0.verdict == .pass || $0.verdict == .fail }.count
        if other > 0 { counts.append("\(other) skipped") }
        return "faults (seed \(self.seed)): \(self.runs.count) run\(self.runs.count == 1 ? "" : "s"): "
            + counts.joined(separator: ", ")
    }
}

extension ScenarioRunner {
    /// Plays the faulted runs of `scenario` after its ordinary run (`baseline`) and folds them
    /// into its result: a failing faulted run fails the scenario.
    func withFaults(_ options: FaultOptions, _ scenario: Scenario, baseline: ScenarioResult) async -> ScenarioResult {
        guard baseline.verdict == .pass || baseline.verdict == .fail else { return baseline }
        var result = baseline
        var report = FaultReport(seed: options.seed, runs: [])
        let drawn = FaultSchedule.draw(
            for: scenario,
            seed: options.seed,
            runs: options.runs,
            stalls: self.options.engine.carriesVirtualClock
        )
        guard !drawn.isEmpty else {
            report.note = "nothing to fault (the scenario has no llm entry)"
            result.faults = report
            return result
        }
        let yaml: String
        do {
            yaml = try String(contentsOfFile: scenario.file, encoding: .utf8)
        } catch {
            report.note = "cannot read \(scenario.file) again to fault it (\(error.localizedDescription))"
            result.faults = report
            return result
        }
        for (offset, fault) in drawn.enumerated() {
            if Task.isCancelled { break }
            let number = offset + 1
            var run = FaultReport.Run(run: number, fault: fault.description, verdict: .pass)
            let faultedYAML: String
            let faulted: Scenario
            do throws(ScenarioError) {
                faultedYAML = try FaultSchedule.faulted(
                    yaml: yaml,
                    file: scenario.file,
                    scenario: scenario,
                    fault: fault,
                    seed: options.seed,
                    run: number,
                    alsoAllowed: baseline.errorCodes + FaultSchedule.scriptedErrors(of: scenario)
                )
                faulted = try ScenarioLoader().load(yaml: faultedYAML, file: scenario.file)
            } catch {
                // A fault the schedule cannot write is the tool's own bug: say so, loudly.
                run.verdict = .fail
                run.failure = ScenarioFailure(
                    path: "fault",
                    expected: "a faulted scenario that loads",
                    actual: error.description,
                    message: "the faulted scenario did not load (a bug of stream-replay): \(error.description)"
                )
                report.runs.append(run)
                continue
            }
            let played = await self.runOnce(faulted)
            run.verdict = played.verdict
            if played.verdict == .fail, result.failures.isEmpty,
                !report.runs.contains(where: { $0.verdict == .fail })
            {
                // The first failing faulted run of a passing scenario is the transcript shown.
                result.transcript = played.transcript
            }
            result.durationMilliseconds += played.durationMilliseconds
            if played.verdict == .fail {
                run.failure = played.failures.first
                if let directory = options.outDirectory {
                    run.written = Self.writeFaulted(
                        faultedYAML,
                        of: scenario,
                        run: number,
                        fault: fault,
                        options: options,
                        into: directory
                    )
                }
            }
            report.runs.append(run)
        }
        for run in report.runs where run.verdict == .fail {
            var failure =
                run.failure
                ?? ScenarioFailure(
                    path: "fault",
                    expected: "a pass",
                    actual: "a fail",
                    message: "the faulted run failed"
                )
            let written = run.written.map { "; reproduce: stream-replay run \($0)" } ?? ""
            failure.message = "fault run \(run.run) (\(run.fault)): \(failure.message)\(written)"
            result.failures.append(failure)
            result.verdict = .fail
        }
        result.faults = report
        return result
    }

    /// Writes a failing faulted run as `DIR/STEM.seedSEED.runN.yaml` (never over an existing
    /// file: `-2`, `-3`, … are added); returns the path, or `nil` when it cannot be written.
    private static func writeFaulted(
        _ yaml: String,
        of scenario: Scenario,
        run: Int,
        fault: DrawnFault,
        options: FaultOptions,
        into directory: String
    ) -> String? {
        let stem = URL(fileURLWithPath: scenario.file).deletingPathExtension().lastPathComponent
        let header = [
            "# A faulted run of \(scenario.file): run \(run) of `stream-replay run --faults \(options.seed):\(options.runs)`,",
            "# \(fault.description). It reproduces without the flag: `stream-replay run <this file>`.",
            "# Its expectations are the faulted run's rules (the 'fault' section), not the original's.",
        ]
        let text = header.joined(separator: "\n") + "\n" + yaml
        var attempt = 1
        while attempt < 1000 {
            let suffix = attempt == 1 ? "" : "-\(attempt)"
            let path = (directory as NSString).appendingPathComponent(
                "\(stem).seed\(options.seed).run\(run)\(suffix).yaml"
            )
            do {
                if try ExclusiveFile.create(path, contents: Array(text.utf8)) { return path }
            } catch {
                return nil
            }
            attempt += 1
        }
        return nil
    }
}
