import Foundation
import NIOCore
import NIOEmbedded
import NIOHTTP1
import StreamReplayTestSupport
import Synchronization
import Testing

@_spi(Benchmarking) @testable import StreamReplayEngine

/// The engine's own HTTP/1.1 transport: nothing received is lost at a cut, reads wait for the
/// consumer, proxies, and the in-memory answer benchmarks use.
@Suite struct TransportTests {
    /// `data: {…"content":"w"…}` events, compact.
    static func events(_ count: Int, finish: Bool) -> String {
        var body = ""
        for _ in 0..<count {
            body += #"data: {"choices":[{"index":0,"delta":{"content":"w"}}]}"# + "\n\n"
        }
        if finish {
            body += #"data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"# + "\n\ndata: [DONE]\n\n"
        }
        return body
    }

    static func response(body: String, contentLength: Int? = nil) -> ByteBuffer {
        let length = contentLength ?? body.utf8.count
        return ByteBuffer(
            string: "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Length: \(length)\r\n\r\n" + body
        )
    }

    static func engine(
        port: Int,
        store: EventStore,
        configure: (inout ChatEngineConfiguration) -> Void = { _ in }
    )
        throws -> ChatEngine
    {
        var configuration = ChatEngineConfiguration(baseURL: "http://127.0.0.1:\(port)/v1", model: "m")
        configure(&configuration)
        return try ChatEngine(configuration: configuration, store: store, tools: EngineHarness.Tools())
    }

    /// The server writes 20,000 chunks and closes without ending the body (its Content-Length
    /// promises more). The consumer takes one message, then waits until the server has closed
    /// the connection, so that at the cut most of the stream is unread (in the engine's queue
    /// and the kernel), then reads the rest: every chunk sent is yielded and stored, 100 runs of
    /// 100. (AsyncHTTPClient lost the last 60–235 chunks in 10 of 10 such turns.)
    @Test(.timeLimit(.minutes(3)))
    func aCutWithTwentyThousandChunksUnreadLosesNone() async throws {
        let chunks = 20_000
        let body = Self.events(chunks, finish: false)
        let server = try await PrerenderedServer.start(
            response: Self.response(body: body, contentLength: body.utf8.count + 100),
            cut: true
        )
        let store = try EventStore.temporary()
        defer { try? store.close() }
        let engine = try Self.engine(port: server.port, store: store)
        for run in 0..<100 {
            var iterator = try engine.processMessage(conversationID: "c\(run)", text: "hi", requestID: "r")
                .makeAsyncIterator()
            var texts = 0
            var last: ChatMessage?
            if let first = await iterator.next() {
                if first.type == .text { texts += 1 }
                last = first
            }
            await server.waitForCloses(run + 1)
            while let message = await iterator.next() {
                if message.type == .text { texts += 1 }
                last = message
            }
            #expect(texts == chunks, "run \(run)")
            #expect(last?.errorCode == "stream_interrupted")
            await engine.waitUntilIdle()
            let stored = try store.events(conversationID: "c\(run)").last
            #expect(stored?.content.count == chunks)
            #expect(stored?.extra["partial"] == true)
        }
        await server.stop()
    }

