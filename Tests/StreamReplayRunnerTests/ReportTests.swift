import StreamReplayRunner
import StreamReplayScenario
import StreamReplayTestSupport
import Testing

/// The report formats against golden files (re-record with RECORD_SNAPSHOTS=1).
struct ReportTests {
    static let summary: RunSummary = {
        var summary = RunSummary(
            results: [
                ScenarioResult(
                    file: "scenarios/basic/a.yaml",
                    name: "plain text",
                    tags: ["basic"],
                    verdict: .pass,
                    durationMilliseconds: 12
                ),
                ScenarioResult(
                    file: "scenarios/basic/b.yaml",
                    name: "wrong <answer> & \"quotes\"",
                    tags: ["basic"],
                    verdict: .fail,
                    durationMilliseconds: 1234,
                    failures: [
                        ScenarioFailure(
                            path: "expect.events[1].content",
                            expected: "\"Hello, World!\"",
                            actual: "\"Hello, world!\"",
                            message: "the strings differ from Unicode scalar 7 on",
                            section: .init(
                                path: "expect.events",
                                expected: [#"{"type": "user_message"}"#, #"{"content": "Hello, World!"}"#],
                                actual: [
                                    #"{"type":"user_message","content":"hi"}"#,
                                    #"{"type":"assistant_message","content":"Hello, world!"}"#,
                                ]
                            )
                        ),
                        ScenarioFailure(
                            path: "invariant.seq-ordered",
                            expected: "seq > 3",
                            actual: "2",
                            message: "seq went backwards"
                        ),
                    ],
                    transcript: ["→ request 1: 1 message(s), last user: \"hi\" ← llm[0] 200, 3 write(s), 400 bytes"]
                ),
                ScenarioResult(
                    file: "scenarios/tools/c.yaml",
                    name: "scenarios/tools/c.yaml",
                    verdict: .error,
                    diagnostics: [
                        Diagnostic(
                            file: "scenarios/tools/c.yaml",
                            line: 3,
                            column: 3,
                            message: "unknown key 'modle' in 'engine' (did you mean 'model'?)",
                            sourceLine: "  modle: x"
                        )
                    ]
                ),
                ScenarioResult(file: "scenarios/tools/d.yaml", name: "live only", verdict: .skipped),
            ],
            durationMilliseconds: 1500
        )
        // Where the runner located them in their files.
        summary.results[0].nameLine = 2
        summary.results[1].failures[0].line = 14
        return summary
    }()

    @Test func summaryLineAndExitCode() {
        #expect(Self.summary.line == "1 passed, 1 failed, 1 errored, 1 skipped")
        #expect(Self.summary.exitCode == 2)
        #expect(RunSummary(results: [Self.summary.results[0]], durationMilliseconds: 0).line == "1 passed, 0 failed")
        #expect(RunSummary(results: Array(Self.summary.results.prefix(2)), durationMilliseconds: 0).exitCode == 1)
        #expect(RunSummary(results: [Self.summary.results[0]], durationMilliseconds: 0).exitCode == 0)
    }

    @Test func junitXML() {
        let mismatch = Snapshot.mismatch(JUnitReport.xml(Self.summary), named: "report.junit.xml", testFile: #filePath)
        #expect(mismatch == nil, "\(mismatch ?? "")")
    }

    @Test func jsonReport() {
        let mismatch = Snapshot.mismatch(JSONReport.json(Self.summary), named: "report.json", testFile: #filePath)
        #expect(mismatch == nil, "\(mismatch ?? "")")
    }

    @Test func textReportWithoutColour() {
        let text = Self.summary.results.map(TextReport(colour: false).render).joined(separator: "\n") + "\n"
        let mismatch = Snapshot.mismatch(text, named: "report.txt", testFile: #filePath)
        #expect(mismatch == nil, "\(mismatch ?? "")")
    }

    @Test func colourOnlyWhenAsked() {
        #expect(!TextReport(colour: false).render(Self.summary.results[0]).contains("\u{1B}["))
        #expect(TextReport(colour: true).render(Self.summary.results[0]).contains("\u{1B}[32m✓"))
    }
}
