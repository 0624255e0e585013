import StreamReplayScenario

/// The machine-readable result of a run (scenario-format.md, "Reports").
package enum JSONReport {
    package static func json(_ summary: RunSummary) -> String {
        let scenarios = summary.results.map { result -> ScenarioValue in
            .object([
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
                        result.failures.map { failure in
                            .object([
                                .init("path", .string(failure.path)), .init("expected", .string(failure.expected)),
                                .init("actual", .string(failure.actual)), .init("message", .string(failure.message)),
                            ])
                        }
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
            ])
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
}
