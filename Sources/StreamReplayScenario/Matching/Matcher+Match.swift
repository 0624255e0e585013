extension Scenario.Matcher {
    /// Where and how an actual value diverges from a ``Matcher``: one failure of a report.
    public struct Mismatch: Sendable, Hashable, CustomStringConvertible {
        /// A JSON-path-like location rooted at the caller's prefix: `expect.events[2].extra.request_id`.
        public var path: String
        /// The matcher at that place, as written: `"abc"`, `{"$regex": "^x"}`.
        public var expected: String
        /// The actual value there as compact JSON, or `<absent>` for a key that is not there.
        public var actual: String
        /// What is wrong, one sentence: `key 'x' is missing`, `expected a list of 3 items, found 2`.
        public var message: String

        /// A mismatch at `path`; `expected` and `actual` are shown under the `message`.
        public init(path: String, expected: String, actual: String, message: String) {
            self.path = path
            self.expected = expected
            self.actual = actual
            self.message = message
        }

        /// `path: message`, then the expected and actual values on their own lines.
        public var description: String {
            "\(self.path.isEmpty ? "(root)" : self.path): \(self.message)\n  expected: \(self.expected)\n  actual:   \(self.actual)"
        }

        /// Stands for a failure whose explanation was not asked for (``Matcher/matches(_:)``).
        static let unexplained = Mismatch(path: "", expected: "", actual: "", message: "")

        /// How an absent value is shown in ``actual``.
        static let absentText = "<absent>"
    }
}

extension Matcher {
    /// Whether `actual` matches; `nil` is a key that is not there.
    public func matches(_ actual: ScenarioValue?) -> Bool {
        self.check(actual, at: .root(""), explain: false) == nil
    }

    /// The first place, depth-first in the order the matcher is written, where `actual` does not
    /// match, or `nil` when it matches.
    ///
    /// - Parameters:
    ///   - actual: the value to check; `nil` is a key that is not there.
    ///   - path: the location of `actual`, the prefix of every ``Mismatch/path``: `expect.events`.
    /// - Returns: the first divergence, or `nil` when `actual` matches.
    public func firstMismatch(in actual: ScenarioValue?, at path: String) -> Mismatch? {
        self.check(actual, at: .root(path), explain: true)
    }

    // MARK: Checking

    /// The one implementation of matching. With `explain: false` it builds no text and returns
    /// ``Mismatch/unexplained`` on failure.
    private func check(_ actual: ScenarioValue?, at path: MatchPath, explain: Bool) -> Mismatch? {
        guard let actual else {
            switch self.storage {
            case .absent: return nil
            case .not(let inner):
                return inner.check(nil, at: path, explain: false) == nil
                    ? self.fail(nil, path, explain, "the value is absent, which $not excludes") : nil
            default:
                return self.fail(nil, path, explain, path.lastKey.map { "key '\($0)' is missing" } ?? "no value")
            }
        }
        switch self.storage {
        case .scalar(let expected, let asWritten):
            if Self.equal(expected, actual) { return nil }
            if let asWritten, case .string(let string) = actual, Self.sameScalars(string, asWritten) { return nil }
            return self.fail(actual, path, explain, Self.scalarMessage(expected, asWritten: asWritten, actual: actual))
        case .map(let entries):
            return self.checkMap(entries, exact: false, actual, at: path, explain: explain)
        case .exact(let entries):
            return self.checkMap(entries, exact: true, actual, at: path, explain: explain)
        case .list(let matchers):
            return self.checkList(matchers, actual, at: path, explain: explain)
        case .literal(let inner):
            return inner.check(actual, at: path, explain: explain)
        case .regex(let pattern):
            guard case .string(let string) = actual else { return self.wrongKind("a string", actual, path, explain) }
            let regex: Regex<AnyRegexOutput>
            do {
                regex = try Regex(pattern)
            } catch {
                return self.fail(actual, path, explain, "invalid regular expression '\(pattern)': \(error)")
            }
            if string.contains(regex) { return nil }
            return self.fail(actual, path, explain, "regex \(pattern) matched nothing in \(Self.quoted(string))")
        case .contains(let text):
            guard case .string(let string) = actual else { return self.wrongKind("a string", actual, path, explain) }
            if text.isEmpty || Self.scalarRange(of: text, in: string) { return nil }
            return self.fail(actual, path, explain, "\(Self.quoted(string)) does not contain \(Self.quoted(text))")
        case .any:
            return nil
        case .absent:
            return self.fail(
                actual,
                path,
                explain,
                path.lastKey.map { "key '\($0)' should be absent, found \(actual.kindDescription)" }
                    ?? "expected no value, found \(actual.kindDescription)"
            )
        case .json(let inner):
            guard case .string(let string) = actual else {
                return self.wrongKind("a string holding JSON", actual, path, explain)
            }
            guard let parsed = try? ScenarioValue.parseJSON(Array(string.utf8)) else {
                return self.fail(actual, path, explain, "expected a string holding JSON, found text that is not JSON")
            }
            return inner.check(parsed, at: path, explain: explain)
        case .containsItems(let matchers):
            guard case .array(let items) = actual else { return self.wrongKind("a list", actual, path, explain) }
            return self.checkContainsItems(matchers, items, actual, at: path, explain: explain)
        case .unordered(let matchers):
            guard case .array(let items) = actual else { return self.wrongKind("a list", actual, path, explain) }
            return self.checkUnordered(matchers, items, actual, at: path, explain: explain)
        case .length(let count):
            let found: Int
            let unit: String
            switch actual {
            case .array(let items):
                found = items.count
                unit = "a list of \(Self.counted(count, "item"))"
            case .string(let string):
                found = string.unicodeScalars.count
                unit = "a string of \(Self.counted(count, "Unicode scalar"))"
            default:
                return self.wrongKind("a list or a string", actual, path, explain)
            }
            return found == count ? nil : self.fail(actual, path, explain, "expected \(unit), found \(found)")
        case .first(let inner), .last(let inner):
            guard case .array(let items) = actual else {
                return self.wrongKind("a non-empty list", actual, path, explain)
            }
            guard let index = self.isFirst ? items.indices.first : items.indices.last else {
                return self.fail(actual, path, explain, "expected a non-empty list, found an empty list")
            }
            return inner.check(items[index], at: .index(path, index), explain: explain)
        case .not(let inner):
            if inner.check(actual, at: path, explain: false) != nil { return nil }
            return self.fail(actual, path, explain, "the value matches \(inner), which $not excludes")
        }
    }

