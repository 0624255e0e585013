import StreamReplayEngine
import Testing

/// One test per rule of the contract's "Accumulating tool-call fragments", plus the provider quirks
/// (provider-quirks.md numbers in the comments) those rules absorb.
struct ToolCallAccumulatorTests {
    private typealias Fragment = StreamChunk.ToolCallFragment

    private func calls(
        _ fragments: [Fragment],
        requestID: String = "rid",
        hop: Int = 0
    ) -> [ToolCallAccumulator.ToolCall] {
        var accumulator = ToolCallAccumulator()
        for fragment in fragments { accumulator.add(fragment) }
        return accumulator.toolCalls(requestID: requestID, hop: hop)
    }

    // MARK: Keyed slots

    @Test func indexOneMillionAllocatesNothingByPosition() {
        var accumulator = ToolCallAccumulator()
        accumulator.add(Fragment(index: 1_000_000, id: "a", name: "f", arguments: "{}"))
        #expect(accumulator.slotCount == 1)
        let result = accumulator.toolCalls(requestID: "rid", hop: 0)
        #expect(result.map(\.position) == [0])
        #expect(result.map(\.id) == ["a"])
    }

    @Test(arguments: [Int64.min, -1_000_000, -1, Int64.max])
    func anyIntegerIndexIsOnlyAKey(index: Int64) {
        var accumulator = ToolCallAccumulator()
        accumulator.add(Fragment(index: index, id: "a", name: "f", arguments: "{\"x\""))
        accumulator.add(Fragment(index: index, arguments: ":1}"))
        #expect(accumulator.slotCount == 1)
        let result = accumulator.toolCalls(requestID: "rid", hop: 0)
        #expect(result.first?.arguments.jsonObject == (["x": 1]))
    }

