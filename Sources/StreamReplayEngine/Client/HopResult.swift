/// What one hop (one streamed chat-completions request) produced.
struct HopResult: Sendable {
    /// The text fragments yielded, joined.
    var text = ""
    /// Whether any text fragment was yielded.
    var yieldedText = false
    /// The `refusal` fragments yielded, joined.
    var refusal = ""
    /// The `reasoning_content` fragments, joined; `nil` when the hop streamed none.
    var reasoningContent: String?
    /// The `reasoning` fragments, joined; `nil` when the hop streamed none.
    var reasoning: String?
    /// The tool calls accumulated when the stream ended.
    var accumulator = ToolCallAccumulator()
    /// The last non-null `finish_reason`.
    var finishReason: String?
    /// The last non-empty chunk `model`.
    var model: String?
    /// The last usage object seen.
    var usage: StreamChunk.Usage?
    /// Set when the hop failed.
    var failure: TurnFailure?
    /// `[DONE]` arrived.
    var sawDone = false
    /// A `finish_reason` was seen.
    var sawFinish = false
    /// Whether any body byte arrived (no retry after that).
    var receivedBytes = false
    /// The response as the observer heard of it, once its head arrived.
    var observed: ObservedResponse?
}
