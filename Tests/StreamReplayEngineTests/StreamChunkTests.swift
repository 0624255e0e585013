import StreamReplayEngine
import Testing

struct StreamChunkTests {
    // MARK: Payloads

    @Test(arguments: ["[DONE]", "[DONE] ", "[DONE]\n"])
    func doneEndsTheStream(data: String) throws {
        #expect(try StreamChunk.Payload(data: data) == .done)
    }

    @Test(arguments: [": OPENROUTER PROCESSING", ":", ": keep-alive"])
    func dataThatIsItselfACommentIsSkipped(data: String) throws {
        #expect(try StreamChunk.Payload(data: data) == .comment)
    }

    @Test(arguments: ["not json", "{\"choices\":[", "{\"a\":1}}", " ", ""])
    func dataThatIsNotJSONIsAnInvalidChunk(data: String) {
        #expect(throws: JSONParseError.self) { try StreamChunk.Payload(data: data) }
    }

    @Test func dataNestedDeeperThan512IsAnInvalidChunk() throws {
        let data =
            #"{"choices":[{"delta":{"content":"#
            + String(repeating: "[", count: 520) + String(repeating: "]", count: 520) + "}}]}"
        let error = try #require(throws: JSONParseError.self) { try StreamChunk(payload: data) }
        #expect(error.code == .nestingTooDeep)
    }

    @Test(arguments: ["[]", "42", "null", "\"text\"", "true"])
    func jsonThatIsNotAnObjectAddsNothing(data: String) throws {
        #expect(try StreamChunk(payload: data) == StreamChunk())
    }

    // MARK: Error chunks

    @Test func errorObjectWithMessageIsAnErrorChunk() throws {
        let chunk = try StreamChunk(
            payload: #"{"error":{"message":"Upstream overloaded","type":"server_error","code":"502"}}"#
        )
        let error = try #require(chunk.error)
        #expect(error.message == "Upstream overloaded")
        #expect(error.value["code"] == "502")
    }

