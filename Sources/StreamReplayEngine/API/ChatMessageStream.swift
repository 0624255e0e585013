/// The messages of one turn, in order, as they are produced.
///
/// It ends when the turn is over: after its last text, tool notice, hop-limit warning or `error`
/// message. Stopping the iteration early (or cancelling the iterating task) cancels the turn,
/// which is then finalised as a failed turn with code `cancelled`; nothing more is yielded.
public struct ChatMessageStream: AsyncSequence, Sendable {
    /// Each element is one message of the turn.
    public typealias Element = ChatMessage

    let base: AsyncStream<ChatMessage>

    /// An iterator over the turn's messages; iterate a stream once, from one task.
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: self.base.makeAsyncIterator())
    }

    /// Iterates the messages of a turn.
    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: AsyncStream<ChatMessage>.AsyncIterator

        /// The next message, or `nil` once the turn is over or the iterating task was cancelled.
        public mutating func next() async -> ChatMessage? {
            await self.base.next()
        }
    }
}
