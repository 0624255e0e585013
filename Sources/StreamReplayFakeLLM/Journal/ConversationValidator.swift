package import StreamReplayScenario

/// Checks a chat-completions request body the way a real provider does, and words the refusal
/// like one (OpenAI's 400 `invalid_request_error`).
package enum ConversationValidator {
    /// Why the provider would refuse `body`, with the parameter at fault; `nil` when it is valid.
    package static func problem(in body: ScenarioValue?) -> (message: String, param: String?)? {
        guard let body else {
            return (
                "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload.)",
                nil
            )
        }
        guard case .object = body else {
            return ("Invalid type for request body: expected an object, but got \(body.kindDescription) instead.", nil)
        }
        guard let messagesValue = body["messages"] else {
            return ("Missing required parameter: 'messages'.", "messages")
        }
        guard case .array(let messages) = messagesValue else {
            return (
                "Invalid type for 'messages': expected an array, but got \(messagesValue.kindDescription) instead.",
                "messages"
            )
        }
        if messages.isEmpty {
            return (
                "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
                "messages"
            )
        }
        // The ids the newest assistant message asked for, and those still unanswered.
        var asked: [String] = []
        var unanswered: [String] = []
        var inToolBlock = false
        for (position, message) in messages.enumerated() {
            guard case .object = message, let role = message["role"]?.stringValue else {
                return (
                    "Invalid value for 'messages[\(position)]': each message needs a string 'role'.",
                    "messages.[\(position)].role"
                )
            }
            if role == "tool" {
                guard inToolBlock, let id = message["tool_call_id"]?.stringValue, asked.contains(id) else {
                    return (
                        "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.",
                        "messages.[\(position)].role"
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
            if role == "assistant", case .array(let calls)? = message["tool_calls"], !calls.isEmpty {
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

    private static func unansweredProblem(_ ids: [String], position: Int) -> (message: String, param: String?) {
        (
            "An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: \(ids.joined(separator: ", "))",
            "messages.[\(position)].role"
        )
    }
}
