import Foundation
import StreamReplayScenario
import Testing

@testable import StreamReplayRunner

#if canImport(FoundationXML)
import FoundationXML
#endif

/// What a person and a CI read after a red run: the HTML page with its timelines, the shards of
/// a suite, GitHub's annotations, JUnit's `line`, and the terminal's progress line.
struct CIReportTests {
    private static func folder(_ files: [String: String]) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sr-ci-\(UUID().uuidString)").path
        for (name, text) in files {
            let path = (folder as NSString).appendingPathComponent(name)
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent,
                withIntermediateDirectories: true
            )
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        }
        return folder
    }

    /// A stream cut after its second fragment, expected (wrongly) to complete: line 7 is the
    /// failing `text` expectation.
    static let cut = """
        name: a cut stream is expected to complete
        turns:
          - user: tell me a story
            request_id: r1
            expect:
              messages: { $length: 3 }
              text: "Once upon a time there was a fox."
        llm:
          - stream:
              - role: assistant
                text: "Once upon "
              - delay_ms: 40
              - text: "a time"
              - delay_ms: 25
              - disconnect: true
        """

    static let passing = """
        name: passes
        turns: [ { user: hi } ]
        llm: [ { stream: [ { text: Hello }, { finish: stop } ] } ]
        """

    /// Breaks an invariant only: the turn completes but `expect.events` is not asked; the
    /// `llm_requests` count is wrong (line 4).
    static let wrongCount = """
        name: counts requests
        turns: [ { user: hi } ]
        llm: [ { stream: [ { text: Hello }, { finish: stop } ] } ]
        expect: { llm_requests: 2 }
        """

    private static func run(_ files: [String], timelines: Bool = true) async -> RunSummary {
        var options = ScenarioRunner.Options(jobs: 2)
        options.recordsTimelines = timelines
        return await ScenarioRunner(options: options).run(files: files)
    }

    // MARK: The HTML page

    @Test func thePageParsesAndHoldsEveryScenarioAndItsFirstDivergence() async throws {
        let dir = try Self.folder([
            "a/cut.yaml": Self.cut, "a/passes.yaml": Self.passing, "b/count.yaml": Self.wrongCount,
            "b/wrong.yaml": "name: wrong\nturns: [ { user: hi } ]\nllm: []\nexpect: { mesages: [] }\n",
        ])
        let files = try ScenarioDiscovery.files(in: [dir])
        let summary = await Self.run(files)
        let page = try PageReader(HTMLReport.html(summary))

        #expect(page.sections.count == 4)
        // Failures first, then the wrong file, then the pass.
        #expect(page.sections.map(\.verdict) == ["fail", "fail", "error", "pass"])
        let cut = try #require(page.sections.first { $0.name == "a cut stream is expected to complete" })
        #expect(cut.file.hasSuffix("a/cut.yaml"))
        #expect(cut.line == 7)
        #expect(cut.divergencePath == "turns[0].expect.text")
        #expect(cut.divergence.contains("first divergence at turns[0].expect.text"))
        #expect(cut.divergence.contains("\"Once upon a time there was a fox.\""), "expected")
        #expect(cut.divergence.contains("\"Once upon a time\""), "actual")
        // The timeline: the request, both writes, the cut, the messages and the commits, in the
        // order they happened, on scenario time.
        let rows = cut.rows
        #expect(rows.contains { $0.lane == "request" && $0.text.contains("request 1: POST /v1/chat/completions") })
        let cutRow = try #require(rows.firstIndex { $0.text.contains("cut the connection of request 1") })
        #expect(rows[cutRow].alert && rows[cutRow].milliseconds == 65)
        let secondWrite = try #require(rows.firstIndex { $0.lane == "fake" && $0.text.contains("content \"a time\"") })
        #expect(rows[secondWrite].milliseconds == 40)
        let secondYield = try #require(
            rows.firstIndex { $0.lane == "engine" && $0.text.contains("yielded text \"a time\"") }
        )
        #expect(rows[secondYield].milliseconds == 40, "stamped when the engine yielded it, not when it was read")
        let error = try #require(rows.firstIndex { $0.text.contains("[stream_interrupted]") })
        #expect(secondWrite < secondYield && secondYield < cutRow && cutRow < error)
        #expect(rows.contains { $0.lane == "store" && $0.text.contains("committed assistant_message") })
        #expect(rows.map(\.milliseconds) == rows.map(\.milliseconds).sorted(), "one time axis")
        // The bytes of a write are on the page, behind a summary.
        #expect(cut.rawText.contains("data: {\"id\":\"chatcmpl-"))

        let count = try #require(page.sections.first { $0.name == "counts requests" })
        #expect(count.divergencePath == "expect.llm_requests")
        #expect(count.line == 4)
        let wrong = try #require(page.sections.first { $0.verdict == "error" })
        #expect(wrong.divergence.contains("unknown key 'mesages'"))
        let passes = try #require(page.sections.first { $0.verdict == "pass" })
        #expect(passes.rows.isEmpty, "no timeline for a pass")
    }

    @Test func thePageLoadsNothingAndSaysWhatRan() async throws {
        let dir = try Self.folder(["cut.yaml": Self.cut, "passes.yaml": Self.passing])
        let html = HTMLReport.html(await Self.run(try ScenarioDiscovery.files(in: [dir])))
        for outside in ["src=", "href=\"http", "@import", "url(", "<link"] {
            #expect(!html.contains(outside), "self-contained: \(outside)")
        }
        #expect(html.contains("<title>stream-replay: 1 passed, 1 failed</title>"))
        #expect(html.contains("<style>") && html.contains("<script>"))
    }

    @Test func hostileTextStaysText() throws {
        var result = ScenarioResult(
            file: "x.yaml",
            name: "<script>alert(1)</script> ]]> & \u{1}\u{7}",
            verdict: .fail,
            failures: [
                ScenarioFailure(
                    path: "expect.text",
                    expected: "\"</pre><b>\"",
                    actual: "\"\u{0}\u{1B}[31m\"",
                    message: "differs"
                )
            ]
        )
        result.timeline = Timeline(
            virtual: true,
            entries: [
                .init(
                    milliseconds: 0,
                    lane: .fake,
                    summary: "wrote 3 bytes: ]]>",
                    detail: TimelineRecorder.visible([0xFF, 0x0D, 0x0A, 0x3C]),
                    alert: false
                )
            ],
            omitted: 0
        )
        let page = try PageReader(HTMLReport.html(RunSummary(results: [result], durationMilliseconds: 1)))
        let section = try #require(page.sections.first)
        #expect(section.name == "<script>alert(1)</script> ]]> & \u{FFFD}\u{FFFD}")
        #expect(section.divergence.contains("\"</pre><b>\""))
        #expect(section.rawText.contains("\\xFF␍\n<"))
    }

    @Test func aRunWithoutTheFlagKeepsNoTimeline() async throws {
        let dir = try Self.folder(["cut.yaml": Self.cut])
        let summary = await Self.run(try ScenarioDiscovery.files(in: [dir]), timelines: false)
        #expect(summary.results.first?.verdict == .fail)
        #expect(summary.results.first?.timeline == nil)
    }

    @Test func aLongAnswerKeepsABoundedTimeline() async throws {
        let frames = (0..<3000).map { "      - text: \"w\($0) \"" }.joined(separator: "\n")
        let dir = try Self.folder([
            "long.yaml":
                "name: long\nturns:\n  - user: hi\n    expect: { text: nope }\nllm:\n  - stream:\n\(frames)\n      - finish: stop\n"
        ])
        let summary = await Self.run(try ScenarioDiscovery.files(in: [dir]))
        let timeline = try #require(summary.results.first?.timeline)
        #expect(timeline.entries.count == TimelineRecorder.entryLimit)
        #expect(timeline.omitted > 0)
        #expect(HTMLReport.html(summary).contains("\(timeline.omitted) more not kept"))
    }

    @Test func writesArePreviewedByWhatTheyCarry() {
        let event = Array("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"}}]}\n\n".utf8)
        #expect(TimelineRecorder.eventsPreview(event) == "content \"Hel\"")
        let call =
            Array(
                #"data: {"choices":[{"delta":{"tool_calls":[{"index":0,"id":"c1","function":{"name":"f","arguments":"{\"a"}}]},"finish_reason":null}]}"#
                    .utf8
            ) + Array("\n\ndata: [DONE]\n\n".utf8)
        #expect(TimelineRecorder.eventsPreview(call) == #"tool_call 0 c1 f "{\"a" · [DONE]"#)
        #expect(TimelineRecorder.eventsPreview(Array("data: {\"cho".utf8)) == nil, "a cut piece: raw preview")
        #expect(TimelineRecorder.eventsPreview(Array(": ping\n\n".utf8)) == "comment")
        #expect(TimelineRecorder.scenarioMilliseconds("2026-01-01T00:00:01.250Z") == 1250)
        #expect(TimelineRecorder.scenarioMilliseconds("2026-01-01T01:00:00Z") == 3_600_000)
        #expect(TimelineRecorder.scenarioMilliseconds("2031-05-01T00:00:00.000Z") == nil)
        #expect(TimelineRecorder.visible(Array("é".utf8).prefix(1).map { $0 }) == "\\xC3")
    }

    // MARK: Shards

    @Test func shardsAreDisjointWholeAndBalancedAcrossFolders() throws {
        let paths = (0..<23).map { "scenarios/\(["b", "a", "c"][$0 % 3])/\($0).yaml" }.shuffled()
        for count in 1...6 {
            var seen: [String] = []
            var sizes: [Int] = []
            for index in 1...count {
                let mine = Shard(index: index, count: count).positions(of: paths).map { paths[$0] }
                seen += mine
                sizes.append(mine.count)
                if count == 3 {
                    // Each folder's scenarios spread over every shard.
                    #expect(Set(mine.map { $0.split(separator: "/")[1] }).count == 3)
                }
            }
            #expect(seen.sorted() == paths.sorted(), "together the whole selection, each once")
            #expect((sizes.max() ?? 0) - (sizes.min() ?? 0) <= 1)
        }
        // The k-th in sorted order goes to shard k mod N + 1, whatever the order given.
        let sorted = paths.sorted()
        let second = Shard(index: 2, count: 4).positions(of: paths).map { paths[$0] }
        #expect(Set(second) == Set(stride(from: 1, to: sorted.count, by: 4).map { sorted[$0] }))
    }

    @Test func shardValuesAreCheckedWithAReason() {
        #expect((try? Shard.parse("2/4").get()) == Shard(index: 2, count: 4))
        for (text, words) in [
            ("2", "expected I/N"), ("a/b", "expected I/N"), ("1/2/3", "expected I/N"),
            ("0/4", "count from 1"), ("5/4", "only 4 parts"), ("1/0", "at least 1"), ("-1/3", "count from 1"),
        ] {
            guard case .failure(let error) = Shard.parse(text) else {
                Issue.record("\(text) was accepted")
                continue
            }
            #expect(error.description.contains(words), "\(text): \(error)")
        }
    }

    @Test func anEmptyShardOfANonEmptySelectionIsNotAMistake() async throws {
        let dir = try Self.folder(["a.yaml": Self.passing, "b.yaml": Self.passing])
        var options = ScenarioRunner.Options(jobs: 1)
        options.shard = Shard(index: 3, count: 3)
        let summary = await ScenarioRunner(options: options).run(files: try ScenarioDiscovery.files(in: [dir]))
        #expect(summary.results.isEmpty && summary.isEmptyShard && !summary.ranNothing)
        #expect(summary.exitCode == 0)
        options.shard = Shard(index: 2, count: 3)
        let second = await ScenarioRunner(options: options).run(files: try ScenarioDiscovery.files(in: [dir]))
        #expect(second.results.map(\.file) == ["\(dir)/b.yaml"])
        #expect(second.selectionCount == 2)
        // A selection that is itself empty is still the mistake it always was.
        options.tags = ["no-such-tag"]
        let none = await ScenarioRunner(options: options).run(files: try ScenarioDiscovery.files(in: [dir]))
        #expect(!none.isEmptyShard && none.ranNothing)
    }

    // MARK: GitHub annotations and JUnit lines

    @Test func annotationsPointAtTheFailingLineWithGitHubsEscaping() async throws {
        let dir = try Self.folder(["cut.yaml": Self.cut, "count.yaml": Self.wrongCount, "passes.yaml": Self.passing])
        let summary = await Self.run(try ScenarioDiscovery.files(in: [dir]), timelines: false)
        let lines = GitHubAnnotations.lines(summary, workspace: dir)
        // The first divergence of every failure comes before any scenario's further ones.
        #expect(
            lines.first?.hasPrefix(
                "::error file=count.yaml,line=4,title=counts requests::first divergence at expect.llm_requests"
            ) == true
        )
        #expect(
            lines.dropFirst().first?.hasPrefix(
                "::error file=cut.yaml,line=7,title=a cut stream is expected to complete::first divergence at turns[0].expect.text"
            ) == true
        )
        #expect(lines.count == summary.results.map(\.failures.count).reduce(0, +))
        for line in lines {
            #expect(!line.contains("\n") && !line.contains("\r"))
        }
        #expect(lines.contains { $0.contains("%0Aexpected: ") })
        #expect(
            GitHubAnnotations.command(
                file: "a,b:c.yaml",
                line: 3,
                column: nil,
                title: "t: 100%, done",
                message: "50%\r\nnext"
            )
                == "::error file=a%2Cb%3Ac.yaml,line=3,title=t%3A 100%25%2C done::50%25%0D%0Anext"
        )
    }

    @Test func anInvariantFailurePointsAtTurns() async throws {
        let file = try Self.folder(["x.yaml": "name: x\n\nturns:\n  - user: hi\nllm: []\n"]) + "/x.yaml"
        var result = ScenarioResult(
            file: file,
            name: "x",
            verdict: .fail,
            failures: [ScenarioFailure(path: "invariant.seq-ordered", expected: "", actual: "", message: "m")]
        )
        result = ScenarioRunner.located(result)
        #expect(result.failures.first?.line == 3)
        #expect(result.line == 3)
        #expect(
            GitHubAnnotations.lines(RunSummary(results: [result], durationMilliseconds: 0)).first?.contains(",line=3,")
                == true
        )
    }

    @Test func junitTestcasesCarryTheirLine() async throws {
        let dir = try Self.folder(["cut.yaml": Self.cut, "passes.yaml": "# a comment\n" + Self.passing])
        let xml = JUnitReport.xml(await Self.run(try ScenarioDiscovery.files(in: [dir]), timelines: false))
        #expect(xml.contains("name=\"a cut stream is expected to complete\" file=\"\(dir)/cut.yaml\" line=\"7\""))
        #expect(xml.contains("name=\"passes\" file=\"\(dir)/passes.yaml\" line=\"2\""), "a pass: the line of its name")
    }

    // MARK: The progress line

    @Test func theProgressLineOnlyOnAQuietTerminal() {
        #expect(ProgressLine.isWanted(stdoutIsTerminal: true, environment: ["TERM": "xterm-256color"]))
        #expect(!ProgressLine.isWanted(stdoutIsTerminal: false, environment: [:]), "a pipe")
        #expect(!ProgressLine.isWanted(stdoutIsTerminal: true, environment: ["NO_COLOR": "1"]))
        #expect(!ProgressLine.isWanted(stdoutIsTerminal: true, environment: ["CI": "true"]))
        #expect(!ProgressLine.isWanted(stdoutIsTerminal: true, environment: ["TERM": "dumb"]))
        #expect(ProgressLine.isWanted(stdoutIsTerminal: true, environment: ["CI": "false", "NO_COLOR": ""]))
        let state = ProgressLine.State(finished: 37, total: 113, running: ["scenarios/providers/azure.yaml", "b.yaml"])
        #expect(ProgressLine.text(state, width: 80) == "[37/113] scenarios/providers/azure.yaml (+1)")
        #expect(ProgressLine.text(state, width: 20) == "[37/113] scenarios…")
        #expect(ProgressLine.draw(state, width: 80).hasPrefix("\r\u{1B}[2K[37/113]"))
    }

    @Test func progressIsToldOfEveryStartAndFinish() async throws {
        let dir = try Self.folder(["a.yaml": Self.passing, "b.yaml": Self.passing, "c.yaml": Self.passing])
        let states = StatesSeen()
        _ = await ScenarioRunner(options: .init(jobs: 2)).run(files: try ScenarioDiscovery.files(in: [dir])) { _ in
        } progress: { state in
            states.append(state)
        }
        let seen = states.all
        #expect(seen.first?.finished == 0 && seen.first?.running.count == 2)
        #expect(seen.map(\.total).allSatisfy { $0 == 3 })
        #expect(seen.map(\.finished) == seen.map(\.finished).sorted())
        #expect(seen.last?.finished == 2, "the last one is told before it ends; the CLI erases the line after")
    }
}

