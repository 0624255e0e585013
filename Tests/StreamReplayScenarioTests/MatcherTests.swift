import Testing

@testable import StreamReplayScenario

/// The matchers of `request` and `expect`: compiling them from YAML (with positioned problems)
/// and matching actual values, with the first divergence explained.
struct MatcherTests {
    // MARK: Helpers

    private func matcher(_ yaml: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Matcher {
        do {
            return try Matcher(yaml: yaml)
        } catch {
            Issue.record("unexpected problems: \(error.diagnostics.map(\.headline))", sourceLocation: sourceLocation)
            throw error
        }
    }

    private func problems(_ marked: MarkedText) -> [Diagnostic] {
        do {
            _ = try Matcher(yaml: marked.text, file: "m.yaml")
            return []
        } catch {
            return error.diagnostics
        }
    }

    private func expectProblem(
        _ marked: MarkedText,
        at marker: Character,
        contains text: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let found = self.problems(marked)
        let position = marked[marker]
        let match = found.first {
            $0.line == position.line && $0.column == position.column && $0.message.contains(text)
        }
        #expect(
            match != nil,
            "expected '\(text)' at \(position); found \(found.map(\.headline))",
            sourceLocation: sourceLocation
        )
    }

    /// Parses JSON text written in a test (keys come back sorted).
    private func json(_ text: String) throws -> ScenarioValue {
        try ScenarioValue.parseJSON(Array(text.utf8))
    }