    private var isFirst: Bool {
        if case .first = self.storage { return true }
        return false
    }

    private func checkMap(
        _ entries: [Entry],
        exact: Bool,
        _ actual: ScenarioValue,
        at path: MatchPath,
        explain: Bool
    ) -> Mismatch? {
        guard case .object(let members) = actual else { return self.wrongKind("a map", actual, path, explain) }
        for entry in entries {
            let value = members.first { $0.key == entry.key }?.value
            if let mismatch = entry.matcher.check(value, at: .key(path, entry.key), explain: explain) {
                return mismatch
            }
        }
        guard exact, let extra = members.first(where: { member in !entries.contains { $0.key == member.key } })
        else { return nil }
        guard explain else { return .unexplained }
        let allowed = entries.isEmpty ? "no key" : "only " + entries.map { "'\($0.key)'" }.joined(separator: ", ")
        return Mismatch(
            path: MatchPath.key(path, extra.key).rendered,
            expected: Mismatch.absentText,
            actual: extra.value.jsonString,
            message: "unexpected key '\(extra.key)': $exact allows \(allowed)"
        )
    }

    private func checkList(
        _ matchers: [Matcher],
        _ actual: ScenarioValue,
        at path: MatchPath,
        explain: Bool
    ) -> Mismatch? {
        guard case .array(let items) = actual else { return self.wrongKind("a list", actual, path, explain) }
        for (index, (matcher, item)) in zip(matchers, items).enumerated() {
            guard var mismatch = matcher.check(item, at: .index(path, index), explain: explain) else { continue }
            if explain, matchers.count != items.count {
                mismatch.message +=
                    " (and the list has \(Self.counted(items.count, "item")), expected \(matchers.count))"
            }
            return mismatch
        }
        guard matchers.count != items.count else { return nil }
        let first = min(matchers.count, items.count)
        let last = max(matchers.count, items.count) - 1
        let which = first == last ? "item [\(first)] is" : "items [\(first)] to [\(last)] are"
        let message =
            "expected a list of \(Self.counted(matchers.count, "item")), found \(items.count): "
            + "\(which) \(items.count > matchers.count ? "extra" : "missing")"
        return self.fail(actual, path, explain, message)
    }

    private func checkContainsItems(
        _ matchers: [Matcher],
        _ items: [ScenarioValue],
        _ actual: ScenarioValue,
        at path: MatchPath,
        explain: Bool
    ) -> Mismatch? {
        // Taking the earliest matching item for each matcher in turn leaves the most room for
        // the ones after it, so this finds an assignment whenever one exists.
        var next = 0
        var previous: Int?
        for (position, matcher) in matchers.enumerated() {
            guard let found = items[next...].indices.first(where: { matcher.matches(items[$0]) }) else {
                guard explain else { return .unexplained }
                var message: String
                if let previous {
                    message = "no item after [\(previous)] matches $contains_items[\(position)]"
                    if let earlier = items[..<next].indices.first(where: { matcher.matches(items[$0]) }) {
                        message +=
                            " (it matches [\(earlier)], but [\(previous)] is the earliest item that matches "
                            + "$contains_items[\(position - 1)])"
                    }
                } else {
                    message = "no item matches $contains_items[\(position)]"
                }
                return Mismatch(
                    path: path.rendered,
                    expected: matcher.description,
                    actual: actual.jsonString,
                    message: message
                )
            }
            previous = found
            next = found + 1
        }
        return nil
    }

