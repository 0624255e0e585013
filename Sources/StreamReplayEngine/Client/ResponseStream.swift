import AsyncHTTPClient
import Logging
import NIOCore
import NIOHTTP1
import Synchronization

/// One answer's head and body, read through AsyncHTTPClient's delegate API: every body part is
/// handed over the moment it is read, so a connection that is cut right after (which fails the
/// request) never takes parts already received with it.
///
/// The async `execute` API holds parts read ahead of the consumer's demand and drops them when
/// the connection then fails: with a fake that cuts the connection right after its last write,
/// 143 of 300 turns lost their last 8 of 20 chunks. Here the parts wait in the body stream
/// instead, which delivers all of them before the error. The parts of one event-loop tick (one
/// socket read) are joined into one buffer, so the consumer wakes once per read, not once per
/// HTTP chunk, and what waits costs its bytes, not a buffer per chunk.
///
/// A window remains inside AsyncHTTPClient: parts read in the same socket read as the FIN, before
/// its handler has asked for them, are dropped with the request's failure. With 20 chunks and a
/// cut, 0 of 1,800 turns lost a part; with 20,000 chunks waiting unread (3.8 MB), about 1 run in
/// 10 lost up to ~1,000 chunks (several hundred under ThreadSanitizer's timing).
///
/// The price is no backpressure towards the socket: a consumer slower than the network holds the
/// unread bytes in memory (on loopback, up to the answer's size on the wire: +16.9 to +23.6 MB
/// for 100,000 chunks, 18.9 MB on the wire, in the benchmark). Backpressure through the delegate's futures brings the loss back:
/// while a part waits, AsyncHTTPClient buffers the rest of a socket read, and a FIN in that same
/// read fails the request and drops that buffer (`RequestBag` in 1.37): 14,000–17,000 of 20,000
/// chunks arrived with a 256 KB high watermark. Real providers send far slower than the engine
/// decodes (~25 MB/s), so nothing piles up there.
struct ResponseStream: Sendable {
    var head: HTTPResponseHead
    var body: AsyncThrowingStream<ByteBuffer, any Error>

    /// Sends `request`; returns when the response head arrived. Cancelling the calling task, or
    /// ending the iteration of `body` early, cancels the request.
    static func start(
        _ request: HTTPClient.Request,
        on client: HTTPClient,
        logger: Logger
    ) async throws
        -> ResponseStream
    {
        let (body, continuation) = AsyncThrowingStream.makeStream(of: ByteBuffer.self)
        let delegate = Delegate(body: continuation)
        // The delegate runs on the connection's own event loop: no hop between threads per part.
        let task = client.execute(
            request: request,
            delegate: delegate,
            eventLoop: .delegateAndChannel(on: client.eventLoopGroup.any()),
            deadline: nil,
            logger: logger
        )
        continuation.onTermination = { termination in
            if case .cancelled = termination { task.cancel() }
        }
        let head = try await withTaskCancellationHandler {
            try await delegate.head()
        } onCancel: {
            task.cancel()
        }
        return ResponseStream(head: head, body: body)
    }

    /// Forwards the head to one waiting caller and every body part into the stream at once.
    final class Delegate: HTTPClientResponseDelegate {
        typealias Response = Void

        private enum HeadState {
            case waiting(CheckedContinuation<HTTPResponseHead, any Error>?)
            case arrived(Result<HTTPResponseHead, any Error>)
            case taken
        }

        private let state = Mutex(HeadState.waiting(nil))
        private let body: AsyncThrowingStream<ByteBuffer, any Error>.Continuation
        /// Body bytes of the current event-loop tick, handed to `body` at its end.
        private let pending = Mutex<ByteBuffer?>(nil)

        init(body: AsyncThrowingStream<ByteBuffer, any Error>.Continuation) {
            self.body = body
        }

        /// The response head, or the error that came before it.
        func head() async throws -> HTTPResponseHead {
            try await withCheckedThrowingContinuation { continuation in
                let arrived = self.state.withLock { state -> Result<HTTPResponseHead, any Error>? in
                    switch state {
                    case .arrived(let result):
                        state = .taken
                        return result
                    case .waiting, .taken:
                        state = .waiting(continuation)
                        return nil
                    }
                }
                if let arrived { continuation.resume(with: arrived) }
            }
        }

        private func settleHead(_ result: Result<HTTPResponseHead, any Error>) {
            let waiting = self.state.withLock { state -> CheckedContinuation<HTTPResponseHead, any Error>? in
                switch state {
                case .waiting(let continuation?):
                    state = .taken
                    return continuation
                case .waiting(nil):
                    state = .arrived(result)
                    return nil
                case .arrived, .taken:
                    return nil
                }
            }
            waiting?.resume(with: result)
        }

        func didReceiveHead(task: HTTPClient.Task<Void>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
            self.settleHead(.success(head))
            return task.eventLoop.makeSucceededVoidFuture()
        }

        func didReceiveBodyPart(task: HTTPClient.Task<Void>, _ buffer: ByteBuffer) -> EventLoopFuture<Void> {
            let first = self.pending.withLock { pending -> Bool in
                guard pending != nil else {
                    pending = buffer
                    return true
                }
                var part = buffer
                pending?.writeBuffer(&part)
                return false
            }
            // The callbacks of one task all run on its event loop: this runs after the parts of
            // the current read, and before any later callback.
            if first { task.eventLoop.execute { self.flush() } }
            return task.eventLoop.makeSucceededVoidFuture()
        }

        func didReceiveError(task: HTTPClient.Task<Void>, _ error: any Error) {
            self.settleHead(.failure(error))
            self.flush()
            self.body.finish(throwing: error)
        }

        func didFinishRequest(task: HTTPClient.Task<Void>) throws {
            self.flush()
            self.body.finish()
        }

        private func flush() {
            if let bytes = self.pending.withLock({ $0.take() }) {
                self.body.yield(bytes)
            }
        }
    }
}