    @Test func firstToolIndexOneWithoutIndexZero() {
        // Quirk 23: Anthropic-to-OpenAI gateways start at index 1.
        let result = calls([
            Fragment(index: 1, id: "toolu_1", type: "function", name: "weather", arguments: ""),
            Fragment(index: 1, arguments: #"{"city":"#),
            Fragment(index: 1, arguments: #""Paris"}"#),
            Fragment(index: 2, id: "toolu_2", name: "time", arguments: "{}"),
        ])
        #expect(result.map(\.position) == [0, 1])
        #expect(result.map(\.id) == ["toolu_1", "toolu_2"])
        #expect(result[0].arguments.jsonObject == (["city": "Paris"]))
    }

    // MARK: Routing with an index

    @Test func indexedFragmentWithAnIDHeldBySlotOfThatIndexSelectsThatSlot() {
        let result = calls([
            Fragment(index: 0, id: "a", name: "first", arguments: #"{"x":"#),
            Fragment(index: 0, id: "b", name: "second", arguments: "{}"),
            Fragment(index: 0, id: "a", arguments: "1}"),
        ])
        #expect(result.map(\.id) == ["a", "b"])
        #expect(result[0].rawArguments == #"{"x":1}"#)
        #expect(result[1].rawArguments == "{}")
    }

    @Test func indexedFragmentWithANewIDOpensANewSlotForThatIndex() {
        // Quirk 24: every parallel call has index 0, with distinct ids.
        let result = calls([
            Fragment(index: 0, id: "call_a", name: "plus", arguments: #"{"a":1}"#),
            Fragment(index: 0, id: "call_b", name: "minus", arguments: #"{"a":2}"#),
            Fragment(index: 0, arguments: ""),
        ])
        #expect(result.map(\.id) == ["call_a", "call_b"])
        #expect(result.map(\.name) == ["plus", "minus"])
        #expect(result[1].rawArguments == #"{"a":2}"#)
    }

    @Test func newestSlotWithoutIDTakesTheID() {
        // Quirk 30: the id (and the name) arrive after the first fragment.
        var accumulator = ToolCallAccumulator()
        accumulator.add(Fragment(index: 0, arguments: #"{"q":"#))
        accumulator.add(Fragment(index: 0, id: "late", name: "search", arguments: #""x"}"#))
        #expect(accumulator.slotCount == 1)
        let result = accumulator.toolCalls(requestID: "rid", hop: 0)
        #expect(result.map(\.id) == ["late"])
        #expect(result.first?.arguments.jsonObject == (["q": "x"]))
    }

    @Test func indexedFragmentWithoutIDGoesToTheNewestSlotOfItsIndex() {
        let result = calls([
            Fragment(index: 0, id: "a", name: "f", arguments: "{"),
            Fragment(index: 0, id: "b", name: "g", arguments: "{"),
            Fragment(index: 0, arguments: "}"),
            Fragment(index: 0, id: "", arguments: ""),
        ])
        #expect(result.map(\.rawArguments) == ["{", "{}"])
    }

    @Test func indexedFragmentOfANewIndexOpensASlot() {
        var accumulator = ToolCallAccumulator()
        accumulator.add(Fragment(index: 5, arguments: "{}"))
        #expect(accumulator.slotCount == 1)
        accumulator.add(Fragment(index: 6))
        #expect(accumulator.slotCount == 2)
    }

    @Test func indexIsolatesSlotsFromEachOther() {
        // An index-1 fragment never lands in the index-0 slot, even with no id anywhere.
        let result = calls([
            Fragment(index: 0, name: "f", arguments: "{\"a\":"),
            Fragment(index: 1, name: "g", arguments: "{\"b\":"),
            Fragment(index: 0, arguments: "1}"),
            Fragment(index: 1, arguments: "2}"),
        ])
        #expect(result.map(\.rawArguments) == [#"{"a":1}"#, #"{"b":2}"#])
    }

    // MARK: Routing without an index

    @Test func unindexedFragmentWithAKnownIDGoesToTheSlotHoldingIt() {
        let result = calls([
            Fragment(id: "a", name: "f", arguments: "{"),
            Fragment(id: "b", name: "g", arguments: "{}"),
            Fragment(id: "a", arguments: "}"),
        ])
        #expect(result.map(\.rawArguments) == ["{}", "{}"])
        #expect(result.map(\.id) == ["a", "b"])
    }

    @Test func unindexedFragmentWithAnUnseenIDOpensANewSlot() {
        // Quirk 25: each parallel call arrives whole in its own chunk, without index.
        let result = calls([
            Fragment(id: "nqjf8Hqe1", name: "plus", arguments: #"{"a": 1}"#),
            Fragment(id: "ATcpCKul3", name: "plus", arguments: #"{"a": 2}"#),
        ])
        #expect(result.map(\.id) == ["nqjf8Hqe1", "ATcpCKul3"])
        #expect(result.map(\.name) == ["plus", "plus"])
    }

    @Test func unindexedFragmentWithADifferentNameOpensANewSlot() {
        let result = calls([
            Fragment(name: "plus", arguments: "{}"),
            Fragment(name: "minus", arguments: "{}"),
        ])
        #expect(result.map(\.name) == ["plus", "minus"])
        #expect(result.map(\.id) == ["call_rid_0_0", "call_rid_0_1"])
    }

    @Test func unindexedFragmentWithTheSameNameGoesToTheLastSlot() {
        // Quirk 29 without index: the whole name repeated on every fragment.
        let result = calls([
            Fragment(name: "read_file", arguments: #"{"path":"#),
            Fragment(name: "read_file", arguments: #""a.txt"}"#),
        ])
        #expect(result.map(\.name) == ["read_file"])
        #expect(result.first?.arguments.jsonObject == (["path": "a.txt"]))
    }

    @Test func unindexedNameGoesToTheLastSlotWhenItHasNoNameYet() {
        let result = calls([
            Fragment(id: "a", arguments: "{"),
            Fragment(name: "late", arguments: "}"),
        ])
        #expect(result.map(\.id) == ["a"])
        #expect(result.map(\.name) == ["late"])
        #expect(result.map(\.rawArguments) == ["{}"])
    }

    @Test func unindexedFragmentWithoutIDOrNameGoesToTheLastSlot() {
        let result = calls([
            Fragment(index: 0, id: "a", name: "f", arguments: "{"),
            Fragment(index: 3, id: "b", name: "g", arguments: "{"),
            Fragment(arguments: "}"),
        ])
        #expect(result.map(\.rawArguments) == ["{", "{}"])
    }

    @Test func unindexedFragmentOpensASlotWhenThereIsNone() {
        var accumulator = ToolCallAccumulator()
        accumulator.add(Fragment(arguments: "{}"))
        #expect(accumulator.slotCount == 1)
    }

    @Test func unindexedFragmentFindsAnIDHeldByAnIndexedSlot() {
        let result = calls([
            Fragment(index: 0, id: "a", name: "f", arguments: "{"),
            Fragment(index: 1, id: "b", name: "g", arguments: "{}"),
            Fragment(id: "a", arguments: "}"),
        ])
        #expect(result.map(\.rawArguments) == ["{}", "{}"])
    }

    // MARK: Merging

    @Test func emptyIDCountsAsAbsent() {
        // Quirk 27: continuation fragments carry "id":"" and the type again.
        let result = calls([
            Fragment(index: 0, id: "call_x", type: "function", name: "weather", arguments: ""),
            Fragment(index: 0, id: "", type: "function", arguments: #"{"city":"#),
            Fragment(index: 0, id: "", type: "function", arguments: #""Oslo"}"#),
            Fragment(index: 0, id: "", type: "function", name: "", arguments: ""),
        ])
        #expect(result.map(\.id) == ["call_x"])
        #expect(result.first?.arguments.jsonObject == (["city": "Oslo"]))
    }

    @Test func emptyIDNeverOpensASlotWithoutIndex() {
        let result = calls([
            Fragment(id: "", name: "f", arguments: "{"),
            Fragment(id: "", arguments: "}"),
        ])
        #expect(result.map(\.id) == ["call_rid_0_0"])
        #expect(result.map(\.rawArguments) == ["{}"])
    }

    @Test func firstNonEmptyIDWins() {
        var accumulator = ToolCallAccumulator()
        accumulator.add(Fragment(index: 0, id: "", name: "f"))
        accumulator.add(Fragment(index: 0, id: "first"))
        accumulator.add(Fragment(index: 0, arguments: "{}"))
        let result = accumulator.toolCalls(requestID: "rid", hop: 0)
        #expect(result.map(\.id) == ["first"])
    }

    @Test func sameIDOnEveryFragmentStaysOneSlot() {
        // Quirk 28: LiteLLM repeats the same non-empty id on every fragment.
        let result = calls([
            Fragment(index: 0, id: "call_1", name: "f", arguments: #"{"a""#),
            Fragment(index: 0, id: "call_1", arguments: ":1"),
            Fragment(index: 0, id: "call_1", arguments: "}"),
        ])
        #expect(result.count == 1)
        #expect(result.first?.arguments.jsonObject == (["a": 1]))
    }

    @Test func nameFragmentsAreAppended() {
        let result = calls([
            Fragment(index: 0, id: "a", name: "get_"),
            Fragment(index: 0, name: "weather"),
            Fragment(index: 0, name: "_now", arguments: "{}"),
        ])
        #expect(result.map(\.name) == ["get_weather_now"])
    }

    @Test func repeatedWholeNameIsNotAppended() {
        // Quirk 29: the full function name on every fragment.
        let result = calls([
            Fragment(index: 0, id: "a", name: "read_file", arguments: #"{"path":"#),
            Fragment(index: 0, name: "read_file", arguments: #""x"}"#),
            Fragment(index: 0, name: "read_file"),
        ])
        #expect(result.map(\.name) == ["read_file"])
        #expect(result.first?.arguments.jsonObject == (["path": "x"]))
    }

    @Test func emptyNameFragmentIsIgnored() {
        // Quirk 30: "name":"" on continuations.
        let result = calls([
            Fragment(index: 0, id: "a", name: "f", arguments: "{"),
            Fragment(index: 0, name: "", arguments: "}"),
        ])
        #expect(result.map(\.name) == ["f"])
    }

    @Test func nameArrivingAfterTheArgumentsIsKept() {
        // Quirk 30: the first fragment has no name and no arguments key.
        let result = calls([
            Fragment(index: 0, id: "a"),
            Fragment(index: 0, arguments: #"{"k":true}"#),
            Fragment(index: 0, name: "toggle"),
        ])
        #expect(result.map(\.name) == ["toggle"])
        #expect(result.first?.arguments.jsonObject == (["k": true]))
    }

    @Test func argumentFragmentsAreAppended() {
        let pieces = [#"{"#, #""a""#, ": 2, ", #""b": 3"#, "}"]
        let result = calls(
            [Fragment(index: 0, id: "a", name: "plus", arguments: "")]
                + pieces.map { Fragment(index: 0, arguments: $0) }
        )
        #expect(result.first?.rawArguments == #"{"a": 2, "b": 3}"#)
        #expect(result.first?.arguments.jsonObject == (["a": 2, "b": 3]))
    }

    @Test func wholeArgumentsWithIDAndNameAreNotDoubled() {
        // Quirk 31: complete arguments in the same fragment as id and name.
        let result = calls([
            Fragment(index: 0, id: "tk85n1k4m", type: "function", name: "weather", arguments: #"{"city":"Rome"}"#)
        ])
        #expect(result.first?.rawArguments == #"{"city":"Rome"}"#)
    }

    @Test func objectArgumentsAreAppendedAsCompactJSON() throws {
        // Quirk 34: llama.cpp and TGI send arguments as a JSON object.
        let chunk = try StreamChunk(
            payload: #"""
                {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"c","type":"function",\#
                "function":{"name":"f","arguments":{"b": [1, 2], "a": {"z": null}}}}]}}]}
                """#
        )
        let fragments = try #require(chunk.choices.first?.toolCallFragments)
        let result = calls(fragments)
        #expect(result.first?.rawArguments == #"{"b":[1,2],"a":{"z":null}}"#)
        #expect(result.first?.followUpArguments == #"{"b":[1,2],"a":{"z":null}}"#)
        #expect(result.first?.arguments.jsonObject == ["b": [1, 2], "a": ["z": nil]])
    }

    @Test func typeMayBeAbsentEmptyOrLate() {
        // Quirk 35.
        let result = calls([
            Fragment(index: 0, id: "a", type: "", name: "f", arguments: "{}"),
            Fragment(index: 0, type: "function"),
            Fragment(index: 1, id: "b", name: "g", arguments: "{}"),
        ])
        #expect(result.map(\.type) == ["function", nil])
        #expect(result.map { $0.followUpJSON["type"] } == ["function", "function"])
    }

    @Test func unknownKeysAreKeptFromTheFirstFragmentThatHasThem() {
        // Quirk 37: Gemini 3's thought signature, only on the first call of a parallel batch.
        let signature: JSONValue = ["google": ["thought_signature": "sig-1"]]
        let result = calls([
            Fragment(index: 0, id: "a", name: "f", arguments: "{"),
            Fragment(json: ["index": 0, "function": ["arguments": "}"], "extra_content": signature]),
            Fragment(json: ["index": 0, "extra_content": ["google": ["thought_signature": "sig-2"]], "other": 1]),
            Fragment(index: 1, id: "b", name: "g", arguments: "{}"),
        ])
        #expect(JSONValue.object(result[0].extra) == ["extra_content": signature, "other": 1])
        #expect(JSONValue.object(result[1].extra) == [:])
    }

    @Test func unknownKeysAreSentBackWithTheCall() throws {
        let result = calls([
            Fragment(json: [
                "index": 0, "id": "a", "type": "function",
                "function": ["name": "f", "arguments": "", "strict": true],
                "extra_content": ["google": ["thought_signature": "sig"]],
            ])
        ])
        let call = try #require(result.first)
        #expect(
            call.followUpJSON.compactJSON
                == #"{"id":"a","type":"function","function":{"name":"f","arguments":"{}","strict":true},"#
                + #""extra_content":{"google":{"thought_signature":"sig"}}}"#
        )
    }

    // MARK: End of hop

    @Test func callsRunWhateverTheFinishReasonSays() throws {
        // Quirk 21: finish_reason "stop" after tool calls; the accumulator never sees it.
        let chunk = try StreamChunk(
            payload: #"""
                {"choices":[{"index":0,"delta":{"tool_calls":[{"id":"","type":"function",\#
                "function":{"name":"f","arguments":"{}"}}]},"finish_reason":"stop"}]}
                """#
        )
        #expect(calls(try #require(chunk.choices.first?.toolCallFragments)).count == 1)
    }

    @Test func namelessSlotsAreDropped() {
        // Quirk 33: a trailing remainder fragment under a new index; and a slot that never got a name.
        let result = calls([
            Fragment(index: 0, id: "a", name: "f", arguments: "{}"),
            Fragment(index: 1, arguments: ""),
            Fragment(index: 2, id: "c", arguments: "{}"),
        ])
        #expect(result.map(\.id) == ["a"])
    }

    @Test func positionsCountRemainingSlotsInOrderOfFirstAppearance() {
        let result = calls([
            Fragment(index: 7, id: "x"),
            Fragment(index: 2, id: "b", name: "second", arguments: "{}"),
            Fragment(index: 9, id: "c", name: "third", arguments: "{}"),
            Fragment(index: 7, name: "first", arguments: "{}"),
            Fragment(index: 4, id: "nameless", arguments: "{}"),
            Fragment(index: 5, id: "d", name: "fourth", arguments: "{}"),
        ])
        #expect(result.map(\.name) == ["first", "second", "third", "fourth"])
        #expect(result.map(\.position) == [0, 1, 2, 3])
    }

    @Test func slotWithoutIDGetsSynthesisedID() {
        let result = calls(
            [
                Fragment(index: 0, id: "", name: "f", arguments: "{}"),
                Fragment(index: 1, id: "given", name: "g", arguments: "{}"),
                Fragment(index: 2, name: "h", arguments: "{}"),
            ],
            requestID: "req-42",
            hop: 3
        )
        #expect(result.map(\.id) == ["call_req-42_3_0", "given", "call_req-42_3_2"])
    }

    @Test func synthesisedIDUsesThePositionAfterDroppingNamelessSlots() {
        let result = calls([
            Fragment(index: 0, arguments: ""),
            Fragment(index: 1, name: "f", arguments: "{}"),
        ])
        #expect(result.map(\.id) == ["call_rid_0_0"])
    }

    @Test func duplicateIDGetsPositionSuffixAndFirstHolderKeepsIt() {
        let result = calls([
            Fragment(index: 0, id: "dup", name: "f", arguments: "{}"),
            Fragment(index: 1, id: "other", name: "g", arguments: "{}"),
            Fragment(index: 2, id: "dup", name: "h", arguments: "{}"),
            Fragment(index: 3, id: "dup", name: "i", arguments: "{}"),
        ])
        #expect(result.map(\.id) == ["dup", "other", "dup_2", "dup_3"])
    }

    @Test func deduplicatedIDNeverCollidesWithAnEarlierCall() {
        let result = calls([
            Fragment(index: 0, id: "a_1", name: "f", arguments: "{}"),
            Fragment(index: 1, id: "a", name: "g", arguments: "{}"),
            Fragment(index: 2, id: "a", name: "h", arguments: "{}"),
            Fragment(index: 3, id: "call_rid_0_4", name: "i", arguments: "{}"),
            Fragment(index: 4, name: "j", arguments: "{}"),
        ])
        #expect(result.map(\.id) == ["a_1", "a", "a_2", "call_rid_0_4", "call_rid_0_4_4"])
        #expect(Set(result.map(\.id)).count == result.count)
    }

    @Test func emptyArgumentsMeanAnEmptyObject() throws {
        // Quirk 32: a parameterless tool whose fragments are only arguments:"".
        let result = calls([
            Fragment(index: 0, id: "a", name: "now", arguments: ""),
            Fragment(index: 0, arguments: ""),
        ])
        let call = try #require(result.first)
        #expect(call.arguments.jsonObject == ([:]))
        #expect(call.rawArguments == "")
        #expect(call.followUpArguments == "{}")
        #expect(call.invalidArgumentsResult == nil)
        #expect(call.followUpJSON["function"]?["arguments"] == "{}")
    }

    @Test func absentArgumentsMeanAnEmptyObject() {
        #expect(calls([Fragment(index: 0, id: "a", name: "now")]).first?.arguments.jsonObject == ([:]))
    }

    @Test(arguments: [
        (#"{"a":1"#, "unexpected end of input at byte 6"),
        ("[1,2]", "expected a JSON object, got an array"),
        (#""text""#, "expected a JSON object, got a string"),
        ("42", "expected a JSON object, got a number"),
        ("true", "expected a JSON object, got a boolean"),
        ("null", "expected a JSON object, got null"),
        (" ", "unexpected end of input at byte 1"),
        (#"{"a":1}{"a":1}"#, "unexpected '{', expected the end of the document at byte 7"),
        ("{'a':1}", "unexpected ''', expected an object key at byte 1"),
    ])
    func argumentsThatAreNotAJSONObjectAreInvalidWithADetail(arguments: String, detail: String) throws {
        let call = try #require(calls([Fragment(index: 0, id: "a", name: "f", arguments: arguments)]).first)
        #expect(call.arguments == .invalid(detail: detail))
        #expect(!call.arguments.isValid)
        #expect(call.invalidArgumentsResult == "Tool execution failed: invalid JSON arguments (\(detail))")
        #expect(call.followUpArguments == arguments)
    }

    @Test func droppedFinalBraceIsInvalid() {
        // Quirk 33: vLLM drops the final "}" (#32152).
        let result = calls([
            Fragment(index: 0, id: "a", name: "f", arguments: #"{"q": {"x": 1}"#),
            Fragment(index: 0, arguments: ""),
        ])
        #expect(result.first?.arguments.isValid == false)
        #expect(result.count == 1)
    }

    @Test func doubledArgumentsAreInvalid() {
        // Quirk 28's summary chunk (and 33's duplicated remainder): the text becomes two objects.
        let result = calls([
            Fragment(index: 0, id: "call_1", name: "f", arguments: #"{"a":1}"#),
            Fragment(index: 0, id: "call_1", arguments: #"{"a":1}"#),
        ])
        #expect(
            result.first?.invalidArgumentsResult?.hasPrefix("Tool execution failed: invalid JSON arguments (") == true
        )
    }

    @Test func argumentsNestedDeeperThan512AreInvalid() {
        let deep = "{\"a\":" + String(repeating: "[", count: 600) + String(repeating: "]", count: 600) + "}"
        let result = calls([Fragment(index: 0, id: "a", name: "f", arguments: deep)])
        #expect(result.first?.arguments == .invalid(detail: "more than 512 nested arrays and objects at byte 516"))
    }

    @Test func invalidCallsAreStillAnnouncedAndCounted() {
        let result = calls([
            Fragment(index: 0, id: "a", name: "f", arguments: "[]"),
            Fragment(index: 1, id: "b", name: "g", arguments: "{}"),
        ])
        #expect(result.count == 2)
        #expect(result.map(\.arguments.isValid) == [false, true])
    }

    @Test func noFragmentsGiveNoCalls() {
        #expect(ToolCallAccumulator().toolCalls(requestID: "rid", hop: 0).isEmpty)
    }

    // MARK: Size

    @Test func oneMegabyteArgumentInOneByteFragmentsCompletes() throws {
        var accumulator = ToolCallAccumulator()
        accumulator.add(Fragment(index: 0, id: "big", type: "function", name: "upload", arguments: ""))
        let prefix = #"{"data":""#
        for byte in prefix { accumulator.add(Fragment(index: 0, arguments: String(byte))) }
        let payloadSize = 1 << 20
        for i in 0..<payloadSize {
            accumulator.add(Fragment(index: 0, id: i.isMultiple(of: 2) ? "" : nil, arguments: "x"))
        }
        accumulator.add(Fragment(index: 0, arguments: "\""))
        accumulator.add(Fragment(index: 0, arguments: "}"))
        #expect(accumulator.slotCount == 1)
        let call = try #require(accumulator.toolCalls(requestID: "rid", hop: 0).first)
        #expect(call.rawArguments.utf8.count == payloadSize + prefix.utf8.count + 2)
        let arguments = try #require(call.arguments.jsonObject)
        #expect(arguments["data"]?.stringValue?.utf8.count == payloadSize)
    }
}