    private func checkUnordered(
        _ matchers: [Matcher],
        _ items: [ScenarioValue],
        _ actual: ScenarioValue,
        at path: MatchPath,
        explain: Bool
    ) -> Mismatch? {
        guard items.count == matchers.count else {
            return self.fail(
                actual,
                path,
                explain,
                "expected a list of \(Self.counted(matchers.count, "item")) in any order, found \(items.count)"
            )
        }
        let candidates = matchers.map { matcher in items.indices.filter { matcher.matches(items[$0]) } }
        var assignment = BipartiteAssignment(candidates: candidates, itemCount: items.count)
        let paired = assignment.maximumMatching()
        if paired == matchers.count { return nil }
        guard explain else { return .unexplained }
        var message = "no assignment matches every item of $unordered"
        if let lonely = candidates.firstIndex(where: \.isEmpty) {
            message += ": $unordered[\(lonely)] matches no item"
        } else if let stray = items.indices.first(where: { index in !candidates.contains { $0.contains(index) } }) {
            message += ": item [\(stray)] matches no matcher of $unordered"
        } else {
            message += ": at most \(paired) of \(matchers.count) items can be paired"
        }
        return Mismatch(path: path.rendered, expected: self.description, actual: actual.jsonString, message: message)
    }

    // MARK: Failures

    private func fail(
        _ actual: ScenarioValue?,
        _ path: MatchPath,
        _ explain: Bool,
        _ message: @autoclosure () -> String
    ) -> Mismatch {
        guard explain else { return .unexplained }
        return Mismatch(
            path: path.rendered,
            expected: self.description,
            actual: actual?.jsonString ?? Mismatch.absentText,
            message: message()
        )
    }

    private func wrongKind(_ expected: String, _ actual: ScenarioValue, _ path: MatchPath, _ explain: Bool) -> Mismatch
    {
        self.fail(actual, path, explain, "expected \(expected), found \(actual.kindDescription)")
    }

    private static func scalarMessage(_ expected: ScenarioValue, asWritten: String?, actual: ScenarioValue) -> String {
        switch (expected, actual) {
        case (.string(let expectedString), .string(let actualString)):
            return Self.stringDifference(expectedString, actualString)
        case (.int, .int), (.int, .double), (.double, .int), (.double, .double), (.bool, .bool):
            return "expected \(expected.jsonString), found \(actual.jsonString)"
        case (_, .string(let actualString)) where asWritten != nil:
            return "expected \(expected.jsonString) (or the string \(Self.quoted(asWritten ?? ""))), "
                + "found the string \(Self.quoted(actualString))"
        case (.null, _), (.bool, _), (.int, _), (.double, _), (.string, _):
            return "expected \(Self.describe(expected)), found \(Self.describe(actual))"
        case (.array, _), (.object, _):
            return "expected \(expected.jsonString), found \(actual.jsonString)"
        }
    }

    /// Where two different strings part, in Unicode scalars.
    private static func stringDifference(_ expected: String, _ actual: String) -> String {
        let expectedScalars = Array(expected.unicodeScalars)
        let actualScalars = Array(actual.unicodeScalars)
        let common = zip(expectedScalars, actualScalars).prefix { $0 == $1 }.count
        if common == 0, !expectedScalars.isEmpty, !actualScalars.isEmpty {
            return "expected \(Self.quoted(expected)), found \(Self.quoted(actual))"
        }
        if common == expectedScalars.count {
            return "the string has \(Self.counted(actualScalars.count - common, "extra Unicode scalar")) at the end: "
                + Self.quoted(String(String.UnicodeScalarView(actualScalars[common...])))
        }
        if common == actualScalars.count {
            return "the string ends early: \(Self.counted(expectedScalars.count - common, "Unicode scalar")) missing: "
                + Self.quoted(String(String.UnicodeScalarView(expectedScalars[common...])))
        }
        return "the strings differ from Unicode scalar \(common) on: expected "
            + Self.quoted(String(String.UnicodeScalarView(expectedScalars[common...])))
            + ", found " + Self.quoted(String(String.UnicodeScalarView(actualScalars[common...])))
    }

    /// "the string \"x\"", "the number 3", "null", "a map": a value for a message.
    private static func describe(_ value: ScenarioValue) -> String {
        switch value {
        case .null: "null"
        case .bool(let flag): flag ? "true" : "false"
        case .int, .double: "the number \(value.jsonString)"
        case .string(let string): "the string \(Self.quoted(string))"
        case .array, .object: value.kindDescription
        }
    }

