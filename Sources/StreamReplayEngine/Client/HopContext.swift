/// What one hop needs besides the request: where messages go, where batches are written, and
/// the hop's identity.
struct HopContext: Sendable {
    var conversationID: String
    var requestID: String
    var hop: Int
    /// Where the hop's messages go, in runs.
    var messages: TurnMessages
    /// Writes a delta batch off the event loop and the cooperative pool (only called when deltas
    /// are persisted), then calls back with the outcome, on any thread.
    var writeDelta: @Sendable (String, @escaping @Sendable (Result<Void, any Error>) -> Void) -> Void
}
