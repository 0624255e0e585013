import Yams

extension NodeReader {
    /// Compiles a `request` matcher or anything under `expect`, reporting each problem (an unknown
    /// operator, a map that mixes an operator with other keys, a wrong operand, an invalid
    /// regular expression) as a diagnostic at its node.
    ///
    /// - Returns: the matcher, or `nil` when the node holds a problem (every problem in it is
    ///   reported, not only the first).
    func matcher(_ node: Node) -> Matcher? {
        MatcherCompiler<Node>(report: { message, node in self.error(message, at: node) }).matcher(node)
    }
}

extension Matcher {
    /// Compiles a matcher from a value built in code (tests, the runner), reading operators the
    /// way a scenario file does: `{"$regex": "^a"}` is a regular expression.
    ///
    /// A value carries no text as written, so its numbers and booleans match by value only; the
    /// rule that the unquoted `21` also matches the string `"21"` needs the YAML, through the
    /// loader. Use ``init(literal:)`` for data whose keys start with `$`.
    ///
    /// - Parameter value: the matcher, written as a value.
    /// - Throws: ``ScenarioError`` (`invalid_scenario`) whose message lists every problem, each
    ///   with the path of the value where it is.
    public init(compiling value: ScenarioValue) throws(ScenarioError) {
        var problems: [String] = []
        let compiler = MatcherCompiler<ValueSource>(report: { message, source in
            problems.append("\(source.path.isEmpty ? "the matcher" : source.path): \(message)")
        })
        let compiled = compiler.matcher(ValueSource(value: value, path: ""))
        guard let compiled, problems.isEmpty else {
            throw ScenarioError(code: .invalidScenario, message: problems.joined(separator: "\n"))
        }
        self = compiled
    }
}

extension Matcher {
    /// Compiles a matcher written in YAML, as it would stand under `expect` in a scenario.
    ///
    /// ```swift
    /// let matcher = try Matcher(yaml: "{ role: user, content: { $contains: Paris } }")
    /// ```
    ///
    /// - Parameters:
    ///   - yaml: the matcher's YAML text.
    ///   - file: names the text in diagnostics.
    /// - Throws: ``ScenarioError`` (`invalid_scenario`) with a ``Diagnostic`` for every problem.
    public init(yaml: String, file: String = "<matcher>") throws(ScenarioError) {
        let reader = NodeReader(file: file, source: yaml)
        var compiled: Matcher?
        do {
            if let node = try Yams.compose(yaml: yaml) {
                compiled = reader.refusesAliasExpansion(of: node, source: yaml) ? nil : reader.matcher(node)
            } else {
                reader.error("the matcher is empty", line: 1, column: 1)
            }
        } catch {
            reader.report(yamlError: error)
        }
        guard let compiled, reader.diagnostics.isEmpty else {
            let count = reader.diagnostics.count
            throw ScenarioError(
                code: .invalidScenario,
                message: "\(file): \(count) problem\(count == 1 ? "" : "s")",
                diagnostics: reader.diagnostics.sorted { ($0.line, $0.column) < ($1.line, $1.column) }
            )
        }
        self = compiled
    }
}

// MARK: - Sources

/// What a matcher is compiled from: a YAML node (problems reported at its position) or a value
/// built in code (problems reported at its path).
protocol MatcherSource {
    var matcherShape: MatcherShape<Self> { get }
    /// "a string", "a map", … for messages.
    var matcherKind: String { get }
}

/// The shape of a ``MatcherSource``.
enum MatcherShape<Source> {
    /// A scalar's value; `asWritten` is the text of an unquoted scalar that is not a string or null.
    case scalar(ScenarioValue, asWritten: String?)
    case list([Source])
    /// Each key (`nil` when it is not a scalar), the source of the key, and the value.
    case map([(key: String?, keySource: Source, value: Source)])
    /// Something a matcher cannot be made of; the message says why.
    case unsupported(String)
}

