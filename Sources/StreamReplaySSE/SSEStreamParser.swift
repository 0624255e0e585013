public import NIOCore

/// Feeds bytes to an ``SSEDecoder`` by hand, for callers that do not read an `AsyncSequence`.
///
/// ```swift
/// var parser = SSEStreamParser()
/// for piece in pieces { events += parser.push(piece) }
/// events += parser.finish()
/// ```
public struct SSEStreamParser {
    private var processor = NIOSingleStepByteToMessageProcessor(SSEDecoder())

    /// Creates a parser at the start of a stream.
    public init() {}

    /// Decodes the events that `bytes` completes.
    ///
    /// - Parameter bytes: The next bytes of the stream, split anywhere.
    /// - Returns: The events dispatched by these bytes, in order.
    public mutating func push(_ bytes: some Sequence<UInt8>) -> [SSEEvent] {
        self.push(ByteBuffer(bytes: Array(bytes)))
    }

    /// Decodes the events that `buffer` completes.
    ///
    /// - Parameter buffer: The next bytes of the stream, split anywhere.
    /// - Returns: The events dispatched by these bytes, in order.
    public mutating func push(_ buffer: ByteBuffer) -> [SSEEvent] {
        var events: [SSEEvent] = []
        // SSEDecoder never throws; the processor only throws for a buffer limit, which is not set.
        try? self.processor.process(buffer: buffer) { events.append($0) }
        return events
    }

    /// Ends the stream.
    ///
    /// - Returns: The events left: those of complete lines, then an event cut off by the end of
    ///   the stream, flagged with ``SSEEvent/isTerminated`` `== false`.
    public mutating func finish() -> [SSEEvent] {
        var events: [SSEEvent] = []
        try? self.processor.finishProcessing(seenEOF: true) { events.append($0) }
        return events
    }
}