    /// A consumer that does not read holds the socket back: the handler stops passing reads on
    /// once a megabyte of messages waits, and passes the held read on when the consumer took them.
    @Test func readsWaitUntilTheConsumerHasRoom() async throws {
        let channel = EmbeddedChannel()
        let reads = ReadCounter()
        let messages = TurnMessages()
        let promise = channel.eventLoop.makePromise(of: HopResult.self)
        let handler = HopHandler(
            machine: HopStateMachine(hop: 0, batcher: nil),
            context: HopContext(
                conversationID: "c",
                requestID: "r",
                hop: 0,
                messages: messages,
                writeDelta: { _, done in done(.success(())) }
            ),
            clock: EngineClock(ContinuousClock()),
            observer: nil,
            attempt: 0,
            lastActivity: LastActivity(EngineClock(ContinuousClock()).now),
            endpoint: "http://test/v1/chat/completions",
            promise: promise
        )
        try channel.pipeline.syncOperations.addHandler(reads)
        try channel.pipeline.syncOperations.addHandler(handler)
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "text/event-stream")
        try channel.writeInbound(
            HTTPClientResponsePart.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))
        )
        channel.pipeline.fireChannelReadComplete()
        channel.read()
        #expect(reads.count == 1)
        // 64 KB reads of one-character events until the queue is full.
        let piece = ByteBuffer(string: Self.events(1_000, finish: false))
        var fed = 0
        while !messages.isFull {
            try channel.writeInbound(HTTPClientResponsePart.body(piece))
            channel.pipeline.fireChannelReadComplete()
            channel.read()
            fed += 1
            #expect(fed < 100)
        }
        let passed = reads.count
        channel.read()
        channel.read()
        #expect(reads.count == passed, "reads are held while the queue is full")
        #expect(passed == fed, "each read before that was passed on")
        // The consumer takes the queue: the held read goes on.
        var iterator = ChatMessageStream(handle: TurnMessages.Handle(messages)).makeAsyncIterator()
        _ = await iterator.next()
        channel.embeddedEventLoop.run()
        #expect(reads.count == passed + 1)
        try channel.writeInbound(HTTPClientResponsePart.end(nil))
        channel.pipeline.fireChannelReadComplete()
        let result = try await promise.futureResult.get()
        #expect(result.failure?.code == "stream_interrupted")
        #expect(result.text.count == fed * 1_000)
        _ = try? channel.finish()
    }

    /// Counts the reads that reach the channel.
    final class ReadCounter: ChannelOutboundHandler, @unchecked Sendable {
        typealias OutboundIn = NIOAny
        private(set) var count = 0

        func read(context: ChannelHandlerContext) {
            self.count += 1
            context.read()
        }
    }

    /// A whole answer written at once (with Content-Length) is read to its end; the request's
    /// head is HTTP/1.1 with the endpoint's Host.
    @Test func aWholeAnswerFromOneWriteIsReadToTheEnd() async throws {
        let server = try await PrerenderedServer.start(
            response: Self.response(body: Self.events(5_000, finish: true)),
            cut: false
        )
        let store = try EventStore.temporary()
        defer { try? store.close() }
        let engine = try Self.engine(port: server.port, store: store)
        let messages = try await EngineHarness.collect(engine)
        #expect(messages.count == 5_000)
        #expect(messages.allSatisfy { $0.type == .text })
        let head = try #require(server.heads.first)
        #expect(head.hasPrefix("POST /v1/chat/completions HTTP/1.1\r\n"))
        #expect(head.contains("Host: 127.0.0.1:\(server.port)\r\n"))
        #expect(head.contains("Accept-Encoding: identity"))
        await server.stop()
    }

    // MARK: Proxies

    /// Through an `http` proxy the request line carries the absolute URL and the proxy's
    /// credentials go in `Proxy-Authorization`; the endpoint's own host never sees a socket.
    @Test func anHTTPProxyGetsTheAbsoluteURLAndItsCredentials() async throws {
        let proxy = try await PrerenderedServer.start(
            response: Self.response(body: Self.events(3, finish: true)),
            cut: false
        )
        let store = try EventStore.temporary()
        defer { try? store.close() }
        var configuration = ChatEngineConfiguration(baseURL: "http://llm.invalid:8080/v1", model: "m")
        configuration.proxy = ChatEngineProxy.environment([
            "HTTP_PROXY": "http://user:s%40cret@127.0.0.1:\(proxy.port)"
        ])
        let engine = try ChatEngine(configuration: configuration, store: store, tools: EngineHarness.Tools())
        let messages = try await EngineHarness.collect(engine)
        #expect(messages.map(\.content) == ["w", "w", "w"])
        let head = try #require(proxy.heads.first)
        #expect(head.hasPrefix("POST http://llm.invalid:8080/v1/chat/completions HTTP/1.1\r\n"))
        #expect(head.contains("Host: llm.invalid:8080\r\n"))
        #expect(head.contains("Proxy-Authorization: Basic \(Data("user:s@cret".utf8).base64EncodedString())"))
        await proxy.stop()
    }

    /// An `https` endpoint goes through a `CONNECT` tunnel; a proxy that refuses it fails the
    /// attempt with `connect_failed` naming the proxy and its answer.
    @Test func aRefusedTunnelIsConnectFailedNamingTheProxy() async throws {
        let proxy = try await PrerenderedServer.start(
            response: ByteBuffer(string: "HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n"),
            cut: true
        )
        let store = try EventStore.temporary()
        defer { try? store.close() }
        var configuration = ChatEngineConfiguration(baseURL: "https://api.example.com/v1", model: "m")
        configuration.proxy = ChatEngineProxy(https: .init(url: "127.0.0.1:\(proxy.port)"))
        let engine = try ChatEngine(configuration: configuration, store: store, tools: EngineHarness.Tools())
        let messages = try await EngineHarness.collect(engine)
        #expect(messages.map(\.errorCode) == ["connect_failed"])
        #expect(messages.first?.content.contains("127.0.0.1:\(proxy.port) refused the tunnel") == true)
        #expect(messages.first?.content.contains("407") == true)
        #expect(
            proxy.heads.first?.hasPrefix("CONNECT api.example.com:443 HTTP/1.1\r\nHost: api.example.com:443") == true
        )
        await proxy.stop()
    }

    @Test func noProxyMatchesAsCurlDoes() throws {
        let proxies = try #require(
            ChatEngineProxy.environment([
                "https_proxy": "proxy.corp:3128",
                "NO_PROXY": "localhost, .internal.corp,example.org:8443, 10.1.2.3,[::1]",
            ])
        )
        #expect(proxies.https?.description == "proxy.corp:3128")
        #expect(proxies.http == nil)
        #expect(proxies.server(scheme: "https", host: "api.openai.com", port: 443)?.host == "proxy.corp")
        #expect(proxies.server(scheme: "http", host: "api.openai.com", port: 80) == nil, "no HTTP_PROXY")
        for direct in ["localhost", "llm.internal.corp", "internal.corp", "10.1.2.3", "::1"] {
            #expect(proxies.server(scheme: "https", host: direct, port: 443) == nil, "\(direct)")
        }
        #expect(proxies.server(scheme: "https", host: "example.org", port: 8443) == nil)
        #expect(proxies.server(scheme: "https", host: "example.org", port: 443) != nil, "another port")
        #expect(proxies.server(scheme: "https", host: "notinternal.corp", port: 443) != nil, "whole labels only")
        #expect(
            ChatEngineProxy.environment(["HTTPS_PROXY": "http://p:1", "NO_PROXY": "*"])?.server(
                scheme: "https",
                host: "a.b",
                port: 443
            ) == nil
        )
        #expect(ChatEngineProxy.environment([:]) == nil)
        #expect(ChatEngineProxy.environment(["HTTPS_PROXY": ""]) == nil)
        #expect(ChatEngineProxy.Server(url: "socks5://p:1080") == nil)
    }

    // MARK: In memory

    /// The benchmarks' in-memory answer goes through the same handler, driver and store.
    @Test func anInMemoryAnswerIsPlayedLikeASocketsReads() async throws {
        let body = Self.events(10_000, finish: true)
        var pieces: [ByteBuffer] = []
        var rest = ByteBuffer(string: body)
        while let piece = rest.readSlice(length: min(16_384, rest.readableBytes)), piece.readableBytes > 0 {
            pieces.append(piece)
        }
        let store = try EventStore.temporary()
        defer { try? store.close() }
        var configuration = ChatEngineConfiguration(baseURL: "http://unused.invalid/v1", model: "m")
        configuration.persistDeltas = true
        let engine = try ChatEngine(
            configuration: configuration,
            store: store,
            tools: EngineHarness.Tools(),
            inMemoryAnswer: pieces
        )
        for turn in 0..<3 {
            let messages = try await EngineHarness.collect(engine, conversation: "c\(turn)")
            #expect(messages.count == 10_000)
        }
        await engine.waitUntilIdle()
        let rows = try store.events(conversationID: "c2")
        #expect(rows.map(\.type) == ["user_message", "assistant_message"])
        #expect(rows.last?.content.count == 10_000)
    }

    // MARK: Waiters

    /// A duplicate waiting for its original stops waiting when its caller leaves.
    @Test func aCancelledDuplicateStopsWaiting() async throws {
        let box = OutcomeBox()
        let waiter = Task { await box.wait() }
        waiter.cancel()
        #expect(await waiter.value == nil)
        box.set(TurnOutcome(text: "late", failure: nil))
        #expect(await box.wait()?.text == "late")
    }

    /// A turn queued behind another of its conversation leaves the queue when cancelled; the
    /// conversation then goes to the next waiter.
    @Test func aCancelledLockWaiterLeavesTheQueue() async throws {
        let locks = ConversationLocks()
        #expect(await locks.acquire("c"))
        let cancelled = Task { await locks.acquire("c") }
        cancelled.cancel()
        #expect(await cancelled.value == false)
        let next = Task { await locks.acquire("c") }
        locks.release("c")
        #expect(await next.value)
        locks.release("c")
        #expect(await locks.acquire("c"))
    }
}
