import NIOCore
import NIOHTTP1

/// How the engine's hops reach a server: connections on an event loop group, or (for benchmarks
/// and tests) a fixed answer from memory that goes through the same handler and driver.
struct HopTransport: Sendable {
    var group: any EventLoopGroup
    /// When set, every request is answered `200 text/event-stream` with these body pieces, each
    /// one read, without a socket.
    var inMemoryAnswer: [ByteBuffer]?
}

/// Plays a fixed answer into a ``HopHandler`` on an event loop, as a connection would: the head,
/// then one body piece per read, each only when the handler passes a read on (so backpressure
/// and persistence pauses behave as on a socket), then the end.
enum InMemoryExchange {
    static func start(_ pieces: [ByteBuffer], handler: @escaping @Sendable () -> HopHandler, eventLoop: any EventLoop) {
        eventLoop.execute {
            EmbeddedReadSource(handler: handler(), pieces: pieces, eventLoop: eventLoop).start()
        }
    }
}

/// The in-memory stand-in for a channel: feeds the handler and answers its reads.
final class EmbeddedReadSource {
    private let handler: HopHandler
    private let pieces: [ByteBuffer]
    let eventLoop: any EventLoop
    private var next = 0
    private var ended = false
    private var feeding = false
    private var readRequested = false

    init(handler: HopHandler, pieces: [ByteBuffer], eventLoop: any EventLoop) {
        self.handler = handler
        self.pieces = pieces
        self.eventLoop = eventLoop
    }

    func start() {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "text/event-stream")
        self.handler.inMemoryRead(
            .head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers)),
            source: self
        )
        self.handler.inMemoryReadComplete()
        self.requestRead()
    }

    /// The handler passed a read on: deliver the next piece (on a trampoline, not recursively).
    func requestRead() {
        self.readRequested = true
        guard !self.feeding else { return }
        self.feeding = true
        defer { self.feeding = false }
        while self.readRequested, !self.ended {
            self.readRequested = false
            if self.next < self.pieces.count {
                let piece = self.pieces[self.next]
                self.next += 1
                self.handler.inMemoryRead(.body(piece), source: self)
                self.handler.inMemoryReadComplete()
            } else {
                self.ended = true
                self.handler.inMemoryRead(.end(nil), source: self)
                self.handler.inMemoryReadComplete()
            }
            // The next read comes from the handler, as a channel's autoRead would ask for it.
            self.handler.inMemoryAutoRead()
        }
    }
}
