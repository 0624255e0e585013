package import OrderedCollections

/// One chat-completions stream chunk: what a single SSE data payload means to the engine.
///
/// A chunk is either an *error chunk* (its `error` is any non-null value: its choices, `model` and
/// `usage` are then not read) or a *data chunk* with zero or more choices. Everything a provider
/// sends that the contract does not use (`logprobs`, filter results, role) is dropped here; a
/// `refusal` and the reasoning fields are kept apart from the text; shapes that do not fit (a `choices` that is not an array, a `delta` that
/// is not an object, a non-string `content`) add nothing rather than fail. Only a payload that is
/// not JSON, or nests more than ``JSONValue/maximumDepth`` arrays and objects, fails.
///
/// Which choice the engine follows is decided across chunks by ``ChoiceSelector``:
///
/// ```swift
/// var selector = StreamChunk.ChoiceSelector()
/// let chunk = try StreamChunk(payload: data)          // throws → invalid_chunk
/// if let error = chunk.error { /* provider_error: error.message ?? data */ }
/// for choice in selector.followedChoices(in: chunk) {
///     choice.textFragments      // each one a `text` message
///     choice.toolCallFragments  // into a ToolCallAccumulator
/// }
/// ```
package struct StreamChunk: Sendable, Hashable {
    /// The provider's error, when this is an error chunk.
    package var error: ProviderError?
    /// The chunk's choices in payload order; empty for error chunks and usage-only or filter chunks.
    package var choices: [Choice]
    /// The top-level `model` when it is a non-empty string (Azure sends `""` on filter chunks).
    package var model: String?
    /// The chunk's usage: a non-null top-level `usage`, else a non-null `x_groq.usage`.
    package var usage: Usage?

    /// Creates a chunk from its parts; used by tests and by ``init(json:)``.
    package init(error: ProviderError? = nil, choices: [Choice] = [], model: String? = nil, usage: Usage? = nil) {
        self.error = error
        self.choices = choices
        self.model = model
        self.usage = usage
    }

    /// Parses one SSE data payload (the event's data, already joined and stripped of `data:`).
    ///
    /// Call ``Payload/init(data:)`` first if the payload may be `[DONE]` or a re-wrapped comment.
    ///
    /// - Parameter payload: The JSON text of the chunk.
    /// - Throws: ``JSONParseError`` when the payload is not JSON or nests too deeply: the turn's
    ///   `invalid_chunk`.
    package init(payload: String) throws(JSONParseError) {
        if let chunk = JSONValue.commonChunk(in: payload) {
            self = chunk
        } else {
            self.init(json: try JSONValue(parsing: payload))
        }
    }

    /// Interprets a parsed payload.
    ///
    /// A payload that is valid JSON but not an object (`[]`, `42`, `null`) is a chunk that adds
    /// nothing: the contract's `invalid_chunk` is only for text that is not JSON or nests too deeply.
    ///
    /// - Parameter json: The parsed payload.
    package init(json: JSONValue) {
        self.init()
        guard case .object(let members) = json else { return }
        if let error = members["error"], !error.isNull {
            self.error = ProviderError(value: error)
            return
        }
        if let model = members["model"]?.stringValue, !model.isEmpty {
            self.model = model
        }
        if let usage = members["usage"], !usage.isNull {
            self.usage = Usage(json: usage)
        } else if let usage = members["x_groq"]?["usage"], !usage.isNull {
            self.usage = Usage(json: usage)
        }
        for choice in members["choices"]?.arrayValue ?? [] {
            if case .object(let choiceMembers) = choice {
                self.choices.append(Choice(members: choiceMembers))
            }
        }
    }
}

// MARK: - Payload

extension StreamChunk {
    /// What one SSE data payload is before it is read as a chunk.
    package enum Payload: Sendable, Hashable {
        /// `[DONE]`: the stream is complete.
        case done
        /// A keep-alive comment a proxy re-wrapped as data (`data: : OPENROUTER PROCESSING`), or an
        /// empty payload: skip it.
        case comment
        /// A JSON chunk.
        case chunk(StreamChunk)

        /// Classifies and parses one data payload.
        ///
        /// A payload that starts with `[DONE]` is ``done`` (as in the reference OpenAI decoder); one
        /// that starts with `:` or is empty is ``comment``; anything else must be a JSON chunk.
        ///
        /// - Parameter data: The event's data, one optional space after `data:` already removed.
        /// - Throws: ``JSONParseError`` for a payload that is not JSON or nests too deeply.
        package init(data: String) throws(JSONParseError) {
            if data.hasPrefix("[DONE]") {
                self = .done
            } else if data.hasPrefix(":") {
                self = .comment
            } else {
                self = .chunk(try StreamChunk(payload: data))
            }
        }
    }
}

// MARK: - Error

extension StreamChunk {
    /// The `error` of an error chunk.
    package struct ProviderError: Sendable, Hashable {
        /// `error.message` when the error is an object whose `message` is a non-empty string.
        ///
        /// When `nil`, the engine's `provider_error` message quotes the data payload as received.
        package var message: String?
        /// The `error` value itself (an object, or any other non-null value).
        package var value: JSONValue

        /// Reads `message` from an `error` value.
        package init(value: JSONValue) {
            self.value = value
            if let message = value["message"]?.stringValue, !message.isEmpty {
                self.message = message
            }
        }
    }
}

