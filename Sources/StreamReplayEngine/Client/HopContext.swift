/// What one hop needs besides the request: where messages go, where batches are written, and
/// the hop's identity.
struct HopContext: Sendable {
    var conversationID: String
    var requestID: String
    var hop: Int
    /// Yields a message to the caller.
    var emit: @Sendable (ChatMessage) -> Void
    /// Writes a delta batch (only called when deltas are persisted).
    var writeDelta: @Sendable (String) throws -> Void
}
