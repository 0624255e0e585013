import Foundation
import Testing

@testable import StreamReplayScenario

/// The JSON Schema against the loader's own tables: every key the loader accepts, at its level,
/// and every operator the matcher knows, are in the schema; the committed copy is the same text;
/// every bundled scenario names it for editors.
struct ScenarioSchemaTests {
    private static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    private static func schema() throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(ScenarioSchema.json.utf8))
        return try #require(object as? [String: Any])
    }

    /// The `properties` keys of the object at `path` (each step a property name, or `items`, or
    /// `$defs/NAME`).
    private static func keys(_ schema: [String: Any], _ path: [String]) throws -> Set<String> {
        var node: [String: Any] = schema
        for step in path {
            if step == "items" {
                node = try #require(node["items"] as? [String: Any], "no items at \(path)")
            } else if step.hasPrefix("$defs/") {
                let defs = try #require(schema["$defs"] as? [String: Any])
                node = try #require(defs[String(step.dropFirst(6))] as? [String: Any], "no \(step)")
            } else {
                let properties = try #require(node["properties"] as? [String: Any], "no properties at \(path)")
                node = try #require(properties[step] as? [String: Any], "no \(step) at \(path)")
            }
        }
        let properties = try #require(node["properties"] as? [String: Any], "no properties at \(path)")
        return Set(properties.keys)
    }

    @Test func everyKeyTheLoaderAcceptsIsInTheSchemaAtItsLevel() throws {
        let schema = try Self.schema()
        let levels: [([String], [String])] = [
            ([], ScenarioLoader.topLevelKeys),
            (["engine"], ScenarioLoader.engineKeys),
            (["engine", "persistence"], ScenarioLoader.persistenceKeys),
            (["tools", "items"], ScenarioLoader.toolKeys),
            (["turns", "items"], ScenarioLoader.turnKeys),
            (["turns", "items", "expect"], ScenarioLoader.turnExpectKeys),
            (["expect"], ScenarioLoader.expectKeys),
            (["live", "expect"], ScenarioLoader.liveExpectKeys),
            (["llm", "items"], ScenarioLoader.answerKeys),
            (["llm", "items", "framing"], ScenarioLoader.framingKeys),
            (["$defs/frame"], ScenarioLoader.frameKeys),
            (["$defs/toolCall"], ScenarioLoader.toolCallKeys),
            (["$defs/operator"], Matcher.operatorNames),
        ]
        for (path, accepted) in levels {
            let documented = try Self.keys(schema, path)
            // Exactly the loader's keys: one the schema lacks would underline a valid file, one
            // it adds would complete a key the loader refuses.
            #expect(documented == Set(accepted), "at \(path.isEmpty ? "the top level" : path.joined(separator: "."))")
        }
    }

    @Test func theCommittedSchemaIsTheOneTheToolPrints() throws {
        let committed = try String(
            contentsOf: Self.repository.appendingPathComponent("docs/scenario.schema.json"),
            encoding: .utf8
        )
        #expect(
            committed == ScenarioSchema.json,
            "edit docs/scenario.schema.json and ScenarioSchema+Text.swift together"
        )
    }

    @Test func everyBundledScenarioNamesTheSchemaForEditors() throws {
        let scenarios = Self.repository.appendingPathComponent("scenarios")
        let files = try ScenarioDiscovery.files(in: [scenarios.path])
        #expect(files.count > 100)
        for file in files {
            let text = try String(contentsOfFile: file, encoding: .utf8)
            let depth = file.dropFirst(scenarios.path.count + 1).split(separator: "/").count
            let relative = String(repeating: "../", count: depth) + "docs/scenario.schema.json"
            #expect(
                text.hasPrefix("# yaml-language-server: $schema=\(relative)\n"),
                "\(file) does not start with the schema line for editors"
            )
        }
    }
}
