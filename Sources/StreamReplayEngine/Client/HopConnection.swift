import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOHTTPCompression
import NIOPosix
import NIOSSL
import NIOTLS

/// Where one hop's request goes: the endpoint, and the proxy in between if any.
struct HopTarget: Sendable {
    var scheme: String
    var host: String
    var port: Int
    /// The path and query sent in the request line (the absolute URL through an `http` proxy).
    var requestTarget: String
    /// The `Host` header's value.
    var hostHeader: String
    var proxy: ChatEngineProxy.Server?

    var usesTLS: Bool { self.scheme == "https" }

    /// Reads an endpoint URL; `nil` when it is not an `http` or `https` URL with a host.
    init?(endpoint: String, proxies: ChatEngineProxy?) {
        guard let components = URLComponents(string: endpoint),
            let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = components.host, !host.isEmpty
        else { return nil }
        self.scheme = scheme
        self.host = host
        let defaultPort = scheme == "https" ? 443 : 80
        self.port = components.port ?? defaultPort
        var origin = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        if let query = components.percentEncodedQuery { origin += "?" + query }
        let hostText = host.contains(":") ? "[\(host)]" : host
        self.hostHeader = self.port == defaultPort ? hostText : "\(hostText):\(self.port)"
        self.proxy = proxies?.server(scheme: scheme, host: host, port: self.port)
        // Through an http proxy the request line names the whole URL; through a tunnel it does not.
        self.requestTarget = self.proxy != nil && scheme == "http" ? "http://\(self.hostHeader)\(origin)" : origin
    }
}

/// A failure to reach the endpoint, in words (for `connect_failed`).
struct HopConnectError: Error, CustomStringConvertible {
    var description: String
}

/// Opens one hop's connection with SwiftNIO: TCP (with the connect timeout), a `CONNECT` tunnel
/// through an `https` proxy, TLS for `https` (system trust roots, SNI), then HTTP/1.1 with
/// gzip/deflate decoding and the ``HopHandler`` at the end; then sends the request.
///
/// The engine's own client rather than AsyncHTTPClient's: AsyncHTTPClient drops body parts read
/// in the same socket read as a connection's end when its consumer is behind, and has no bounded
/// read-ahead that keeps them (see the README's transport notes); here every byte read is handed
/// to the hop, and reads wait for the engine to have room.
enum HopConnection {
    /// The TLS context for every `https` endpoint: made once, as loading the trust roots is slow.
    private static let tlsContext = Result { try NIOSSLContext(configuration: .makeClientConfiguration()) }

    /// Connects, builds the pipeline with `handler` last and writes the request; returns the
    /// channel, whose handler completes the hop.
    static func open(
        _ target: HopTarget,
        headers: HTTPHeaders,
        body: ByteBuffer,
        handler: @escaping @Sendable () -> HopHandler,
        group: any EventLoopGroup,
        connectTimeout: Duration,
        opened: @Sendable (any Channel) -> Void
    ) async throws -> any Channel {
        let timeout = TimeAmount.nanoseconds(
            max(
                1,
                connectTimeout.components.seconds * 1_000_000_000 + connectTimeout.components.attoseconds
                    / 1_000_000_000
            )
        )
        let deadline = NIODeadline.now() + timeout
        let connectHost = target.proxy?.host ?? target.host
        let connectPort = target.proxy?.port ?? target.port
        let channel = try await ClientBootstrap(group: group)
            .connectTimeout(timeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connect(host: connectHost, port: connectPort)
            .get()
        opened(channel)
        let timedOut = NIOLockedValueBox(false)
        do {
            let watch = channel.eventLoop.scheduleTask(deadline: deadline) {
                timedOut.withLockedValue { $0 = true }
                channel.close(promise: nil)
            }
            defer { watch.cancel() }
            if let proxy = target.proxy, target.usesTLS {
                let tunnel = channel.eventLoop.makePromise(of: Void.self)
                try await channel.eventLoop.submit {
                    try Self.ensureActive(channel)
                    try channel.pipeline.syncOperations.addHandler(
                        ProxyTunnelHandler(target: target, proxy: proxy, promise: tunnel)
                    )
                }.get()
                try await tunnel.futureResult.get()
            }
            if target.usesTLS {
                let context = try Self.tlsContext.get()
                let ready = channel.eventLoop.makePromise(of: Void.self)
                let serverName = Self.isIPAddress(target.host) ? nil : target.host
                try await channel.eventLoop.submit {
                    try Self.ensureActive(channel)
                    try channel.pipeline.syncOperations.addHandler(
                        try NIOSSLClientHandler(context: context, serverHostname: serverName)
                    )
                    try channel.pipeline.syncOperations.addHandler(TLSReadyHandler(promise: ready))
                }.get()
                try await ready.futureResult.get()
            }
        } catch {
            channel.close(promise: nil)
            if timedOut.withLockedValue({ $0 }) {
                throw HopConnectError(description: "no connection was made within the connect timeout")
            }
            throw error
        }
        var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: target.requestTarget)
        head.headers.add(name: "Host", value: target.hostHeader)
        head.headers.add(contentsOf: headers)
        head.headers.add(name: "Content-Length", value: String(body.readableBytes))
        if let proxy = target.proxy, !target.usesTLS, let authorization = proxy.authorization {
            head.headers.add(name: "Proxy-Authorization", value: authorization)
        }
        try await channel.eventLoop.submit { [head] in
            try Self.ensureActive(channel)
            let pipeline = channel.pipeline.syncOperations
            try pipeline.addHTTPClientHandlers(leftOverBytesStrategy: .dropBytes)
            try pipeline.addHandler(NIOHTTPResponseDecompressor(limit: .ratio(500)))
            try pipeline.addHandler(handler())
            channel.write(HTTPClientRequestPart.head(head), promise: nil)
            channel.write(HTTPClientRequestPart.body(.byteBuffer(body)), promise: nil)
            channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
        }.get()
        return channel
    }

