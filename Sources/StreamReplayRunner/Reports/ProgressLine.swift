/// The one updating line a run shows on a terminal while it goes (`[37/113] providers/…`),
/// rewritten in place and erased at the end. Never in a pipe, with `NO_COLOR`, in CI or on a
/// `dumb` terminal: logs get only the result lines.
package struct ProgressLine: Sendable {
    /// How far the run is.
    package struct State: Sendable, Hashable {
        /// Scenarios finished.
        package var finished: Int
        /// Scenarios in the run.
        package var total: Int
        /// The files running now, oldest first.
        package var running: [String]

        package init(finished: Int, total: Int, running: [String]) {
            self.finished = finished
            self.total = total
            self.running = running
        }
    }

    /// Whether to show it: stdout is a terminal, and neither `NO_COLOR` nor `CI` is set (`CI=false`
    /// and `CI=0` count as unset), and `TERM` is not `dumb`.
    package static func isWanted(stdoutIsTerminal: Bool, environment: [String: String]) -> Bool {
        guard stdoutIsTerminal else { return false }
        if let noColour = environment["NO_COLOR"], !noColour.isEmpty { return false }
        if let ci = environment["CI"], !ci.isEmpty, ci != "false", ci != "0" { return false }
        return environment["TERM"] != "dumb"
    }

    /// `[37/113] providers/azure/filter.yaml (+1)`, cut to `width` columns so that it never wraps
    /// (a wrapped line cannot be rewritten in place).
    package static func text(_ state: State, width: Int) -> String {
        var text = "[\(state.finished)/\(state.total)]"
        if let oldest = state.running.first {
            text += " " + oldest
            if state.running.count > 1 { text += " (+\(state.running.count - 1))" }
        }
        let room = max(width - 1, 10)
        guard text.count > room else { return text }
        return String(text.prefix(room - 1)) + "…"
    }

    /// What to write to draw `state` over the line shown before: carriage return, erase, text.
    package static func draw(_ state: State, width: Int) -> String {
        "\r\u{1B}[2K" + Self.text(state, width: width)
    }

    /// What to write to erase the line (before a result line, and at the end).
    package static let erase = "\r\u{1B}[2K"
}
