package import StreamReplayScenario

/// Checks a chat-completions request body the way a real provider does, and words the refusal
/// like one (OpenAI's 400 `invalid_request_error`).
package enum ConversationValidator {
    /// Why a provider refuses a request: its words, the parameter at fault and OpenAI's `code`.
    package struct Problem: Sendable, Equatable {
        package var message: String
        package var param: String?
        package var code: String?

        package init(_ message: String, param: String?, code: String? = nil) {
            self.message = message
            self.param = param
            self.code = code
        }
    }

    /// Why the provider would refuse `body`, with the parameter at fault; `nil` when it is valid.
    ///
    /// Keys it does not know on a message (`reasoning_content`, provider extras) are accepted.
    package static func problem(in body: ScenarioValue?) -> Problem? {
        guard let body else {
            return Problem(
                "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload.)",
                param: nil
            )
        }
        guard case .object = body else {
            return Problem(
                "Invalid type for request body: expected an object, but got \(body.kindDescription) instead.",
                param: nil
            )
        }
        guard let messagesValue = body["messages"] else {
            return Problem("Missing required parameter: 'messages'.", param: "messages")
        }
        guard case .array(let messages) = messagesValue else {
            return Problem(
                "Invalid type for 'messages': expected an array, but got \(messagesValue.kindDescription) instead.",
                param: "messages"
            )
        }
        if messages.isEmpty {
            return Problem(
                "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
                param: "messages",
                code: "empty_array"
            )
        }
        // The ids the newest assistant message asked for, and those still unanswered.
        var asked: [String] = []
        var unanswered: [String] = []
        var inToolBlock = false
        for (position, message) in messages.enumerated() {
            guard case .object = message, let role = message["role"]?.stringValue else {
                return Problem(
                    "Invalid value for 'messages[\(position)]': each message needs a string 'role'.",
                    param: "messages.[\(position)].role"
                )
            }
            if role == "tool" {
                guard inToolBlock, let id = message["tool_call_id"]?.stringValue, asked.contains(id) else {
                    return Problem(
                        "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.",
                        param: "messages.[\(position)].role"
                    )
                }
                unanswered.removeAll { $0 == id }
                continue
            }
            if !unanswered.isEmpty {
                return Self.unansweredProblem(unanswered, position: position)
            }
            inToolBlock = false
            asked = []
            if role == "assistant", case .array(let calls)? = message["tool_calls"] {
                if let problem = Self.toolCallsProblem(calls, position: position) { return problem }
                asked = calls.compactMap { $0["id"]?.stringValue }
                unanswered = asked
                inToolBlock = true
            }
        }
        if !unanswered.isEmpty {
            return Self.unansweredProblem(unanswered, position: messages.count)
        }
        return nil
    }

    /// An assistant message's `tool_calls` that OpenAI refuses: an empty list, or a call whose
    /// `id` is missing or not a string.
    private static func toolCallsProblem(_ calls: [ScenarioValue], position: Int) -> Problem? {
        let path = "messages[\(position)].tool_calls"
        if calls.isEmpty {
            return Problem(
                "Invalid '\(path)': empty array. Expected an array with minimum length 1, but got an empty array instead.",
                param: path,
                code: "empty_array"
            )
        }
        for (index, call) in calls.enumerated() {
            let idPath = "\(path)[\(index)].id"
            switch call["id"] {
            case .string?:
                continue
            case nil:
                return Problem(
                    "Missing required parameter: '\(idPath)'.",
                    param: idPath,
                    code: "missing_required_parameter"
                )
            case let id?:
                return Problem(
                    "Invalid type for '\(idPath)': expected a string, but got \(Self.openAIKind(of: id)) instead.",
                    param: idPath,
                    code: "invalid_type"
                )
            }
        }
        return nil
    }

    /// A JSON value's kind as OpenAI names it in `invalid_type` errors.
    private static func openAIKind(of value: ScenarioValue) -> String {
        switch value {
        case .null: "null"
        case .bool: "a boolean"
        case .int: "an integer"
        case .double: "a decimal"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }

    private static func unansweredProblem(_ ids: [String], position: Int) -> Problem {
        Problem(
            "An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: \(ids.joined(separator: ", "))",
            param: "messages.[\(position)].role"
        )
    }
}
