import StreamReplayScenario

/// JUnit XML as GitHub Actions, GitLab and Jenkins read it: one `testsuite` per folder, one
/// `testcase` per scenario (`classname` the folder, `name` the scenario's name), `failure` for
/// fail, `error` for a wrong file, `skipped` for a skip; the diff goes in the failure body.
package enum JUnitReport {
    package static func xml(_ summary: RunSummary) -> String {
        var folders: [String] = []
        var byFolder: [String: [ScenarioResult]] = [:]
        for result in summary.results {
            if byFolder[result.folder] == nil { folders.append(result.folder) }
            byFolder[result.folder, default: []].append(result)
        }
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml +=
            "<testsuites name=\"stream-replay\" tests=\"\(summary.results.count)\" failures=\"\(summary.count(.fail))\""
        xml +=
            " errors=\"\(summary.count(.error))\" skipped=\"\(summary.count(.skipped))\" time=\"\(Self.seconds(summary.durationMilliseconds))\">\n"
        for folder in folders {
            let results = byFolder[folder] ?? []
            let failures = results.filter { $0.verdict == .fail }.count
            let errors = results.filter { $0.verdict == .error }.count
            let skipped = results.filter { $0.verdict == .skipped }.count
            let time = results.map(\.durationMilliseconds).reduce(0, +)
            xml +=
                "  <testsuite name=\"\(Self.escape(folder))\" tests=\"\(results.count)\" failures=\"\(failures)\" errors=\"\(errors)\""
            xml += " skipped=\"\(skipped)\" time=\"\(Self.seconds(time))\">\n"
            for result in results {
                xml += "    <testcase classname=\"\(Self.escape(folder))\" name=\"\(Self.escape(result.name))\""
                xml += " file=\"\(Self.escape(result.file))\" line=\"\(result.line)\""
                xml += " time=\"\(Self.seconds(result.durationMilliseconds))\""
                var inner = ""
                // The engine is named when it is not the default (ChatEngine in process).
                let adapter = result.engine.flatMap { $0 == InProcessEngine().label ? nil : $0 }
                if !result.notApplicable.isEmpty || adapter != nil {
                    inner += "      <properties>\n"
                    if let engine = adapter {
                        inner += "        <property name=\"engine\" value=\"\(Self.escape(engine))\"/>\n"
                    }
                    for path in result.notApplicable {
                        inner += "        <property name=\"not_applicable\" value=\"\(Self.escape(path))\"/>\n"
                    }
                    inner += "      </properties>\n"
                }
                let findings = result.findings.map(\.description).joined(separator: "\n")
                switch result.verdict {
                case .pass:
                    if !findings.isEmpty { inner += "      <system-out>\(Self.escape(findings))</system-out>\n" }
                case .fail:
                    let first = result.failures.first?.message ?? "failed"
                    inner += "      <failure message=\"\(Self.escape(first))\" type=\"scenario\">"
                    inner += Self.escape(TextReport.failureBody(result)) + "</failure>\n"
                case .error where result.diagnostics.isEmpty:
                    let first = result.failures.first?.message ?? "error"
                    inner += "      <error message=\"\(Self.escape(first))\" type=\"adapter-protocol\">"
                    inner += Self.escape(TextReport.failureBody(result)) + "</error>\n"
                case .error:
                    let first = result.diagnostics.first?.headline ?? "invalid scenario file"
                    inner += "      <error message=\"\(Self.escape(first))\" type=\"invalid-scenario\">"
                    inner += Self.escape(result.diagnostics.map(\.description).joined(separator: "\n")) + "</error>\n"
                case .skipped:
                    let message = result.skipReason.map { " message=\"\(Self.escape($0))\"" } ?? ""
                    inner += "      <skipped\(message)/>\n"
                }
                xml += inner.isEmpty ? "/>\n" : ">\n" + inner + "    </testcase>\n"
            }
            xml += "  </testsuite>\n"
        }
        xml += "</testsuites>\n"
        return xml
    }

    static func seconds(_ milliseconds: Int) -> String {
        let whole = milliseconds / 1000
        let fraction = milliseconds % 1000
        return "\(whole).\(String(repeating: "0", count: 3 - String(fraction).count))\(fraction)"
    }

    static func escape(_ text: String) -> String {
        Markup.escape(text)
    }
}
