package import NIOCore

/// What the fake did on the wire, as it did it, for a report's timeline: each request's arrival,
/// each flushed write of response bytes, and how each answer ended. Called from the answering
/// task, in the order things happened for that request; an implementation stamps the time.
package protocol FakeLLMTap: Sendable {
    /// Request `number` (the journal's) arrived and was decided on.
    func requestArrived(number: Int)
    /// Response body bytes for request `number` were handed to the socket as one write (the head
    /// and HTTP chunk framing not included).
    func wrote(_ bytes: ByteBuffer, requestNumber: Int)
    /// The answer to request `number` ended: the script cut it (`disconnect`), the client went
    /// away before it was complete, or it was complete.
    func answerEnded(requestNumber: Int, how: FakeLLMAnswerEnd)
}

/// How an answer ended, for ``FakeLLMTap``.
package enum FakeLLMAnswerEnd: Sendable, Hashable {
    case complete
    /// A `disconnect` frame (or a raw response) closed the connection.
    case cut
    /// The client closed the connection (or the run ended) before the answer was written.
    case clientGone
}
