package import NIOCore
package import NIOHTTP1
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads whole HTTP/1 requests (head and body) from a connection and answers them one by one;
/// shared by the fake server and the recording proxy.
package enum HTTPRequestLoop {
    /// A connection: only the inbound side is async; answers are written to the channel directly.
    /// `Never` outbound also means a connection dropped unconsumed during shutdown deinitialises
    /// cleanly.
    package typealias Connection = NIOAsyncChannel<HTTPServerRequestPart, Never>

    /// Why an address could not be listened on, in a sentence that names it.
    package struct BindFailure: Error {
        /// The port is taken by another process.
        package var isPortInUse: Bool
        package var message: String
    }

    /// Listens on `host:port` for HTTP/1 connections (`TCP_NODELAY` on, a backlog of 4,096: a
    /// load test opens hundreds of connections at once, and NIO's default is 256).
    package static func bind(host: String, port: Int) async throws(BindFailure) -> NIOAsyncChannel<Connection, Never> {
        do {
            return try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .serverChannelOption(.backlog, value: 4096)
                .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
                .bind(host: host, port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(SocketWriter())
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                        return try Connection(wrappingChannelSynchronously: channel)
                    }
                }
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            throw BindFailure(
                isPortInUse: true,
                message: "port \(port) on \(host) is already in use; pick another with --port, or 0 for a free one"
            )
        } catch let error as IOError {
            var reason = String(cString: strerror(error.errnoCode)).lowercased()
            switch error.errnoCode {
            case EACCES: reason += " (ports below 1024 need privileges)"
            case EADDRNOTAVAIL: reason += " (\(host) is not an address of this machine)"
            default: break
            }
            throw BindFailure(isPortInUse: false, message: "cannot listen on \(host):\(port): \(reason)")
        } catch {
            throw BindFailure(isPortInUse: false, message: "cannot listen on \(host):\(port): \(error)")
        }
    }

    /// Answers each request with `respond` until the client goes, a request is not keep-alive, or
    /// `respond` returns `false` (it closed the connection).
    package static func serve(
        _ inbound: NIOAsyncChannelInboundStream<HTTPServerRequestPart>,
        respond: (HTTPRequestHead, ByteBuffer) async throws -> Bool
    ) async throws {
        var head: HTTPRequestHead?
        var body = ByteBuffer()
        for try await part in inbound {
            switch part {
            case .head(let requestHead):
                head = requestHead
                body.clear()
            case .body(var bytes):
                body.writeBuffer(&bytes)
            case .end:
                guard let requestHead = head else { continue }
                head = nil
                let keepOpen = try await respond(requestHead, body)
                if !keepOpen || !requestHead.isKeepAlive { return }
            }
        }
    }
}

/// The first handler of every connection: what is written through its context goes straight to
/// the socket, past the HTTP encoder. The fake sends a stream's pieces this way, each already
/// framed as one HTTP chunk: one buffer and one flushed write per piece, without the three-part
/// chunk the encoder would make and the type checks of every handler on the way.
package final class SocketWriter: ChannelOutboundHandler {
    package typealias OutboundIn = ByteBuffer
    package typealias OutboundOut = ByteBuffer

    package init() {}

    /// Writes and flushes each of `pieces` on its own from `context` (this handler's, on its event
    /// loop), framed as chunks when `chunked`; the future of the last write. Empty pieces write
    /// nothing: in a chunked body an empty chunk would end it.
    package static func write(
        _ pieces: [ByteBuffer],
        chunked: Bool,
        to context: ChannelHandlerContext
    ) -> EventLoopFuture<Void> {
        let nonEmpty = pieces.filter { $0.readableBytes > 0 }
        guard let lastIndex = nonEmpty.indices.last else { return context.eventLoop.makeSucceededVoidFuture() }
        let promise = context.eventLoop.makePromise(of: Void.self)
        for (index, piece) in nonEmpty.enumerated() {
            let bytes = chunked ? Self.chunk(piece, allocator: context.channel.allocator) : piece
            // Only the last write carries a promise: when the socket fails, it fails too.
            context.writeAndFlush(NIOAny(bytes), promise: index == lastIndex ? promise : nil)
        }
        return promise.futureResult
    }

    /// `piece` framed as one HTTP/1.1 chunk: its size in hex, CRLF, the bytes, CRLF.
    package static func chunk(_ piece: ByteBuffer, allocator: ByteBufferAllocator) -> ByteBuffer {
        var framed = allocator.buffer(capacity: piece.readableBytes + 12)
        framed.writeString(String(piece.readableBytes, radix: 16))
        framed.writeStaticString("\r\n")
        framed.writeImmutableBuffer(piece)
        framed.writeStaticString("\r\n")
        return framed
    }
}
