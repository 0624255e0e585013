import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// The ceiling of per-event writes for a SwiftNIO server: requests parsed by NIO's HTTP decoder,
/// then the same bytes as `stream-replay serve` (response head, each event pre-framed as one HTTP
/// chunk, the last chunk) written straight to the socket, one flushed write each, and nothing
/// else: no encoder, no journal, no script, no Swift concurrency. Run as a subprocess of this
/// executable (`--nio-ceiling PORT BODY-FILE`), pinned like the C one.
enum NIOCeiling {
    static func serve(port: Int, bodyFile: String) throws -> Never {
        let body = try Data(contentsOf: URL(fileURLWithPath: bodyFile))
        let pieces = Self.framedEvents(Array(body))
        let head = ByteBuffer(
            string: "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream; charset=utf-8\r\ncache-control: no-cache\r\n"
                + "transfer-encoding: chunked\r\n\r\n"
        )
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let channel = try ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.backlog, value: 4096)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(HTTPRequestDecoder()))
                    try channel.pipeline.syncOperations.addHandler(Handler(head: head, pieces: pieces))
                }
            }
            .bind(host: "127.0.0.1", port: port)
            .wait()
        FileHandle.standardOutput.write(Data("listening on \(channel.localAddress?.port ?? port)\n".utf8))
        try channel.closeFuture.wait()
        exit(0)
    }

    /// Each event of `body` (up to and including its blank line) as one HTTP chunk, then the
    /// zero-size chunk.
    static func framedEvents(_ body: [UInt8]) -> [ByteBuffer] {
        var pieces: [ByteBuffer] = []
        var start = 0
        var index = 0
        while index < body.count {
            let endsEvent = index + 1 < body.count && body[index] == 0x0A && body[index + 1] == 0x0A
            if endsEvent || index + 1 == body.count {
                let stop = endsEvent ? index + 2 : index + 1
                var piece = ByteBuffer(string: String(stop - start, radix: 16) + "\r\n")
                piece.writeBytes(body[start..<stop])
                piece.writeString("\r\n")
                pieces.append(piece)
                start = stop
                index = stop
            } else {
                index += 1
            }
        }
        pieces.append(ByteBuffer(string: "0\r\n\r\n"))
        return pieces
    }

    final class Handler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = ByteBuffer

        let head: ByteBuffer
        let pieces: [ByteBuffer]

        init(head: ByteBuffer, pieces: [ByteBuffer]) {
            self.head = head
            self.pieces = pieces
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard case .end = self.unwrapInboundIn(data) else { return }
            context.writeAndFlush(self.wrapOutboundOut(self.head), promise: nil)
            for piece in self.pieces {
                context.writeAndFlush(self.wrapOutboundOut(piece), promise: nil)
            }
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            context.close(promise: nil)
        }
    }
}
