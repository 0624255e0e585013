import Foundation
import NIOCore
import NIOHTTP1

/// The last handler of a hop's connection: sends nothing itself, reads the response head, hands
/// an event stream's body to a ``HopDriver`` on the event loop, collects an error answer's text,
/// and holds the socket's reads back until the engine has room (backpressure).
///
/// Reads: the channel reads again after each read only when this handler passes the `read` on.
/// It does so when the driver handled everything received and the consumer's queue is below its
/// watermark (``TurnMessages/highWatermark``); otherwise it keeps the `read` and passes it on
/// once both hold. So at most one read's bytes (a few 64 KB buffers) wait in the engine besides
/// the consumer's queue, and the rest of a fast stream waits in the kernel, whose window then
/// slows the sender. Nothing received is dropped: a cut (EOF or an error) is handled after the
/// bytes before it.
final class HopHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = HTTPClientRequestPart
    typealias OutboundOut = HTTPClientRequestPart

    private enum State {
        case waitingForHead
        /// A 2xx event stream.
        case streaming(HopDriver)
        /// A non-2xx answer: its first 64 KB of text, then the failure.
        case errorBody(status: Int, headers: HTTPHeaders, text: ByteBuffer)
        case done
    }

    static let errorBodyLimit = 64 * 1024

    private var state = State.waitingForHead
    private var machine: HopStateMachine
    private let context: HopContext
    private let clock: EngineClock
    private let observer: (any ChatEngineObserver)?
    private let attempt: Int
    private let lastActivity: LastActivity
    private let promise: EventLoopPromise<HopResult>
    private let endpoint: String
    /// A `read` the channel asked for that waits for room.
    private var heldRead = false
    /// The driver asked for input since the last read.
    private var driverWantsInput = true
    /// A `whenTaken` callback is pending.
    private var waitingForRoom = false
    /// Passes a held read on to the connection (the channel's `read`, or the in-memory source's).
    private var passRead: () -> Void = {}
    /// Closes the connection.
    private var close: () -> Void = {}
    private var eventLoop: (any EventLoop)?
    private var allocator = ByteBufferAllocator()
    /// How the connection was cut, for the driver (`errorCaught` comes before `channelInactive`).
    private var cut: String?

    /// The response the observer heard of, once the head arrived.
    private(set) var observed: ObservedResponse?

    init(
        machine: HopStateMachine,
        context: HopContext,
        clock: EngineClock,
        observer: (any ChatEngineObserver)?,
        attempt: Int,
        lastActivity: LastActivity,
        endpoint: String,
        promise: EventLoopPromise<HopResult>
    ) {
        self.endpoint = endpoint
        self.machine = machine
        self.context = context
        self.clock = clock
        self.observer = observer
        self.attempt = attempt
        self.lastActivity = lastActivity
        self.promise = promise
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.eventLoop = context.eventLoop
        self.allocator = context.channel.allocator
        self.passRead = { context.read() }
        self.close = { context.close(promise: nil) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.passRead = {}
        self.close = {}
    }

    // MARK: In memory

    /// A part from the in-memory source (``EmbeddedReadSource``), as `channelRead` would get it.
    func inMemoryRead(_ part: HTTPClientResponsePart, source: EmbeddedReadSource) {
        if self.eventLoop == nil {
            self.eventLoop = source.eventLoop
            // The source and this handler hold each other until the hop completes.
            self.passRead = { source.requestRead() }
        }
        self.read(part)
    }

    /// The end of an in-memory read.
    func inMemoryReadComplete() {
        self.readComplete()
    }

    /// The read an autoRead channel asks for after each read.
    func inMemoryAutoRead() {
        self.askForRead()
    }

    // MARK: Inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        self.read(Self.unwrapInboundIn(data))
    }

    private func read(_ part: HTTPClientResponsePart) {
        self.lastActivity.value = self.clock.now
        switch (part, self.state) {
        case (.head(let head), .waitingForHead):
            self.received(head)
        case (.body(let buffer), .streaming(let driver)):
            driver.receive(buffer)
        case (.body(var buffer), .errorBody(let status, let headers, var text)):
            let room = Self.errorBodyLimit - text.readableBytes
            if room > 0 {
                if buffer.readableBytes > room, let slice = buffer.readSlice(length: room) { buffer = slice }
                text.writeBuffer(&buffer)
            }
            self.state = .errorBody(status: status, headers: headers, text: text)
        case (.end, .streaming(let driver)):
            driver.end(interruption: nil)
        case (.end, .errorBody(let status, let headers, let text)):
            self.failWithAnswer(status: status, headers: headers, text: text)
        case (.head, _), (.body, _), (.end, _):
            break
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        self.readComplete()
        context.fireChannelReadComplete()
    }

    private func readComplete() {
        if case .streaming(let driver) = self.state {
            self.driverWantsInput = false
            driver.process()
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if self.cut == nil { self.cut = Self.describeCut(error) }
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        let how = self.cut ?? "the connection closed before the body ended"
        switch self.state {
        case .waitingForHead:
            // No answer at all: the endpoint was not reached as an HTTP server.
            let reason = self.cut ?? "the connection closed before the response head arrived"
            self.complete(failing: .connectFailed(self.endpoint, reason: reason))
        case .streaming(let driver):
            driver.end(interruption: how)
        case .errorBody(let status, let headers, let text):
            self.failWithAnswer(status: status, headers: headers, text: text)
        case .done:
            break
        }
        context.fireChannelInactive()
    }

    // MARK: Outbound

    func read(context: ChannelHandlerContext) {
        self.askForRead()
    }

    /// The connection wants to read: pass it on now, or hold it until the engine has room.
    private func askForRead() {
        switch self.state {
        case .streaming(let driver) where !driver.isComplete:
            if self.driverWantsInput && !self.context.messages.isFull {
                self.passRead()
            } else {
                self.heldRead = true
                self.waitForRoomIfNeeded()
            }
        case .done:
            break
        default:
            self.passRead()
        }
    }

    // MARK: The head

    private func received(_ head: HTTPResponseHead) {
        let status = Int(head.status.code)
        let observed = ObservedResponse(
            requestIDHeader: head.headers.first(name: "x-request-id"),
            conversationID: self.context.conversationID,
            requestID: self.context.requestID,
            hop: self.context.hop,
            attempt: self.attempt,
            status: status,
            contentType: head.headers.first(name: "content-type")
        )
        self.observed = observed
        self.observer?.engineConsumed(bytes: 0, of: observed)
        guard (200..<300).contains(status) else {
            self.state = .errorBody(status: status, headers: head.headers, text: self.allocator.buffer(capacity: 0))
            return
        }
        let contentType = head.headers.first(name: "content-type")
        if status == 200, !(contentType?.lowercased().hasPrefix("text/event-stream") ?? false) {
            self.complete(failing: .notEventStream(contentType: contentType))
            return
        }
        if let encoding = head.headers.first(name: "content-encoding")?.trimmingCharacters(in: .whitespaces),
            !["", "identity", "gzip", "x-gzip", "deflate"].contains(encoding.lowercased())
        {
            self.complete(failing: .undecodableEncoding(encoding))
            return
        }
        guard let eventLoop = self.eventLoop else { return }
        let driver = HopDriver(
            machine: self.machine,
            context: self.context,
            clock: self.clock,
            observe: self.observer.map { HopDriver.Observation(observer: $0, response: observed) },
            eventLoop: eventLoop,
            allocator: self.allocator
        )
        let bound = NIOLoopBound(self, eventLoop: eventLoop)
        driver.onNeedsInput = {
            bound.value.driverNeedsInput()
        }
        driver.onComplete = { result in
            bound.value.complete(with: result)
        }
        self.state = .streaming(driver)
    }

    private func failWithAnswer(status: Int, headers: HTTPHeaders, text: ByteBuffer) {
        let body = String(buffer: text)
        let retryAfter = ChatCompletionsClient.retryAfterMilliseconds(headers)
        if status == 429 {
            self.complete(failing: .rateLimited(body: body, retryAfterMilliseconds: retryAfter))
        } else {
            self.complete(failing: .httpError(status: status, body: body, retryAfterMilliseconds: retryAfter))
        }
    }

    // MARK: Reads and room

    private func driverNeedsInput() {
        self.driverWantsInput = true
        self.passHeldReadIfRoom()
    }

    private func passHeldReadIfRoom() {
        guard self.heldRead, self.driverWantsInput else { return }
        if self.context.messages.isFull {
            self.waitForRoomIfNeeded()
            return
        }
        self.heldRead = false
        self.passRead()
    }

    private func waitForRoomIfNeeded() {
        guard !self.waitingForRoom, self.context.messages.isFull, let eventLoop = self.eventLoop else { return }
        self.waitingForRoom = true
        let bound = NIOLoopBound(self, eventLoop: eventLoop)
        self.context.messages.whenTaken {
            eventLoop.execute {
                bound.value.waitingForRoom = false
                bound.value.passHeldReadIfRoom()
            }
        }
    }

    // MARK: The end

    private func complete(failing failure: TurnFailure) {
        self.machine.fail(failure)
        self.complete(with: self.machine.result)
    }

    private func complete(with result: HopResult) {
        if case .done = self.state { return }
        self.state = .done
        var result = result
        result.observed = self.observed
        self.promise.succeed(result)
        // One connection per hop: nothing more is read from it.
        self.close()
        self.passRead = {}
    }

    /// How a connection was cut, in words, for `stream_interrupted`.
    static func describeCut(_ error: any Error) -> String {
        if let parser = error as? HTTPParserError {
            return parser == .invalidEOFState
                ? "the connection closed before the body ended" : "the answer is not valid HTTP/1.1 (\(parser))"
        }
        return "the connection failed (\(ConnectionErrorText.describe(error)))"
    }
}
