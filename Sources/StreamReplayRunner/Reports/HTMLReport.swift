import StreamReplayScenario

/// One self-contained page for a person to open after a red run: a summary bar, every scenario
/// with its verdict and duration (failures first), and for each one that did not pass its first
/// divergence, expected against actual, then its timeline: each request the engine sent, each
/// write the fake made, each message the engine yielded and each event committed, on one time
/// axis. Styles and the little script are inline; the page loads nothing.
///
/// The markup is also well-formed XML (every element closed, the script in CDATA), so that a
/// test, or a CI step, can read it with an XML parser: each scenario is a
/// `<section class="scenario" data-verdict="…" data-file="…" data-name="…">`, its first
/// divergence a `<div class="divergence" data-path="…">`.
package enum HTMLReport {
    /// The page for `summary`.
    ///
    /// - Parameter summary: The run, with ``ScenarioResult/timeline`` for the scenarios that did
    ///   not pass (recorded when the runner's `recordsTimelines` was on).
    /// - Returns: The whole HTML document.
    package static func html(_ summary: RunSummary) -> String {
        var page = Page()
        let title = "stream-replay: \(summary.line)"
        page.raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n")
        page.raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n")
        page.element("title", title)
        page.raw("\n<style>\n\(Self.style)</style>\n</head>\n<body>\n")
        Self.header(summary, into: &page)
        page.raw("<main>\n")
        let ordered =
            summary.results.enumerated().sorted { lhs, rhs in
                let left = Self.rank(lhs.element.verdict)
                let right = Self.rank(rhs.element.verdict)
                return left != right ? left < right : lhs.offset < rhs.offset
            }
        if ordered.isEmpty {
            page.raw("<p class=\"empty\">")
            page.text(
                summary.isEmptyShard ? "shard \(summary.shard?.description ?? ""): no scenarios" : "No scenario ran."
            )
            page.raw("</p>\n")
        }
        for (position, result) in ordered {
            Self.scenario(result, number: position + 1, into: &page)
        }
        page.raw("</main>\n<script>/*<![CDATA[*/\n\(Self.script)/*]]>*/</script>\n</body>\n</html>\n")
        return page.text
    }

    /// Failures first, then wrong files, then skips, then passes.
    private static func rank(_ verdict: ScenarioResult.Verdict) -> Int {
        switch verdict {
        case .fail: 0
        case .error: 1
        case .skipped: 2
        case .pass: 3
        }
    }

    // MARK: - Header

    private static func header(_ summary: RunSummary, into page: inout Page) {
        page.raw("<header>\n<h1>stream-replay report</h1>\n<p class=\"meta\">")
        var meta = ["\(summary.results.count) scenario\(summary.results.count == 1 ? "" : "s")"]
        meta.append(Self.duration(summary.durationMilliseconds))
        let engines = Array(Set(summary.results.compactMap(\.engine))).sorted()
        if !engines.isEmpty { meta.append("engine: " + engines.joined(separator: ", ")) }
        if let shard = summary.shard { meta.append("shard \(shard) of a selection of \(summary.selectionCount)") }
        if summary.interrupted { meta.append("interrupted") }
        page.text(meta.joined(separator: " · "))
        page.raw("</p>\n")
        let counts: [(ScenarioResult.Verdict, String)] = [
            (.fail, "failed"), (.error, "errored"), (.skipped, "skipped"), (.pass, "passed"),
        ]
        page.raw("<div class=\"bar\" role=\"img\" aria-label=\"\(Markup.escape(summary.line))\">")
        for (verdict, _) in counts where summary.count(verdict) > 0 {
            page.raw(
                "<span class=\"segment \(verdict.rawValue)\" style=\"flex-grow: \(summary.count(verdict))\"></span>"
            )
        }
        page.raw("</div>\n<p class=\"counts\" id=\"summary\">")
        for (verdict, word) in counts {
            let count = summary.count(verdict)
            guard count > 0 || verdict == .fail || verdict == .pass else { continue }
            page.raw("<button type=\"button\" class=\"count \(verdict.rawValue)\" data-show=\"\(verdict.rawValue)\">")
            page.text("\(count) \(word)")
            page.raw("</button> ")
        }
        page.raw("<button type=\"button\" class=\"count all\" data-show=\"all\">all</button>")
        page.raw("</p>\n</header>\n")
    }

    // MARK: - Scenarios

    private static func scenario(_ result: ScenarioResult, number: Int, into page: inout Page) {
        let verdict = result.verdict.rawValue
        page.raw(
            "<section class=\"scenario \(verdict)\" id=\"scenario-\(number)\" data-verdict=\"\(verdict)\""
        )
        page.raw(
            " data-file=\"\(Markup.escape(result.file))\" data-line=\"\(result.line)\" data-name=\"\(Markup.escape(result.name))\">\n"
        )
        let mark: String
        switch result.verdict {
        case .pass: mark = "✓"
        case .fail: mark = "✗"
        case .error: mark = "!"
        case .skipped: mark = "–"
        }
        page.raw("<h2><a href=\"#scenario-\(number)\"><span class=\"verdict\">")
        page.text("\(mark) \(verdict)")
        page.raw("</span> <span class=\"name\">")
        page.text(result.name)
        page.raw("</span></a> <span class=\"where\"><code>")
        page.text(result.verdict == .pass ? result.file : "\(result.file):\(result.line)")
        page.raw("</code> · ")
        page.text(result.verdict == .skipped ? "skipped" : Self.duration(result.durationMilliseconds))
        page.raw("</span></h2>\n")
        var notes: [String] = []
        if let reason = result.skipReason { notes.append("skipped: \(reason)") }
        if let note = TextReport.notApplicableNote(result) { notes.append(note) }
        if let sweep = result.sweep { notes.append(sweep.line) }
        if let faults = result.faults { notes.append(faults.line) }
        // The engine is named on a failure when it is not the default (ChatEngine in process).
        if let engine = result.engine, engine != InProcessEngine().label, result.verdict != .pass {
            notes.append("engine: \(engine)")
        }
        for note in notes {
            page.raw("<p class=\"note\">")
            page.text(note)
            page.raw("</p>\n")
        }
        switch result.verdict {
        case .pass, .skipped:
            break
        case .error where !result.diagnostics.isEmpty:
            page.raw("<div class=\"divergence diagnostics\" data-path=\"file\">\n<p class=\"headline\">")
            page.text(
                "The file is wrong: \(result.diagnostics.count) problem\(result.diagnostics.count == 1 ? "" : "s")"
            )
            page.raw("</p>\n<pre>")
            page.text(result.diagnostics.map(\.description).joined(separator: "\n"))
            page.raw("</pre>\n</div>\n")
        case .fail, .error:
            Self.failures(result, into: &page)
        }
        if let timeline = result.timeline {
            // With several turns, the one that diverged is shaded.
            let turns = Set(timeline.entries.compactMap(\.turn))
            let diverged = turns.count > 1 ? result.failures.first.flatMap { Self.turnIndex(in: $0.path) } : nil
            Self.timeline(timeline, divergedTurn: diverged, into: &page)
        }
        if result.verdict != .pass, !result.transcript.isEmpty {
            page.raw("<details class=\"transcript\"><summary>Transcript</summary>\n<pre>")
            page.text(result.transcript.joined(separator: "\n"))
            page.raw("</pre>\n</details>\n")
        }
        page.raw("</section>\n")
    }

    private static func failures(_ result: ScenarioResult, into page: inout Page) {
        guard let first = result.failures.first else { return }
        page.raw("<div class=\"divergence\" data-path=\"\(Markup.escape(first.path))\">\n<p class=\"headline\">")
        // One text node, worded as the text report words it, so that a search finds it.
        page.text("first divergence at \(first.path): \(first.message)")
        if let line = first.line {
            page.raw(" <span class=\"line\">")
            page.text("(line \(line))")
            page.raw("</span>")
        }
        page.raw("</p>\n")
        Self.compare(expected: first.expected, actual: first.actual, into: &page)
        if let section = first.section, section.expected.count + section.actual.count > 2 {
            page.raw("<details class=\"section\" open=\"open\"><summary>")
            page.text("the whole of \(section.path)")
            page.raw("</summary>\n")
            Self.compare(
                expected: section.expected.joined(separator: "\n"),
                actual: section.actual.joined(separator: "\n"),
                into: &page
            )
            page.raw("</details>\n")
        }
        page.raw("</div>\n")
        let others = result.failures.dropFirst()
        if !others.isEmpty {
            page.raw("<details class=\"others\"><summary>")
            page.text("\(others.count) more divergence\(others.count == 1 ? "" : "s")")
            page.raw("</summary>\n")
            for failure in others {
                page.raw("<div class=\"also\" data-path=\"\(Markup.escape(failure.path))\">\n<p>")
                page.text("also at \(failure.path): \(failure.message)")
                page.raw("</p>\n")
                Self.compare(expected: failure.expected, actual: failure.actual, into: &page)
                page.raw("</div>\n")
            }
            page.raw("</details>\n")
        }
    }

    private static func compare(expected: String, actual: String, into page: inout Page) {
        page.raw("<div class=\"compare\">\n<div class=\"expected\"><h4>expected</h4><pre>")
        page.text(expected)
        page.raw("</pre></div>\n<div class=\"actual\"><h4>actual</h4><pre>")
        page.text(actual)
        page.raw("</pre></div>\n</div>\n")
    }

    /// `turns[2].expect.text` → 2; `expect.text` (a one-turn file) → 0; else `nil`.
    static func turnIndex(in path: String) -> Int? {
        if path.hasPrefix("turns[") {
            return Int(path.dropFirst("turns[".count).prefix { $0.isNumber })
        }
        return path.hasPrefix("expect.") ? 0 : nil
    }

    // MARK: - Timeline

    private static func timeline(_ timeline: Timeline, divergedTurn: Int?, into page: inout Page) {
        let end = max(timeline.endMilliseconds, 0)
        page.raw("<div class=\"timeline\">\n<h3>Timeline</h3>\n<p class=\"note\">")
        var about = [
            timeline.virtual ? "scenario (virtual) time" : "real time: the engine does not carry the scenario clock",
            "0–\(end) ms",
            "\(timeline.entries.count) entr\(timeline.entries.count == 1 ? "y" : "ies")",
        ]
        if timeline.omitted > 0 { about.append("\(timeline.omitted) more not kept") }
        if end == 0, timeline.entries.count > 1 {
            about.append("everything at one instant: rows are in the order it happened")
        }
        page.text(about.joined(separator: " · "))
        page.raw("</p>\n<div class=\"lanes\"><span></span><span></span>")
        for lane in Timeline.Lane.allCases {
            page.raw("<span class=\"lane-head \(lane.rawValue)\">")
            page.text(Self.laneTitle(lane))
            page.raw("</span>")
        }
        page.raw("</div>\n<ol class=\"rows\">\n")
        var previous: Int?
        var previousTurn: Int?
        for entry in timeline.entries {
            var classes = ["row", entry.lane.rawValue]
            if entry.alert { classes.append("alert") }
            if let turn = entry.turn, turn == divergedTurn { classes.append("diverged") }
            if let turn = entry.turn, turn != previousTurn, previousTurn != nil { classes.append("new-turn") }
            previousTurn = entry.turn ?? previousTurn
            page.raw("<li class=\"\(classes.joined(separator: " "))\" data-ms=\"\(entry.milliseconds)\">")
            let same = previous == entry.milliseconds
            page.raw("<span class=\"t\(same ? " same" : "")\">")
            page.text("\(entry.milliseconds) ms")
            page.raw("</span>")
            let position = end == 0 ? 0 : Double(entry.milliseconds) / Double(end) * 100
            page.raw(
                "<span class=\"axis\"><span class=\"mark\" style=\"left: \(Self.percent(position))\"></span></span>"
            )
            page.raw("<span class=\"cell\">")
            if let detail = entry.detail, !detail.isEmpty {
                page.raw("<details><summary title=\"\(Markup.escape(String(detail.prefix(300))))\">")
                page.text(entry.summary)
                page.raw("</summary><pre>")
                page.text(detail)
                page.raw("</pre></details>")
            } else {
                page.text(entry.summary)
            }
            page.raw("</span></li>\n")
            previous = entry.milliseconds
        }
        page.raw("</ol>\n</div>\n")
    }

    private static func laneTitle(_ lane: Timeline.Lane) -> String {
        switch lane {
        case .request: "request sent"
        case .fake: "fake wrote"
        case .engine: "engine yielded"
        case .store: "store committed"
        }
    }

    private static func percent(_ value: Double) -> String {
        let tenths = Int((min(max(value, 0), 100) * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)%"
    }

    private static func duration(_ milliseconds: Int) -> String {
        milliseconds < 1000 ? "\(milliseconds) ms" : "\(milliseconds / 1000).\((milliseconds % 1000) / 100) s"
    }

    /// The page as it is written: raw markup, and text that is always escaped.
    private struct Page {
        var text = ""

        mutating func raw(_ markup: String) {
            self.text += markup
        }

        mutating func text(_ content: String) {
            self.text += Markup.escapeText(content)
        }

        mutating func element(_ name: String, _ content: String) {
            self.text += "<\(name)>" + Markup.escapeText(content) + "</\(name)>"
        }
    }

    // MARK: - Inline style and script

    /// No `<` or `&` in either (the page is also well-formed XML).
    private static let style = """
        :root { --fail: #c62828; --error: #ad1457; --skipped: #8d6e00; --pass: #2e7d32; --muted: #5f6368;
          --line: #e0e0e0; --request: #1565c0; --fake: #6a1b9a; --engine: #00796b; --store: #ef6c00; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #202124; background: #fafafa; }
        header { padding: 16px 24px 8px; background: #fff; border-bottom: 1px solid var(--line); position: sticky; top: 0; z-index: 1; }
        h1 { font-size: 18px; margin: 0 0 2px; }
        .meta { margin: 0 0 8px; color: var(--muted); }
        .bar { display: flex; height: 10px; border-radius: 5px; overflow: hidden; background: var(--line); }
        .segment.fail { background: var(--fail); } .segment.error { background: var(--error); }
        .segment.skipped { background: var(--skipped); } .segment.pass { background: var(--pass); }
        .counts { margin: 8px 0 0; }
        button.count { font: inherit; border: 1px solid var(--line); background: #fff; border-radius: 12px; padding: 1px 10px; cursor: pointer; }
        button.count.fail { color: var(--fail); } button.count.error { color: var(--error); }
        button.count.skipped { color: var(--skipped); } button.count.pass { color: var(--pass); }
        button.count.active { border-color: currentColor; font-weight: 600; }
        main { padding: 12px 24px 40px; }
        section.scenario { background: #fff; border: 1px solid var(--line); border-left: 4px solid var(--pass); border-radius: 4px; margin: 0 0 8px; padding: 6px 12px; }
        section.scenario.fail { border-left-color: var(--fail); padding-bottom: 12px; }
        section.scenario.error { border-left-color: var(--error); padding-bottom: 12px; }
        section.scenario.skipped { border-left-color: var(--skipped); }
        section.hidden { display: none; }
        h2 { font-size: 14px; margin: 0; font-weight: 500; }
        h2 a { color: inherit; text-decoration: none; }
        .fail .verdict { color: var(--fail); font-weight: 700; } .error .verdict { color: var(--error); font-weight: 700; }
        .pass .verdict { color: var(--pass); } .skipped .verdict { color: var(--skipped); }
        .fail .name, .error .name { font-weight: 700; }
        .where, .note, .line { color: var(--muted); }
        .note { margin: 2px 0; }
        code, pre { font: 12.5px/1.4 ui-monospace, "SF Mono", Menlo, Consolas, monospace; }
        pre { margin: 0; white-space: pre-wrap; word-break: break-word; }
        .divergence { margin: 10px 0 6px; padding: 8px 10px; background: #fff5f5; border: 1px solid #f3c4c4; border-radius: 4px; }
        .divergence .headline { margin: 0 0 6px; font-weight: 600; }
        .compare { display: grid; grid-template-columns: 1fr 1fr; gap: 8px; }
        .compare h4 { margin: 0 0 2px; font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
        .compare pre { background: #fff; border: 1px solid var(--line); border-radius: 3px; padding: 6px 8px; max-height: 24em; overflow: auto; }
        .expected pre { border-left: 3px solid var(--pass); } .actual pre { border-left: 3px solid var(--fail); }
        details.section, details.others, details.transcript { margin: 6px 0; }
        summary { cursor: pointer; }
        .also { margin: 6px 0 0 12px; }
        .timeline { margin-top: 10px; }
        .timeline h3 { font-size: 13px; margin: 0; }
        .lanes, li.row { display: grid; grid-template-columns: 5.5em 9em 1fr 1fr 1fr 1fr; column-gap: 8px; align-items: start; }
        .lanes { font-size: 12px; font-weight: 600; border-bottom: 1px solid var(--line); padding: 4px 0; }
        .lane-head.request { color: var(--request); } .lane-head.fake { color: var(--fake); }
        .lane-head.engine { color: var(--engine); } .lane-head.store { color: var(--store); }
        ol.rows { list-style: none; margin: 0; padding: 0; max-height: 70vh; overflow: auto; border-bottom: 1px solid var(--line); }
        li.row { padding: 1px 0; border-top: 1px dotted #eee; font-size: 12.5px; }
        li.row.new-turn { border-top: 1px solid #bbb; }
        li.row.diverged { background: #fffaf0; }
        li.row.alert .cell { color: var(--fail); font-weight: 600; }
        li.row .t { color: var(--muted); text-align: right; font-variant-numeric: tabular-nums; }
        li.row .t.same { opacity: .35; }
        .axis { position: relative; height: 1.2em; border-left: 1px solid var(--line); border-right: 1px solid var(--line); background: linear-gradient(#ddd, #ddd) center / 100% 1px no-repeat; }
        .mark { position: absolute; top: .3em; width: .6em; height: .6em; margin-left: -.3em; border-radius: 50%; }
        .request .mark { background: var(--request); } .fake .mark { background: var(--fake); }
        .engine .mark { background: var(--engine); } .store .mark { background: var(--store); }
        .alert .mark { background: var(--fail); box-shadow: 0 0 0 2px #fcc; }
        .cell { min-width: 0; overflow-wrap: anywhere; }
        li.request .cell { grid-column: 3 / span 4; } li.fake .cell { grid-column: 4 / span 3; }
        li.engine .cell { grid-column: 5 / span 2; } li.store .cell { grid-column: 6; }
        li.request .cell summary, li.request .cell { color: var(--request); }
        .cell pre { background: #f6f6f6; border: 1px solid var(--line); padding: 4px 6px; margin: 2px 0 4px; max-height: 16em; overflow: auto; }
        .empty { color: var(--muted); }

        """

    /// The filter buttons: show one verdict, or all. Without script every scenario shows.
    private static let script = """
        (function () {
          var buttons = document.querySelectorAll("button.count");
          function show(verdict) {
            document.querySelectorAll("section.scenario").forEach(function (section) {
              var visible = verdict === "all" || section.getAttribute("data-verdict") === verdict;
              section.classList.toggle("hidden", !visible);
            });
            buttons.forEach(function (button) {
              button.classList.toggle("active", button.getAttribute("data-show") === verdict);
            });
          }
          buttons.forEach(function (button) {
            button.addEventListener("click", function () { show(button.getAttribute("data-show")); });
          });
        })();

        """
}
