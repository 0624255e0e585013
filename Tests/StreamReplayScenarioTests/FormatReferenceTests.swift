import Foundation
import Testing

@testable import StreamReplayScenario

/// `docs/scenario-format.md` against the loader's and the matcher's own tables: a key the loader
/// accepts or an operator the matcher knows that the reference does not name fails here.
struct FormatReferenceTests {
    private static let reference: String = {
        let file = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/scenario-format.md")
        return (try? String(contentsOf: file, encoding: .utf8)) ?? ""
    }()

    @Test func theReferenceExists() {
        #expect(Self.reference.hasPrefix("# The scenario format"))
    }

    @Test func everyKeyAndOperatorIsNamed() {
        let tables: [(String, [String])] = [
            ("top level", ScenarioLoader.topLevelKeys), ("engine", ScenarioLoader.engineKeys),
            ("persistence", ScenarioLoader.persistenceKeys), ("tools", ScenarioLoader.toolKeys),
            ("turns", ScenarioLoader.turnKeys), ("turn expect", ScenarioLoader.turnExpectKeys),
            ("expect", ScenarioLoader.expectKeys), ("live expect", ScenarioLoader.liveExpectKeys),
            ("llm", ScenarioLoader.answerKeys), ("framing", ScenarioLoader.framingKeys),
            ("frames", ScenarioLoader.frameKeys), ("tool_call", ScenarioLoader.toolCallKeys),
            ("operators", Matcher.operatorNames), ("invariants", Expectations.invariantNames),
        ]
        for (table, names) in tables {
            for name in names {
                // Named in code style: `name`, `name: …`, `persistence.name`, `framing.name`.
                let named =
                    Self.reference.contains("`\(name)`") || Self.reference.contains("`\(name):")
                    || Self.reference.contains(".\(name)`")
                #expect(named, "docs/scenario-format.md does not name '\(name)' (\(table))")
            }
        }
    }
}