    @Test(arguments: ["false", "0", "\"\"", "\"boom\"", "{}", "[]", #"{"message":""}"#, #"{"message":42}"#])
    func errorOfAnyNonNullValueIsAnErrorChunkWithoutMessage(error: String) throws {
        let chunk = try StreamChunk(payload: #"{"error":\#(error)}"#)
        let providerError = try #require(chunk.error)
        #expect(providerError.message == nil)
        #expect(providerError.value == (try JSONValue(parsing: error)))
    }

    @Test func nullErrorIsNotAnErrorChunk() throws {
        let chunk = try StreamChunk(payload: #"{"error":null,"choices":[{"index":0,"delta":{"content":"hi"}}]}"#)
        #expect(chunk.error == nil)
        #expect(chunk.choices.first?.textFragments == ["hi"])
    }

    @Test func errorChunkChoicesModelAndUsageAreNotRead() throws {
        // OpenRouter's mid-stream error also carries a choice with finish_reason "error".
        let chunk = try StreamChunk(
            payload: #"""
                {"error":{"message":"Provider disconnected","code":"server_error"},"model":"m",\#
                "usage":{"prompt_tokens":1},"choices":[{"index":0,"delta":{"content":"x"},"finish_reason":"error"}]}
                """#
        )
        #expect(chunk.error?.message == "Provider disconnected")
        #expect(chunk.choices.isEmpty)
        #expect(chunk.model == nil)
        #expect(chunk.usage == nil)
        var selector = StreamChunk.ChoiceSelector()
        #expect(selector.followedChoices(in: chunk).isEmpty)
        #expect(selector.followedIndex == nil)
    }

    @Test func finishReasonErrorIsReadForTheEngine() throws {
        let chunk = try StreamChunk(payload: #"{"choices":[{"index":0,"delta":{},"finish_reason":"error"}]}"#)
        #expect(chunk.error == nil)
        #expect(chunk.choices.first?.finishReason == "error")
    }

    // MARK: Choice selection

    @Test func firstChoiceIndexSeenIsFollowed() throws {
        var selector = StreamChunk.ChoiceSelector()
        let payloads = [
            #"{"choices":[{"index":1,"delta":{"content":"a"}},{"index":2,"delta":{"content":"X"}}]}"#,
            #"{"choices":[{"index":2,"delta":{"content":"Y"}}]}"#,
            #"{"choices":[{"index":1,"delta":{"content":"b"}}]}"#,
            #"{"choices":[{"index":0,"delta":{"content":"Z"}},{"index":1,"delta":{"content":"c"}}]}"#,
        ]
        var text = ""
        for payload in payloads {
            for choice in selector.followedChoices(in: try StreamChunk(payload: payload)) {
                text += choice.textFragments.joined()
            }
        }
        #expect(text == "abc")
        #expect(selector.followedIndex == 1)
    }

    @Test func otherChoicesFinishReasonsAndToolCallsAreIgnored() throws {
        var selector = StreamChunk.ChoiceSelector()
        _ = selector.followedChoices(
            in: try StreamChunk(payload: #"{"choices":[{"index":0,"delta":{"content":"a"}}]}"#)
        )
        let other = try StreamChunk(
            payload: #"""
                {"choices":[{"index":1,"delta":{"tool_calls":[{"index":0,"id":"c","function":{"name":"f"}}]},\#
                "finish_reason":"error"}]}
                """#
        )
        #expect(selector.followedChoices(in: other).isEmpty)
    }

    @Test func choiceWithoutDeltaCountsAsSeen() throws {
        var selector = StreamChunk.ChoiceSelector()
        _ = selector.followedChoices(in: try StreamChunk(payload: #"{"choices":[{"index":3}]}"#))
        #expect(selector.followedIndex == 3)
    }

    @Test(arguments: [#"{"choices":[]}"#, #"{"choices":null}"#, #"{"choices":{}}"#, #"{"id":"x"}"#])
    func chunkWithNoChoicesAddsNothing(payload: String) throws {
        var selector = StreamChunk.ChoiceSelector()
        #expect(selector.followedChoices(in: try StreamChunk(payload: payload)).isEmpty)
        #expect(selector.followedIndex == nil)
    }

    @Test(arguments: [
        #"{"choices":[{"index":0}]}"#,
        #"{"choices":[{"index":0,"delta":null}]}"#,
        #"{"choices":[{"index":0,"delta":"text"}]}"#,
        #"{"choices":[{"index":0,"delta":{}}]}"#,
        #"{"choices":[{"index":0,"delta":{"content":null,"role":"assistant"}}]}"#,
        #"{"choices":[{"index":0,"content_filter_offsets":{"check_offset":0},"content_filter_results":{}}]}"#,
    ])
    func choiceWithoutDeltaOrNullDeltaAddsNothing(payload: String) throws {
        let choice = try #require(try StreamChunk(payload: payload).choices.first)
        #expect(choice.textFragments.isEmpty)
        #expect(choice.toolCallFragments.isEmpty)
        #expect(choice.finishReason == nil)
    }

    @Test(arguments: [
        #"{"choices":[{"delta":{}}]}"#, #"{"choices":[{"index":null}]}"#, #"{"choices":[{"index":"1"}]}"#,
    ])
    func choiceIndexAbsentNullOrNotAnIntegerCountsAsZero(payload: String) throws {
        #expect(try StreamChunk(payload: payload).choices.first?.index == 0)
    }

    // MARK: Text

    @Test func stringContentIsOneFragmentUnchanged() throws {
        let choice = try #require(
            try StreamChunk(payload: #"{"choices":[{"index":0,"delta":{"content":" \n\nBecause é"}}]}"#).choices.first
        )
        #expect(choice.textFragments == [" \n\nBecause é"])
    }

    @Test func emptyContentIsNoFragment() throws {
        let choice = try #require(
            try StreamChunk(payload: #"{"choices":[{"index":0,"delta":{"content":"","role":"assistant"}}]}"#)
                .choices.first
        )
        #expect(choice.textFragments.isEmpty)
    }

    @Test func arrayContentGivesOneFragmentPerNonEmptyTextPart() throws {
        // Magistral: thinking parts (whose own text is nested) and text parts in one array.
        let payload = #"""
            {"choices":[{"index":0,"delta":{"content":[\#
            {"type":"thinking","thinking":[{"type":"text","text":"Let me think"}]},\#
            {"type":"text","text":"Hello"},{"type":"text","text":""},{"text":" world"},\#
            {"type":"image_url","image_url":{"url":"x"}},{"type":"reasoning","text":"hidden"},\#
            "bare",{"type":"text","text":null},{"type":"text","text":"!"}]}}]}
            """#
        let choice = try #require(try StreamChunk(payload: payload).choices.first)
        #expect(choice.textFragments == ["Hello", " world", "!"])
    }

    @Test(arguments: [
        #"{"reasoning_content":"The user","content":null}"#,
        #"{"reasoning":"hmm","reasoning_details":[{"type":"reasoning.text","text":"hmm"}]}"#,
        #"{"refusal":"I can't help with that."}"#,
        #"{"content":42}"#,
        #"{"content":{"text":"x"}}"#,
    ])
    func reasoningRefusalAndNonTextContentAreNotText(delta: String) throws {
        let choice = try #require(
            try StreamChunk(payload: #"{"choices":[{"index":0,"delta":\#(delta)}]}"#).choices.first
        )
        #expect(choice.textFragments.isEmpty)
    }

    @Test func thinkTagsInsideContentAreYieldedUnchanged() throws {
        let choice = try #require(
            try StreamChunk(payload: #"{"choices":[{"index":0,"delta":{"content":"<think>plan</think>Answer"}}]}"#)
                .choices.first
        )
        #expect(choice.textFragments == ["<think>plan</think>Answer"])
    }

    // MARK: Tool-call fragments

    @Test(arguments: [
        ("0", Int64(0)), ("1", 1), ("1000000", 1_000_000), ("-1", -1), ("-7", -7), ("9223372036854775807", .max),
        ("2.0", 2),
    ])
    func toolCallIndexIsAnyInteger(index: String, expected: Int64) throws {
        let payload = #"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":\#(index)}]}}]}"#
        #expect(try StreamChunk(payload: payload).choices.first?.toolCallFragments.first?.index == expected)
    }

    @Test(arguments: [#"{}"#, #"{"index":null}"#, #"{"index":"0"}"#, #"{"index":0.5}"#])
    func toolCallIndexAbsentNullOrNotAnIntegerIsNil(item: String) throws {
        let payload = #"{"choices":[{"index":0,"delta":{"tool_calls":[\#(item)]}}]}"#
        let fragment = try #require(try StreamChunk(payload: payload).choices.first?.toolCallFragments.first)
        #expect(fragment.index == nil)
    }

    @Test func toolCallFragmentFieldsAreRead() throws {
        let payload = #"""
            {"choices":[{"index":0,"delta":{"tool_calls":[\#
            {"index":0,"id":"call_1","type":"function","function":{"name":"plus","arguments":"{\"a\""}},\#
            {"id":"","type":"","function":{"name":"","arguments":""}},{"function":null},"junk"]}}]}
            """#
        let fragments = try #require(try StreamChunk(payload: payload).choices.first?.toolCallFragments)
        #expect(
            fragments == [
                .init(index: 0, id: "call_1", type: "function", name: "plus", arguments: #"{"a""#),
                .init(id: "", type: "", name: "", arguments: ""),
                .init(),
            ]
        )
    }

    @Test func argumentsObjectBecomesCompactJSON() throws {
        let payload = #"""
            {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"c","function":\#
            {"name":"f","arguments":{ "b" : 1, "a" : [ true, 2.5, "é" ] }}}]}}]}
            """#
        let fragment = try #require(try StreamChunk(payload: payload).choices.first?.toolCallFragments.first)
        #expect(fragment.arguments == #"{"b":1,"a":[true,2.5,"é"]}"#)
    }

    @Test(arguments: [(#"[1,2]"#, #"[1,2]"#), ("7", "7"), ("true", "true"), ("null", nil)])
    func nonStringArgumentsAreSerialisedAndNullIsAbsent(arguments: String, expected: String?) throws {
        let payload = #"{"choices":[{"index":0,"delta":{"tool_calls":[{"function":{"arguments":\#(arguments)}}]}}]}"#
        let fragment = try #require(try StreamChunk(payload: payload).choices.first?.toolCallFragments.first)
        #expect(fragment.arguments == expected)
    }

    @Test func unknownToolCallKeysAreKept() throws {
        let payload = #"""
            {"choices":[{"index":0,"delta":{"tool_calls":[{"extra_content":{"google":{"thought_signature":"sig=="}},\#
            "index":0,"id":"c","cache_control":null,"function":{"name":"f","arguments":"{}","strict":true}}]}}]}
            """#
        let fragment = try #require(try StreamChunk(payload: payload).choices.first?.toolCallFragments.first)
        #expect(JSONValue.object(fragment.extra) == ["extra_content": ["google": ["thought_signature": "sig=="]]])
        #expect(JSONValue.object(fragment.functionExtra) == ["strict": true])
    }

    // MARK: Finish reason, model, usage

    @Test(arguments: [
        (#""stop""#, "stop"), (#""tool_calls""#, "tool_calls"), (#""length""#, "length"), (#""eos""#, "eos"),
        ("null", nil), ("1", nil),
    ])
    func finishReasonIsReadWhenAString(value: String, expected: String?) throws {
        let payload = #"{"choices":[{"index":0,"delta":{},"finish_reason":\#(value)}]}"#
        #expect(try StreamChunk(payload: payload).choices.first?.finishReason == expected)
    }

    @Test(arguments: [(#""gpt-4o""#, "gpt-4o"), (#""""#, nil), ("null", nil), ("3", nil)])
    func modelIsReadWhenANonEmptyString(value: String, expected: String?) throws {
        #expect(try StreamChunk(payload: #"{"model":\#(value),"choices":[]}"#).model == expected)
    }

    @Test func topLevelUsageIsRead() throws {
        let chunk = try StreamChunk(
            payload: #"{"choices":[],"usage":{"prompt_tokens":82,"completion_tokens":50,"total_tokens":132}}"#
        )
        #expect(chunk.usage == .init(promptTokens: 82, completionTokens: 50, totalTokens: 132))
    }

    @Test(arguments: [#""usage":null,"#, ""])
    func xGroqUsageIsReadWhenTopLevelUsageIsNullOrAbsent(topLevel: String) throws {
        let chunk = try StreamChunk(
            payload:
                #"{\#(topLevel)"x_groq":{"id":"req","usage":{"prompt_tokens":210,"completion_tokens":15,"total_tokens":225}}}"#
        )
        #expect(chunk.usage == .init(promptTokens: 210, completionTokens: 15, totalTokens: 225))
    }

    @Test func topLevelUsageWinsOverXGroqUsage() throws {
        let chunk = try StreamChunk(
            payload: #"{"usage":{"prompt_tokens":1},"x_groq":{"usage":{"prompt_tokens":2}}}"#
        )
        #expect(chunk.usage == .init(promptTokens: 1))
    }

    @Test func noUsageIsNil() throws {
        #expect(try StreamChunk(payload: #"{"usage":null,"x_groq":{"id":"req"}}"#).usage == nil)
        #expect(try StreamChunk(payload: #"{"x_groq":{"usage":null}}"#).usage == nil)
    }

    @Test func usageCountsMustBeIntegerValues() throws {
        let chunk = try StreamChunk(
            payload: #"{"usage":{"prompt_tokens":15.0,"completion_tokens":"3","total_tokens":1.5}}"#
        )
        #expect(chunk.usage == .init(promptTokens: 15))
        #expect(try StreamChunk(payload: #"{"usage":"n/a"}"#).usage == .init())
    }

    @Test func turnUsageSumsHopsAndMissingCountsAddZero() {
        let hops: [StreamChunk.Usage] = [
            .init(promptTokens: 82, completionTokens: 50, totalTokens: 132),
            .init(promptTokens: 100, completionTokens: nil, totalTokens: 110),
            .init(),
        ]
        let sum = StreamChunk.Usage.sum(hops)
        #expect(sum == .init(promptTokens: 182, completionTokens: 50, totalTokens: 242))
        #expect(sum?.json == ["prompt_tokens": 182, "completion_tokens": 50, "total_tokens": 242])
        #expect(StreamChunk.Usage.sum([]) == nil)
    }

    @Test func turnUsageSumSaturates() {
        let sum = StreamChunk.Usage.sum([.init(promptTokens: .max), .init(promptTokens: 1)])
        #expect(sum?.promptTokens == .max)
    }

    // MARK: Real provider streams

    @Test func mistralParallelCallsWithoutIndexInOneChunk() throws {
        let hop = try HopReplay(ProviderCapture.mistralParallelNoIndexOneChunk)
        #expect(hop.text.isEmpty)
        #expect(hop.finishReason == "tool_calls")
        #expect(hop.calls.map(\.id) == ["nqjf8Hqe1", "ATcpCKul3"])
        #expect(hop.calls.map(\.name) == ["plus", "minus"])
        #expect(hop.calls.map(\.rawArguments) == [#"{"a": 1, "b": 2}"#, #"{"a": 2, "b": 1}"#])
        #expect(hop.calls.map(\.arguments.isValid) == [true, true])
        #expect(hop.usage == .init(promptTokens: 187, completionTokens: 45, totalTokens: 232))
    }

    @Test func geminiEmptyIDAndFinishStopStillRunsTheCall() throws {
        let hop = try HopReplay(ProviderCapture.geminiFlashToolEmptyIDFinishStop, requestID: "r1", hop: 2)
        #expect(hop.finishReason == "stop")
        let call = try #require(hop.calls.first)
        #expect(hop.calls.count == 1)
        #expect(call.id == "call_r1_2_0")
        #expect(call.name == "return_list_of_int")
        #expect(call.arguments.jsonObject == (["value": [1, 2, 3, 4, 5]]))
        #expect(hop.usage == .init(promptTokens: 25, completionTokens: 8, totalTokens: 33))
        #expect(hop.model == "gemini-2.0-flash")
    }

    @Test func openAIParallelCallsWithSplitArguments() throws {
        let hop = try HopReplay(ProviderCapture.openAIParallelSplitArgs)
        #expect(hop.text.isEmpty)
        #expect(hop.calls.map(\.id) == ["call_8Sp49rZGndlZALo0uq1XvA7A", "call_u5dbdPz1mAis8zZVk4ZBqXgL"])
        #expect(hop.calls.map(\.position) == [0, 1])
        #expect(hop.calls.map(\.rawArguments) == [#"{"a": 2, "b": 3}"#, #"{"a": 3, "b": 2}"#])
        #expect(hop.calls[0].arguments.jsonObject == (["a": 2, "b": 3]))
        // The usage-only chunk after the finish chunk, with `usage:null` on every earlier one.
        #expect(hop.usage == .init(promptTokens: 82, completionTokens: 50, totalTokens: 132))
        #expect(hop.finishReason == "tool_calls")
    }

    @Test func groqWholeArgumentsAndXGroqUsage() throws {
        let hop = try HopReplay(ProviderCapture.groqLlamaWholeArgsXGroqUsage)
        #expect(hop.calls.map(\.id) == ["tk85n1k4m"])
        #expect(hop.calls.first?.rawArguments == "{}")
        #expect(hop.usage == .init(promptTokens: 210, completionTokens: 15, totalTokens: 225))
        #expect(hop.model == "llama-3.3-70b-versatile")
    }

    @Test func groqUsageOnlyInXGroqIsRead() throws {
        // The capture duplicates usage at top level; without it, x_groq.usage is the usage.
        let line = try #require(
            ProviderCapture.groqLlamaWholeArgsXGroqUsage.split(separator: "\n").first {
                $0.contains("x_groq\":{\"id\":\"req_01kh52nj5yfcat8hrmvrk2j2hj\",\"usage")
            }
        )
        let json = try JSONValue(parsing: String(line.dropFirst("data: ".count)))
        let xGroq = try #require(json["x_groq"])
        let withoutTopLevelUsage: JSONValue = ["model": json["model"] ?? nil, "x_groq": xGroq]
        #expect(
            StreamChunk(json: withoutTopLevelUsage).usage
                == .init(promptTokens: 210, completionTokens: 15, totalTokens: 225)
        )
    }

    @Test func deepseekReasoningIsNotTextAndTheToolCallIsAssembled() throws {
        let hop = try HopReplay(ProviderCapture.deepseekReasonerReasoningThenTool)
        #expect(hop.text.isEmpty)
        let call = try #require(hop.calls.first)
        #expect(hop.calls.count == 1)
        #expect(call.id == "call_00_ioIn7yN9p1ZOMNpDLwd4MgAF")
        #expect(call.name == "weather")
        #expect(call.arguments.jsonObject == (["location": "San Francisco"]))
        #expect(hop.usage == .init(promptTokens: 339, completionTokens: 83, totalTokens: 422))
    }

    @Test func azurePromptFilterChunkAddsNothing() throws {
        let hop = try HopReplay(ProviderCapture.azureOpenAIPromptFilterFirstChunk)
        #expect(hop.followedIndex == 0)
        #expect(hop.text.first == "Why")
        #expect(hop.text.count == 24)
        #expect(
            hop.text.joined()
                == "Why did the Opentelemetry developer bring a ladder to the coding competition? \n\n"
                + "Because they wanted to reach new traces!"
        )
        #expect(hop.calls.isEmpty)
        #expect(hop.finishReason == "stop")
        #expect(hop.model == "gpt-35-turbo")
        #expect(hop.usage == nil)
    }