    /// A JSON string literal, cut after 80 Unicode scalars.
    private static func quoted(_ string: String) -> String {
        var output = ""
        let limit = 80
        if string.unicodeScalars.count > limit {
            ScenarioValue.writeJSONString(
                String(String.UnicodeScalarView(string.unicodeScalars.prefix(limit))),
                into: &output
            )
            output += "…"
        } else {
            ScenarioValue.writeJSONString(string, into: &output)
        }
        return output
    }

    private static func counted(_ count: Int, _ noun: String) -> String {
        "\(count) \(noun)\(count == 1 ? "" : "s")"
    }

    // MARK: Equality

    /// Value equality of the format: numbers by value, strings scalar by scalar (no Unicode
    /// normalization), maps regardless of key order, lists in order.
    static func equal(_ expected: ScenarioValue, _ actual: ScenarioValue) -> Bool {
        switch (expected, actual) {
        case (.null, .null): true
        case (.bool(let a), .bool(let b)): a == b
        case (.int(let a), .int(let b)): a == b
        case (.double(let a), .double(let b)): a == b
        case (.int(let a), .double(let b)), (.double(let b), .int(let a)): Int(exactly: b) == a
        case (.string(let a), .string(let b)): Self.sameScalars(a, b)
        case (.array(let a), .array(let b)): a.count == b.count && zip(a, b).allSatisfy { Self.equal($0, $1) }
        case (.object(let a), .object(let b)):
            a.count == b.count
                && a.allSatisfy { member in
                    b.first { $0.key == member.key }.map { Self.equal(member.value, $0.value) } ?? false
                }
        default: false
        }
    }

    private static func sameScalars(_ a: String, _ b: String) -> Bool {
        a.unicodeScalars.elementsEqual(b.unicodeScalars)
    }

    /// Whether `text` occurs in `string`, comparing Unicode scalars.
    private static func scalarRange(of text: String, in string: String) -> Bool {
        let needle = Array(text.unicodeScalars)
        let haystack = Array(string.unicodeScalars)
        guard needle.count <= haystack.count else { return false }
        for start in 0...(haystack.count - needle.count)
        where haystack[start..<(start + needle.count)].elementsEqual(needle) {
            return true
        }
        return false
    }
}

// MARK: - Helpers

/// A location inside the actual value, rendered only when a mismatch is explained.
indirect enum MatchPath {
    case root(String)
    case key(MatchPath, String)
    case index(MatchPath, Int)

    /// `prefix.key`, `prefix["odd key"]`, `prefix[3]`.
    var rendered: String {
        switch self {
        case .root(let prefix): prefix
        case .key(let parent, let key): Self.keyed(parent.rendered, key)
        case .index(let parent, let index): Self.indexed(parent.rendered, index)
        }
    }

    /// The key this path ends with, if it ends with one.
    var lastKey: String? {
        if case .key(_, let key) = self { return key }
        return nil
    }

    static func keyed(_ path: String, _ key: String) -> String {
        let isLetter = { (scalar: Unicode.Scalar) in
            scalar == "_" || ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
        }
        let isIdentifier =
            key.unicodeScalars.first.map(isLetter) ?? false
            && key.unicodeScalars.allSatisfy { isLetter($0) || ("0"..."9").contains($0) }
        if isIdentifier { return path.isEmpty ? key : "\(path).\(key)" }
        var quoted = ""
        ScenarioValue.writeJSONString(key, into: &quoted)
        return "\(path)[\(quoted)]"
    }

    static func indexed(_ path: String, _ index: Int) -> String {
        "\(path)[\(index)]"
    }
}

/// A maximum one-to-one assignment of matchers to items (Kuhn's augmenting paths), so
/// `$unordered` finds an assignment whenever one exists, not only when a greedy pass would.
private struct BipartiteAssignment {
    /// For each matcher, the items it matches.
    let candidates: [[Int]]
    /// For each item, the matcher it is assigned to.
    private var owner: [Int?]

    init(candidates: [[Int]], itemCount: Int) {
        self.candidates = candidates
        self.owner = Array(repeating: nil, count: itemCount)
    }

    /// How many matchers get an item in a maximum assignment.
    mutating func maximumMatching() -> Int {
        var paired = 0
        for matcher in self.candidates.indices {
            var visited = Array(repeating: false, count: self.owner.count)
            if self.augment(from: matcher, visited: &visited) { paired += 1 }
        }
        return paired
    }

    private mutating func augment(from matcher: Int, visited: inout [Bool]) -> Bool {
        for item in self.candidates[matcher] where !visited[item] {
            visited[item] = true
            if let current = self.owner[item], !self.augment(from: current, visited: &visited) { continue }
            self.owner[item] = matcher
            return true
        }
        return false
    }
}
