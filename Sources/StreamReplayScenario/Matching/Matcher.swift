extension Scenario {
    /// What a value must look like: one matcher of the scenario format, compiled from `request` or
    /// from anything under `expect`.
    ///
    /// A matcher is checked against an actual value with ``firstMismatch(in:at:)``, which returns the
    /// first divergence in document order, or with ``matches(_:)``. The actual value is a
    /// `ScenarioValue?`: `nil` stands for a key that is not there.
    ///
    /// ```swift
    /// let matcher = try Matcher(compiling: .object([.init("role", .string("user"))]))
    /// let actual: ScenarioValue = .object([.init("role", .string("tool")), .init("content", .string("x"))])
    /// if let mismatch = matcher.firstMismatch(in: actual, at: "request.messages[1]") {
    ///     print(mismatch)
    ///     // request.messages[1].role: expected "user", found "tool"
    ///     //   expected: "user"
    ///     //   actual:   "tool"
    /// }
    /// ```
    ///
    /// The rules, from `scenario-format.md`:
    /// - a scalar matches an equal value; numbers compare by value (`1` matches `1.0`); a scalar
    ///   written without quotes also matches a string equal to its text as written (`21` matches
    ///   `"21"`, `true` matches `"true"`), but a quoted scalar is a string and matches only that
    ///   string (`'21'` does not match the number `21`); `null` matches only null;
    /// - a map matches a map that has at least its keys, each matching; `key: null` needs the key
    ///   present with null;
    /// - a list matches a list of the same length, item by item;
    /// - the operators (`$regex`, `$contains`, …) are the static members below.
    ///
    /// A struct rather than an enum so that a new operator breaks no one.
    public struct Matcher: Sendable, Hashable {
        /// The matcher's kind and operands; switched over inside the package.
        package indirect enum Storage: Sendable, Hashable {
            case scalar(ScenarioValue, asWritten: String?)
            case map([Entry])
            case list([Matcher])
            case regex(String)
            case contains(String)
            case any
            case absent
            case json(Matcher)
            case exact([Entry])
            case containsItems([Matcher])
            case unordered([Matcher])
            case length(Int)
            case first(Matcher)
            case last(Matcher)
            case not(Matcher)
            case literal(Matcher)
        }

        package var storage: Storage

        package init(_ storage: Storage) {
            self.storage = storage
        }

        /// A plain scalar: matches an equal value, numbers by value.
        ///
        /// `asWritten` is the text of a scalar written without quotes whose value is not a string
        /// (`21`, `1.50`, `true`); the matcher then also matches a string equal to that text. It is
        /// `nil` for strings, for quoted scalars, for `null`, and for matchers built from values.
        public static func scalar(_ value: ScenarioValue, asWritten: String?) -> Matcher {
            Matcher(.scalar(value, asWritten: asWritten))
        }
        /// A map: the actual map has at least these keys, each matching (other keys are allowed).
        public static func map(_ entries: [Entry]) -> Matcher { Matcher(.map(entries)) }
        /// A list: the actual list has the same length, item `i` matching matcher `i`.
        public static func list(_ items: [Matcher]) -> Matcher { Matcher(.list(items)) }
        /// `$regex: RE`: a string the regular expression (Swift `Regex` syntax) matches somewhere.
        public static func regex(_ pattern: String) -> Matcher { Matcher(.regex(pattern)) }
        /// `$contains: TEXT`: a string that contains TEXT.
        public static func contains(_ text: String) -> Matcher { Matcher(.contains(text)) }
        /// `$any: true`: any value that is present, null included.
        public static let any = Matcher(.any)
        /// `$absent: true`: a key that is not there.
        public static let absent = Matcher(.absent)
        /// `$json: M`: a string that parses as JSON whose value matches M.
        public static func json(_ inner: Matcher) -> Matcher { Matcher(.json(inner)) }
        /// `$exact: MAP`: a map with exactly these keys, each matching (only this level is exact).
        public static func exact(_ entries: [Entry]) -> Matcher { Matcher(.exact(entries)) }
        /// `$contains_items: [M, ...]`: a list in which these match distinct items, in this order;
        /// other items may stand between.
        public static func containsItems(_ items: [Matcher]) -> Matcher { Matcher(.containsItems(items)) }
        /// `$unordered: [M, ...]`: a list of the same length whose items match these in some
        /// one-to-one assignment.
        public static func unordered(_ items: [Matcher]) -> Matcher { Matcher(.unordered(items)) }
        /// `$length: N`: a list of N items, or a string of N Unicode scalars.
        public static func length(_ count: Int) -> Matcher { Matcher(.length(count)) }
        /// `$first: M`: a non-empty list whose first item matches M.
        public static func first(_ inner: Matcher) -> Matcher { Matcher(.first(inner)) }
        /// `$last: M`: a non-empty list whose last item matches M.
        public static func last(_ inner: Matcher) -> Matcher { Matcher(.last(inner)) }
        /// `$not: M`: anything M does not match (an absent key included, unless M is `$absent`).
        public static func not(_ inner: Matcher) -> Matcher { Matcher(.not(inner)) }
        /// `$literal: V`: V read as data: keys starting with `$` are plain keys, not operators.
        ///
        /// The wrapped matcher holds only ``scalar(_:asWritten:)``, ``map(_:)`` and ``list(_:)``, and
        /// follows their rules (a map inside still matches a map with at least its keys).
        public static func literal(_ inner: Matcher) -> Matcher { Matcher(.literal(inner)) }

        /// One key of a map matcher and what its value must match.
        public struct Entry: Sendable, Hashable {
            /// The key, as written (a key starting with `$` only inside `$literal`).
            public var key: String
            /// What the key's value must match.
            public var matcher: Matcher

            /// `key` must be present and its value match `matcher`.
            public init(_ key: String, _ matcher: Matcher) {
                self.key = key
                self.matcher = matcher
            }
        }

        /// Every operator of the format, as written in a scenario.
        public static let operatorNames = [
            "$regex", "$contains", "$any", "$absent", "$json", "$exact", "$contains_items", "$unordered", "$length",
            "$first", "$last", "$not", "$literal",
        ]

        /// A plain value matcher for `value`, taken as data: strings, numbers and booleans match by
        /// value, maps as subsets, lists in order; keys starting with `$` are plain keys.
        ///
        /// Unlike ``init(compiling:)`` this never fails, and never reads operators.
        public init(literal value: ScenarioValue) {
            switch value {
            case .array(let items):
                self.init(.list(items.map { Matcher(literal: $0) }))
            case .object(let members):
                self.init(.map(members.map { Entry($0.key, Matcher(literal: $0.value)) }))
            default:
                self.init(.scalar(value, asWritten: nil))
            }
        }
    }
}