    @Test func azureFoundryFilterChunkAndParameterlessTool() throws {
        let hop = try HopReplay(ProviderCapture.azureFoundryGrokFilterChunkToolNoParams)
        #expect(hop.calls.map(\.name) == ["best_language_to_learn"])
        #expect(hop.calls.first?.arguments.jsonObject == ([:]))
        #expect(hop.usage == .init(promptTokens: 205, completionTokens: 18, totalTokens: 223))
    }

    @Test func ollamaNoIndexAndFinishStop() throws {
        let hop = try HopReplay(ProviderCapture.ollamaLlama31NoIndexFinishStop)
        #expect(hop.finishReason == "stop")
        #expect(hop.calls.map(\.id) == ["call_ygc23skr"])
        #expect(hop.calls.first?.arguments.jsonObject == (["value": "[1, 2, 3, 4, 5]"]))
    }

    @Test func openRouterCommentAndUsageAfterFinish() throws {
        let hop = try HopReplay(ProviderCapture.openRouterVeniceChoiceAfterFinish)
        #expect(hop.text == ["test response"])
        #expect(hop.finishReason == "stop")
        #expect(hop.usage == .init(promptTokens: 586, completionTokens: 3, totalTokens: 589))
    }

    @Test func xaiToolAndFinishInOneChunk() throws {
        let hop = try HopReplay(ProviderCapture.xaiGrok2ToolAndFinishOneChunk)
        #expect(hop.calls.map(\.id) == ["call_54325129"])
        #expect(hop.calls.first?.rawArguments == #"{"value":[1,2,3,4,5]}"#)
        #expect(hop.finishReason == "tool_calls")
    }

    @Test func tenThousandOneCharacterTextFragmentsComplete() throws {
        var sse = ""
        for i in 0..<10_000 {
            sse += #"data: {"choices":[{"index":0,"delta":{"content":"\#(i % 10)"}}]}"# + "\n\n"
        }
        sse += "data: [DONE]\n\n"
        let hop = try HopReplay(sse)
        #expect(hop.text.count == 10_000)
        #expect(hop.text.joined().unicodeScalars.count == 10_000)
    }
}

/// One hop of a recorded stream, driven the way the engine's hop loop drives the pure parts.
///
/// The SSE framing here is deliberately naive (each `data:` line is one event): the captures are
/// well-formed, and the SSE module has its own byte-level tests.
private struct HopReplay {
    var text: [String] = []
    var calls: [ToolCallAccumulator.ToolCall] = []
    var finishReason: String?
    var usage: StreamChunk.Usage?
    var model: String?
    var followedIndex: Int64?

    init(_ sse: String, requestID: String = "rid", hop: Int = 0) throws {
        var selector = StreamChunk.ChoiceSelector()
        var accumulator = ToolCallAccumulator()
        lines: for line in sse.split(separator: "\n") where line.hasPrefix("data:") {
            var data = line.dropFirst("data:".count)
            if data.hasPrefix(" ") { data = data.dropFirst() }
            switch try StreamChunk.Payload(data: String(data)) {
            case .done: break lines
            case .comment: continue
            case .chunk(let chunk):
                #expect(chunk.error == nil)
                if let model = chunk.model { self.model = model }
                if let usage = chunk.usage { self.usage = usage }
                for choice in selector.followedChoices(in: chunk) {
                    text += choice.textFragments
                    for fragment in choice.toolCallFragments { accumulator.add(fragment) }
                    if let reason = choice.finishReason { finishReason = reason }
                }
            }
        }
        calls = accumulator.toolCalls(requestID: requestID, hop: hop)
        followedIndex = selector.followedIndex
    }
}

/// Real provider streams, copied verbatim from `shared/captures/{provider}/{name}.sse`.
private enum ProviderCapture {
    /// `azure-foundry/grok-filter-chunk-tool-no-params.sse`
    static let azureFoundryGrokFilterChunkToolNoParams = #"""
        data: {"choices":[],"created":0,"id":"","model":"","object":"","prompt_filter_results":[{"prompt_index":0,"content_filter_results":{"hate":{"filtered":false,"severity":"safe"},"jailbreak":{"filtered":false,"detected":false},"self_harm":{"filtered":false,"severity":"safe"},"sexual":{"filtered":false,"severity":"safe"},"violence":{"filtered":false,"severity":"safe"}}}]}

        data: {"choices":[{"content_filter_results":{},"delta":{"role":"assistant","tool_calls":[{"function":{"arguments":"{}","name":"best_language_to_learn"},"id":"call_14838310","index":0,"type":"function"}]},"index":0}],"created":1775129190,"id":"cab60a7d-2fbb-4d68-a94d-59634fd4e915","model":"grok-4-1-fast-non-reasoning","object":"chat.completion.chunk","system_fingerprint":"fp_49c5j0a323"}

        data: {"choices":[{"content_filter_results":{},"delta":{},"finish_reason":"tool_calls","index":0}],"created":1775129190,"id":"cab60a7d-2fbb-4d68-a94d-59634fd4e915","model":"grok-4-1-fast-non-reasoning","object":"chat.completion.chunk","system_fingerprint":"fp_49c5j0a323"}

        data: {"choices":[],"created":1775129190,"id":"cab60a7d-2fbb-4d68-a94d-59634fd4e915","model":"grok-4-1-fast-non-reasoning","object":"chat.completion.chunk","system_fingerprint":"fp_49c5j0a323","usage":{"completion_tokens":18,"completion_tokens_details":{"accepted_prediction_tokens":0,"audio_tokens":0,"reasoning_tokens":0,"rejected_prediction_tokens":0},"cost_in_usd_ticks":0,"num_sources_used":0,"prompt_tokens":205,"prompt_tokens_details":{"audio_tokens":0,"cached_tokens":0,"image_tokens":0,"text_tokens":205},"total_tokens":223}}

        data: [DONE]
        """#

    /// `azure-openai/prompt-filter-first-chunk.sse`
    static let azureOpenAIPromptFilterFirstChunk = #"""
        data: {"choices":[],"created":0,"id":"","model":"","object":"","prompt_filter_results":[{"prompt_index":0,"content_filter_results":{"hate":{"filtered":false,"severity":"safe"},"self_harm":{"filtered":false,"severity":"safe"},"sexual":{"filtered":false,"severity":"safe"},"violence":{"filtered":false,"severity":"safe"}}}]}