extension Node: MatcherSource {
    var matcherShape: MatcherShape<Node> {
        switch self {
        case .scalar(let scalar):
            guard scalar.style == .plain else { return .scalar(.string(scalar.string), asWritten: nil) }
            let value = NodeReader.resolve(scalar.string)
            switch value {
            case .null, .string: return .scalar(value, asWritten: nil)
            default: return .scalar(value, asWritten: scalar.string)
            }
        case .sequence(let sequence):
            return .list(Array(sequence))
        case .mapping(let mapping):
            return .map(mapping.map { (key: $0.key.scalar?.string, keySource: $0.key, value: $0.value) })
        case .alias:
            return .unsupported("YAML aliases are not supported in scenarios")
        }
    }

    var matcherKind: String { NodeReader.kind(of: self) }
}

/// A value being compiled, with its path for messages.
struct ValueSource: MatcherSource {
    var value: ScenarioValue
    var path: String

    var matcherShape: MatcherShape<ValueSource> {
        switch self.value {
        case .array(let items):
            return .list(
                items.enumerated().map { ValueSource(value: $0.element, path: MatchPath.indexed(self.path, $0.offset)) }
            )
        case .object(let members):
            return .map(
                members.map { member in
                    let path = MatchPath.keyed(self.path, member.key)
                    return (
                        key: member.key, keySource: ValueSource(value: .string(member.key), path: path),
                        value: ValueSource(value: member.value, path: path)
                    )
                }
            )
        default:
            return .scalar(self.value, asWritten: nil)
        }
    }

    var matcherKind: String { self.value.kindDescription }
}

// MARK: - Compiler

/// Turns a ``MatcherSource`` into a ``Matcher``, reporting every problem found.
struct MatcherCompiler<Source: MatcherSource> {
    let report: (String, Source) -> Void

    /// The matcher of `source`, or `nil` after reporting the problems in it.
    func matcher(_ source: Source) -> Matcher? {
        switch source.matcherShape {
        case .scalar(let value, let asWritten):
            return .scalar(value, asWritten: asWritten)
        case .list(let items):
            let matchers = items.map { self.matcher($0) }
            let compiled = matchers.compactMap { $0 }
            return compiled.count == matchers.count ? .list(compiled) : nil
        case .map(let entries):
            return self.map(entries)
        case .unsupported(let message):
            self.report(message, source)
            return nil
        }
    }

    /// The operator-free matcher of `$literal`'s operand.
    func literal(_ source: Source) -> Matcher? {
        switch source.matcherShape {
        case .scalar(let value, let asWritten):
            return .scalar(value, asWritten: asWritten)
        case .list(let items):
            let matchers = items.map { self.literal($0) }
            let compiled = matchers.compactMap { $0 }
            return compiled.count == matchers.count ? .list(compiled) : nil
        case .map(let entries):
            var compiled: [Matcher.Entry] = []
            var failed = false
            for entry in entries {
                guard let key = self.key(entry), let matcher = self.literal(entry.value) else {
                    failed = true
                    continue
                }
                compiled.append(Matcher.Entry(key, matcher))
            }
            return failed ? nil : .map(compiled)
        case .unsupported(let message):
            self.report(message, source)
            return nil
        }
    }

    private func key(_ entry: (key: String?, keySource: Source, value: Source)) -> String? {
        guard let key = entry.key else {
            self.report("expected a key (a string), found \(entry.keySource.matcherKind)", entry.keySource)
            return nil
        }
        return key
    }

    private func map(_ entries: [(key: String?, keySource: Source, value: Source)]) -> Matcher? {
        if let operatorEntry = entries.first(where: { $0.key?.hasPrefix("$") == true }), let name = operatorEntry.key {
            guard entries.count == 1 else {
                let others = entries.compactMap { $0.key }.filter { $0 != name }.map { "'\($0)'" }
                self.report(
                    "the operator '\(name)' cannot share a map with other keys (\(others.joined(separator: ", "))): "
                        + "an operator is a one-key map, so put it under the key whose value it checks "
                        + "(use $literal for data whose keys start with '$')",
                    operatorEntry.keySource
                )
                return nil
            }
            return self.operation(name, keySource: operatorEntry.keySource, operand: operatorEntry.value)
        }
        var compiled: [Matcher.Entry] = []
        var failed = false
        for entry in entries {
            guard let key = self.key(entry), let matcher = self.matcher(entry.value) else {
                failed = true
                continue
            }
            compiled.append(Matcher.Entry(key, matcher))
        }
        return failed ? nil : .map(compiled)
    }