extension Matcher: CustomStringConvertible {
    /// The matcher as it would be written, in JSON-like form: `"abc"`, `21`,
    /// `{"role": "user", "content": {"$regex": "^x"}}`.
    public var description: String {
        var output = ""
        self.render(into: &output)
        return output
    }

    private func render(into output: inout String) {
        switch self.storage {
        case .scalar(let value, _):
            value.writeJSON(into: &output)
        case .map(let entries):
            Self.render(entries, into: &output)
        case .list(let items):
            Self.render(items, into: &output)
        case .regex(let pattern):
            Self.renderOperator("$regex", into: &output) { ScenarioValue.writeJSONString(pattern, into: &$0) }
        case .contains(let text):
            Self.renderOperator("$contains", into: &output) { ScenarioValue.writeJSONString(text, into: &$0) }
        case .any:
            Self.renderOperator("$any", into: &output) { $0 += "true" }
        case .absent:
            Self.renderOperator("$absent", into: &output) { $0 += "true" }
        case .json(let inner):
            Self.renderOperator("$json", into: &output) { inner.render(into: &$0) }
        case .exact(let entries):
            Self.renderOperator("$exact", into: &output) { Self.render(entries, into: &$0) }
        case .containsItems(let items):
            Self.renderOperator("$contains_items", into: &output) { Self.render(items, into: &$0) }
        case .unordered(let items):
            Self.renderOperator("$unordered", into: &output) { Self.render(items, into: &$0) }
        case .length(let count):
            Self.renderOperator("$length", into: &output) { $0 += String(count) }
        case .first(let inner):
            Self.renderOperator("$first", into: &output) { inner.render(into: &$0) }
        case .last(let inner):
            Self.renderOperator("$last", into: &output) { inner.render(into: &$0) }
        case .not(let inner):
            Self.renderOperator("$not", into: &output) { inner.render(into: &$0) }
        case .literal(let inner):
            Self.renderOperator("$literal", into: &output) { inner.render(into: &$0) }
        }
    }

    private static func renderOperator(_ name: String, into output: inout String, operand: (inout String) -> Void) {
        output += "{\"\(name)\": "
        operand(&output)
        output += "}"
    }

    private static func render(_ entries: [Entry], into output: inout String) {
        output += "{"
        for (index, entry) in entries.enumerated() {
            if index > 0 { output += ", " }
            ScenarioValue.writeJSONString(entry.key, into: &output)
            output += ": "
            entry.matcher.render(into: &output)
        }
        output += "}"
    }

    private static func render(_ items: [Matcher], into output: inout String) {
        output += "["
        for (index, item) in items.enumerated() {
            if index > 0 { output += ", " }
            item.render(into: &output)
        }
        output += "]"
    }
}