        data: {"choices":[{"content_filter_results":{},"delta":{"content":"","role":"assistant"},"finish_reason":null,"index":0,"logprobs":null}],"created":1714036974,"id":"chatcmpl-9HpbaAXyt0cAnlWvI8kUAFpZt5jyQ","model":"gpt-35-turbo","object":"chat.completion.chunk","system_fingerprint":null}

        data: {"choices":[{"content_filter_results":{"hate":{"filtered":false,"severity":"safe"},"self_harm":{"filtered":false,"severity":"safe"},"sexual":{"filtered":false,"severity":"safe"},"violence":{"filtered":false,"severity":"safe"}},"delta":{"content":"Why"},"finish_reason":null,"index":0,"logprobs":null}],"created":1714036974,"id":"chatcmpl-9HpbaAXyt0cAnlWvI8kUAFpZt5jyQ","model":"gpt-35-turbo","object":"chat.completion.chunk","system_fingerprint":null}

        data: {"choices":[{"content_filter_results":{"hate":{"filtered":false,"severity":"safe"},"self_harm":{"filtered":false,"severity":"safe"},"sexual":{"filtered":false,"severity":"safe"},"violence":{"filtered":false,"severity":"safe"}},"delta":{"content":" did"},"finish_reason":null,"index":0,"logprobs":null}],"created":1714036974,"id":"chatcmpl-9HpbaAXyt0cAnlWvI8kUAFpZt5jyQ","model":"gpt-35-turbo","object":"chat.completion.chunk","system_fingerprint":null}

        data: {"choices":[{"content_filter_results":{"hate":{"filtered":false,"severity":"safe"},"self_harm":{"filtered":false,"severity":"safe"},"sexual":{"filtered":false,"severity":"safe"},"violence":{"filtered":false,"severity":"safe"}},"delta":{"content":" the"},"finish_reason":null,"index":0,"logprobs":null}],"created":1714036974,"id":"chatcmpl-9HpbaAXyt0cAnlWvI8kUAFpZt5jyQ","model":"gpt-35-turbo","object":"chat.completion.chunk","system_fingerprint":null}

        data: {"choices":[{"content_filter_results":{"hate":{"filtered":false,"severity":"safe"},"self_harm":{"filtered":false,"severity":"safe"},"sexual":{"filtered":false,"severity":"safe"},"violence":{"filtered":false,"severity":"safe"}},"delta":{"content":" Op"},"finish_reason":null,"index":0,"logprobs":null}],"created":1714036974,"id":"chatcmpl-9HpbaAXyt0cAnlWvI8kUAFpZt5jyQ","model":"gpt-35-turbo","object":"chat.completion.chunk","system_fingerprint":null}

        data: {"choices":[{"content_filter_results":{"hate":{"filtered":false,"severity":"safe"},"self_harm":{"filtered":false,"severity":"safe"},"sexual":{"filtered":false,"severity":"safe"},"violence":{"filtered":false,"severity":"safe"}},"delta":{"content":"ente"},"finish_reason":null,"index":0,"logprobs":null}],"created":1714036974,"id":"chatcmpl-9HpbaAXyt0cAnlWvI8kUAFpZt5jyQ","model":"gpt-35-turbo","object":"chat.completion.chunk","system_fingerprint":null}

        data: {"choices":[{"content_filter_results":{"hate":{"filtered":false,"severity":"safe"},"self_harm":{"filtered":false,"severity":"safe"},"sexual":{"filtered":false,"severity":"safe"},"violence":{"filtered":false,"severity":"safe"}},"delta":{"content":"lemetry"},"finish_reason":null,"index":0,"logprobs":null}],"created":1714036974,"id":"chatcmpl-9HpbaAXyt0cAnlWvI8kUAFpZt5jyQ","model":"gpt-35-turbo","object":"chat.completion.chunk","system_fingerprint":null}

        data: {"choices":[{"content_filter_results":{"hate":{"filtered":false,"severity":"safe"},"self_harm":{"filtered":false,"severity":"safe"},"sexual":{"filtered":false,"severity":"safe"},"violence":{"filtered":false,"severity":"safe"}},"delta":{"content":" developer"},"finish_reason":null,"index":0,"logprobs":null}],"created":1714036974,"id":"chatcmpl-9HpbaAXyt0cAnlWvI8kUAFpZt5jyQ","model":"gpt-35-turbo","object":"chat.completion.chunk","system_fingerprint":null}

        data: {"choices":[{"content_filter_results":{"hate":{"filtered":false,"severity":"safe"},"self_harm":{"filtered":false,"severity":"safe"},"sexual":{"filtered":false,"severity":"safe"},"violence":{"filtered":false,"severity":"safe"}},"delta":{"content":" bring"},"finish_reason":null,"index":0,"logprobs":null}],"created":1714036974,"id":"chatcmpl-9HpbaAXyt0cAnlWvI8kUAFpZt5jyQ","model":"gpt-35-turbo","object":"chat.completion.chunk","system_fingerprint":null}

        data: {"choices":[{"content_filter_results":{"hate":{"filtered":false,"severity":"safe"},"self_harm":{"filtered":false,"severity":"safe"},"sexual":{"filtered":false,"severity":"safe"},"violence":{"filtered":false,"severity":"safe"}},"delta":{"content":" a"},"finish_reason":null,"index":0,"logprobs":null}],"created":1714036974,"id":"chatcmpl-9HpbaAXyt0cAnlWvI8kUAFpZt5jyQ","model":"gpt-35-turbo","object":"chat.completion.chunk","system_fingerprint":null}

        data: {"choices":[{"content_filter_results":{"hate":{"filtered":false,"severity":"safe"},"self_harm":{"filtered":false,"severity":"safe"},"sexual":{"filtered":false,"severity":"safe"},"violence":{"filtered":false,"severity":"safe"}},"delta":{"content":" ladder"},"finish_reason":null,"index":0,"logprobs":null}],"created":1714036974,"id":"chatcmpl-9HpbaAXyt0cAnlWvI8kUAFpZt5jyQ","model":"gpt-35-turbo","object":"chat.completion.chunk","system_fingerprint":null}

        data: {"choices":[{"content_filter_results":{"hate":{"filtered":false,"severity":"safe"},"self_harm":{"filtered":false,"severity":"safe"},"sexual":{"filtered":false,"severity":"safe"},"violence":{"filtered":false,"severity":"safe"}},"delta":{"content":" to"},"finish_reason":null,"index":0,"logprobs":null}],"created":1714036974,"id":"chatcmpl-9HpbaAXyt0cAnlWvI8kUAFpZt5jyQ","model":"gpt-35-turbo","object":"chat.completion.chunk","system_fingerprint":null}

        data: {"choices":[{"content_filter_results":{"hate":{"filtered":false,"severity":"safe"},"self_harm":{"filtered":false,"severity":"safe"},"sexual":{"filtered":false,"severity":"safe"},"violence":{"filtered":false,"severity":"safe"}},"delta":{"content":" the"},"finish_reason":null,"index":0,"logprobs":null}],"created":1714036974,"id":"chatcmpl-9HpbaAXyt0cAnlWvI8kUAFpZt5jyQ","model":"gpt-35-turbo","object":"chat.completion.chunk","system_fingerprint":null}

        data: {"choices":[{"content_filter_results":{"hate":{"filtered":false,"severity":"safe"},"self_harm":{"filtered":false,"severity":"safe"},"sexual":{"filtered":false,"severity":"safe"},"violence":{"filtered":false,"severity":"safe"}},"delta":{"content":" coding"},"finish_reason":null,"index":0,"logprobs":null}],"created":1714036974,"id":"chatcmpl-9HpbaAXyt0cAnlWvI8kUAFpZt5jyQ","model":"gpt-35-turbo","object":"chat.completion.chunk","system_fingerprint":null}

        data: {"choices":[{"content_filter_results":{"hate":{"filtered":false,"severity":"safe"},"self_harm":{"filtered":false,"severity":"safe"},"sexual":{"filtered":false,"severity":"safe"},"violence":{"filtered":false,"severity":"safe"}},"delta":{"content":" competition"},"finish_reason":null,"index":0,"logprobs":null}],"created":1714036974,"id":"chatcmpl-9HpbaAXyt0cAnlWvI8kUAFpZt5jyQ","model":"gpt-35-turbo","object":"chat.completion.chunk","system_fingerprint":null}

        data: {"choices":[{"content_filter_results":{"hate":{"filtered":false,"severity":"safe"},"self_harm":{"filtered":false,"severity":"safe"},"sexual":{"filtered":false,"severity":"safe"},"violence":{"filtered":false,"severity":"safe"}},"delta":{"content":"?"},"finish_reason":null,"index":0,"logprobs":null}],"created":1714036974,"id":"chatcmpl-9HpbaAXyt0cAnlWvI8kUAFpZt5jyQ","model":"gpt-35-turbo","object":"chat.completion.chunk","system_fingerprint":null}

