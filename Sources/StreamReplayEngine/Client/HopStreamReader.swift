import NIOCore
import StreamReplaySSE

/// Interprets the SSE events of one hop's response: yields text, batches deltas, accumulates
/// tool-call fragments and decides when the stream is complete or failed. Synchronous and
/// I/O-free: the client feeds it events.
struct HopStreamReader: Sendable {
    private(set) var result = HopResult()
    private var selector = StreamChunk.ChoiceSelector()
    private var batcher: DeltaBatcher<EngineInstant>?
    private let context: HopContext

    init(context: HopContext, batcher: DeltaBatcher<EngineInstant>?) {
        self.context = context
        self.batcher = batcher
    }

    /// Whether reading should stop: `[DONE]` arrived or the hop failed.
    var isFinished: Bool { self.result.sawDone || self.result.failure != nil }

    /// Handles one SSE event.
    mutating func handle(_ event: SSEEvent, now: EngineInstant) {
        guard !self.isFinished else { return }
        if let value = event.extraField("error") {
            self.result.failure = .providerError(value)
            return
        }
        if event.type == "error" {
            self.result.failure = .providerError(Self.providerMessage(inData: event.data))
            return
        }
        guard let data = event.data else { return }
        let payload: StreamChunk.Payload
        do {
            payload = try StreamChunk.Payload(data: data)
        } catch {
            self.result.failure = .invalidChunk(error.description)
            return
        }
        switch payload {
        case .done:
            self.result.sawDone = true
        case .comment:
            return
        case .chunk(let chunk):
            self.handle(chunk, data: data, now: now)
        }
    }

    private mutating func handle(_ chunk: StreamChunk, data: String, now: EngineInstant) {
        if let error = chunk.error {
            self.result.failure = .providerError(error.message ?? data)
            return
        }
        if let model = chunk.model, !model.isEmpty {
            self.result.model = model
        }
        if let usage = chunk.usage {
            self.result.usage = usage
        }
        for choice in self.selector.followedChoices(in: chunk) {
            for fragment in choice.textFragments where !fragment.isEmpty {
                self.result.text += fragment
                self.result.yieldedText = true
                if var batcher = self.batcher {
                    let batch = batcher.append(fragment, now: now)
                    self.batcher = batcher
                    if let batch {
                        self.write(batch)
                        if self.result.failure != nil { return }
                    }
                }
                self.context.emit(.text(fragment, hop: self.context.hop))
            }
            if let refusal = choice.refusalFragment {
                self.result.refusal += refusal
                self.context.emit(.refusal(refusal, hop: self.context.hop))
            }
            if let reasoning = choice.reasoningContentFragment {
                self.result.reasoningContent = (self.result.reasoningContent ?? "") + reasoning
            }
            if let reasoning = choice.reasoningFragment {
                self.result.reasoning = (self.result.reasoning ?? "") + reasoning
            }
            for fragment in choice.toolCallFragments {
                self.result.accumulator.add(fragment)
            }
            if let reason = choice.finishReason {
                if reason == "error" {
                    self.result.failure = .providerError(nil)
                    return
                }
                self.result.finishReason = reason
                self.result.sawFinish = true
            }
        }
    }

    /// Writes what is left in the delta buffer (the hop's end).
    mutating func flushDeltas() {
        guard var batcher = self.batcher else { return }
        let batch = batcher.finish()
        self.batcher = batcher
        if let batch { self.write(batch) }
    }

    private mutating func write(_ batch: String) {
        do {
            try self.context.writeDelta(batch)
        } catch {
            self.result.failure = TurnFailure(
                code: "store_failed",
                message: "Could not persist streamed text: \(error)"
            )
        }
    }

    /// Marks that body bytes arrived.
    mutating func noteBytes() {
        self.result.receivedBytes = true
    }

    /// Ends the hop after the body ended (`how` says how, `nil` for a clean end).
    mutating func end(interruption how: String?) {
        guard self.result.failure == nil else { return }
        if self.result.sawDone || self.result.sawFinish { return }
        self.result.failure = .streamInterrupted(how ?? "the body ended without a finish_reason or [DONE]")
    }

    /// Sets a failure found outside the stream (connect, HTTP status, timeout, cancellation).
    mutating func fail(_ failure: TurnFailure) {
        if self.result.failure == nil {
            self.result.failure = failure
        }
    }

    /// Forgets the failure (to replace it by a more precise one).
    mutating func clearFailure() {
        self.result.failure = nil
    }

    /// The provider's message in an `event: error` data line: `error.message`, else the data.
    private static func providerMessage(inData data: String?) -> String? {
        guard let data else { return nil }
        if let value = try? JSONValue(parsing: data) {
            if let message = value["error"]?["message"]?.stringValue, !message.isEmpty { return message }
        }
        return data
    }
}
