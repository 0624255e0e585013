import Logging
import OrderedCollections

extension ChatEngine {
    /// Runs the hops of a turn: request, stream, tools, follow-up, until the model stops, the hop
    /// limit is reached or something fails; then finalises (compaction or the partial answer).
    func runHops(
        conversationID: String,
        requestID: String,
        userText: String,
        history: [StoredEvent],
        messages turnMessages: TurnMessages
    ) async -> TurnOutcome {
        let emit = turnMessages.yield
        var messages: [JSONValue] = []
        if let systemPrompt = self.configuration.systemPrompt {
            messages.append(["role": "system", "content": .string(systemPrompt)])
        }
        for event in history {
            messages.append([
                "role": .string(event.role ?? (event.type == "user_message" ? "user" : "assistant")),
                "content": .string(event.content),
            ])
        }
        messages.append(["role": "user", "content": .string(userText)])

        var turn = TurnProgress()
        var hop = 0
        while true {
            let context = HopContext(
                conversationID: conversationID,
                requestID: requestID,
                hop: hop,
                messages: turnMessages,
                writeDelta: { [self, hop] batch, completion in
                    let event = self.deltaEvent(batch, conversationID: conversationID, requestID: requestID, hop: hop)
                    self.store.offPool({ try $0.append(event) }) { result in completion(result.map { _ in () }) }
                }
            )
            let result = await self.client.runHop(body: self.requestBody(messages: messages), context: context)
            turn.text += result.text
            turn.refusal += result.refusal
            if let usage = result.usage { turn.usages.append(usage) }
            // The final hop's model, also for a partial answer.
            turn.model = result.model
            if let failure = result.failure {
                let cancelled = failure.code == "cancelled" || Task.isCancelled
                var final = cancelled ? TurnFailure.cancelled : failure
                final.hop = hop
                if !cancelled { emit(final.message(hop: hop)) }
                return await self.finalise(
                    turn,
                    failure: final,
                    conversationID: conversationID,
                    requestID: requestID,
                    emit: emit
                )
            }
            let calls = result.accumulator.toolCalls(requestID: requestID, hop: hop)
            turn.finishReason = result.finishReason
            turn.model = result.model
            if calls.isEmpty {
                return await self.finalise(
                    turn,
                    failure: nil,
                    conversationID: conversationID,
                    requestID: requestID,
                    emit: emit
                )
            }
            if hop >= self.configuration.maxToolHops {
                let warning = ChatMessage.toolLimit(max: self.configuration.maxToolHops, afterText: !turn.text.isEmpty)
                emit(warning)
                turn.text += warning.content
                return await self.finalise(
                    turn,
                    failure: nil,
                    conversationID: conversationID,
                    requestID: requestID,
                    emit: emit
                )
            }
            emit(.toolExecution(count: calls.count, hop: hop))
            var toolMessages: [JSONValue] = []
            for call in calls {
                if Task.isCancelled {
                    return await self.finalise(
                        turn,
                        failure: .cancelled,
                        conversationID: conversationID,
                        requestID: requestID,
                        emit: emit
                    )
                }
                let (output, isError) = await self.execute(
                    call,
                    conversationID: conversationID,
                    requestID: requestID,
                    hop: hop
                )
                var extra: OrderedDictionary<String, JSONValue> = [
                    "tool_call_id": .string(call.id),
                    "request_id": .string("tool:\(requestID):\(hop):\(call.position)"),
                ]
                if isError { extra["is_error"] = true }
                let result = NewEvent(
                    id: self.dependencies.ids.uuid(),
                    conversationID: conversationID,
                    type: "tool_result",
                    role: "tool",
                    content: output,
                    toolCallID: call.id,
                    createdAt: self.timestamp(),
                    extra: .object(extra)
                )
                do {
                    _ = try await self.store.offPool { try $0.append(result) }
                } catch {
                    let failure = TurnFailure(code: "store_failed", message: "The event store failed: \(error)")
                    emit(failure.message(hop: hop))
                    return await self.finalise(
                        turn,
                        failure: failure,
                        conversationID: conversationID,
                        requestID: requestID,
                        emit: emit
                    )
                }
                turn.ranTool = true
                toolMessages.append(["role": "tool", "tool_call_id": .string(call.id), "content": .string(output)])
            }
            var assistant: OrderedDictionary<String, JSONValue> = [
                "role": "assistant", "content": .string(result.text), "tool_calls": .array(calls.map(\.followUpJSON)),
            ]
            // DeepSeek's thinking mode refuses a follow-up that leaves out the hop's reasoning.
            if let reasoning = result.reasoningContent { assistant["reasoning_content"] = .string(reasoning) }
            if let reasoning = result.reasoning { assistant["reasoning"] = .string(reasoning) }
            messages.append(.object(assistant))
            messages.append(contentsOf: toolMessages)
            hop += 1
        }
    }