        data: {"choices":[{"content_filter_results":{"hate":{"filtered":false,"severity":"safe"},"self_harm":{"filtered":false,"severity":"safe"},"sexual":{"filtered":false,"severity":"safe"},"violence":{"filtered":false,"severity":"safe"}},"delta":{"content":" \n\n"},"finish_reason":null,"index":0,"logprobs":null}],"created":1714036974,"id":"chatcmpl-9HpbaAXyt0cAnlWvI8kUAFpZt5jyQ","model":"gpt-35-turbo","object":"chat.completion.chunk","system_fingerprint":null}

        data: {"choices":[{"content_filter_results":{"hate":{"filtered":false,"severity":"safe"},"self_harm":{"filtered":false,"severity":"safe"},"sexual":{"filtered":false,"severity":"safe"},"violence":{"filtered":false,"severity":"safe"}},"delta":{"content":"Because"},"finish_reason":null,"index":0,"logprobs":null}],"created":1714036974,"id":"chatcmpl-9HpbaAXyt0cAnlWvI8kUAFpZt5jyQ","model":"gpt-35-turbo","object":"chat.completion.chunk","system_fingerprint":null}

        data: {"choices":[{"content_filter_results":{"hate":{"filtered":false,"severity":"safe"},"self_harm":{"filtered":false,"severity":"safe"},"sexual":{"filtered":false,"severity":"safe"},"violence":{"filtered":false,"severity":"safe"}},"delta":{"content":" they"},"finish_reason":null,"index":0,"logprobs":null}],"created":1714036974,"id":"chatcmpl-9HpbaAXyt0cAnlWvI8kUAFpZt5jyQ","model":"gpt-35-turbo","object":"chat.completion.chunk","system_fingerprint":null}

        data: {"choices":[{"content_filter_results":{"hate":{"filtered":false,"severity":"safe"},"self_harm":{"filtered":false,"severity":"safe"},"sexual":{"filtered":false,"severity":"safe"},"violence":{"filtered":false,"severity":"safe"}},"delta":{"content":" wanted"},"finish_reason":null,"index":0,"logprobs":null}],"created":1714036974,"id":"chatcmpl-9HpbaAXyt0cAnlWvI8kUAFpZt5jyQ","model":"gpt-35-turbo","object":"chat.completion.chunk","system_fingerprint":null}

        data: {"choices":[{"content_filter_results":{"hate":{"filtered":false,"severity":"safe"},"self_harm":{"filtered":false,"severity":"safe"},"sexual":{"filtered":false,"severity":"safe"},"violence":{"filtered":false,"severity":"safe"}},"delta":{"content":" to"},"finish_reason":null,"index":0,"logprobs":null}],"created":1714036974,"id":"chatcmpl-9HpbaAXyt0cAnlWvI8kUAFpZt5jyQ","model":"gpt-35-turbo","object":"chat.completion.chunk","system_fingerprint":null}

        data: {"choices":[{"content_filter_results":{"hate":{"filtered":false,"severity":"safe"},"self_harm":{"filtered":false,"severity":"safe"},"sexual":{"filtered":false,"severity":"safe"},"violence":{"filtered":false,"severity":"safe"}},"delta":{"content":" reach"},"finish_reason":null,"index":0,"logprobs":null}],"created":1714036974,"id":"chatcmpl-9HpbaAXyt0cAnlWvI8kUAFpZt5jyQ","model":"gpt-35-turbo","object":"chat.completion.chunk","system_fingerprint":null}

        data: {"choices":[{"content_filter_results":{"hate":{"filtered":false,"severity":"safe"},"self_harm":{"filtered":false,"severity":"safe"},"sexual":{"filtered":false,"severity":"safe"},"violence":{"filtered":false,"severity":"safe"}},"delta":{"content":" new"},"finish_reason":null,"index":0,"logprobs":null}],"created":1714036974,"id":"chatcmpl-9HpbaAXyt0cAnlWvI8kUAFpZt5jyQ","model":"gpt-35-turbo","object":"chat.completion.chunk","system_fingerprint":null}

        data: {"choices":[{"content_filter_results":{"hate":{"filtered":false,"severity":"safe"},"self_harm":{"filtered":false,"severity":"safe"},"sexual":{"filtered":false,"severity":"safe"},"violence":{"filtered":false,"severity":"safe"}},"delta":{"content":" traces"},"finish_reason":null,"index":0,"logprobs":null}],"created":1714036974,"id":"chatcmpl-9HpbaAXyt0cAnlWvI8kUAFpZt5jyQ","model":"gpt-35-turbo","object":"chat.completion.chunk","system_fingerprint":null}

        data: {"choices":[{"content_filter_results":{"hate":{"filtered":false,"severity":"safe"},"self_harm":{"filtered":false,"severity":"safe"},"sexual":{"filtered":false,"severity":"safe"},"violence":{"filtered":false,"severity":"safe"}},"delta":{"content":"!"},"finish_reason":null,"index":0,"logprobs":null}],"created":1714036974,"id":"chatcmpl-9HpbaAXyt0cAnlWvI8kUAFpZt5jyQ","model":"gpt-35-turbo","object":"chat.completion.chunk","system_fingerprint":null}

        data: {"choices":[{"content_filter_results":{},"delta":{},"finish_reason":"stop","index":0,"logprobs":null}],"created":1714036974,"id":"chatcmpl-9HpbaAXyt0cAnlWvI8kUAFpZt5jyQ","model":"gpt-35-turbo","object":"chat.completion.chunk","system_fingerprint":null}

        data: [DONE]
        """#

    /// `deepseek/reasoner-reasoning-then-tool.sse`
    static let deepseekReasonerReasoningThenTool = #"""
        data: {"id":"cca85624-4056-401f-b220-d77601d1f70d","object":"chat.completion.chunk","created":1764664568,"model":"deepseek-reasoner","system_fingerprint":"fp_eaab8d114b_prod0820_fp8_kvcache","choices":[{"index":0,"delta":{"role":"assistant","content":null,"reasoning_content":""},"logprobs":null,"finish_reason":null}],"usage":null}

        data: {"id":"cca85624-4056-401f-b220-d77601d1f70d","object":"chat.completion.chunk","created":1764664568,"model":"deepseek-reasoner","system_fingerprint":"fp_eaab8d114b_prod0820_fp8_kvcache","choices":[{"index":0,"delta":{"content":null,"reasoning_content":"The"},"logprobs":null,"finish_reason":null}],"usage":null}

        data: {"id":"cca85624-4056-401f-b220-d77601d1f70d","object":"chat.completion.chunk","created":1764664568,"model":"deepseek-reasoner","system_fingerprint":"fp_eaab8d114b_prod0820_fp8_kvcache","choices":[{"index":0,"delta":{"content":null,"reasoning_content":" user"},"logprobs":null,"finish_reason":null}],"usage":null}

        data: {"id":"cca85624-4056-401f-b220-d77601d1f70d","object":"chat.completion.chunk","created":1764664568,"model":"deepseek-reasoner","system_fingerprint":"fp_eaab8d114b_prod0820_fp8_kvcache","choices":[{"index":0,"delta":{"content":null,"reasoning_content":" is"},"logprobs":null,"finish_reason":null}],"usage":null}

        data: {"id":"cca85624-4056-401f-b220-d77601d1f70d","object":"chat.completion.chunk","created":1764664568,"model":"deepseek-reasoner","system_fingerprint":"fp_eaab8d114b_prod0820_fp8_kvcache","choices":[{"index":0,"delta":{"content":null,"reasoning_content":" asking"},"logprobs":null,"finish_reason":null}],"usage":null}

        data: {"id":"cca85624-4056-401f-b220-d77601d1f70d","object":"chat.completion.chunk","created":1764664568,"model":"deepseek-reasoner","system_fingerprint":"fp_eaab8d114b_prod0820_fp8_kvcache","choices":[{"index":0,"delta":{"content":null,"reasoning_content":" for"},"logprobs":null,"finish_reason":null}],"usage":null}

        data: {"id":"cca85624-4056-401f-b220-d77601d1f70d","object":"chat.completion.chunk","created":1764664568,"model":"deepseek-reasoner","system_fingerprint":"fp_eaab8d114b_prod0820_fp8_kvcache","choices":[{"index":0,"delta":{"content":null,"reasoning_content":" the"},"logprobs":null,"finish_reason":null}],"usage":null}

        data: {"id":"cca85624-4056-401f-b220-d77601d1f70d","object":"chat.completion.chunk","created":1764664568,"model":"deepseek-reasoner","system_fingerprint":"fp_eaab8d114b_prod0820_fp8_kvcache","choices":[{"index":0,"delta":{"content":null,"reasoning_content":" weather"},"logprobs":null,"finish_reason":null}],"usage":null}

        data: {"id":"cca85624-4056-401f-b220-d77601d1f70d","object":"chat.completion.chunk","created":1764664568,"model":"deepseek-reasoner","system_fingerprint":"fp_eaab8d114b_prod0820_fp8_kvcache","choices":[{"index":0,"delta":{"content":null,"reasoning_content":" in"},"logprobs":null,"finish_reason":null}],"usage":null}

        data: {"id":"cca85624-4056-401f-b220-d77601d1f70d","object":"chat.completion.chunk","created":1764664568,"model":"deepseek-reasoner","system_fingerprint":"fp_eaab8d114b_prod0820_fp8_kvcache","choices":[{"index":0,"delta":{"content":null,"reasoning_content":" San"},"logprobs":null,"finish_reason":null}],"usage":null}

