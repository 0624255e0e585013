import StreamReplayScenario

/// The machine-readable result of a run (scenario-format.md, "Reports").
package enum JSONReport {
    package static func json(_ summary: RunSummary) -> String {
        let scenarios = summary.results.map { result -> ScenarioValue in
            var members: [ScenarioValue.Member] = [
                .init("file", .string(result.file)),
                .init("name", .string(result.name)),
                .init("tags", .array(result.tags.map { .string($0) })),
                .init("verdict", .string(result.verdict.rawValue)),
                .init("duration_ms", .int(result.durationMilliseconds)),
                .init("skip_reason", result.skipReason.map { .string($0) } ?? .null),
                .init("engine", result.engine.map { .string($0) } ?? .null),
                .init("not_applicable", .array(result.notApplicable.map { .string($0) })),
                .init(
                    "failures",
                    .array(
                        result.failures.map(Self.json)
                    )
                ),
                .init(
                    "findings",
                    .array(
                        result.findings.map { finding in
                            .object([
                                .init("severity", .string(finding.severity.rawValue)),
                                .init("rule", .string(finding.rule)),
                                .init("message", .string(finding.message)),
                            ])
                        }
                    )
                ),
                .init(
                    "diagnostics",
                    .array(
                        result.diagnostics.map { diagnostic in
                            .object([
                                .init("file", .string(diagnostic.file)), .init("line", .int(diagnostic.line)),
                                .init("column", .int(diagnostic.column)), .init("message", .string(diagnostic.message)),
                            ])
                        }
                    )
                ),
            ]
            if let sweep = result.sweep { members.append(.init("sweep", Self.json(sweep))) }
            if let faults = result.faults { members.append(.init("faults", Self.json(faults))) }
            return .object(members)
        }
        let document = ScenarioValue.object([
            .init("version", .int(1)),
            .init(
                "summary",
                .object([
                    .init("passed", .int(summary.count(.pass))), .init("failed", .int(summary.count(.fail))),
                    .init("errored", .int(summary.count(.error))), .init("skipped", .int(summary.count(.skipped))),
                    .init("duration_ms", .int(summary.durationMilliseconds)),
                    .init("interrupted", .bool(summary.interrupted)),
                ])
            ),
            .init("scenarios", .array(scenarios)),
        ])
        return document.jsonString + "\n"
    }

    private static func json(_ failure: ScenarioFailure) -> ScenarioValue {
        .object([
            .init("path", .string(failure.path)), .init("expected", .string(failure.expected)),
            .init("actual", .string(failure.actual)), .init("message", .string(failure.message)),
            .init("line", failure.line.map { .int($0) } ?? .null),
        ])
    }

    /// `{mode, cut_points, played, passed, failing: [{cut, where, failure}]}`.
    private static func json(_ sweep: SweepReport) -> ScenarioValue {
        .object([
            .init("mode", .string(sweep.mode == .bytes ? "bytes" : "scalars")),
            .init("cut_points", .int(sweep.cutPoints)),
            .init("played", .int(sweep.played)),
            .init("passed", .int(sweep.passed)),
            .init(
                "failing",
                .array(
                    sweep.failing.map { failing in
                        .object([
                            .init("cut", .int(failing.cut)), .init("where", .string(failing.place)),
                            .init("failure", Self.json(failing.failure)),
                        ])
                    }
                )
            ),
        ])
    }

    /// `{seed, runs, passed, failing: [{run, fault, failure, written}]}`.
    private static func json(_ faults: FaultReport) -> ScenarioValue {
        .object([
            .init("seed", .int(faults.seed)),
            .init("runs", .int(faults.runs.count)),
            .init("passed", .int(faults.runs.filter { $0.failure == nil }.count)),
            .init(
                "schedule",
                .array(
                    faults.runs.map { run in
                        .object([
                            .init("run", .int(run.run)), .init("fault", .string(run.fault)),
                            .init("verdict", .string(run.failure == nil ? "pass" : "fail")),
                            .init("failure", run.failure.map(Self.json) ?? .null),
                            .init("written", run.written.map { .string($0) } ?? .null),
                        ])
                    }
                )
            ),
        ])
    }
}