// MARK: - Choice

extension StreamChunk {
    /// One element of `choices`: what it adds to the answer.
    package struct Choice: Sendable, Hashable {
        /// `index` when it is an integer; `0` when it is absent, `null` or not an integer.
        package var index: Int64
        /// The non-empty text fragments of `delta.content`, in order.
        ///
        /// A string `content` gives one fragment; an array of parts gives one per part whose
        /// `type` is `text` (or absent) and whose `text` is a non-empty string. Reasoning
        /// (`reasoning_content`, `reasoning`, thinking parts) and `refusal` are never text.
        package var textFragments: [String]
        /// `delta.refusal` when it is a non-empty string (OpenAI's structured-output refusals).
        package var refusalFragment: String?
        /// `delta.reasoning_content` when it is a non-empty string (DeepSeek's thinking mode).
        package var reasoningContentFragment: String?
        /// `delta.reasoning` when it is a non-empty string (OpenRouter, vLLM, Ollama).
        package var reasoningFragment: String?
        /// The objects of `delta.tool_calls`, in order.
        package var toolCallFragments: [ToolCallFragment]
        /// `finish_reason` when it is a string (read even from a choice without a `delta`).
        package var finishReason: String?

        /// Creates a choice from its parts.
        package init(
            index: Int64 = 0,
            textFragments: [String] = [],
            toolCallFragments: [ToolCallFragment] = [],
            finishReason: String? = nil
        ) {
            self.index = index
            self.textFragments = textFragments
            self.toolCallFragments = toolCallFragments
            self.finishReason = finishReason
        }

        init(members: OrderedDictionary<String, JSONValue>) {
            self.init(index: members["index"].flatMap(Self.integer) ?? 0)
            self.finishReason = members["finish_reason"]?.stringValue
            guard case .object(let delta) = members["delta"] else { return }
            self.refusalFragment = Self.nonEmptyString(delta["refusal"])
            self.reasoningContentFragment = Self.nonEmptyString(delta["reasoning_content"])
            self.reasoningFragment = Self.nonEmptyString(delta["reasoning"])
            switch delta["content"] {
            case .string(let text) where !text.isEmpty:
                textFragments = [text]
            case .array(let parts):
                textFragments = parts.compactMap { part in
                    guard case .object(let part) = part,
                        (part["type"]?.stringValue ?? "text") == "text",
                        let text = part["text"]?.stringValue, !text.isEmpty
                    else { return nil }
                    return text
                }
            default:
                break
            }
            for item in delta["tool_calls"]?.arrayValue ?? [] {
                if case .object(let fragment) = item {
                    toolCallFragments.append(ToolCallFragment(members: fragment))
                }
            }
        }

        private static func nonEmptyString(_ value: JSONValue?) -> String? {
            guard let text = value?.stringValue, !text.isEmpty else { return nil }
            return text
        }

        /// An integer JSON value: an ``JSONValue/int(_:)``, or a ``JSONValue/double(_:)`` with no
        /// fraction that fits in 64 bits (`1.0`, `1e3`).
        static func integer(_ value: JSONValue) -> Int64? {
            switch value {
            case .int(let integer): integer
            case .double(let double): Int64(exactly: double)
            default: nil
            }
        }
    }
}

// MARK: - Tool-call fragment

extension StreamChunk {
    /// One object of `delta.tool_calls`, as sent: the input of ``ToolCallAccumulator``.
    package struct ToolCallFragment: Sendable, Hashable {
        /// `index` when it is an integer (any, negative included); `nil` when absent, `null` or not
        /// an integer.
        package var index: Int64?
        /// `id` when it is a string, `""` included (the accumulator treats `""` as absent).
        package var id: String?
        /// `type` when it is a string.
        package var type: String?
        /// `function.name` when it is a string.
        package var name: String?
        /// `function.arguments`: a string as sent; any other non-null value (an object, as
        /// llama.cpp and TGI send) as its ``JSONValue/compactJSON``; `nil` when absent or `null`.
        package var arguments: String?
        /// The item's other keys (such as `extra_content`) with non-null values, in payload order.
        package var extra: OrderedDictionary<String, JSONValue>
        /// The other keys of `function` with non-null values, in payload order.
        package var functionExtra: OrderedDictionary<String, JSONValue>

        /// Creates a fragment from its parts.
        package init(
            index: Int64? = nil,
            id: String? = nil,
            type: String? = nil,
            name: String? = nil,
            arguments: String? = nil,
            extra: OrderedDictionary<String, JSONValue> = [:],
            functionExtra: OrderedDictionary<String, JSONValue> = [:]
        ) {
            self.index = index
            self.id = id
            self.type = type
            self.name = name
            self.arguments = arguments
            self.extra = extra
            self.functionExtra = functionExtra
        }

        /// Reads a fragment from one `tool_calls` item; an item that is not an object is an empty
        /// fragment.
        ///
        /// - Parameter json: One element of `delta.tool_calls`.
        package init(json: JSONValue) {
            if case .object(let members) = json {
                self.init(members: members)
            } else {
                self.init()
            }
        }

        init(members: OrderedDictionary<String, JSONValue>) {
            self.init()
            for (key, value) in members where !value.isNull {
                switch key {
                case "index": index = Choice.integer(value)
                case "id": id = value.stringValue
                case "type": type = value.stringValue
                case "function":
                    guard case .object(let function) = value else { continue }
                    for (functionKey, functionValue) in function where !functionValue.isNull {
                        switch functionKey {
                        case "name": name = functionValue.stringValue
                        case "arguments":
                            if case .string(let text) = functionValue {
                                arguments = text
                            } else {
                                arguments = functionValue.compactJSON
                            }
                        default: functionExtra[functionKey] = functionValue
                        }
                    }
                default: extra[key] = value
                }
            }
        }
    }
}