private final class StatesSeen: @unchecked Sendable {
    private let lock = NSLock()
    private var states: [ProgressLine.State] = []

    func append(_ state: ProgressLine.State) {
        self.lock.withLock { self.states.append(state) }
    }

    var all: [ProgressLine.State] { self.lock.withLock { self.states } }
}

/// Reads the HTML report as XML, as a CI step might: each scenario's attributes, its first
/// divergence's text and its timeline's rows.
struct PageReader {
    struct Row {
        var lane: String
        var alert: Bool
        var milliseconds: Int
        var text: String
    }

    struct Section {
        var verdict: String
        var name: String
        var file: String
        var line: Int
        var divergencePath: String?
        var divergence = ""
        var rows: [Row] = []
        var rawText = ""
    }

    var sections: [Section] = []

    init(_ html: String) throws {
        let delegate = Delegate()
        let parser = XMLParser(data: Data(html.utf8))
        parser.delegate = delegate
        guard parser.parse() else {
            throw PageError(
                description:
                    "not well-formed: \(parser.parserError.map { "\($0)" } ?? "?") at line \(parser.lineNumber)"
            )
        }
        self.sections = delegate.sections
    }

    struct PageError: Error, CustomStringConvertible {
        var description: String
    }

    private final class Delegate: NSObject, XMLParserDelegate {
        var sections: [Section] = []
        private var stack: [(name: String, classes: [String])] = []
        private var row: Row?