    /// Runs one call through the executor, unless its arguments are not a JSON object.
    private func execute(
        _ call: ToolCallAccumulator.ToolCall,
        conversationID: String,
        requestID: String,
        hop: Int
    ) async -> (String, Bool) {
        if let invalid = call.invalidArgumentsResult {
            return (invalid, true)
        }
        let invocation = ToolInvocation(
            name: call.name,
            id: call.id,
            argumentsJSON: call.arguments.jsonObject?.compactJSON ?? "{}",
            conversationID: conversationID,
            requestID: requestID,
            hop: hop
        )
        do {
            return (try await self.tools.execute(invocation), false)
        } catch {
            return ("Tool execution failed: \(error)", true)
        }
    }

    /// `{model, messages, stream: true, tools?}` plus the configured extra parameters.
    func requestBody(messages: [JSONValue]) -> JSONValue {
        var body: OrderedDictionary<String, JSONValue> = [
            "model": .string(self.configuration.model),
            "messages": .array(messages),
            "stream": true,
        ]
        if !self.configuration.tools.isEmpty {
            body["tools"] = .array(
                self.configuration.tools.map { tool in
                    var function: OrderedDictionary<String, JSONValue> = ["name": .string(tool.name)]
                    if let description = tool.description { function["description"] = .string(description) }
                    if let parameters = tool.parametersJSON, let schema = try? JSONValue(parsing: parameters) {
                        function["parameters"] = schema
                    }
                    return ["type": "function", "function": .object(function)]
                }
            )
        }
        if let extra = self.configuration.extraParametersJSON,
            case .object(let members)? = try? JSONValue(parsing: extra)
        {
            for (key, value) in members where body[key] == nil || key == "stream_options" {
                body[key] = value
            }
        }
        return .object(body)
    }

    /// One delta batch as a `meta` / `assistant_delta` event.
    func deltaEvent(_ batch: String, conversationID: String, requestID: String, hop: Int) -> NewEvent {
        let epoch = self.dependencies.wallClock()
        return NewEvent(
            id: self.dependencies.ids.uuid(),
            conversationID: conversationID,
            type: "meta",
            role: nil,
            content: batch,
            createdAt: Self.iso8601(milliseconds: epoch),
            extra: [
                "kind": "assistant_delta", "user_request_id": .string(requestID), "hop_number": .int(Int64(hop)),
                "request_id": .string(
                    "assistant_delta:\(requestID):\(hop):\(epoch):\(self.dependencies.ids.hex8())"
                ),
                "batched": true,
            ]
        )
    }

    /// Completes or fails the turn in the store; returns its outcome.
    func finalise(
        _ turn: TurnProgress,
        failure: TurnFailure?,
        conversationID: String,
        requestID: String,
        emit: @Sendable (ChatMessage) -> Void
    ) async -> TurnOutcome {
        let outcome = TurnOutcome(text: turn.text, refusal: turn.refusal.isEmpty ? nil : turn.refusal, failure: failure)
        if failure != nil, turn.text.isEmpty, turn.refusal.isEmpty, !turn.ranTool {
            return outcome  // nothing but the user message stays; a retry runs the turn again
        }
        var extra: OrderedDictionary<String, JSONValue> = [
            "user_request_id": .string(requestID), "request_id": .string("assistant:\(requestID)"),
        ]
        if failure == nil, let finish = turn.finishReason { extra["finish_reason"] = .string(finish) }
        if let usage = StreamChunk.Usage.sum(turn.usages) { extra["usage"] = usage.json }
        if !turn.refusal.isEmpty { extra["refusal"] = .string(turn.refusal) }
        if let failure {
            extra["partial"] = true
            // {code, message} per the contract, plus what a replay needs to repeat the same message.
            var error: OrderedDictionary<String, JSONValue> = [
                "code": .string(failure.code), "message": .string(failure.message),
            ]
            if let hop = failure.hop { error["hop"] = .int(Int64(hop)) }
            if let status = failure.status { error["status"] = .int(Int64(status)) }
            if let retryAfter = failure.retryAfterMilliseconds { error["retry_after_ms"] = .int(Int64(retryAfter)) }
            extra["error"] = .object(error)
        }
        let model = (turn.model?.isEmpty == false ? turn.model : nil) ?? self.configuration.model
        let answer = NewEvent(
            id: self.dependencies.ids.uuid(),
            conversationID: conversationID,
            type: "assistant_message",
            role: "assistant",
            content: turn.text,
            model: model,
            createdAt: self.timestamp(),
            extra: .object(extra)
        )
        do {
            _ = try await self.store.offPool {
                try $0.compact(conversationID: conversationID, userRequestID: requestID, answer: answer)
            }
        } catch {
            self.logger.error("could not persist the answer", metadata: ["error": "\(error)"])
            let storeFailure = TurnFailure(code: "store_failed", message: "The event store failed: \(error)")
            if failure == nil { emit(storeFailure.message(hop: 0)) }
            return TurnOutcome(text: turn.text, refusal: outcome.refusal, failure: failure ?? storeFailure)
        }
        return outcome
    }
}

/// What a turn accumulated over its hops.
struct TurnProgress: Sendable {
    var text = ""
    /// The refusal fragments of every hop, joined.
    var refusal = ""
    var ranTool = false
    var usages: [StreamChunk.Usage] = []
    /// The final hop's last non-null finish reason.
    var finishReason: String?
    /// The final hop's last non-empty model.
    var model: String?
}