    /// Checks both entry points, which must agree.
    private func expectMatch(
        _ yaml: String,
        _ actual: ScenarioValue?,
        _ expected: Bool,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let matcher = try self.matcher(yaml, sourceLocation: sourceLocation)
        let mismatch = matcher.firstMismatch(in: actual, at: "x")
        #expect(
            matcher.matches(actual) == expected,
            "\(yaml) against \(actual?.jsonString ?? "<absent>")",
            sourceLocation: sourceLocation
        )
        #expect(
            (mismatch == nil) == expected,
            "\(yaml) against \(actual?.jsonString ?? "<absent>"): \(mismatch.map(\.description) ?? "matched")",
            sourceLocation: sourceLocation
        )
    }

    // MARK: Scalars

    struct ScalarCase: Sendable, CustomTestStringConvertible {
        var yaml: String
        var actual: ScenarioValue
        var matches: Bool
        var testDescription: String { "\(self.yaml) vs \(self.actual.jsonString): \(self.matches)" }
    }

    static let scalarCases: [ScalarCase] = [
        // Numbers compare by value.
        ScalarCase(yaml: "1", actual: .double(1.0), matches: true),
        ScalarCase(yaml: "1.0", actual: .int(1), matches: true),
        ScalarCase(yaml: "21", actual: .double(21), matches: true),
        ScalarCase(yaml: "1.5", actual: .int(1), matches: false),
        ScalarCase(yaml: "0x1F", actual: .int(31), matches: true),
        ScalarCase(yaml: "9007199254740993", actual: .double(9_007_199_254_740_992), matches: false),
        // An unquoted scalar also matches a string equal to its text as written.
        ScalarCase(yaml: "21", actual: .string("21"), matches: true),
        ScalarCase(yaml: "no", actual: .string("no"), matches: true),
        ScalarCase(yaml: "true", actual: .string("true"), matches: true),
        ScalarCase(yaml: "1.50", actual: .string("1.50"), matches: true),
        ScalarCase(yaml: "1.50", actual: .string("1.5"), matches: false),
        ScalarCase(yaml: "21", actual: .string("21.0"), matches: false),
        // A quoted scalar is a string, and a string never matches a number or a boolean.
        ScalarCase(yaml: "'21'", actual: .int(21), matches: false),
        ScalarCase(yaml: "'21'", actual: .string("21"), matches: true),
        ScalarCase(yaml: "\"true\"", actual: .bool(true), matches: false),
        ScalarCase(yaml: "true", actual: .bool(true), matches: true),
        ScalarCase(yaml: "false", actual: .bool(true), matches: false),
        ScalarCase(yaml: "true", actual: .int(1), matches: false),
        ScalarCase(yaml: "0", actual: .bool(false), matches: false),
        // null matches only null, not the string "null" nor an empty string.
        ScalarCase(yaml: "null", actual: .null, matches: true),
        ScalarCase(yaml: "~", actual: .null, matches: true),
        ScalarCase(yaml: "null", actual: .string("null"), matches: false),
        ScalarCase(yaml: "''", actual: .null, matches: false),
        ScalarCase(yaml: "abc", actual: .string("abc"), matches: true),
        ScalarCase(yaml: "abc", actual: .string("abd"), matches: false),
        // Strings compare Unicode scalar by Unicode scalar: no normalization.
        ScalarCase(yaml: "\"\\u00E9\"", actual: .string("e\u{301}"), matches: false),
        ScalarCase(yaml: "\"\\u00E9\"", actual: .string("\u{E9}"), matches: true),
    ]

    @Test(arguments: Self.scalarCases)
    func scalarRules(_ scalarCase: ScalarCase) throws {
        try self.expectMatch(scalarCase.yaml, scalarCase.actual, scalarCase.matches)
    }

    @Test func scalarMismatchesSayWhatDiffers() throws {
        let string = try self.matcher("It is 21°C in Paris.")
        let mismatch = try #require(string.firstMismatch(in: .string("It is 22°C in Paris."), at: "m.content"))
        #expect(mismatch.path == "m.content")
        #expect(mismatch.expected == #""It is 21°C in Paris.""#)
        #expect(mismatch.actual == #""It is 22°C in Paris.""#)
        #expect(
            mismatch.message
                == #"the strings differ from Unicode scalar 7 on: expected "1°C in Paris.", found "2°C in Paris.""#
        )

        let short = try #require(string.firstMismatch(in: .string("It is"), at: "c"))
        #expect(short.message == #"the string ends early: 15 Unicode scalars missing: " 21°C in Paris.""#)

        let role = try self.matcher("{ role: user }").firstMismatch(in: try self.json(#"{"role": "tool"}"#), at: "m")
        #expect(role?.message == #"expected "user", found "tool""#)

        let number = try self.matcher("21")
        #expect(number.firstMismatch(in: .int(22), at: "n")?.message == "expected 21, found 22")
        #expect(
            number.firstMismatch(in: .string("22"), at: "n")?.message
                == #"expected 21 (or the string "21"), found the string "22""#
        )
        #expect(number.firstMismatch(in: .null, at: "n")?.message == "expected the number 21, found null")
    }

    // MARK: Maps, lists, null and absent

    @Test func mapMatchesASupersetOfItsKeys() throws {
        try self.expectMatch("{ role: user }", try self.json(#"{"role": "user", "content": "hi"}"#), true)
        try self.expectMatch("{ role: user, content: hi }", try self.json(#"{"role": "user"}"#), false)
        try self.expectMatch("{}", try self.json(#"{"a": 1}"#), true)
        try self.expectMatch("{ a: { b: 1 } }", try self.json(#"{"a": {"b": 1.0, "c": 2}}"#), true)
        try self.expectMatch("{ a: 1 }", try self.json("[1]"), false)
    }

    @Test func nullNeedsTheKeyPresentWithNull() throws {
        try self.expectMatch("{ tool_call_id: null }", try self.json(#"{"tool_call_id": null}"#), true)
        try self.expectMatch("{ tool_call_id: null }", try self.json(#"{}"#), false)
        try self.expectMatch("{ tool_call_id: null }", try self.json(#"{"tool_call_id": "c1"}"#), false)
        let mismatch = try self.matcher("{ tool_call_id: null }").firstMismatch(in: try self.json("{}"), at: "e")
        #expect(
            mismatch
                == Mismatch(
                    path: "e.tool_call_id",
                    expected: "null",
                    actual: "<absent>",
                    message: "key 'tool_call_id' is missing"
                )
        )
    }

    @Test func absentAndAny() throws {
        try self.expectMatch("{ k: { $absent: true } }", try self.json("{}"), true)
        try self.expectMatch("{ k: { $absent: true } }", try self.json(#"{"k": null}"#), false)
        try self.expectMatch("{ k: { $any: true } }", try self.json(#"{"k": null}"#), true)
        try self.expectMatch("{ k: { $any: true } }", try self.json(#"{"k": [1]}"#), true)
        try self.expectMatch("{ k: { $any: true } }", try self.json("{}"), false)
        try self.expectMatch("{ $absent: true }", nil, true)
        try self.expectMatch("{ $any: true }", nil, false)
        let present = try self.matcher("{ k: { $absent: true } }").firstMismatch(
            in: try self.json(#"{"k": 1}"#),
            at: ""
        )
        #expect(present?.path == "k")
        #expect(present?.message == "key 'k' should be absent, found a number")
        #expect(present?.expected == #"{"$absent": true}"#)
    }

    @Test func listMatchesSameLengthInOrder() throws {
        try self.expectMatch("[a, b]", try self.json(#"["a", "b"]"#), true)
        try self.expectMatch("[a, b]", try self.json(#"["b", "a"]"#), false)
        try self.expectMatch("[a, b]", try self.json(#"["a", "b", "c"]"#), false)
        try self.expectMatch("[]", try self.json("[]"), true)
        try self.expectMatch("[]", try self.json("{}"), false)

        let short = try self.matcher("[a, b, c]").firstMismatch(
            in: try self.json(#"["a", "b"]"#),
            at: "expect.messages"
        )
        #expect(short?.path == "expect.messages")
        #expect(short?.message == "expected a list of 3 items, found 2: item [2] is missing")
        #expect(short?.expected == #"["a", "b", "c"]"#)
        #expect(short?.actual == #"["a","b"]"#)

        // An item that differs comes first, as the first divergence, and says the length differs too.
        let shifted = try self.matcher("[a, b, c]").firstMismatch(in: try self.json(#"["a", "c"]"#), at: "l")
        #expect(shifted?.path == "l[1]")
        #expect(shifted?.message.hasSuffix("(and the list has 2 items, expected 3)") == true)
    }

    @Test func mismatchPathsFollowNestedMapsAndLists() throws {
        let matcher = try self.matcher(
            """
            - { type: user_message }
            - { type: tool_result }
            - type: tool_result
              extra: { tool_call_id: call_1, request_id: "tool:r1:0:0" }
            """
        )
        let actual = try self.json(
            """
            [{"type": "user_message"}, {"type": "tool_result"},
             {"type": "tool_result", "extra": {"tool_call_id": "call_1", "request_id": "tool:r1:0:1"}}]
            """
        )
        let mismatch = try #require(matcher.firstMismatch(in: actual, at: "expect.events"))
        #expect(mismatch.path == "expect.events[2].extra.request_id")
        #expect(mismatch.expected == #""tool:r1:0:0""#)
        #expect(mismatch.actual == #""tool:r1:0:1""#)

        let odd = try self.matcher(#"{ "content-type": { "a b": 1 }, "9": 2 }"#)
        #expect(
            odd.firstMismatch(in: try self.json(#"{"content-type": {"a b": 2}}"#), at: "h")?.path
                == #"h["content-type"]["a b"]"#
        )
        #expect(odd.firstMismatch(in: try self.json(#"{"content-type": {"a b": 1}}"#), at: "")?.path == #"["9"]"#)
        #expect(try self.matcher("{ a: 1 }").firstMismatch(in: try self.json("{}"), at: "")?.path == "a")
    }

    @Test func firstDivergenceIsInDocumentOrder() throws {
        let matcher = try self.matcher("{ b: 1, a: 1 }")
        let mismatch = matcher.firstMismatch(in: try self.json(#"{"a": 2, "b": 2}"#), at: "m")
        #expect(mismatch?.path == "m.b")
    }

    // MARK: Operators

    @Test func regexMatchesSomewhere() throws {
        try self.expectMatch("{ $regex: 'b+' }", .string("abbc"), true)
        try self.expectMatch("{ $regex: '^b' }", .string("abc"), false)
        try self.expectMatch(#"{ $regex: '^tool:r\d+:0:0$' }"#, .string("tool:r12:0:0"), true)
        try self.expectMatch("{ $regex: 21 }", .string("x21"), true)
        try self.expectMatch("{ $regex: a }", .int(1), false)
        let mismatch = try self.matcher("{ $regex: ^a }").firstMismatch(in: .string("bcd"), at: "t")
        #expect(mismatch?.message == #"regex ^a matched nothing in "bcd""#)
        #expect(mismatch?.expected == #"{"$regex": "^a"}"#)
        #expect(
            try self.matcher("{ $regex: a }").firstMismatch(in: .int(1), at: "t")?.message
                == "expected a string, found a number"
        )
    }

    @Test func containsFindsText() throws {
        try self.expectMatch("{ $contains: Paris }", .string("It is 21°C in Paris."), true)
        try self.expectMatch("{ $contains: paris }", .string("It is 21°C in Paris."), false)
        try self.expectMatch("{ $contains: 21 }", .string("It is 21°C"), true)
        try self.expectMatch("{ $contains: '' }", .string(""), true)
        try self.expectMatch("{ $contains: e }", .string("e\u{301}"), true)
        try self.expectMatch("{ $contains: a }", .array([.string("a")]), false)
        #expect(
            try self.matcher("{ $contains: x }").firstMismatch(in: .string("abc"), at: "t")?.message
                == #""abc" does not contain "x""#
        )
    }

    @Test func jsonParsesTheStringThenMatches() throws {
        let matcher = try self.matcher("{ arguments: { $json: { city: Paris } } }")
        try self.expectMatch(
            "{ arguments: { $json: { city: Paris } } }",
            try self.json(#"{"arguments": "{\"city\": \"Paris\", \"unit\": \"c\"}"}"#),
            true
        )
        let wrong = matcher.firstMismatch(in: try self.json(#"{"arguments": "{\"city\": \"Rome\"}"}"#), at: "call")
        #expect(wrong?.path == "call.arguments.city")
        #expect(wrong?.actual == #""Rome""#)
        let broken = matcher.firstMismatch(in: try self.json(#"{"arguments": "{\"city\": "}"#), at: "call")
        #expect(broken?.path == "call.arguments")
        #expect(broken?.message == "expected a string holding JSON, found text that is not JSON")
        try self.expectMatch("{ $json: [1, 2] }", .string("[1, 2.0]"), true)
        try self.expectMatch("{ $json: { a: 1 } }", .object([.init("a", .int(1))]), false)
    }

    @Test func exactAllowsNoOtherKey() throws {
        try self.expectMatch("{ $exact: { a: 1, b: { $any: true } } }", try self.json(#"{"b": null, "a": 1}"#), true)
        try self.expectMatch("{ $exact: { a: 1 } }", try self.json(#"{"a": 1, "b": 2}"#), false)
        try self.expectMatch("{ $exact: { a: 1 } }", try self.json(#"{}"#), false)
        try self.expectMatch("{ $exact: {} }", try self.json(#"{}"#), true)
        // Only the top level is exact: nested maps keep the subset rule.
        try self.expectMatch("{ $exact: { a: { x: 1 } } }", try self.json(#"{"a": {"x": 1, "y": 2}}"#), true)
        let extra = try self.matcher("{ $exact: { a: 1 } }").firstMismatch(
            in: try self.json(#"{"a": 1, "b": 2}"#),
            at: "m"
        )
        #expect(
            extra
                == Mismatch(
                    path: "m.b",
                    expected: "<absent>",
                    actual: "2",
                    message: "unexpected key 'b': $exact allows only 'a'"
                )
        )
    }

    @Test func containsItemsFindsDistinctItemsInOrder() throws {
        let list = try self.json(#"["x", "a", "y", "b", "z"]"#)
        try self.expectMatch("{ $contains_items: [a, b] }", list, true)
        try self.expectMatch("{ $contains_items: [b, a] }", list, false)
        try self.expectMatch("{ $contains_items: [] }", list, true)
        try self.expectMatch("{ $contains_items: [a, a] }", list, false)
        try self.expectMatch("{ $contains_items: [a, a] }", try self.json(#"["a", "b", "a"]"#), true)
        try self.expectMatch("{ $contains_items: [{ $contains: a }, ab] }", try self.json(#"["ab", "ab"]"#), true)
        let order = try self.matcher("{ $contains_items: [b, a] }").firstMismatch(in: list, at: "l")
        #expect(
            order?.message
                == "no item after [3] matches $contains_items[1] (it matches [1], but [3] is the earliest item that matches $contains_items[0])"
        )
        #expect(order?.expected == #""a""#)
        let none = try self.matcher("{ $contains_items: [q] }").firstMismatch(in: list, at: "l")
        #expect(none?.message == "no item matches $contains_items[0]")
    }

    @Test func unorderedBacktracksToFindAnAssignment() throws {
        // A greedy pass gives "ab" to `$contains: a` and leaves `$contains: b` nothing.
        let matcher = "{ $unordered: [{ $contains: a }, { $contains: b }] }"
        try self.expectMatch(matcher, try self.json(#"["ab", "a"]"#), true)
        try self.expectMatch(matcher, try self.json(#"["a", "ab"]"#), true)
        try self.expectMatch(matcher, try self.json(#"["a", "a"]"#), false)
        try self.expectMatch(matcher, try self.json(#"["ab"]"#), false)
        // A longer chain: each matcher's first candidate is taken by the one before it.
        try self.expectMatch(
            "{ $unordered: [{ $regex: '[ab]' }, { $regex: '[bc]' }, { $regex: '[cd]' }, { $regex: d }] }",
            try self.json(#"["ab", "bc", "cd", "d"]"#),
            true
        )
        try self.expectMatch("{ $unordered: [] }", try self.json("[]"), true)
        try self.expectMatch("{ $unordered: [1, 2] }", try self.json("[2, 1.0]"), true)
    }

    @Test func unorderedExplainsWhyNoAssignmentWorks() throws {
        let matcher = try self.matcher("{ $unordered: [{ $contains: a }, { $contains: b }] }")
        let lonely = matcher.firstMismatch(in: try self.json(#"["a", "a"]"#), at: "m")
        #expect(lonely?.message == "no assignment matches every item of $unordered: $unordered[1] matches no item")
        #expect(lonely?.path == "m")
        let both = try self.matcher("{ $unordered: [{ $contains: a }, { $contains: a }] }")
        let stray = both.firstMismatch(in: try self.json(#"["a", "b"]"#), at: "m")
        #expect(
            stray?.message
                == "no assignment matches every item of $unordered: item [1] matches no matcher of $unordered"
        )
        let long = try self.matcher("[a]").firstMismatch(in: try self.json(#"["a", "b", "c"]"#), at: "m")
        #expect(long?.message == "expected a list of 1 item, found 3: items [1] to [2] are extra")
        let crowded = try self.matcher("{ $unordered: [a, a, { $any: true }] }")
        let paired = crowded.firstMismatch(in: try self.json(#"["a", "b", "c"]"#), at: "m")
        #expect(paired?.message == "no assignment matches every item of $unordered: at most 2 of 3 items can be paired")
        let count = matcher.firstMismatch(in: try self.json(#"["a"]"#), at: "m")
        #expect(count?.message == "expected a list of 2 items in any order, found 1")
    }

    @Test func lengthCountsItemsOrUnicodeScalars() throws {
        try self.expectMatch("{ $length: 2 }", try self.json("[1, 2]"), true)
        try self.expectMatch("{ $length: 3 }", try self.json("[1, 2]"), false)
        try self.expectMatch("{ $length: 2 }", .string("e\u{301}"), true)
        try self.expectMatch("{ $length: 1 }", .string("e\u{301}"), false)
        try self.expectMatch("{ $length: 0 }", .string(""), true)
        try self.expectMatch("{ $length: 1 }", try self.json(#"{"a": 1}"#), false)
        #expect(
            try self.matcher("{ $length: 3 }").firstMismatch(in: try self.json("[1, 2]"), at: "l")?.message
                == "expected a list of 3 items, found 2"
        )
    }

    @Test func firstAndLastLookAtTheEnds() throws {
        let messages = try self.json(#"[{"role": "system"}, {"role": "user", "content": "hi"}]"#)
        try self.expectMatch("{ $first: { role: system } }", messages, true)
        try self.expectMatch("{ $last: { role: user, content: hi } }", messages, true)
        try self.expectMatch("{ $first: { role: user } }", messages, false)
        try self.expectMatch("{ $last: { $any: true } }", try self.json("[]"), false)
        let last = try self.matcher("{ $last: { content: bye } }").firstMismatch(in: messages, at: "request.messages")
        #expect(last?.path == "request.messages[1].content")
        let empty = try self.matcher("{ $first: 1 }").firstMismatch(in: try self.json("[]"), at: "l")
        #expect(empty?.message == "expected a non-empty list, found an empty list")
    }

    @Test func notMatchesWhatItsOperandDoesNot() throws {
        try self.expectMatch("{ $not: { $contains: error } }", .string("all good"), true)
        try self.expectMatch("{ $not: { $contains: error } }", .string("an error"), false)
        try self.expectMatch("{ k: { $not: { $absent: true } } }", try self.json(#"{"k": 1}"#), true)
        try self.expectMatch("{ k: { $not: { $absent: true } } }", try self.json("{}"), false)
        try self.expectMatch("{ k: { $not: 1 } }", try self.json("{}"), true)
        let mismatch = try self.matcher("{ $not: 1 }").firstMismatch(in: .double(1), at: "n")
        #expect(mismatch?.message == "the value matches 1, which $not excludes")
        #expect(mismatch?.expected == #"{"$not": 1}"#)
    }

    @Test func literalReadsDollarKeysAsData() throws {
        let matcher = try self.matcher(##"{ $literal: { $ref: "#/defs/city", $regex: x } }"##)
        #expect(
            matcher
                == .literal(
                    .map([
                        .init("$ref", .scalar(.string("#/defs/city"), asWritten: nil)),
                        .init("$regex", .scalar(.string("x"), asWritten: nil)),
                    ])
                )
        )
        try self.expectMatch(
            ##"{ $literal: { $ref: "#/defs/city", $regex: x } }"##,
            try self.json(##"{"$ref": "#/defs/city", "$regex": "x", "description": "d"}"##),
            true
        )
        try self.expectMatch(#"{ $literal: { $regex: x } }"#, .string("x"), false)
        try self.expectMatch(#"{ $literal: [1, { $any: true }] }"#, try self.json(#"[1.0, {"$any": true}]"#), true)
        try self.expectMatch(#"{ $literal: [1, { $any: true }] }"#, try self.json(#"[1, 2]"#), false)
        let mismatch = try self.matcher("{ $literal: { $ref: a } }").firstMismatch(
            in: try self.json(#"{"$ref": "b"}"#),
            at: "p"
        )
        #expect(mismatch?.path == #"p["$ref"]"#)
    }

    @Test func exampleOfTheFormatMatchesItsRun() throws {
        let matcher = try self.matcher(
            """
            messages: { $last: { role: tool, tool_call_id: call_1, content: '{"temp_c": 21}' } }
            """
        )
        let request = try self.json(
            #"""
            {"model": "test-model", "messages": [
              {"role": "user", "content": "What's the weather in Paris?"},
              {"role": "assistant", "content": null, "tool_calls": [{"id": "call_1"}]},
              {"role": "tool", "tool_call_id": "call_1", "content": "{\"temp_c\": 21}"}]}
            """#
        )
        #expect(matcher.matches(request))
    }

    // MARK: Problems in the file

    @Test func unknownOperatorSuggestsTheClosest() {
        self.expectProblem(
            MarkedText(
                """
                role: user
                content: { 1️⃣$regx: "^a" }
                """
            ),
            at: "1️⃣",
            contains: "unknown operator '$regx' (did you mean '$regex'?)"
        )
        self.expectProblem(
            MarkedText(
                """
                messages:
                  2️⃣$contains_item: [a]
                """
            ),
            at: "2️⃣",
            contains: "did you mean '$contains_items'?"
        )
        self.expectProblem(
            MarkedText("{ 3️⃣$frobnicate: 1 }"),
            at: "3️⃣",
            contains: "unknown operator '$frobnicate' (operators: $regex,"
        )
    }

    @Test func operatorMixedWithOtherKeysIsAnError() {
        self.expectProblem(
            MarkedText(
                """
                - type: text
                  1️⃣$contains: Paris
                  content: x
                """
            ),
            at: "1️⃣",
            contains: "the operator '$contains' cannot share a map with other keys ('type', 'content')"
        )
        self.expectProblem(
            MarkedText("{ 1️⃣$any: true, $absent: true }"),
            at: "1️⃣",
            contains: "cannot share a map with other keys ('$absent')"
        )
    }

    @Test func invalidRegexIsReportedAtLoad() {
        let marked = MarkedText(
            """
            content:
              $regex: 1️⃣"(unclosed"
            """
        )
        self.expectProblem(marked, at: "1️⃣", contains: "invalid regular expression '(unclosed' in '$regex'")
    }

    struct OperandCase: Sendable, CustomTestStringConvertible {
        var yaml: String
        var message: String
        var testDescription: String { self.yaml }
    }

    static let operandCases: [OperandCase] = [
        OperandCase(
            yaml: "{ $length: 1️⃣x }",
            message: "'$length' takes a count (an integer, 0 or more), found a string"
        ),
        OperandCase(yaml: "{ $length: 1️⃣-1 }", message: "found the number -1"),
        OperandCase(yaml: "{ $length: 1️⃣2.5 }", message: "found the number 2.5"),
        OperandCase(yaml: "{ $regex: 1️⃣[a] }", message: "'$regex' takes a regular expression (a string), found a list"),
        OperandCase(yaml: "{ $regex: 1️⃣null }", message: "found null"),
        OperandCase(
            yaml: "{ $contains: 1️⃣{ a: 1 } }",
            message: "'$contains' takes the text to find (a string), found a map"
        ),
        OperandCase(yaml: "{ $any: 1️⃣false }", message: "'$any: false' is not an operator: use '$absent: true'"),
        OperandCase(yaml: "{ $absent: 1️⃣false }", message: "'$absent: false' is not an operator: use '$any: true'"),
        OperandCase(yaml: "{ $absent: 1️⃣yes }", message: "'$absent' takes true, found a string"),
        OperandCase(yaml: "{ $exact: 1️⃣[a] }", message: "'$exact' takes a map (the keys it must have), found a list"),
        OperandCase(yaml: "{ $exact: 1️⃣{ $any: true } }", message: #"found the operator {"$any": true}"#),
        OperandCase(
            yaml: "{ $contains_items: 1️⃣a }",
            message: "'$contains_items' takes a list of matchers, found a string"
        ),
        OperandCase(yaml: "{ $unordered: 1️⃣{ a: 1 } }", message: "'$unordered' takes a list of matchers, found a map"),
        OperandCase(yaml: "{ $first: { 1️⃣$nto: 1 } }", message: "did you mean '$not'?"),
        OperandCase(yaml: "{ 1️⃣[k]: 1 }", message: "expected a key (a string), found a list"),
    ]

    @Test(arguments: Self.operandCases)
    func wrongOperandIsReportedAtIt(_ operandCase: OperandCase) {
        self.expectProblem(MarkedText(operandCase.yaml), at: "1️⃣", contains: operandCase.message)
    }

    @Test func everyProblemIsReportedNotOnlyTheFirst() {
        let marked = MarkedText(
            """
            a: { 1️⃣$regx: x }
            b: [{ $length: 2️⃣x }]
            c: { $literal: { $ok: 1 } }
            """
        )
        let found = self.problems(marked)
        #expect(found.count == 2)
        #expect(found.map(\.line) == [marked["1️⃣"].line, marked["2️⃣"].line])
        #expect(found.map(\.column) == [marked["1️⃣"].column, marked["2️⃣"].column])
        #expect(found.first?.file == "m.yaml")
    }

    @Test func nodeReaderReportsIntoItsDiagnostics() throws {
        let marked = MarkedText("ok: 1\nbad: { 1️⃣$lenght: 1 }")
        do {
            _ = try Matcher(yaml: marked.text, file: "s.yaml")
            Issue.record("expected a problem")
        } catch {
            let diagnostic = try #require(error.diagnostics.first)
            #expect(diagnostic.headline == "s.yaml:2:8: error: unknown operator '$lenght' (did you mean '$length'?)")
            #expect(diagnostic.sourceLine == "bad: { $lenght: 1 }")
            #expect(diagnostic.line == marked["1️⃣"].line)
            #expect(diagnostic.column == marked["1️⃣"].column)
        }
    }

    // MARK: Built in code

    @Test func compilingAValueReadsOperators() throws {
        let matcher = try Matcher(
            compiling: .object([
                .init("content", .object([.init("$regex", .string("^It is"))])),
                .init("n", .int(21)),
            ])
        )
        #expect(matcher == .map([.init("content", .regex("^It is")), .init("n", .scalar(.int(21), asWritten: nil))]))
        #expect(matcher.matches(try self.json(#"{"content": "It is 21°C", "n": 21.0}"#)))
        // No text as written: the number does not match the string.
        #expect(!matcher.matches(try self.json(#"{"content": "It is 21°C", "n": "21"}"#)))
    }

    @Test func compilingAValueReportsEveryProblemWithItsPath() {
        let value: ScenarioValue = .object([
            .init("a", .array([.object([.init("$regx", .string("x"))])])),
            .init("b", .object([.init("$regex", .string("("))])),
            .init("odd key", .object([.init("$length", .string("x"))])),
        ])
        let error = #expect(throws: ScenarioError.self) { try Matcher(compiling: value) }
        let lines = error?.message.split(separator: "\n").map(String.init) ?? []
        #expect(lines.count == 3)
        #expect(lines.first == "a[0][\"$regx\"]: unknown operator '$regx' (did you mean '$regex'?)")
        #expect(lines.dropFirst().first?.hasPrefix("b[\"$regex\"]: invalid regular expression '(' in '$regex'") == true)
        #expect(
            lines.last == "[\"odd key\"][\"$length\"]: '$length' takes a count (an integer, 0 or more), found a string"
        )
    }

    @Test func literalInitializerTakesEverythingAsData() {
        let matcher = Matcher(literal: .object([.init("$regex", .string("x"))]))
        #expect(matcher.matches(.object([.init("$regex", .string("x")), .init("other", .null)])))
        #expect(!matcher.matches(.string("x")))
    }

    @Test func descriptionIsTheMatcherAsWritten() throws {
        let matcher = try self.matcher(
            #"{ a: [1, "x", null], b: { $unordered: [{ $regex: ^x }, { $not: { $length: 2 } }] }, c: { $json: { $exact: { k: true } } } }"#
        )
        #expect(
            matcher.description
                == #"{"a": [1, "x", null], "b": {"$unordered": [{"$regex": "^x"}, {"$not": {"$length": 2}}]}, "c": {"$json": {"$exact": {"k": true}}}}"#
        )
        #expect(try self.matcher("{ $absent: true }").description == #"{"$absent": true}"#)
        #expect(try self.matcher("{ $any: true }").description == #"{"$any": true}"#)
        #expect(try self.matcher("{ $first: a }").description == #"{"$first": "a"}"#)
        #expect(try self.matcher("{ $contains_items: [a] }").description == #"{"$contains_items": ["a"]}"#)
        #expect(try self.matcher("{ $contains: a }").description == #"{"$contains": "a"}"#)
    }

    @Test func mismatchDescriptionReadsWellInAReport() throws {
        let mismatch = try #require(
            try self.matcher("{ role: user }").firstMismatch(in: try self.json("{}"), at: "expect.events[0]")
        )
        #expect(
            mismatch.description == """
                expect.events[0].role: key 'role' is missing
                  expected: "user"
                  actual:   <absent>
                """
        )
    }
}