        func parser(
            _ parser: XMLParser,
            didStartElement elementName: String,
            namespaceURI: String?,
            qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            let classes = (attributes["class"] ?? "").split(separator: " ").map(String.init)
            self.stack.append((elementName, classes))
            if elementName == "section", classes.contains("scenario") {
                self.sections.append(
                    Section(
                        verdict: attributes["data-verdict"] ?? "",
                        name: attributes["data-name"] ?? "",
                        file: attributes["data-file"] ?? "",
                        line: Int(attributes["data-line"] ?? "") ?? 0
                    )
                )
            }
            if elementName == "div", classes.contains("divergence"), !self.sections.isEmpty {
                self.sections[self.sections.count - 1].divergencePath = attributes["data-path"]
            }
            if elementName == "li", classes.contains("row") {
                self.row = Row(
                    lane: classes.first { Timeline.Lane(rawValue: $0) != nil } ?? "",
                    alert: classes.contains("alert"),
                    milliseconds: Int(attributes["data-ms"] ?? "") ?? -1,
                    text: ""
                )
            }
        }

        func parser(
            _ parser: XMLParser,
            didEndElement elementName: String,
            namespaceURI: String?,
            qualifiedName: String?
        ) {
            if elementName == "li", let row, !self.sections.isEmpty {
                self.sections[self.sections.count - 1].rows.append(row)
                self.row = nil
            }
            _ = self.stack.popLast()
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            guard !self.sections.isEmpty else { return }
            self.sections[self.sections.count - 1].rawText += string
            if self.stack.contains(where: { $0.classes.contains("divergence") }) {
                self.sections[self.sections.count - 1].divergence += string
            }
            // A row's one-line summary (not the bytes behind it).
            if self.row != nil, !self.stack.contains(where: { $0.name == "pre" }) {
                self.row?.text += string
            }
        }
    }
}