        data: {"id":"cca85624-4056-401f-b220-d77601d1f70d","object":"chat.completion.chunk","created":1764664568,"model":"deepseek-reasoner","system_fingerprint":"fp_eaab8d114b_prod0820_fp8_kvcache","choices":[{"index":0,"delta":{"content":null,"reasoning_content":" Francisco"},"logprobs":null,"finish_reason":null}],"usage":null}

        data: {"id":"cca85624-4056-401f-b220-d77601d1f70d","object":"chat.completion.chunk","created":1764664568,"model":"deepseek-reasoner","system_fingerprint":"fp_eaab8d114b_prod0820_fp8_kvcache","choices":[{"index":0,"delta":{"content":null,"reasoning_content":"."},"logprobs":null,"finish_reason":null}],"usage":null}

        data: {"id":"cca85624-4056-401f-b220-d77601d1f70d","object":"chat.completion.chunk","created":1764664568,"model":"deepseek-reasoner","system_fingerprint":"fp_eaab8d114b_prod0820_fp8_kvcache","choices":[{"index":0,"delta":{"content":null,"reasoning_content":" I"},"logprobs":null,"finish_reason":null}],"usage":null}

        data: {"id":"cca85624-4056-401f-b220-d77601d1f70d","object":"chat.completion.chunk","created":1764664568,"model":"deepseek-reasoner","system_fingerprint":"fp_eaab8d114b_prod0820_fp8_kvcache","choices":[{"index":0,"delta":{"content":null,"reasoning_content":" need"},"logprobs":null,"finish_reason":null}],"usage":null}

        data: {"id":"cca85624-4056-401f-b220-d77601d1f70d","object":"chat.completion.chunk","created":1764664568,"model":"deepseek-reasoner","system_fingerprint":"fp_eaab8d114b_prod0820_fp8_kvcache","choices":[{"index":0,"delta":{"content":null,"reasoning_content":" to"},"logprobs":null,"finish_reason":null}],"usage":null}

        data: {"id":"cca85624-4056-401f-b220-d77601d1f70d","object":"chat.completion.chunk","created":1764664568,"model":"deepseek-reasoner","system_fingerprint":"fp_eaab8d114b_prod0820_fp8_kvcache","choices":[{"index":0,"delta":{"content":null,"reasoning_content":" use"},"logprobs":null,"finish_reason":null}],"usage":null}

        data: {"id":"cca85624-4056-401f-b220-d77601d1f70d","object":"chat.completion.chunk","created":1764664568,"model":"deepseek-reasoner","system_fingerprint":"fp_eaab8d114b_prod0820_fp8_kvcache","choices":[{"index":0,"delta":{"content":null,"reasoning_content":" the"},"logprobs":null,"finish_reason":null}],"usage":null}

        data: {"id":"cca85624-4056-401f-b220-d77601d1f70d","object":"chat.completion.chunk","created":1764664568,"model":"deepseek-reasoner","system_fingerprint":"fp_eaab8d114b_prod0820_fp8_kvcache","choices":[{"index":0,"delta":{"content":null,"reasoning_content":" weather"},"logprobs":null,"finish_reason":null}],"usage":null}

        data: {"id":"cca85624-4056-401f-b220-d77601d1f70d","object":"chat.completion.chunk","created":1764664568,"model":"deepseek-reasoner","system_fingerprint":"fp_eaab8d114b_prod0820_fp8_kvcache","choices":[{"index":0,"delta":{"content":null,"reasoning_content":" tool"},"logprobs":null,"finish_reason":null}],"usage":null}

        data: {"id":"cca85624-4056-401f-b220-d77601d1f70d","object":"chat.completion.chunk","created":1764664568,"model":"deepseek-reasoner","system_fingerprint":"fp_eaab8d114b_prod0820_fp8_kvcache","choices":[{"index":0,"delta":{"content":null,"reasoning_content":" to"},"logprobs":null,"finish_reason":null}],"usage":null}

        data: {"id":"cca85624-4056-401f-b220-d77601d1f70d","object":"chat.completion.chunk","created":1764664568,"model":"deepseek-reasoner","system_fingerprint":"fp_eaab8d114b_prod0820_fp8_kvcache","choices":[{"index":0,"delta":{"content":null,"reasoning_content":" get"},"logprobs":null,"finish_reason":null}],"usage":null}

        data: {"id":"cca85624-4056-401f-b220-d77601d1f70d","object":"chat.completion.chunk","created":1764664568,"model":"deepseek-reasoner","system_fingerprint":"fp_eaab8d114b_prod0820_fp8_kvcache","choices":[{"index":0,"delta":{"content":null,"reasoning_content":" this"},"logprobs":null,"finish_reason":null}],"usage":null}

        data: {"id":"cca85624-4056-401f-b220-d77601d1f70d","object":"chat.completion.chunk","created":1764664568,"model":"deepseek-reasoner","system_fingerprint":"fp_eaab8d114b_prod0820_fp8_kvcache","choices":[{"index":0,"delta":{"content":null,"reasoning_content":" information"},"logprobs":null,"finish_reason":null}],"usage":null}

        data: {"id":"cca85624-4056-401f-b220-d77601d1f70d","object":"chat.completion.chunk","created":1764664568,"model":"deepseek-reasoner","system_fingerprint":"fp_eaab8d114b_prod0820_fp8_kvcache","choices":[{"index":0,"delta":{"content":null,"reasoning_content":"."},"logprobs":null,"finish_reason":null}],"usage":null}

        data: {"id":"cca85624-4056-401f-b220-d77601d1f70d","object":"chat.completion.chunk","created":1764664568,"model":"deepseek-reasoner","system_fingerprint":"fp_eaab8d114b_prod0820_fp8_kvcache","choices":[{"index":0,"delta":{"content":null,"reasoning_content":" Let"},"logprobs":null,"finish_reason":null}],"usage":null}

        data: {"id":"cca85624-4056-401f-b220-d77601d1f70d","object":"chat.completion.chunk","created":1764664568,"model":"deepseek-reasoner","system_fingerprint":"fp_eaab8d114b_prod0820_fp8_kvcache","choices":[{"index":0,"delta":{"content":null,"reasoning_content":" me"},"logprobs":null,"finish_reason":null}],"usage":null}

        data: {"id":"cca85624-4056-401f-b220-d77601d1f70d","object":"chat.completion.chunk","created":1764664568,"model":"deepseek-reasoner","system_fingerprint":"fp_eaab8d114b_prod0820_fp8_kvcache","choices":[{"index":0,"delta":{"content":null,"reasoning_content":" invoke"},"logprobs":null,"finish_reason":null}],"usage":null}

        data: {"id":"cca85624-4056-401f-b220-d77601d1f70d","object":"chat.completion.chunk","created":1764664568,"model":"deepseek-reasoner","system_fingerprint":"fp_eaab8d114b_prod0820_fp8_kvcache","choices":[{"index":0,"delta":{"content":null,"reasoning_content":" the"},"logprobs":null,"finish_reason":null}],"usage":null}

        data: {"id":"cca85624-4056-401f-b220-d77601d1f70d","object":"chat.completion.chunk","created":1764664568,"model":"deepseek-reasoner","system_fingerprint":"fp_eaab8d114b_prod0820_fp8_kvcache","choices":[{"index":0,"delta":{"content":null,"reasoning_content":" weather"},"logprobs":null,"finish_reason":null}],"usage":null}

        data: {"id":"cca85624-4056-401f-b220-d77601d1f70d","object":"chat.completion.chunk","created":1764664568,"model":"deepseek-reasoner","system_fingerprint":"fp_eaab8d114b_prod0820_fp8_kvcache","choices":[{"index":0,"delta":{"content":null,"reasoning_content":" tool"},"logprobs":null,"finish_reason":null}],"usage":null}

        data: {"id":"cca85624-4056-401f-b220-d77601d1f70d","object":"chat.completion.chunk","created":1764664568,"model":"deepseek-reasoner","system_fingerprint":"fp_eaab8d114b_prod0820_fp8_kvcache","choices":[{"index":0,"delta":{"content":null,"reasoning_content":" with"},"logprobs":null,"finish_reason":null}],"usage":null}

        data: {"id":"cca85624-4056-401f-b220-d77601d1f70d","object":"chat.completion.chunk","created":1764664568,"model":"deepseek-reasoner","system_fingerprint":"fp_eaab8d114b_prod0820_fp8_kvcache","choices":[{"index":0,"delta":{"content":null,"reasoning_content":" the"},"logprobs":null,"finish_reason":null}],"usage":null}

        data: {"id":"cca85624-4056-401f-b220-d77601d1f70d","object":"chat.completion.chunk","created":1764664568,"model":"deepseek-reasoner","system_fingerprint":"fp_eaab8d114b_prod0820_fp8_kvcache","choices":[{"index":0,"delta":{"content":null,"reasoning_content":" location"},"logprobs":null,"finish_reason":null}],"usage":null}

        data: {"id":"cca85624-4056-401f-b220-d77601d1f70d","object":"chat.completion.chunk","created":1764664568,"model":"deepseek-reasoner","system_fingerprint":"fp_eaab8d114b_prod0820_fp8_kvcache","choices":[{"index":0,"delta":{"content":null,"reasoning_content":" parameter"},"logprobs":null,"finish_reason":null}],"usage":null}

