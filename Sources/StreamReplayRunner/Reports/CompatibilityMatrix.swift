import Foundation
import StreamReplayScenario

/// The same scenarios against several engines, as one table: scenario × engine, each cell a
/// verdict (`stream-replay matrix`). A failing cell is a finding about that engine, not a
/// failure of the table.
package struct CompatibilityMatrix: Sendable {
    /// One engine's column: its name as the user gave it and its run.
    package struct Column: Sendable {
        /// The column's name (`--engine NAME=…`).
        package var name: String
        /// The engine as it reported itself (its `ready` message), when it did.
        package var engine: String?
        /// The results, one per scenario, in the order of ``CompatibilityMatrix/files``.
        package var summary: RunSummary

        package init(name: String, summary: RunSummary) {
            self.name = name
            self.summary = summary
            self.engine = summary.results.lazy.compactMap(\.engine).first
        }
    }

    /// The scenario files, one row each, in discovery order.
    package var files: [String]
    package var columns: [Column]

    package init(files: [String], columns: [Column]) {
        self.files = files
        self.columns = columns
    }

    /// A cell in words, short and the same on every run: `pass`, `pass (events not checked)`,
    /// `fail at PATH`, `error: …`, `skipped: REASON`.
    package static func cell(_ result: ScenarioResult?) -> String {
        guard let result else { return "-" }
        switch result.verdict {
        case .pass:
            guard let note = TextReport.notChecked(result, reasons: false) else { return "pass" }
            return "pass " + note
        case .fail:
            return "fail at \(result.failures.first?.path ?? "?")"
        case .error:
            if let diagnostic = result.diagnostics.first { return "error: \(diagnostic.message)" }
            return "error: \(result.failures.first?.actual ?? "protocol error")"
        case .skipped:
            return "skipped: \(result.skipReason ?? "")"
        }
    }

    /// Whether a file is wrong or an adapter broke the protocol in some cell (exit 2).
    package var isBroken: Bool {
        self.columns.contains { column in column.summary.results.contains { $0.verdict == .error } }
    }

    private func result(_ column: Column, _ file: String) -> ScenarioResult? {
        column.summary.results.first { $0.file == file }
    }

    /// The table as Markdown: a header naming each engine, a row per scenario (its file, relative
    /// to `root` when given), then a count of each column's verdicts.
    /// `file` relative to `root` when it lies below it.
    private static func display(_ file: String, relativeTo root: String?) -> String {
        guard let root, file.hasPrefix(root + "/") else { return file }
        return String(file.dropFirst(root.count + 1))
    }

    package func markdown(relativeTo root: String? = nil) -> String {
        func escape(_ text: String) -> String {
            text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
        }
        func display(_ file: String) -> String { Self.display(file, relativeTo: root) }
        var lines = ["| scenario | " + self.columns.map { escape($0.name) }.joined(separator: " | ") + " |"]
        lines.append("| --- |" + String(repeating: " --- |", count: self.columns.count))
        for file in self.files {
            let cells = self.columns.map { escape(Self.cell(self.result($0, file))) }
            lines.append("| \(escape(display(file))) | " + cells.joined(separator: " | ") + " |")
        }
        let totals = self.columns.map { column in
            let summary = column.summary
            return "\(summary.count(.pass)) pass, \(summary.count(.fail)) fail, "
                + "\(summary.count(.error)) error, \(summary.count(.skipped)) skipped"
        }
        lines.append("| **total** | " + totals.joined(separator: " | ") + " |")
        return lines.joined(separator: "\n") + "\n"
    }

    /// The table as JSON: the engines, then one row per scenario with each engine's verdict,
    /// first divergence (path and message), skip reason and checks not applicable.
    package func json(relativeTo root: String? = nil) -> String {
        func display(_ file: String) -> String { Self.display(file, relativeTo: root) }
        let engines: [ScenarioValue] = self.columns.map { column in
            .object([
                .init("name", .string(column.name)),
                .init("engine", column.engine.map { .string($0) } ?? .null),
                .init("passed", .int(column.summary.count(.pass))),
                .init("failed", .int(column.summary.count(.fail))),
                .init("errored", .int(column.summary.count(.error))),
                .init("skipped", .int(column.summary.count(.skipped))),
            ])
        }
        let rows: [ScenarioValue] = self.files.map { file in
            let cells: [ScenarioValue.Member] = self.columns.map { column in
                let result = self.result(column, file)
                let failure = result?.failures.first
                return .init(
                    column.name,
                    .object([
                        .init("verdict", result.map { .string($0.verdict.rawValue) } ?? .null),
                        .init("cell", .string(Self.cell(result))),
                        .init("first_divergence", failure.map { .string($0.path) } ?? .null),
                        .init("message", failure.map { .string($0.message) } ?? .null),
                        .init("skip_reason", result?.skipReason.map { .string($0) } ?? .null),
                        .init("not_applicable", .array((result?.notApplicable ?? []).map { .string($0) })),
                    ])
                )
            }
            return .object([.init("file", .string(display(file))), .init("engines", .object(cells))])
        }
        return ScenarioValue.object([.init("engines", .array(engines)), .init("scenarios", .array(rows))]).jsonString
            + "\n"
    }
}
