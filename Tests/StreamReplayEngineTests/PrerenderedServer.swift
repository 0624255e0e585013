import Foundation
import NIOCore
import NIOPosix
import Synchronization

/// A loopback HTTP/1.1 server for transport tests: it reads each request whole, then writes one
/// pre-rendered response in one write, and either keeps the connection or closes it once the
/// kernel took every byte (`cut`), so that the client finds the end right after the last byte.
/// It records each request's head (as text).
final class PrerenderedServer: Sendable {
    let channel: any Channel
    private let requests = Mutex<[String]>([])
    private let closes = Mutex<(count: Int, waiters: [(Int, CheckedContinuation<Void, Never>)])>((0, []))

    var port: Int { self.channel.localAddress?.port ?? 0 }
    var heads: [String] { self.requests.withLock { $0 } }

    /// Starts a server that answers every request with `response` (the whole HTTP answer, head
    /// included); with `cut`, it closes each connection after writing it.
    static func start(response: ByteBuffer, cut: Bool) async throws -> PrerenderedServer {
        let box = Mutex<PrerenderedServer?>(nil)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.addHandler(
                        Answerer(response: response, cut: cut) { head in
                            box.withLock { $0 }?.record(head)
                        } closed: {
                            box.withLock { $0 }?.closed()
                        }
                    )
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        let server = PrerenderedServer(channel: channel)
        box.withLock { $0 = server }
        return server
    }

    private init(channel: any Channel) {
        self.channel = channel
    }

    func stop() async {
        try? await self.channel.close()
    }

    /// Returns once `count` connections were closed by the server after their answer.
    func waitForCloses(_ count: Int) async {
        await withCheckedContinuation { continuation in
            let ready = self.closes.withLock { state -> Bool in
                if state.count >= count { return true }
                state.waiters.append((count, continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }

    private func record(_ head: String) {
        self.requests.withLock { $0.append(head) }
    }

    private func closed() {
        let ready = self.closes.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.count += 1
            let count = state.count
            let ready = state.waiters.filter { $0.0 <= count }.map(\.1)
            state.waiters.removeAll { $0.0 <= count }
            return ready
        }
        for waiter in ready { waiter.resume() }
    }

    private final class Answerer: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer

        let response: ByteBuffer
        let cut: Bool
        let record: @Sendable (String) -> Void
        let closed: @Sendable () -> Void
        var request = ByteBuffer()

        init(
            response: ByteBuffer,
            cut: Bool,
            record: @escaping @Sendable (String) -> Void,
            closed: @escaping @Sendable () -> Void
        ) {
            self.response = response
            self.cut = cut
            self.record = record
            self.closed = closed
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var bytes = Self.unwrapInboundIn(data)
            self.request.writeBuffer(&bytes)
            let text = String(buffer: self.request)
            guard let headEnd = text.range(of: "\r\n\r\n") else { return }
            let head = String(text[..<headEnd.lowerBound])
            let length =
                head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
                .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
            guard text.utf8.count >= text.utf8.distance(from: text.startIndex, to: headEnd.upperBound) + length
            else { return }
            self.request.clear()
            self.record(head)
            let written = context.writeAndFlush(Self.wrapOutboundOut(self.response))
            guard self.cut else { return }
            let closed = self.closed
            let channel = context.channel
            written.whenComplete { _ in
                channel.close(promise: nil)
                closed()
            }
        }
    }
}
