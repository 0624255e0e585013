import Yams

/// Where a report's path points in a scenario file: `expect.messages[1].content` → the line of
/// that value, so that a failure can be shown at the line of the failing expectation.
package enum ScenarioSourceLines {
    /// The 1-based line of the deepest node of `path` found in `yaml` (a path such as
    /// `expect.events[2].extra`, `turns[0].expect.text` or `llm[1].request`); the line of
    /// `turns` for an invariant (`invariant.…`) or a path with no node; `nil` when the text does
    /// not parse.
    package static func line(of path: String, in yaml: String) -> Int? {
        guard let root = try? Yams.compose(yaml: yaml) else { return nil }
        let turnsLine = Self.child(root, "turns")?.key.mark?.line ?? 1
        if path.hasPrefix("invariant.") || path == "repeat" || path == "run" { return turnsLine }
        var node = root
        var line: Int?
        for component in Self.components(of: path) {
            switch component {
            case .key(let key):
                guard let (keyNode, value) = Self.child(node, key) else { return line ?? turnsLine }
                line = keyNode.mark?.line
                node = value
            case .index(let index):
                guard case .sequence(let items) = node, index < items.count else { return line ?? turnsLine }
                line = items[index].mark?.line
                node = items[index]
            }
        }
        return line ?? turnsLine
    }

    private enum Component {
        case key(String)
        case index(Int)
    }

    /// `expect.messages[1].content` → key expect, key messages, index 1, key content; a copy
    /// note (`turns[0](copy 2).expect`) and anything unreadable are dropped.
    private static func components(of path: String) -> [Component] {
        var components: [Component] = []
        var text = Substring(path)
        while !text.isEmpty {
            if text.hasPrefix(".") {
                text = text.dropFirst()
                continue
            }
            if text.hasPrefix("(") {
                text = text.drop { $0 != ")" }.dropFirst()
                continue
            }
            if text.hasPrefix("[") {
                let digits = text.dropFirst().prefix { $0.isNumber }
                if let index = Int(digits) { components.append(.index(index)) }
                text = text.dropFirst(1 + digits.count).drop { $0 != "." && $0 != "[" }
                continue
            }
            let key = text.prefix { $0 != "." && $0 != "[" && $0 != "(" }
            components.append(.key(String(key)))
            text = text.dropFirst(key.count)
        }
        return components
    }

    private static func child(_ node: Node, _ key: String) -> (key: Node, value: Node)? {
        guard case .mapping(let mapping) = node else { return nil }
        for (keyNode, value) in mapping where keyNode.string == key {
            return (keyNode, value)
        }
        return nil
    }
}