    /// A handler added to a channel that is already closed never hears of its end: each step
    /// that adds one checks, on the event loop, that the channel is still open (a cancelled turn
    /// closes it from another thread while it is being set up).
    private static func ensureActive(_ channel: any Channel) throws {
        guard channel.isActive else { throw ChannelError.ioOnClosedChannel }
    }

    private static func isIPAddress(_ host: String) -> Bool {
        (try? SocketAddress(ipAddress: host, port: 0)) != nil
    }
}

/// Sends `CONNECT host:port` to an `https` proxy and waits for its 2xx; then leaves the pipeline,
/// so that TLS runs through the tunnel.
final class ProxyTunnelHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let target: HopTarget
    private let proxy: ChatEngineProxy.Server
    private let promise: EventLoopPromise<Void>
    private var answer = ByteBuffer()
    private var settled = false

    init(target: HopTarget, proxy: ChatEngineProxy.Server, promise: EventLoopPromise<Void>) {
        self.target = target
        self.proxy = proxy
        self.promise = promise
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let authority =
            "\(self.target.host.contains(":") ? "[\(self.target.host)]" : self.target.host):\(self.target.port)"
        var request = "CONNECT \(authority) HTTP/1.1\r\nHost: \(authority)\r\n"
        if let authorization = self.proxy.authorization {
            request += "Proxy-Authorization: \(authorization)\r\n"
        }
        request += "\r\n"
        context.writeAndFlush(Self.wrapOutboundOut(context.channel.allocator.buffer(string: request)), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = Self.unwrapInboundIn(data)
        self.answer.writeBuffer(&buffer)
        let view = self.answer.readableBytesView
        guard let end = view.firstRange(of: [13, 10, 13, 10]) else {
            if self.answer.readableBytes > 16 * 1024 {
                self.fail(context, "the proxy \(self.proxy) answered CONNECT with a head of over 16 KB")
            }
            return
        }
        let head = String(decoding: view[view.startIndex..<end.lowerBound], as: UTF8.self)
        let statusLine = head.split(separator: "\r\n", maxSplits: 1).first.map(String.init) ?? ""
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, let status = Int(parts[1]), (200..<300).contains(status) else {
            self.fail(
                context,
                "the proxy \(self.proxy) refused the tunnel to \(self.target.host):\(self.target.port): \(statusLine)"
            )
            return
        }
        self.settled = true
        self.promise.succeed()
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.fail(context, "the proxy \(self.proxy) closed the connection before it answered CONNECT")
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if !self.settled {
            self.settled = true
            self.promise.fail(error)
        }
        context.close(promise: nil)
    }

    private func fail(_ context: ChannelHandlerContext, _ message: String) {
        guard !self.settled else { return }
        self.settled = true
        self.promise.fail(HopConnectError(description: message))
        context.close(promise: nil)
    }
}

/// Fulfils its promise when the TLS handshake completed, fails it when it did not.
final class TLSReadyHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    private let promise: EventLoopPromise<Void>
    private var settled = false

    init(promise: EventLoopPromise<Void>) {
        self.promise = promise
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? TLSUserEvent, case .handshakeCompleted = event, !self.settled {
            self.settled = true
            self.promise.succeed()
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if !self.settled {
            self.settled = true
            self.promise.fail(error)
            context.close(promise: nil)
            return
        }
        context.fireErrorCaught(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !self.settled {
            self.settled = true
            self.promise.fail(HopConnectError(description: "the server closed the connection during the TLS handshake"))
        }
        context.fireChannelInactive()
    }
}
