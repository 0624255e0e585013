import StreamReplayScenario
import Testing

/// Malformed scenario files: each problem at its exact line and column, with its exact message.
struct MalformedFileTests {
    static let cases: [(String, String)] = [
        ("1️⃣nmae: x\nturns: [ { user: hi } ]\nllm: []\n", "unknown key 'nmae' in the scenario (did you mean 'name'?)"),
        (
            "engine:\n  1️⃣max_tool_hop: 3\nturns: [ { user: hi } ]\nllm: []\n",
            "unknown key 'max_tool_hop' in 'engine' (did you mean 'max_tool_hops'?)"
        ),
        (
            "engine: { max_tool_hops: 1️⃣many }\nturns: [ { user: hi } ]\nllm: []\n",
            "expected 'max_tool_hops' (an integer), found a string"
        ),
        (
            "engine: { history_limit: 1️⃣-1 }\nturns: [ { user: hi } ]\nllm: []\n",
            "'history_limit' must be at least 0, found -1"
        ),
        (
            "engine: { idle_timeout_ms: 1️⃣0 }\nturns: [ { user: hi } ]\nllm: []\n",
            "'idle_timeout_ms' must be at least 1, found 0"
        ),
        (
            "engine: { persistence: { persist_deltas: 1️⃣yes } }\nturns: [ { user: hi } ]\nllm: []\n",
            "expected 'persist_deltas' (true or false), found a string"
        ),
        (
            "engine: { persistence: { 1️⃣interval: 5 } }\nturns: [ { user: hi } ]\nllm: []\n",
            "unknown key 'interval' in 'persistence' (did you mean 'interval_ms'?)"
        ),
        ("engine: 1️⃣[ model ]\nturns: [ { user: hi } ]\nllm: []\n", "expected 'engine' (a map), found a list"),
        ("tags: 1️⃣basic\nturns: [ { user: hi } ]\nllm: []\n", "expected 'tags' (a list), found a string"),
        ("turns: 1️⃣{ user: hi }\nllm: []\n", "expected 'turns' (a list), found a map"),
        ("turns: 1️⃣[]\nllm: []\n", "'turns' is empty: add at least one turn with 'user'"),
        ("turns:\n  - 1️⃣{ conversation: c1 }\nllm: []\n", "a turn needs 'user': the message the user sends"),
        ("turns:\n  - { user: hi, concurrently: 1️⃣0 }\nllm: []\n", "'concurrently' must be from 1 to 10000, found 0"),
        (
            "turns:\n  - { user: hi, 1️⃣request: r1 }\nllm: []\n",
            "unknown key 'request' in a turn (did you mean 'request_id'?)"
        ),
        ("turns:\n  - { user: 1️⃣null }\nllm: []\n", "expected 'user' (a string), found null"),
        (
            "turns:\n  - user: hi\n    expect: { 1️⃣txt: x }\nllm: []\n",
            "unknown key 'txt' in a turn's 'expect' (did you mean 'text'?)"
        ),
        (
            "turns: [ { user: hi } ]\nllm:\n  - 1️⃣{ done: false }\n",
            "an 'llm' answer needs 'stream' (a list of frames) or 'status'/'body' (a plain HTTP answer)"
        ),
        (
            "turns: [ { user: hi } ]\nllm:\n  - { status: 500, 1️⃣done: false }\n",
            "'done' applies to a 'stream' answer, not to a plain 'status'/'body' answer"
        ),
        ("turns: [ { user: hi } ]\nllm:\n  - { status: 1️⃣99 }\n", "'status' must be from 100 to 599, found 99"),
        (
            "turns: [ { user: hi } ]\nllm:\n  - stream: []\n    framing: { line_ending: 1️⃣\"\\n\\n\" }\n",
            "'line_ending' must be \"\\n\", \"\\r\\n\" or \"\\r\""
        ),
        (
            "turns: [ { user: hi } ]\nllm:\n  - stream: []\n    framing: { write_size: 1️⃣0 }\n",
            "'write_size' must be at least 1, found 0"
        ),
        (
            "turns: [ { user: hi } ]\nllm:\n  - stream:\n      - 1️⃣{}\n",
            "a frame needs at least one key, such as 'text' or 'finish'"
        ),
        (
            "turns: [ { user: hi } ]\nllm:\n  - stream:\n      - disconnect: true\n        1️⃣text: x\n",
            "'disconnect' must be alone in its frame; move 'text' to a frame of its own"
        ),
        (
            "turns: [ { user: hi } ]\nllm:\n  - stream:\n      - disconnect: 1️⃣false\n",
            "'disconnect: false' does nothing; remove the frame (use 'done: false' for a clean end without [DONE])"
        ),
        (
            "turns: [ { user: hi } ]\nllm:\n  - stream:\n      - chunk: 1️⃣[ 1 ]\n",
            "expected 'chunk' (a JSON object, written as a map), found a list"
        ),
        (
            "turns: [ { user: hi } ]\nllm:\n  - stream:\n      - tool_call: { 1️⃣idx: 0 }\n",
            "unknown key 'idx' in a tool call (did you mean 'id'?)"
        ),
        (
            "turns: [ { user: hi } ]\nllm:\n  - stream:\n      - 1️⃣tool_call: { id: a }\n        tool_calls: []\n",
            "use either 'tool_call' or 'tool_calls' in a frame, not both"
        ),
        (
            "turns: [ { user: hi } ]\nllm:\n  - stream:\n      - text: a\n        tool_call: { arguments: b }\n        split: 1️⃣2\n",
            "'split' needs exactly one string to split, but this frame has both 'text' and tool-call 'arguments'"
        ),
        (
            "tools:\n  - 1️⃣{ name: f }\nturns: [ { user: hi } ]\nllm: []\n",
            "tool 'f' needs one of 'result', 'results' or 'error'"
        ),
        (
            "tools:\n  - { name: f, result: a, 1️⃣error: b }\nturns: [ { user: hi } ]\nllm: []\n",
            "a tool has one of 'result', 'results' or 'error', not several"
        ),
        (
            "tools:\n  - { name: f, parameters: 1️⃣object, result: a }\nturns: [ { user: hi } ]\nllm: []\n",
            "expected 'parameters' (a JSON Schema map), found a string"
        ),
        (
            "turns: [ { user: hi }, { user: again } ]\nllm: []\nexpect:\n  1️⃣error: { code: http_error }\n",
            "'expect.error' applies to a scenario with one turn; put it under the failing turn's own 'expect'"
        ),
        (
            "turns: [ { user: hi } ]\nllm: []\nexpect:\n  invariants: { allow: [ 1️⃣seq-order ] }\n",
            "unknown invariant 'seq-order' (did you mean 'seq-ordered'?)"
        ),
        (
            "turns: [ { user: hi } ]\nllm: []\nexpect:\n  messages: [ { content: { 1️⃣$regexp: x } } ]\n",
            "unknown operator '$regexp' (did you mean '$regex'?)"
        ),
        ("1️⃣- just\n- a list\n", "expected the scenario (a map), found a list"),
        (
            "turns:\n  - user: hi\n   1️⃣- user: again\nllm: []\n",
            "invalid YAML: the indentation of this item does not line up with the items above; the list begun at line 2 has its '-' in column 3 (did not find expected '-' indicator)"
        ),
        (
            "turns:\n  - user: hi\n  - user: x\n   1️⃣llm: []\n",
            "invalid YAML: the indentation of this line does not line up with the lines above; the list begun at line 2 has its '-' in column 3 (did not find expected '-' indicator)"
        ),
        (
            "engine:\n  model: m\n 1️⃣max_tool_hops: 2\nturns: [ { user: hi } ]\nllm: []\n",
            "invalid YAML: the indentation of this line does not line up with the lines above; the map begun at line 1 has its keys in column 1 (did not find expected key)"
        ),
        (
            "turns:\n  - user: hi\n    conversation: c1\n     1️⃣request_id: r1\nllm: []\n",
            "invalid YAML: the indentation of this key does not line up with the keys above; indent it like its siblings (or quote a value that goes on over several lines) (mapping values are not allowed in this context)"
        ),
        (
            "engine:\n  1️⃣model m\n  max_tool_hops: 2\nturns: [ { user: hi } ]\nllm: []\n",
            "invalid YAML: this line has no ':' after its key, so it runs on into the key below; write 'key: value' (mapping values are not allowed in this context)"
        ),
        (
            "turns:\n  - 1️⃣user hi\n    conversation: c\nllm: []\n",
            "invalid YAML: this line has no ':' after its key, so it runs on into the key below; write 'key: value' (mapping values are not allowed in this context)"
        ),
        (
            "turns:\n  - user: Note1️⃣: this is it\nllm: []\n",
            "invalid YAML: a value containing ': ' must be quoted: key: 'a: b' (mapping values are not allowed in this context)"
        ),
        (
            "tools:\n  - name: f\n    description: Gets it1️⃣: fast\n    result: ok\nturns: [ { user: hi } ]\nllm: []\n",
            "invalid YAML: a value containing ': ' must be quoted: key: 'a: b' (mapping values are not allowed in this context)"
        ),
        (
            "turns:\n1️⃣\t- user: hi\nllm: []\n",
            "invalid YAML: YAML does not allow tabs for indentation; use spaces (found character that cannot start any token)"
        ),
        (
            "turns:\n  - user: hi\n  -1️⃣\tuser: x\nllm: []\n",
            "invalid YAML: YAML does not allow tabs for indentation; use spaces (found character that cannot start any token)"
        ),
        (
            "turns:\n  - user: hi\n1️⃣\tconversation: c\nllm: []\n",
            "invalid YAML: YAML does not allow tabs for indentation; use spaces (found a tab character that violates indentation)"
        ),
    ]

    @Test(arguments: Self.cases)
    func problemIsReportedAtTheMarker(marked: String, message: String) {
        let text = MarkedText(marked)
        let position = text["1️⃣"]
        do {
            _ = try ScenarioLoader().load(yaml: text.text, file: "bad.yaml")
            Issue.record("loaded without problems: \(message)")
        } catch {
            let found = error.diagnostics.map { "\($0.line):\($0.column): \($0.message)" }
            #expect(found.contains("\(position.line):\(position.column): \(message)"), "found \(found)")
        }
    }

    @Test func thereAreAtLeastThirtyDistinctMalformedFiles() {
        #expect(Set(Self.cases.map(\.1)).count >= 30)
    }
}
