import Foundation

extension ChatEngine {
    /// Runs a turn this call owns (the conversation is held): replays a stored answer, or claims
    /// a retry, or writes the user message; then runs the hops and finalises.
    func ownTurn(
        conversationID: String,
        text: String,
        requestID: String,
        messages: TurnMessages
    ) async -> TurnOutcome {
        let emit = messages.yield
        do {
            let store = self.store
            if let answer = try await store.offPool({
                try $0.event(conversationID: conversationID, requestID: "assistant:\(requestID)")
            }) {
                let outcome = Self.outcome(ofStoredAnswer: answer)
                Self.replay(outcome, emit: emit)
                return outcome
            }
            let userMessage: StoredEvent
            if let existing = try await store.offPool({
                try $0.event(conversationID: conversationID, requestID: requestID)
            }) {
                _ = try await store.offPool { try $0.claimRetry(conversationID: conversationID, requestID: requestID) }
                userMessage = existing
            } else {
                do {
                    let event = NewEvent(
                        id: self.dependencies.ids.uuid(),
                        conversationID: conversationID,
                        type: "user_message",
                        role: "user",
                        content: text,
                        createdAt: self.timestamp(),
                        extra: ["request_id": .string(requestID)]
                    )
                    userMessage = try await store.offPool { try $0.append(event) }
                } catch let error as EventStoreError where error.code == .duplicateRequestID {
                    // Another process wrote it between the check and the insert: take the retry path.
                    _ = try await store.offPool {
                        try $0.claimRetry(conversationID: conversationID, requestID: requestID)
                    }
                    guard
                        let existing = try await store.offPool({
                            try $0.event(conversationID: conversationID, requestID: requestID)
                        })
                    else { throw error }
                    userMessage = existing
                }
            }
            let (seq, limit) = (userMessage.seq, self.configuration.historyLimit)
            let history = try await store.offPool {
                try $0.history(conversationID: conversationID, beforeSeq: seq, limit: limit)
            }
            return await self.runHops(
                conversationID: conversationID,
                requestID: requestID,
                userText: userMessage.content,
                history: history,
                messages: messages
            )
        } catch {
            let failure = TurnFailure(code: "store_failed", message: "The event store failed: \(error)")
            emit(failure.message(hop: 0))
            return TurnOutcome(text: "", failure: failure)
        }
    }

    /// The outcome a stored `assistant_message` stands for.
    static func outcome(ofStoredAnswer answer: StoredEvent) -> TurnOutcome {
        let refusal = answer.extra["refusal"]?.stringValue
        guard answer.extra["partial"] == .bool(true) else {
            return TurnOutcome(text: answer.content, refusal: refusal, failure: nil)
        }
        let error = answer.extra["error"]
        var failure = TurnFailure(
            code: error?["code"]?.stringValue ?? "stream_interrupted",
            message: error?["message"]?.stringValue ?? "The turn failed"
        )
        failure.hop = error?["hop"]?.int64Value.map { Int($0) }
        failure.status = error?["status"]?.int64Value.map { Int($0) }
        failure.retryAfterMilliseconds = error?["retry_after_ms"]?.int64Value.map { Int($0) }
        return TurnOutcome(text: answer.content, refusal: refusal, failure: failure)
    }

    /// `created_at`: ISO-8601 with milliseconds, UTC, from the injected wall clock.
    func timestamp() -> String {
        Self.iso8601(milliseconds: self.dependencies.wallClock())
    }

    /// `YYYY-MM-DDTHH:MM:SS.mmmZ` computed in integers (a `Date` would round 100 ms to 99).
    static func iso8601(milliseconds: Int64) -> String {
        let (days, dayMilliseconds) = milliseconds.quotientAndRemainder(dividingBy: 86_400_000)
        let (day, time) = dayMilliseconds < 0 ? (days - 1, dayMilliseconds + 86_400_000) : (days, dayMilliseconds)
        // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
        let z = day + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let dayOfMonth = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func pad(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        let hours = time / 3_600_000
        let minutes = time / 60000 % 60
        let seconds = time / 1000 % 60
        return
            "\(pad(year, 4))-\(pad(month, 2))-\(pad(dayOfMonth, 2))T\(pad(hours, 2)):\(pad(minutes, 2)):\(pad(seconds, 2)).\(pad(time % 1000, 3))Z"
    }
}
