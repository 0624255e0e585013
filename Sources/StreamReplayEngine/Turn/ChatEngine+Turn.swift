import Foundation

extension ChatEngine {
    /// Runs a turn this call owns (the conversation is held): replays a stored answer, or claims
    /// a retry, or writes the user message; then runs the hops and finalises.
    func ownTurn(
        conversationID: String,
        text: String,
        requestID: String,
        emit: @escaping @Sendable (ChatMessage) -> Void
    ) async -> TurnOutcome {
        do {
            if let answer = try self.store.event(conversationID: conversationID, requestID: "assistant:\(requestID)") {
                let outcome = Self.outcome(ofStoredAnswer: answer)
                Self.replay(outcome, emit: emit)
                return outcome
            }
            let userMessage: StoredEvent
            if let existing = try self.store.event(conversationID: conversationID, requestID: requestID) {
                _ = try self.store.claimRetry(conversationID: conversationID, requestID: requestID)
                userMessage = existing
            } else {
                do {
                    userMessage = try self.store.append(
                        NewEvent(
                            id: self.dependencies.ids.uuid(),
                            conversationID: conversationID,
                            type: "user_message",
                            role: "user",
                            content: text,
                            createdAt: self.timestamp(),
                            extra: ["request_id": .string(requestID)]
                        )
                    )
                } catch let error as EventStoreError where error.code == .duplicateRequestID {
                    // Another process wrote it between the check and the insert: take the retry path.
                    _ = try self.store.claimRetry(conversationID: conversationID, requestID: requestID)
                    guard let existing = try self.store.event(conversationID: conversationID, requestID: requestID)
                    else { throw error }
                    userMessage = existing
                }
            }
            let history = try self.store.history(
                conversationID: conversationID,
                beforeSeq: userMessage.seq,
                limit: self.configuration.historyLimit
            )
            return await self.runHops(
                conversationID: conversationID,
                requestID: requestID,
                userText: userMessage.content,
                history: history,
                emit: emit
            )
        } catch {
            let failure = TurnFailure(code: "store_failed", message: "The event store failed: \(error)")
            emit(failure.message(hop: 0))
            return TurnOutcome(text: "", failure: failure)
        }
    }

    /// The outcome a stored `assistant_message` stands for.
    static func outcome(ofStoredAnswer answer: StoredEvent) -> TurnOutcome {
        guard answer.extra["partial"] == .bool(true) else {
            return TurnOutcome(text: answer.content, failure: nil)
        }
        let error = answer.extra["error"]
        let failure = TurnFailure(
            code: error?["code"]?.stringValue ?? "stream_interrupted",
            message: error?["message"]?.stringValue ?? "The turn failed"
        )
        return TurnOutcome(text: answer.content, failure: failure)
    }

    /// `created_at`: ISO-8601 with milliseconds, UTC, from the injected wall clock.
    func timestamp() -> String {
        Self.iso8601(milliseconds: self.dependencies.wallClock())
    }

    static func iso8601(milliseconds: Int64) -> String {
        let date = Date(timeIntervalSince1970: Double(milliseconds) / 1000)
        return date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt))
    }
}
