/// The messages of one turn, in order, as they are produced.
///
/// It ends when the turn is over: after its last text, tool notice, hop-limit warning or `error`
/// message. Stopping the iteration early (or cancelling the iterating task) cancels the turn,
/// which is then finalised as a failed turn with code `cancelled`; nothing more is yielded.
public struct ChatMessageStream: AsyncSequence, Sendable {
    public typealias Element = ChatMessage

    let base: AsyncStream<ChatMessage>

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: self.base.makeAsyncIterator())
    }

    /// Iterates the messages of a turn.
    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: AsyncStream<ChatMessage>.AsyncIterator

        public mutating func next() async -> ChatMessage? {
            await self.base.next()
        }
    }
}
