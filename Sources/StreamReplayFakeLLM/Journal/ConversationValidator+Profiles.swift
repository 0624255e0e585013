package import StreamReplayScenario

extension ConversationValidator {
    /// Why the provider of `profile` would refuse `body`, in its words; `nil` when it is valid.
    ///
    /// - `openai`: ``problem(in:)``.
    /// - `anthropic`: `max_tokens` and `messages` are required; a `tool_result` block must answer a
    ///   `tool_use` id of the assistant message right before it.
    /// - `openai-responses`: `input` is required (without `previous_response_id`); a
    ///   `function_call_output` item must answer the `call_id` of a `function_call` item before it.
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
        if body["max_tokens"] == nil { return Problem("max_tokens: Field required", param: "max_tokens") }
        guard case .array(let messages)? = body["messages"] else {
            return Problem("messages: Field required", param: "messages")
        }
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

    private static func responsesProblem(in body: ScenarioValue?) -> Problem? {
        guard let body, case .object = body else {
            return Problem(
                "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload.)",
                param: nil
            )
        }
        guard let input = body["input"] else {
            if body["previous_response_id"] != nil { return nil }
            return Problem("Missing required parameter: 'input'.", param: "input", code: "missing_required_parameter")
        }
        guard case .array(let items) = input else { return nil }
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