        data: {"id":"cca85624-4056-401f-b220-d77601d1f70d","object":"chat.completion.chunk","created":1764664568,"model":"deepseek-reasoner","system_fingerprint":"fp_eaab8d114b_prod0820_fp8_kvcache","choices":[{"index":0,"delta":{"content":null,"reasoning_content":" set"},"logprobs":null,"finish_reason":null}],"usage":null}

        data: {"id":"cca85624-4056-401f-b220-d77601d1f70d","object":"chat.completion.chunk","created":1764664568,"model":"deepseek-reasoner","system_fingerprint":"fp_eaab8d114b_prod0820_fp8_kvcache","choices":[{"index":0,"delta":{"content":null,"reasoning_content":" to"},"logprobs":null,"finish_reason":null}],"usage":null}

        data: {"id":"cca85624-4056-401f-b220-d77601d1f70d","object":"chat.completion.chunk","created":1764664568,"model":"deepseek-reasoner","system_fingerprint":"fp_eaab8d114b_prod0820_fp8_kvcache","choices":[{"index":0,"delta":{"content":null,"reasoning_content":" \""},"logprobs":null,"finish_reason":null}],"usage":null}

        data: {"id":"cca85624-4056-401f-b220-d77601d1f70d","object":"chat.completion.chunk","created":1764664568,"model":"deepseek-reasoner","system_fingerprint":"fp_eaab8d114b_prod0820_fp8_kvcache","choices":[{"index":0,"delta":{"content":null,"reasoning_content":"San"},"logprobs":null,"finish_reason":null}],"usage":null}

        data: {"id":"cca85624-4056-401f-b220-d77601d1f70d","object":"chat.completion.chunk","created":1764664568,"model":"deepseek-reasoner","system_fingerprint":"fp_eaab8d114b_prod0820_fp8_kvcache","choices":[{"index":0,"delta":{"content":null,"reasoning_content":" Francisco"},"logprobs":null,"finish_reason":null}],"usage":null}

        data: {"id":"cca85624-4056-401f-b220-d77601d1f70d","object":"chat.completion.chunk","created":1764664568,"model":"deepseek-reasoner","system_fingerprint":"fp_eaab8d114b_prod0820_fp8_kvcache","choices":[{"index":0,"delta":{"content":null,"reasoning_content":"\"."},"logprobs":null,"finish_reason":null}],"usage":null}

