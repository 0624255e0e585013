package import NIOCore
package import NIOHTTP1

/// Reads whole HTTP/1 requests (head and body) from a connection and answers them one by one;
/// shared by the fake server and the recording proxy.
package enum HTTPRequestLoop {
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
