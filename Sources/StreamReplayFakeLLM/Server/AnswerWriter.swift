import NIOCore
import NIOHTTP1

/// Writes one streamed answer: the response head, then the plan's pieces, each its own flushed
/// write (one syscall) sent from the connection's ``SocketWriter``, past the HTTP encoder, framed
/// as one HTTP chunk when the body is chunked.
///
/// Pieces go to the event loop in runs of up to ``piecesPerRun`` in one hop, not one hop each. At
/// most two runs are queued at a time: the next run is handed over while the previous one is still
/// being written, so the socket never waits for a thread hop, and a slow reader holds at most two
/// runs of framed pieces in memory, never the rest of the answer.
struct AnswerWriter {
    static let piecesPerRun = 64

    let channel: any Channel
    let chunked: Bool
    private var head: HTTPResponseHead?
    private var run: [ByteBuffer] = []
    private var inFlight: (future: EventLoopFuture<Void>, writes: Int, bytes: Int)?
    /// Pieces and body bytes known written to the socket.
    private(set) var writes = 0
    private(set) var bytes = 0

    init(channel: any Channel, head: HTTPResponseHead, chunked: Bool) {
        self.channel = channel
        self.head = head
        self.chunked = chunked
    }

    /// Queues `piece`; hands a full run to the event loop.
    mutating func append(_ piece: ByteBuffer) async throws {
        self.run.append(piece)
        if self.run.count >= Self.piecesPerRun { try await self.submit() }
    }

    /// Writes everything queued (the head too, if not yet sent) and waits until it is written.
    mutating func flush() async throws {
        try await self.submit()
        try await self.awaitInFlight()
    }

    /// Hands the queued run (and the head) to the event loop, then waits for the run before it.
    private mutating func submit() async throws {
        guard !self.run.isEmpty || self.head != nil else { return }
        let pieces = self.run
        let head = self.head
        let chunked = self.chunked
        let channel = self.channel
        self.run = []
        self.head = nil
        let future = channel.eventLoop.flatSubmit {
            var last = channel.eventLoop.makeSucceededVoidFuture()
            if let head {
                last = channel.writeAndFlush(HTTPServerResponsePart.head(head))
            }
            guard !pieces.isEmpty else { return last }
            do {
                let writer = try channel.pipeline.syncOperations.context(handlerType: SocketWriter.self)
                return SocketWriter.write(pieces, chunked: chunked, to: writer)
            } catch {
                return channel.eventLoop.makeFailedFuture(error)
            }
        }
        try await self.awaitInFlight()
        self.inFlight = (future, pieces.count, pieces.reduce(0) { $0 + $1.readableBytes })
    }

    private mutating func awaitInFlight() async throws {
        guard let current = self.inFlight else { return }
        self.inFlight = nil
        try await current.future.get()
        self.writes += current.writes
        self.bytes += current.bytes
    }
}