        data: {"id":"cca85624-4056-401f-b220-d77601d1f70d","object":"chat.completion.chunk","created":1764664568,"model":"deepseek-reasoner","system_fingerprint":"fp_eaab8d114b_prod0820_fp8_kvcache","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_00_ioIn7yN9p1ZOMNpDLwd4MgAF","type":"function","function":{"name":"weather","arguments":""}}]},"logprobs":null,"finish_reason":null}],"usage":null}

        data: {"id":"cca85624-4056-401f-b220-d77601d1f70d","object":"chat.completion.chunk","created":1764664568,"model":"deepseek-reasoner","system_fingerprint":"fp_eaab8d114b_prod0820_fp8_kvcache","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{"}}]},"logprobs":null,"finish_reason":null}],"usage":null}

        data: {"id":"cca85624-4056-401f-b220-d77601d1f70d","object":"chat.completion.chunk","created":1764664568,"model":"deepseek-reasoner","system_fingerprint":"fp_eaab8d114b_prod0820_fp8_kvcache","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\""}}]},"logprobs":null,"finish_reason":null}],"usage":null}

        data: {"id":"cca85624-4056-401f-b220-d77601d1f70d","object":"chat.completion.chunk","created":1764664568,"model":"deepseek-reasoner","system_fingerprint":"fp_eaab8d114b_prod0820_fp8_kvcache","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"location"}}]},"logprobs":null,"finish_reason":null}],"usage":null}

        data: {"id":"cca85624-4056-401f-b220-d77601d1f70d","object":"chat.completion.chunk","created":1764664568,"model":"deepseek-reasoner","system_fingerprint":"fp_eaab8d114b_prod0820_fp8_kvcache","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\""}}]},"logprobs":null,"finish_reason":null}],"usage":null}

        data: {"id":"cca85624-4056-401f-b220-d77601d1f70d","object":"chat.completion.chunk","created":1764664568,"model":"deepseek-reasoner","system_fingerprint":"fp_eaab8d114b_prod0820_fp8_kvcache","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":": "}}]},"logprobs":null,"finish_reason":null}],"usage":null}

        data: {"id":"cca85624-4056-401f-b220-d77601d1f70d","object":"chat.completion.chunk","created":1764664568,"model":"deepseek-reasoner","system_fingerprint":"fp_eaab8d114b_prod0820_fp8_kvcache","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\""}}]},"logprobs":null,"finish_reason":null}],"usage":null}

        data: {"id":"cca85624-4056-401f-b220-d77601d1f70d","object":"chat.completion.chunk","created":1764664568,"model":"deepseek-reasoner","system_fingerprint":"fp_eaab8d114b_prod0820_fp8_kvcache","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"San"}}]},"logprobs":null,"finish_reason":null}],"usage":null}

        data: {"id":"cca85624-4056-401f-b220-d77601d1f70d","object":"chat.completion.chunk","created":1764664568,"model":"deepseek-reasoner","system_fingerprint":"fp_eaab8d114b_prod0820_fp8_kvcache","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":" Francisco"}}]},"logprobs":null,"finish_reason":null}],"usage":null}

        data: {"id":"cca85624-4056-401f-b220-d77601d1f70d","object":"chat.completion.chunk","created":1764664568,"model":"deepseek-reasoner","system_fingerprint":"fp_eaab8d114b_prod0820_fp8_kvcache","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\""}}]},"logprobs":null,"finish_reason":null}],"usage":null}

        data: {"id":"cca85624-4056-401f-b220-d77601d1f70d","object":"chat.completion.chunk","created":1764664568,"model":"deepseek-reasoner","system_fingerprint":"fp_eaab8d114b_prod0820_fp8_kvcache","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"}"}}]},"logprobs":null,"finish_reason":null}],"usage":null}

        data: {"id":"cca85624-4056-401f-b220-d77601d1f70d","object":"chat.completion.chunk","created":1764664568,"model":"deepseek-reasoner","system_fingerprint":"fp_eaab8d114b_prod0820_fp8_kvcache","choices":[{"index":0,"delta":{"content":"","reasoning_content":null},"logprobs":null,"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":339,"completion_tokens":83,"total_tokens":422,"prompt_tokens_details":{"cached_tokens":320},"completion_tokens_details":{"reasoning_tokens":39},"prompt_cache_hit_tokens":320,"prompt_cache_miss_tokens":19}}

        data: [DONE]
        """#

    /// `gemini/flash-tool-empty-id-finish-stop.sse`
    static let geminiFlashToolEmptyIDFinishStop = #"""
        data: {"choices":[{"delta":{"role":"assistant","tool_calls":[{"function":{"arguments":"{\"value\":[1,2,3,4,5]}","name":"return_list_of_int"},"id":"","type":"function"}]},"finish_reason":"stop","index":0}],"created":1740894645,"model":"gemini-2.0-flash","object":"chat.completion.chunk","usage":{"completion_tokens":8,"prompt_tokens":25,"total_tokens":33}}

        data: [DONE]
        """#

    /// `groq/llama-whole-args-x-groq-usage.sse`
    static let groqLlamaWholeArgsXGroqUsage = #"""
        data: {"id":"chatcmpl-b610d559-f156-4aca-8827-24b4fe6af54f","object":"chat.completion.chunk","created":1770770843,"model":"llama-3.3-70b-versatile","system_fingerprint":"fp_f8b414701e","choices":[{"index":0,"delta":{"role":"assistant","content":null},"logprobs":null,"finish_reason":null}],"x_groq":{"id":"req_01kh52nj5yfcat8hrmvrk2j2hj","seed":689520654}}

        data: {"id":"chatcmpl-b610d559-f156-4aca-8827-24b4fe6af54f","object":"chat.completion.chunk","created":1770770843,"model":"llama-3.3-70b-versatile","system_fingerprint":"fp_f8b414701e","choices":[{"index":0,"delta":{"tool_calls":[{"id":"tk85n1k4m","type":"function","function":{"name":"weather","arguments":"{}"},"index":0}]},"logprobs":null,"finish_reason":null}]}

        data: {"id":"chatcmpl-b610d559-f156-4aca-8827-24b4fe6af54f","object":"chat.completion.chunk","created":1770770843,"model":"llama-3.3-70b-versatile","system_fingerprint":"fp_f8b414701e","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"tool_calls"}],"x_groq":{"id":"req_01kh52nj5yfcat8hrmvrk2j2hj","usage":{"queue_time":0.041520249,"prompt_tokens":210,"prompt_time":0.010407901,"completion_tokens":15,"completion_time":0.046601227,"total_tokens":225,"total_time":0.057009128}},"usage":{"queue_time":0.041520249,"prompt_tokens":210,"prompt_time":0.010407901,"completion_tokens":15,"completion_time":0.046601227,"total_tokens":225,"total_time":0.057009128}}

        data: [DONE]
        """#

    /// `mistral/parallel-no-index-one-chunk.sse`
    static let mistralParallelNoIndexOneChunk = #"""
        data: {"id":"7b9ca0036a7148d9b31648d5292abe34","object":"chat.completion.chunk","created":1731829453,"model":"mistral-large-latest","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}

        data: {"id":"7b9ca0036a7148d9b31648d5292abe34","object":"chat.completion.chunk","created":1731829453,"model":"mistral-large-latest","choices":[{"index":0,"delta":{"tool_calls":[{"id":"nqjf8Hqe1","function":{"name":"plus","arguments":"{\"a\": 1, \"b\": 2}"}},{"id":"ATcpCKul3","function":{"name":"minus","arguments":"{\"a\": 2, \"b\": 1}"}}]},"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":187,"total_tokens":232,"completion_tokens":45}}

        data: [DONE]
        """#

    /// `ollama/llama31-no-index-finish-stop.sse`
    static let ollamaLlama31NoIndexFinishStop = #"""
        data: {"id":"chatcmpl-168","object":"chat.completion.chunk","created":1732915680,"model":"llama3.1","system_fingerprint":"fp_ollama","choices":[{"index":0,"delta":{"role":"assistant","content":"","tool_calls":[{"id":"call_ygc23skr","type":"function","function":{"name":"return_list_of_int","arguments":"{\"value\":\"[1, 2, 3, 4, 5]\"}"}}]},"finish_reason":null}]}

        data: {"id":"chatcmpl-168","object":"chat.completion.chunk","created":1732915680,"model":"llama3.1","system_fingerprint":"fp_ollama","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":"stop"}]}

        data: [DONE]
        """#

    /// `openai/parallel-split-args.sse`
    static let openAIParallelSplitArgs = #"""
        data: {"id":"chatcmpl-AU9UWVZJHxSXwx1SffWtyoXswc5zK","object":"chat.completion.chunk","created":1731749688,"model":"gpt-4o-2024-08-06","system_fingerprint":"fp_45cf54deae","usage":null,"choices":[{"index":0,"delta":{"role":"assistant","content":null},"logprobs":null,"finish_reason":null}]}

        data: {"id":"chatcmpl-AU9UWVZJHxSXwx1SffWtyoXswc5zK","object":"chat.completion.chunk","created":1731749688,"model":"gpt-4o-2024-08-06","system_fingerprint":"fp_45cf54deae","usage":null,"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_8Sp49rZGndlZALo0uq1XvA7A","type":"function","function":{"name":"plus","arguments":""}}]},"logprobs":null,"finish_reason":null}]}

        data: {"id":"chatcmpl-AU9UWVZJHxSXwx1SffWtyoXswc5zK","object":"chat.completion.chunk","created":1731749688,"model":"gpt-4o-2024-08-06","system_fingerprint":"fp_45cf54deae","usage":null,"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"a\""}}]},"logprobs":null,"finish_reason":null}]}

        data: {"id":"chatcmpl-AU9UWVZJHxSXwx1SffWtyoXswc5zK","object":"chat.completion.chunk","created":1731749688,"model":"gpt-4o-2024-08-06","system_fingerprint":"fp_45cf54deae","usage":null,"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":": 2, "}}]},"logprobs":null,"finish_reason":null}]}

        data: {"id":"chatcmpl-AU9UWVZJHxSXwx1SffWtyoXswc5zK","object":"chat.completion.chunk","created":1731749688,"model":"gpt-4o-2024-08-06","system_fingerprint":"fp_45cf54deae","usage":null,"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\"b\": 3"}}]},"logprobs":null,"finish_reason":null}]}

        data: {"id":"chatcmpl-AU9UWVZJHxSXwx1SffWtyoXswc5zK","object":"chat.completion.chunk","created":1731749688,"model":"gpt-4o-2024-08-06","system_fingerprint":"fp_45cf54deae","usage":null,"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"}"}}]},"logprobs":null,"finish_reason":null}]}

        data: {"id":"chatcmpl-AU9UWVZJHxSXwx1SffWtyoXswc5zK","object":"chat.completion.chunk","created":1731749688,"model":"gpt-4o-2024-08-06","system_fingerprint":"fp_45cf54deae","usage":null,"choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_u5dbdPz1mAis8zZVk4ZBqXgL","type":"function","function":{"name":"minus","arguments":""}}]},"logprobs":null,"finish_reason":null}]}

        data: {"id":"chatcmpl-AU9UWVZJHxSXwx1SffWtyoXswc5zK","object":"chat.completion.chunk","created":1731749688,"model":"gpt-4o-2024-08-06","system_fingerprint":"fp_45cf54deae","usage":null,"choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"{\"a\""}}]},"logprobs":null,"finish_reason":null}]}

        data: {"id":"chatcmpl-AU9UWVZJHxSXwx1SffWtyoXswc5zK","object":"chat.completion.chunk","created":1731749688,"model":"gpt-4o-2024-08-06","system_fingerprint":"fp_45cf54deae","usage":null,"choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":": 3, "}}]},"logprobs":null,"finish_reason":null}]}

        data: {"id":"chatcmpl-AU9UWVZJHxSXwx1SffWtyoXswc5zK","object":"chat.completion.chunk","created":1731749688,"model":"gpt-4o-2024-08-06","system_fingerprint":"fp_45cf54deae","usage":null,"choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"\"b\": 2"}}]},"logprobs":null,"finish_reason":null}]}

        data: {"id":"chatcmpl-AU9UWVZJHxSXwx1SffWtyoXswc5zK","object":"chat.completion.chunk","created":1731749688,"model":"gpt-4o-2024-08-06","system_fingerprint":"fp_45cf54deae","usage":null,"choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"}"}}]},"logprobs":null,"finish_reason":null}]}

        data: {"id":"chatcmpl-AU9UWVZJHxSXwx1SffWtyoXswc5zK","object":"chat.completion.chunk","created":1731749688,"model":"gpt-4o-2024-08-06","system_fingerprint":"fp_45cf54deae","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"tool_calls"}],"usage":null}

        data: {"id":"chatcmpl-AU9UWVZJHxSXwx1SffWtyoXswc5zK","object":"chat.completion.chunk","created":1731749688,"model":"gpt-4o-2024-08-06","system_fingerprint":"fp_45cf54deae","choices":[],"usage":{"prompt_tokens":82,"completion_tokens":50,"total_tokens":132,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}}

        data: [DONE]
        """#

    /// `openrouter/venice-choice-after-finish.sse`
    static let openRouterVeniceChoiceAfterFinish = #"""
        : OPENROUTER PROCESSING

        data: {"id":"gen-1754667632-NNYO7FUAFP6cwNW8jL7x","provider":"Venice","model":"meta-llama/llama-3.2-3b-instruct:free","object":"chat.completion.chunk","created":1754667632,"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null,"native_finish_reason":null,"logprobs":null}]}

        data: {"id":"gen-1754667632-NNYO7FUAFP6cwNW8jL7x","provider":"Venice","model":"meta-llama/llama-3.2-3b-instruct:free","object":"chat.completion.chunk","created":1754667632,"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null,"native_finish_reason":null,"logprobs":null}]}

        data: {"id":"gen-1754667632-NNYO7FUAFP6cwNW8jL7x","provider":"Venice","model":"meta-llama/llama-3.2-3b-instruct:free","object":"chat.completion.chunk","created":1754667632,"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null,"native_finish_reason":null,"logprobs":null}]}

        data: {"id":"gen-1754667632-NNYO7FUAFP6cwNW8jL7x","provider":"Venice","model":"meta-llama/llama-3.2-3b-instruct:free","object":"chat.completion.chunk","created":1754667632,"choices":[{"index":0,"delta":{"role":"assistant","content":"test response"},"finish_reason":"stop","native_finish_reason":"stop","logprobs":null}]}

        data: {"id":"gen-1754667632-NNYO7FUAFP6cwNW8jL7x","provider":"Venice","model":"meta-llama/llama-3.2-3b-instruct:free","object":"chat.completion.chunk","created":1754667632,"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null,"native_finish_reason":null,"logprobs":null}],"usage":{"prompt_tokens":586,"completion_tokens":3,"total_tokens":589,"cost":0,"is_byok":false,"prompt_tokens_details":{"cached_tokens":0},"cost_details":{"upstream_inference_cost":null},"completion_tokens_details":{"reasoning_tokens":0}}}

        data: [DONE]
        """#

    /// `xai/grok2-tool-and-finish-one-chunk.sse`
    static let xaiGrok2ToolAndFinishOneChunk = #"""
        data: {"id":"74121d40-d3db-44e7-971a-556c5420ab1d","object":"chat.completion.chunk","created":1740892512,"model":"grok-2-1212","choices":[{"index":0,"delta":{"role":"assistant","tool_calls":[{"id":"call_54325129","function":{"name":"return_list_of_int","arguments":"{\"value\":[1,2,3,4,5]}"},"index":0,"type":"function"}]},"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":153,"completion_tokens":1,"total_tokens":154,"prompt_tokens_details":{"text_tokens":153,"audio_tokens":0,"image_tokens":0,"cached_tokens":0}},"system_fingerprint":"fp_5c0c5bd9d9"}

        data: [DONE]
        """#
}
