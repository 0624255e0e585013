package import StreamReplayScenario

extension ConversationValidator {
    /// Why the provider of `profile` would refuse `body`, in its words; `nil` when it is valid.
    ///
    /// - `openai`: ``problem(in:)``.
    /// - `anthropic`: `model`, `max_tokens` (an integer, at least 1) and a non-empty `messages`
    ///   list are required; a `tool_result` block must answer a `tool_use` id of the assistant
    ///   message right before it, and every `tool_use` of an assistant message followed by a user
    ///   message must be answered there.
    /// - `openai-responses`: `model` is required, `input` too (without `previous_response_id`),
    ///   a string or a list of items; a `function_call_output` item must answer the `call_id` of a
    ///   `function_call` item before it.
    package static func problem(in body: ScenarioValue?, profile: Scenario.StreamAnswer.Profile) -> Problem? {
        switch profile {
        case .anthropic: Self.anthropicProblem(in: body)
        case .openaiResponses: Self.responsesProblem(in: body)
        default: Self.problem(in: body)
        }
    }

    private static func anthropicProblem(in body: ScenarioValue?) -> Problem? {
        guard let body, case .object = body else {
            return Problem("The request body is not valid JSON.", param: nil)
        }
        if body["model"] == nil { return Problem("model: Field required", param: "model") }
        switch body["max_tokens"] {
        case nil: return Problem("max_tokens: Field required", param: "max_tokens")
        case .int(let tokens)? where tokens >= 1: break
        case .int?: return Problem("max_tokens: Input should be greater than or equal to 1", param: "max_tokens")
        default: return Problem("max_tokens: Input should be a valid integer", param: "max_tokens")
        }
        guard case .array(let messages)? = body["messages"] else {
            return Problem(
                body["messages"] == nil ? "messages: Field required" : "messages: Input should be a valid list",
                param: "messages"
            )
        }
        if messages.isEmpty { return Problem("messages: at least one message is required", param: "messages") }
        var previousToolUses: [String] = []
        for (position, message) in messages.enumerated() {
            guard let role = message["role"]?.stringValue, role == "user" || role == "assistant" else {
                return Problem(
                    "messages.\(position).role: Input should be 'user' or 'assistant'",
                    param: "messages.\(position).role"
                )
            }
            let blocks = message["content"]?.arrayValue ?? []
            if role == "user" {
                let answered = Set(
                    blocks.filter { $0["type"]?.stringValue == "tool_result" }.compactMap {
                        $0["tool_use_id"]?.stringValue
                    }
                )
                let unanswered = previousToolUses.filter { !answered.contains($0) }
                if !unanswered.isEmpty {
                    return Problem(
                        "messages.\(position - 1): `tool_use` ids were found without `tool_result` blocks immediately after: \(unanswered.joined(separator: ", ")). Each `tool_use` block must have a corresponding `tool_result` block in the next message.",
                        param: "messages.\(position - 1)"
                    )
                }
                for (number, block) in blocks.enumerated() where block["type"]?.stringValue == "tool_result" {
                    let id = block["tool_use_id"]?.stringValue ?? ""
                    if !previousToolUses.contains(id) {
                        return Problem(
                            "messages.\(position).content.\(number): unexpected `tool_use_id` found in `tool_result` blocks: \(id). Each `tool_result` block must have a corresponding `tool_use` block in the previous message.",
                            param: "messages.\(position).content.\(number)"
                        )
                    }
                }
            }
            previousToolUses =
                role == "assistant"
                ? blocks.filter { $0["type"]?.stringValue == "tool_use" }.compactMap { $0["id"]?.stringValue } : []
        }
        return nil
    }

    /// A JSON value's kind as OpenAI's messages name it (`an integer`, `an object`, …).
    private static func kind(of value: ScenarioValue) -> String {
        switch value {
        case .int: "an integer"
        case .double: "a decimal"
        case .bool: "a boolean"
        case .object: "an object"
        case .null: "null"
        case .array: "an array"
        case .string: "a string"
        }
    }

    private static func responsesProblem(in body: ScenarioValue?) -> Problem? {
        guard let body, case .object = body else {
            return Problem(
                "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload.)",
                param: nil
            )
        }
        if body["model"] == nil {
            return Problem("Missing required parameter: 'model'.", param: "model", code: "missing_required_parameter")
        }
        guard let input = body["input"] else {
            if body["previous_response_id"] != nil { return nil }
            return Problem("Missing required parameter: 'input'.", param: "input", code: "missing_required_parameter")
        }
        if case .string = input { return nil }
        guard case .array(let items) = input else {
            return Problem(
                "Invalid type for 'input': expected one of a string or array of input items, but got \(Self.kind(of: input)) instead.",
                param: "input",
                code: "invalid_type"
            )
        }
        var calls: Set<String> = []
        for (position, item) in items.enumerated() {
            switch item["type"]?.stringValue {
            case "function_call":
                if let id = item["call_id"]?.stringValue { calls.insert(id) }
            case "function_call_output":
                let id = item["call_id"]?.stringValue ?? ""
                if !calls.contains(id), body["previous_response_id"] == nil {
                    return Problem(
                        "No tool call found for function call output with call_id \(id).",
                        param: "input[\(position)]"
                    )
                }
            default:
                continue
            }
        }
        return nil
    }
}
