import StreamReplayScenario

/// GitHub Actions workflow commands for a run's failures: one `::error file=…,line=…,title=…::…`
/// line per failing expectation (a wrong file: per problem, at its line and column), so that
/// each shows on the pull request's diff at the line that failed. An invariant's failure points
/// at the scenario's `turns`.
///
/// GitHub shows only the first few annotations of a step, so every scenario's first divergence
/// comes before any scenario's further ones.
package enum GitHubAnnotations {
    /// The annotation lines for `summary`, first divergences first.
    ///
    /// - Parameters:
    ///   - summary: The run.
    ///   - workspace: `GITHUB_WORKSPACE`: an absolute file path under it is made relative to it,
    ///     as GitHub expects.
    /// - Returns: The lines to print on stdout, without newlines.
    package static func lines(_ summary: RunSummary, workspace: String? = nil) -> [String] {
        var first: [String] = []
        var more: [String] = []
        for result in summary.results where result.verdict == .fail || result.verdict == .error {
            let file = Self.relative(result.file, to: workspace)
            if result.verdict == .error, !result.diagnostics.isEmpty {
                for (number, diagnostic) in result.diagnostics.enumerated() {
                    let line = Self.command(
                        file: Self.relative(diagnostic.file, to: workspace),
                        line: diagnostic.line,
                        column: diagnostic.column,
                        title: "\(result.name): invalid scenario file",
                        message: diagnostic.message
                    )
                    if number == 0 { first.append(line) } else { more.append(line) }
                }
                continue
            }
            for (number, failure) in result.failures.enumerated() {
                let lead = number == 0 ? "first divergence at" : "also at"
                let line = Self.command(
                    file: file,
                    line: failure.line ?? result.line,
                    column: nil,
                    title: result.name,
                    message:
                        "\(lead) \(failure.path): \(failure.message)\nexpected: \(failure.expected)\nactual:   \(failure.actual)"
                )
                if number == 0 { first.append(line) } else { more.append(line) }
            }
        }
        return first + more
    }

    /// `::error file=F,line=L[,col=C],title=T::message`, escaped as the workflow commands require.
    static func command(file: String, line: Int, column: Int?, title: String, message: String) -> String {
        var properties = ["file=\(Self.property(file))", "line=\(line)"]
        if let column { properties.append("col=\(column)") }
        properties.append("title=\(Self.property(title))")
        return "::error \(properties.joined(separator: ","))::\(Self.data(message))"
    }

    /// A message: `%`, CR and LF as `%25`, `%0D`, `%0A`.
    static func data(_ text: String) -> String {
        var output = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "%": output += "%25"
            case "\r": output += "%0D"
            case "\n": output += "%0A"
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output
    }

    /// A property value: as a message, and `:` and `,` as `%3A` and `%2C`.
    static func property(_ text: String) -> String {
        Self.data(text).replacing(":", with: "%3A").replacing(",", with: "%2C")
    }

    private static func relative(_ path: String, to workspace: String?) -> String {
        guard let workspace, !workspace.isEmpty, path.hasPrefix("/") else { return path }
        let root = workspace.hasSuffix("/") ? workspace : workspace + "/"
        return path.hasPrefix(root) ? String(path.dropFirst(root.count)) : path
    }
}
