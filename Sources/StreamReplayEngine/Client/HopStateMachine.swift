import NIOCore
import StreamReplaySSE

/// What the transport does for the hop state machine, in order.
enum HopAction: Sendable {
    /// Hand this message to the turn's consumer.
    case yield(ChatMessage)
    /// Write this delta batch to the store; the actions after it wait until it is written.
    case persist(String)
}

/// Interprets the SSE events of one hop's response: decides what to yield and when to persist a
/// delta batch, accumulates tool-call fragments and decides when the stream is complete or
/// failed. Synchronous and I/O-free: the transport feeds it events and performs the
/// ``HopAction``s it returns (``HopDriver``).
struct HopStateMachine: Sendable {
    private(set) var result = HopResult()
    private var selector = StreamChunk.ChoiceSelector()
    private var batcher: DeltaBatcher<EngineInstant>?
    private let hop: Int

    init(hop: Int, batcher: DeltaBatcher<EngineInstant>?) {
        self.hop = hop
        self.batcher = batcher
    }

    /// Whether reading should stop: `[DONE]` arrived or the hop failed.
    var isFinished: Bool { self.result.sawDone || self.result.failure != nil }

    /// Handles one SSE event; appends what to do to `actions`.
    mutating func handle(_ event: SSEEvent, now: EngineInstant, into actions: inout [HopAction]) {
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
            self.handle(chunk, data: data, now: now, into: &actions)
        }
    }

    private mutating func handle(
        _ chunk: StreamChunk,
        data: String,
        now: EngineInstant,
        into actions: inout [HopAction]
    ) {
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
                    if let batch { actions.append(.persist(batch)) }
                }
                actions.append(.yield(.text(fragment, hop: self.hop)))
            }
            if let refusal = choice.refusalFragment {
                self.result.refusal += refusal
                actions.append(.yield(.refusal(refusal, hop: self.hop)))
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

    /// The hop's end: what is left in the delta buffer is the last batch.
    mutating func flushDeltas(into actions: inout [HopAction]) {
        guard var batcher = self.batcher else { return }
        let batch = batcher.finish()
        self.batcher = batcher
        if let batch { actions.append(.persist(batch)) }
    }

    /// A batch could not be written: the hop fails, and the actions after it are dropped.
    mutating func persistFailed(_ error: any Error) {
        self.result.failure = TurnFailure(
            code: "store_failed",
            message: "Could not persist streamed text: \(error)"
        )
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

    /// The provider's message in an `event: error` data line: `error.message`, else the data.
    private static func providerMessage(inData data: String?) -> String? {
        guard let data else { return nil }
        if let value = try? JSONValue(parsing: data) {
            if let message = value["error"]?["message"]?.stringValue, !message.isEmpty { return message }
        }
        return data
    }
}
