import Yams

/// Reads composed YAML nodes into typed values, collecting every problem as a ``Diagnostic``
/// instead of stopping at the first.
final class NodeReader {
    let file: String
    private let lines: [Substring]
    private(set) var diagnostics: [Diagnostic] = []
    /// The `sweep` keys read so far: a scenario sweeps at most one frame.
    var sweepKeys: [Node] = []

    init(file: String, source: String) {
        self.file = file
        self.lines = source.split(separator: "\n", omittingEmptySubsequences: false)
    }

    // MARK: Problems

    /// The 1-based `line` of the source, without its line break; `nil` past the end.
    func sourceLine(_ line: Int) -> Substring? {
        guard line >= 1, line <= self.lines.count else { return nil }
        let text = self.lines[line - 1]
        return text.hasSuffix("\r") ? text.dropLast() : text
    }

    /// The nearest line before `line` that holds more than blanks or a comment.
    func previousContentLine(before line: Int) -> (number: Int, text: Substring)? {
        var number = line - 1
        while let text = self.sourceLine(number) {
            let content = text.drop { $0 == " " || $0 == "\t" }
            if !content.isEmpty, !content.hasPrefix("#") { return (number, text) }
            number -= 1
        }
        return nil
    }

    func error(_ message: String, at node: Node) {
        self.error(message, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1)
    }

    func error(_ message: String, line: Int, column: Int) {
        self.diagnostics.append(
            Diagnostic(
                file: self.file,
                line: line,
                column: column,
                message: message,
                sourceLine: self.sourceLine(line).map(String.init)
            )
        )
    }

    /// Reports a document whose aliases expand beyond the file's ``AliasBudget``; `true` when
    /// it does, and then nothing may walk `root`.
    func refusesAliasExpansion(of root: Node, source: String) -> Bool {
        guard let overrun = AliasBudget(source: source).overrun(in: root) else { return false }
        self.error(
            "this alias expands the document beyond \(overrun.budget) nodes (the file itself has \(overrun.composedNodes)): "
                + "nested aliases that multiply like this are refused; write the values out or nest fewer aliases",
            line: overrun.line,
            column: overrun.column
        )
        return true
    }

    // MARK: Shapes

    /// The kind of a node for messages: "a string", "a list", "a map", "null", ….
    static func kind(of node: Node) -> String {
        switch node {
        case .mapping: return "a map"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar(let scalar):
            guard scalar.style == .plain else { return "a string" }
            switch Self.resolve(scalar.string) {
            case .null: return "null"
            case .bool: return "a boolean"
            case .int, .double: return "a number"
            default: return "a string"
            }
        }
    }

    /// The entries of a map whose keys are all in `allowed`; unknown keys are reported with a
    /// suggestion. Returns `nil` (and reports) when the node is not a map.
    func mapping(_ node: Node, allowed: [String], what: String) -> [(key: String, keyNode: Node, value: Node)]? {
        guard case .mapping(let mapping) = node else {
            self.error("expected \(what) (a map), found \(Self.kind(of: node))", at: node)
            return nil
        }
        var entries: [(key: String, keyNode: Node, value: Node)] = []
        for (keyNode, value) in mapping {
            guard case .scalar(let keyScalar) = keyNode else {
                self.error("expected a key (a string), found \(Self.kind(of: keyNode))", at: keyNode)
                continue
            }
            let key = keyScalar.string
            if !allowed.contains(key) {
                var message = "unknown key '\(key)' in \(what)"
                if let suggestion = Suggestions.closest(to: key, in: allowed) {
                    message += " (did you mean '\(suggestion)'?)"
                } else {
                    message += " (expected one of: \(allowed.joined(separator: ", ")))"
                }
                self.error(message, at: keyNode)
                continue
            }
            entries.append((key, keyNode, value))
        }
        return entries
    }

    /// A string; a plain scalar such as `21` or `no` gives its text as written.
    func string(_ node: Node, what: String) -> String? {
        if case .scalar(let scalar) = node {
            if scalar.style == .plain, case .null = Self.resolve(scalar.string) {
                self.error("expected \(what) (a string), found null", at: node)
                return nil
            }
            return scalar.string
        }
        self.error("expected \(what) (a string), found \(Self.kind(of: node))", at: node)
        return nil
    }

    /// A string, or a map/list written as compact JSON.
    func stringOrJSON(_ node: Node, what: String) -> String? {
        switch node {
        case .mapping, .sequence: return self.value(node).jsonString
        default: return self.string(node, what: what)
        }
    }

    /// An integer in `range`.
    func int(_ node: Node, what: String, range: ClosedRange<Int> = Int.min...Int.max) -> Int? {
        guard case .scalar(let scalar) = node, scalar.style == .plain,
            case .int(let value) = Self.resolve(scalar.string)
        else {
            self.error("expected \(what) (an integer), found \(Self.kind(of: node))", at: node)
            return nil
        }
        guard range.contains(value) else {
            let bounds =
                range.upperBound == Int.max
                ? "at least \(range.lowerBound)" : "from \(range.lowerBound) to \(range.upperBound)"
            self.error("\(what) must be \(bounds), found \(value)", at: node)
            return nil
        }
        return value
    }

    /// `true` or `false`.
    func bool(_ node: Node, what: String) -> Bool? {
        guard case .scalar(let scalar) = node, scalar.style == .plain,
            case .bool(let value) = Self.resolve(scalar.string)
        else {
            self.error("expected \(what) (true or false), found \(Self.kind(of: node))", at: node)
            return nil
        }
        return value
    }

    /// Each item of a list, or reports that the node is not a list.
    func sequence(_ node: Node, what: String) -> [Node]? {
        guard case .sequence(let sequence) = node else {
            self.error("expected \(what) (a list), found \(Self.kind(of: node))", at: node)
            return nil
        }
        return Array(sequence)
    }

    /// The JSON-shaped value of a node, scalars resolved with the YAML 1.2 core schema
    /// (`yes`/`no` stay strings; quoted scalars are always strings).
    func value(_ node: Node) -> ScenarioValue {
        switch node {
        case .scalar(let scalar):
            return scalar.style == .plain ? Self.resolve(scalar.string) : .string(scalar.string)
        case .sequence(let sequence):
            return .array(sequence.map { self.value($0) })
        case .mapping(let mapping):
            return .object(
                mapping.map { key, value in ScenarioValue.Member(key.scalar?.string ?? "", self.value(value)) }
            )
        case .alias:
            self.error("YAML aliases are not supported in scenarios", at: node)
            return .null
        }
    }

    /// Resolves a plain scalar: null, booleans, integers, floats, else a string.
    static func resolve(_ text: String) -> ScenarioValue {
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .double(.infinity)
        case "-.inf", "-.Inf", "-.INF": return .double(-.infinity)
        case ".nan", ".NaN", ".NAN": return .double(.nan)
        default: break
        }
        if let int = Int(text) { return .int(int) }
        if text.hasPrefix("0x"), let int = Int(text.dropFirst(2), radix: 16) { return .int(int) }
        if text.hasPrefix("0o"), let int = Int(text.dropFirst(2), radix: 8) { return .int(int) }
        let numberLike = text.unicodeScalars.allSatisfy { "0123456789+-.eE".unicodeScalars.contains($0) }
        if numberLike, text.unicodeScalars.contains(where: { ("0"..."9").contains($0) }), let double = Double(text) {
            return .double(double)
        }
        return .string(text)
    }
}
