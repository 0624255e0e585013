import StreamReplayScenario

/// The human report: a line per scenario (`✓`/`✗`, name, file, duration); for a failure, the first
/// divergence first, then every other finding, then a transcript of the wire and the messages.
package struct TextReport: Sendable {
    /// Colour only on a TTY and never with `NO_COLOR`; the caller decides.
    package var colour: Bool

    package init(colour: Bool) {
        self.colour = colour
    }

    private func paint(_ text: String, _ code: String) -> String {
        self.colour ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }

    /// The line (and, for a failure or error, the details) of one scenario.
    package func render(_ result: ScenarioResult) -> String {
        let time = "\(result.durationMilliseconds) ms"
        switch result.verdict {
        case .pass:
            var text = "\(self.paint("✓", "32")) \(result.name)  \(self.paint("\(result.file) · \(time)", "2"))"
            if let note = Self.notApplicableNote(result) { text += "  " + self.paint(note, "2") }
            if let sweep = result.sweep { text += "\n    " + sweep.line }
            if let faults = result.faults { text += "\n    " + faults.line }
            for finding in result.findings {
                text += "\n    wire: \(finding)"
            }
            return text
        case .skipped:
            let reason = result.skipReason.map { ": \($0)" } ?? ""
            return "\(self.paint("-", "33")) \(result.name)  \(self.paint("\(result.file) · skipped\(reason)", "2"))"
        case .error:
            var text = "\(self.paint("!", "31")) \(result.name)  \(self.paint("\(result.file) · error", "2"))"
            for diagnostic in result.diagnostics {
                text += "\n" + Self.indent(diagnostic.description)
            }
            if !result.failures.isEmpty || !result.transcript.isEmpty {
                text += "\n" + Self.indent(Self.failureBody(result))
            }
            return text
        case .fail:
            var text = "\(self.paint("✗", "31")) \(result.name)  \(self.paint("\(result.file) · \(time)", "2"))"
            text += "\n" + Self.indent(Self.failureBody(result))
            return text
        }
    }

    /// The failure details: the first divergence, the others, then the transcript.
    package static func failureBody(_ result: ScenarioResult) -> String {
        var lines: [String] = []
        if let sweep = result.sweep { lines.append(sweep.line) }
        if let faults = result.faults { lines.append(faults.line) }
        for (number, failure) in result.failures.enumerated() {
            lines.append(
                number == 0
                    ? "first divergence at \(failure.path): \(failure.message)"
                    : "also at \(failure.path): \(failure.message)"
            )
            lines.append("  expected: \(failure.expected)")
            lines.append("  actual:   \(failure.actual)")
            if number == 0, let section = failure.section, section.expected.count + section.actual.count > 2 {
                lines.append("\(section.path), expected:")
                lines.append(contentsOf: section.expected.map { "  " + $0 })
                lines.append("\(section.path), actual:")
                lines.append(contentsOf: section.actual.map { "  " + $0 })
            }
        }
        for finding in result.findings where finding.severity == .warn {
            lines.append("wire: \(finding)")
        }
        if !result.transcript.isEmpty {
            lines.append("transcript:")
            lines.append(contentsOf: result.transcript.map { "  " + $0 })
        }
        return lines.joined(separator: "\n")
    }

    /// `(events, writes not checked: the engine reports none)` for a run against an engine that
    /// lacks capabilities; `nil` when everything was checked.
    static func notApplicableNote(_ result: ScenarioResult) -> String? {
        self.notChecked(result, reasons: true)
    }

    /// What of `result` was not checked, as `(events, writes not checked: REASON; …)`, with or
    /// without the reasons (the matrix's cells leave them out); `nil` when everything was.
    static func notChecked(_ result: ScenarioResult, reasons: Bool) -> String? {
        guard !result.notApplicable.isEmpty else { return nil }
        let paths = result.notApplicable
        var kinds: [String] = []
        if paths.contains(where: {
            $0.hasSuffix(".events") || $0.hasPrefix("invariant.") && $0 != "invariant.seq-ordered"
        }) {
            kinds.append("events")
        }
        if paths.contains(where: { $0.hasSuffix(".writes") || $0 == "invariant.seq-ordered" }) {
            kinds.append("writes")
        }
        var notes: [String] = []
        if !kinds.isEmpty {
            notes.append("\(kinds.joined(separator: ", ")) not checked" + (reasons ? ": the engine reports none" : ""))
        }
        if paths.contains("wire") {
            notes.append(
                "provider traffic not checked" + (reasons ? ": the adapter's engine talks to the provider itself" : "")
            )
        }
        return "(" + notes.joined(separator: "; ") + ")"
    }

    static func indent(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n")
    }
}
