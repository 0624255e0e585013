import StreamReplayScenario
import Testing

struct ScenarioLoaderTests {
    private func problems(_ marked: MarkedText, options: ScenarioLoader.Options = .init()) -> [Diagnostic] {
        do {
            _ = try ScenarioLoader(options: options).load(yaml: marked.text, file: "s.yaml")
            return []
        } catch {
            return error.diagnostics
        }
    }

    private func expectProblem(
        _ marked: MarkedText,
        at marker: Character,
        contains text: String,
        options: ScenarioLoader.Options = .init(),
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let found = self.problems(marked, options: options)
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

    @Test func completeExampleOfTheFormatLoads() throws {
        let yaml = """
            name: tool-call arguments split into 3-byte fragments
            tags: [tool-calls, split-args]
            engine:
              model: test-model
              max_tool_hops: 5
              persistence: { persist_deltas: true, interval_ms: 200, min_chars: 1024 }
            tools:
              - name: get_weather
                parameters: { type: object, properties: { city: { type: string } } }
                result: '{"temp_c": 21}'
            turns:
              - user: What's the weather in Paris?
                conversation: c1
                request_id: r1
            llm:
              - request:
                  messages: { $last: { role: user, content: What's the weather in Paris? } }
                stream:
                  - role: assistant
                  - tool_call: { index: 0, id: call_1, name: get_weather, arguments: '{"city": "Paris"}' }
                    split: 3
                  - finish: tool_calls
              - stream:
                  - text: It is 21°C in Paris.
                  - finish: stop
            expect:
              llm_requests: 2
            """
        let scenario = try ScenarioLoader().load(yaml: yaml, file: "x.yaml")
        #expect(scenario.name == "tool-call arguments split into 3-byte fragments")
        #expect(scenario.tags == ["tool-calls", "split-args"])
        #expect(scenario.engine.maxToolHops == 5)
        #expect(scenario.engine.persistDeltas)
        #expect(scenario.tools.first?.behaviour == .result(#"{"temp_c": 21}"#))
        #expect(scenario.turns.first?.requestID == "r1")
        #expect(scenario.llm.count == 2)
        guard let stream = scenario.llm[0].body.stream else {
            Issue.record("expected a stream")
            return
        }
        #expect(stream.frames.count == 3)
        #expect(
            stream.frames[1]
                == .chunk(
                    ChunkFrame(
                        toolCalls: [
                            ToolCallFrame(
                                index: .int(0),
                                id: .string("call_1"),
                                name: .string("get_weather"),
                                arguments: .string(#"{"city": "Paris"}"#)
                            )
                        ],
                        split: 3
                    )
                )
        )
        #expect(scenario.expect.llmRequests?.matches(.int(2)) == true)
        #expect(scenario.expect.llmRequests?.matches(.int(3)) == false)
        #expect(scenario.llm[0].request != nil)
    }

    @Test func defaultsFollowTheFormat() throws {
        let scenario = try ScenarioLoader().load(
            yaml: "turns: [ { user: hi }, { user: again } ]\nllm: []\n",
            file: "dir/my-file.yaml"
        )
        #expect(scenario.name == "my-file")
        #expect(scenario.engine == EngineSettings())
        #expect(scenario.engine.model == "test-model")
        #expect(scenario.engine.maxToolHops == 8)
        #expect(scenario.turns.map(\.requestID) == ["req-1", "req-2"])
        #expect(scenario.turns.map(\.conversation) == ["conv-1", "conv-1"])
    }

    @Test func unknownKeySuggestsTheClosest() {
        let marked = MarkedText("engine:\n  1️⃣modle: x\nturns: [ { user: hi } ]\nllm: []\n")
        expectProblem(marked, at: "1️⃣", contains: "unknown key 'modle' in 'engine' (did you mean 'model'?)")
    }

    @Test func unknownFrameKeySuggestsTheClosest() {
        let marked = MarkedText("turns: [ { user: hi } ]\nllm:\n  - stream:\n      - 1️⃣txt: hello\n")
        expectProblem(marked, at: "1️⃣", contains: "did you mean 'text'?")
    }

    @Test func wrongTypeNamesWhatWasExpectedAndFound() {
        let marked = MarkedText("turns: [ { user: hi } ]\nllm:\n  - stream: 1️⃣hello\n")
        expectProblem(marked, at: "1️⃣", contains: "expected 'stream' (a list of frames) (a list), found a string")
    }

    @Test func delayMustBeAloneInItsFrame() {
        let marked = MarkedText("turns: [ { user: hi } ]\nllm:\n  - stream:\n      - delay_ms: 5\n        1️⃣text: x\n")
        expectProblem(marked, at: "1️⃣", contains: "'delay_ms' must be alone in its frame")
    }

    @Test func splitNeedsAStringToSplit() {
        let marked = MarkedText("turns: [ { user: hi } ]\nllm:\n  - stream:\n      - finish: stop\n        split: 1️⃣3\n")
        expectProblem(marked, at: "1️⃣", contains: "'split' needs a string to split")
    }

    @Test func splitMustBePositive() {
        let marked = MarkedText("turns: [ { user: hi } ]\nllm:\n  - stream:\n      - text: abc\n        split: 1️⃣0\n")
        expectProblem(marked, at: "1️⃣", contains: "'split' must be at least 1, found 0")
    }

    @Test func maxToolHopsBelowOneIsAnError() {
        let marked = MarkedText("engine: { max_tool_hops: 1️⃣0 }\nturns: [ { user: hi } ]\nllm: []\n")
        expectProblem(marked, at: "1️⃣", contains: "'max_tool_hops' must be at least 1")
    }

    @Test func duplicateToolNamesAreAnError() {
        let marked = MarkedText(
            "tools:\n  - { name: f, result: x }\n  1️⃣- { name: f, result: y }\nturns: [ { user: hi } ]\nllm: []\n"
        )
        let found = self.problems(marked)
        #expect(found.contains { $0.message.contains("duplicate tool name 'f'") && $0.line == marked["1️⃣"].line })
    }

    @Test func streamAndStatusCannotBeCombined() {
        let marked = MarkedText("turns: [ { user: hi } ]\nllm:\n  - stream: []\n    1️⃣status: 500\n")
        expectProblem(marked, at: "1️⃣", contains: "cannot be combined with 'stream'")
    }

    @Test func unknownProfileListsTheKnownOnes() {
        let marked = MarkedText("turns: [ { user: hi } ]\nllm:\n  - profile: 1️⃣antropic\n    stream: []\n")
        expectProblem(
            marked,
            at: "1️⃣",
            contains: "unknown profile 'antropic' (known: openai, anthropic, openai-responses)"
        )
    }

    @Test func yamlSyntaxErrorHasLineAndColumn() {
        let yaml = "turns: [ { user: hi } ]\nllm:\n  - stream: [ { text: \"unterminated }\n"
        #expect(throws: ScenarioError.self) { try ScenarioLoader().load(yaml: yaml, file: "bad.yaml") }
        let found = self.problems(MarkedText(yaml))
        #expect(found.count == 1)
        #expect(found.first?.message.hasPrefix("invalid YAML") == true)
        #expect(found.first?.line ?? 0 >= 3)
    }

    @Test func duplicateKeyIsReported() {
        let found = self.problems(MarkedText("turns: [ { user: hi } ]\nllm: []\nllm: []\n"))
        #expect(found.first?.message.contains("duplicate key") == true)
    }

    @Test func everyProblemOfTheFileIsReported() {
        let marked = MarkedText(
            "1️⃣nmae: x\nengine:\n  2️⃣modle: y\nturns: [ { user: hi } ]\nllm:\n  - stream:\n      - 3️⃣txt: z\n"
        )
        let found = self.problems(marked)
        #expect(found.map(\.line) == [marked["1️⃣"].line, marked["2️⃣"].line, marked["3️⃣"].line])
    }

    @Test func missingTurnsAndLLMAreReported() {
        let found = self.problems(MarkedText("name: x\n"))
        #expect(found.contains { $0.message.contains("missing key 'turns'") })
        #expect(found.contains { $0.message.contains("missing key 'llm'") })
        #expect(self.problems(MarkedText("name: x\nllm: []\n"), options: .init(requireTurns: false)).isEmpty)
    }

    @Test func diagnosticPrintsCompilerStyleWithCaret() {
        let diagnostic = Diagnostic(
            file: "s.yaml",
            line: 2,
            column: 3,
            message: "unknown key 'modle'",
            sourceLine: "  modle: x"
        )
        #expect(diagnostic.description == "s.yaml:2:3: error: unknown key 'modle'\n      modle: x\n      ^")
    }

    @Test func toolCallNullKeysStayNullAndAbsentKeysStayAbsent() throws {
        let scenario = try ScenarioLoader().load(
            yaml: "turns: [ { user: hi } ]\nllm:\n  - stream:\n      - tool_call: { id: null, name: f }\n",
            file: "x.yaml"
        )
        guard let stream = scenario.llm[0].body.stream, let frame = stream.frames[0].chunk else {
            Issue.record("expected a chunk frame")
            return
        }
        #expect(frame.toolCalls == [ToolCallFrame(id: .null, name: .string("f"))])
    }

    @Test func unreadableFileIsAClearError() {
        let error = #expect(throws: ScenarioError.self) { try ScenarioLoader().load(file: "/nonexistent/x.yaml") }
        #expect(error?.code == .unreadableFile)
        #expect(error?.message.contains("/nonexistent/x.yaml") == true)
    }
}