// MARK: - Usage

extension StreamChunk {
    /// The token counts of one usage value.
    ///
    /// A count is kept only when it is a JSON integer (`15`); a missing count, `15.0`, `"15"` or
    /// `null` is `nil`, and adds 0 to a sum. A usage that is not an object has no counts.
    package struct Usage: Sendable, Hashable {
        /// `prompt_tokens`.
        package var promptTokens: Int64?
        /// `completion_tokens`.
        package var completionTokens: Int64?
        /// `total_tokens`.
        package var totalTokens: Int64?

        /// Creates usage from counts.
        package init(promptTokens: Int64? = nil, completionTokens: Int64? = nil, totalTokens: Int64? = nil) {
            self.promptTokens = promptTokens
            self.completionTokens = completionTokens
            self.totalTokens = totalTokens
        }

        /// Reads the three counts of a usage value. A count is an integer value: `15` and `15.0`
        /// count; `1.5`, `"7"` and anything else add 0.
        package init(json: JSONValue) {
            self.init(
                promptTokens: Self.count(json["prompt_tokens"]),
                completionTokens: Self.count(json["completion_tokens"]),
                totalTokens: Self.count(json["total_tokens"])
            )
        }

        private static func count(_ value: JSONValue?) -> Int64? {
            switch value {
            case .int(let number)?: return number
            case .double(let number)? where number.rounded() == number && abs(number) < 9.0e18: return Int64(number)
            default: return nil
            }
        }

        /// The turn's usage: each count summed over the hops' usages, a `nil` count adding 0
        /// (saturating at `Int64.max` / `Int64.min`).
        ///
        /// - Parameter hopUsages: The last usage of each hop that reported one.
        /// - Returns: `nil` when `hopUsages` is empty (the turn's `usage` is then left out);
        ///   otherwise every count is non-nil.
        package static func sum(_ hopUsages: some Sequence<Usage>) -> Usage? {
            var total: Usage?
            for usage in hopUsages {
                var sum = total ?? Usage(promptTokens: 0, completionTokens: 0, totalTokens: 0)
                sum.promptTokens = add(sum.promptTokens, usage.promptTokens)
                sum.completionTokens = add(sum.completionTokens, usage.completionTokens)
                sum.totalTokens = add(sum.totalTokens, usage.totalTokens)
                total = sum
            }
            return total
        }

        /// The usage as the `{prompt_tokens, completion_tokens, total_tokens}` object, `nil`
        /// counts written as 0.
        package var json: JSONValue {
            [
                "prompt_tokens": .int(promptTokens ?? 0),
                "completion_tokens": .int(completionTokens ?? 0),
                "total_tokens": .int(totalTokens ?? 0),
            ]
        }

        private static func add(_ sum: Int64?, _ count: Int64?) -> Int64 {
            let sum = sum ?? 0
            let (result, overflow) = sum.addingReportingOverflow(count ?? 0)
            guard overflow else { return result }
            return sum < 0 ? .min : .max
        }
    }
}

// MARK: - Choice selection

extension StreamChunk {
    /// Follows one choice through a stream: the first `choices[].index` seen.
    ///
    /// Make one per stream (per hop). Error chunks are never read, so their choices do not count
    /// as seen; a choice without a `delta` does.
    package struct ChoiceSelector: Sendable, Hashable {
        /// The followed index, once a choice has been seen.
        package private(set) var followedIndex: Int64?

        /// Creates a selector that has seen no choice.
        package init() {}

        /// The choices of `chunk` that belong to the followed index, in order.
        ///
        /// The first choice of the first chunk that has any fixes the index.
        /// - Parameter chunk: The next chunk of the stream.
        /// - Returns: Usually zero or one choice; every choice of the followed index if a chunk
        ///   repeats it.
        package mutating func followedChoices(in chunk: StreamChunk) -> [Choice] {
            guard chunk.error == nil, let first = chunk.choices.first else { return [] }
            let followed = followedIndex ?? first.index
            followedIndex = followed
            return chunk.choices.filter { $0.index == followed }
        }
    }
}
