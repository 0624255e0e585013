import Testing
import Yams

@testable import StreamReplayScenario

/// YAML aliases: expanded within a budget relative to the file, refused at the alias beyond it.
struct AliasBudgetTests {
    /// Nine levels of nine aliases each (billion laughs): 387,420,489 scalars once expanded.
    static let bomb = """
        tools:
          - name: f
            result: ok
            parameters:
              a: &a [x, x, x, x, x, x, x, x, x]
              b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
              c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
              d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
              e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
              f: &f [1️⃣*e, *e, *e, *e, *e, *e, *e, *e, *e]
              g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
              h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
              i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
        turns: [ { user: hi } ]
        llm: [ { stream: [ { text: ok }, { finish: stop } ] } ]
        """

    @Test func composedCountTakesEachAliasOnce() throws {
        let root = try #require(try Yams.compose(yaml: "a: &a [x, y]\nb: [*a, *a]\n"))
        // map, a, [x, y], x, y, b, [*a, *a], *a, *a
        #expect(AliasBudget.composedCount(of: root) == 9)
        // map, a, [x, y], x, y, b, [..], and each alias expands to 3 nodes
        #expect(AliasBudget.expandedCount(of: root, limit: .max) == 13)
    }

    @Test func expansionStopsOneNodePastTheLimit() throws {
        let root = try #require(try Yams.compose(yaml: MarkedText(Self.bomb).text))
        #expect(AliasBudget.expandedCount(of: root, limit: 1_000) == 1_001)
        #expect(AliasBudget.composedCount(of: root) < 200)
    }

    @Test func theBombIsRefusedAtTheAliasThatExceedsTheFloor() throws {
        let text = MarkedText(Self.bomb)
        let root = try #require(try Yams.compose(yaml: text.text))
        let overrun = try #require(AliasBudget(source: text.text).overrun(in: root))
        #expect(overrun.budget == AliasBudget.floor)
        #expect(overrun.line == text["1️⃣"].line)
        #expect(overrun.column == text["1️⃣"].column)
    }

    @Test func theLoaderReportsTheBombAsAFileError() {
        let text = MarkedText(Self.bomb)
        let position = text["1️⃣"]
        do {
            _ = try ScenarioLoader().load(yaml: text.text, file: "bomb.yaml")
            Issue.record("the alias bomb loaded")
        } catch {
            #expect(error.diagnostics.count == 1)
            let found = error.diagnostics.map { "\($0.line):\($0.column): \($0.message)" }
            #expect(
                found.first?.hasPrefix(
                    "\(position.line):\(position.column): this alias expands the document beyond 100000 nodes"
                ) == true,
                "found \(found)"
            )
        }
    }

    @Test func aMatcherBombIsRefusedToo() {
        let yaml =
            "- &a [x, x, x, x, x, x, x, x, x, x]\n- &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
            + "- &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n- &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
            + "- &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n- [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
        #expect(throws: ScenarioError.self) { try Matcher(yaml: yaml) }
    }

    @Test func aSchemaReusedByAliasStillLoads() throws {
        let yaml = """
            tools:
              - { name: f, result: ok, parameters: &schema { type: object, properties: { city: { type: string } } } }
              - { name: g, result: ok, parameters: *schema }
            turns: [ { user: hi } ]
            llm: [ { stream: [ { text: ok }, { finish: stop } ] } ]
            """
        let scenario = try ScenarioLoader().load(yaml: yaml, file: "reuse.yaml")
        #expect(scenario.tools.count == 2)
        #expect(scenario.tools[0].parameters == scenario.tools[1].parameters)
    }
}