    private func operation(_ name: String, keySource: Source, operand: Source) -> Matcher? {
        switch name {
        case "$regex":
            guard let pattern = self.text(operand, of: name, what: "a regular expression") else { return nil }
            do {
                _ = try Regex(pattern)
            } catch {
                self.report("invalid regular expression '\(pattern)' in '$regex': \(error)", operand)
                return nil
            }
            return .regex(pattern)
        case "$contains":
            return self.text(operand, of: name, what: "the text to find").map { .contains($0) }
        case "$any":
            return self.flag(operand, of: name, whenFalse: "use '$absent: true' for a key that must not be there")
                ? .any : nil
        case "$absent":
            return self.flag(operand, of: name, whenFalse: "use '$any: true' for a key that must be there")
                ? .absent : nil
        case "$json":
            return self.matcher(operand).map { .json($0) }
        case "$exact":
            return self.exact(operand)
        case "$contains_items":
            return self.items(operand, of: name).map { .containsItems($0) }
        case "$unordered":
            return self.items(operand, of: name).map { .unordered($0) }
        case "$length":
            guard case .scalar(.int(let count), _) = operand.matcherShape, count >= 0 else {
                self.report(
                    "'$length' takes a count (an integer, 0 or more), found \(self.describe(operand))",
                    operand
                )
                return nil
            }
            return .length(count)
        case "$first":
            return self.matcher(operand).map { .first($0) }
        case "$last":
            return self.matcher(operand).map { .last($0) }
        case "$not":
            return self.matcher(operand).map { .not($0) }
        case "$literal":
            return self.literal(operand).map { .literal($0) }
        default:
            var message = "unknown operator '\(name)'"
            if let suggestion = Suggestions.closest(to: name, in: Matcher.operatorNames) {
                message += " (did you mean '\(suggestion)'?)"
            } else {
                message +=
                    " (operators: \(Matcher.operatorNames.joined(separator: ", ")); "
                    + "use $literal for data whose keys start with '$')"
            }
            self.report(message, keySource)
            return nil
        }
    }

    /// A string operand; an unquoted scalar such as `21` gives its text as written.
    private func text(_ operand: Source, of name: String, what: String) -> String? {
        if case .scalar(let value, let asWritten) = operand.matcherShape {
            if case .string(let string) = value { return string }
            if let asWritten { return asWritten }
        }
        self.report("'\(name)' takes \(what) (a string), found \(self.describe(operand))", operand)
        return nil
    }

    /// `true`, the only operand of `$any` and `$absent`.
    private func flag(_ operand: Source, of name: String, whenFalse hint: String) -> Bool {
        guard case .scalar(.bool(let flag), _) = operand.matcherShape else {
            self.report("'\(name)' takes true, found \(self.describe(operand))", operand)
            return false
        }
        guard flag else {
            self.report("'\(name): false' is not an operator: \(hint)", operand)
            return false
        }
        return true
    }

    private func items(_ operand: Source, of name: String) -> [Matcher]? {
        guard case .list(let items) = operand.matcherShape else {
            self.report("'\(name)' takes a list of matchers, found \(self.describe(operand))", operand)
            return nil
        }
        let matchers = items.map { self.matcher($0) }
        let compiled = matchers.compactMap { $0 }
        return compiled.count == matchers.count ? compiled : nil
    }

    private func exact(_ operand: Source) -> Matcher? {
        guard case .map = operand.matcherShape else {
            self.report("'$exact' takes a map (the keys it must have), found \(self.describe(operand))", operand)
            return nil
        }
        guard let compiled = self.matcher(operand) else { return nil }
        if case .map(let entries) = compiled.storage { return .exact(entries) }
        if case .literal(let inner) = compiled.storage, case .map(let entries) = inner.storage {
            return .exact(entries)
        }
        self.report("'$exact' takes a map (the keys it must have), found the operator \(compiled)", operand)
        return nil
    }

    /// "a string", or "the number 3" / "false" for a scalar whose value says more.
    private func describe(_ source: Source) -> String {
        guard case .scalar(let value, _) = source.matcherShape else { return source.matcherKind }
        switch value {
        case .int, .double: return "the number \(value.jsonString)"
        case .bool(let flag): return flag ? "true" : "false"
        default: return source.matcherKind
        }
    }
}
