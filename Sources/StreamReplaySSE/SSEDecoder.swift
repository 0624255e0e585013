public import NIOCore

/// A byte-level Server-Sent Events decoder that follows the WHATWG "event stream interpretation".
///
/// Bytes may arrive split anywhere: inside a field name, inside a CRLF pair, inside a UTF-8
/// character. Lines end at LF, CR or CRLF (never at VT or FF). A leading UTF-8 BOM is skipped.
/// `data` lines are joined with `"\n"`; `event`, `id` and `retry` behave as the specification says;
/// comment lines (starting with `:`) are skipped. Two deliberate additions to the specification:
/// fields it does not know are handed to the caller in ``SSEEvent/extraFields``, and an event cut
/// off by the end of the stream is handed over with ``SSEEvent/isTerminated`` set to `false`.
///
/// Use it with NIO's async decoding:
///
/// ```swift
/// for try await event in response.body.decode(using: SSEDecoder()) {
///     if event.data == "[DONE]" { break }
///     handle(event)
/// }
/// ```
///
/// Or feed bytes by hand with ``SSEStreamParser``.
public struct SSEDecoder: NIOSingleStepByteToMessageDecoder, Sendable {
    /// The decoder produces one ``SSEEvent`` per dispatched block.
    public typealias InboundOut = SSEEvent

    private static let lineFeed: UInt8 = 0x0A
    private static let carriageReturn: UInt8 = 0x0D
    private static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// The event being built from the lines seen since the last blank line.
    private var pending = PendingEvent()
    /// The last event ID buffer; it survives dispatches, as the specification says.
    private var lastEventID = ""
    /// Set after a CR ended a line: a LF that follows it belongs to the same line break.
    private var skipLineFeed = false
    /// How many bytes at the front of the unread buffer are known to hold no line break.
    private var scannedBytes = 0
    /// Whether the start of the stream was checked for a byte order mark.
    private var checkedByteOrderMark = false

    /// Creates a decoder at the start of a stream.
    public init() {}

    /// Decodes the next event that the lines in `buffer` complete.
    ///
    /// - Parameter buffer: The unread bytes; the lines it processed are consumed, a line without its
    ///   line break yet stays unread.
    /// - Returns: The next event, or `nil` when the bytes so far complete none.
    /// - Throws: Never; the signature is the protocol's.
    public mutating func decode(buffer: inout ByteBuffer) throws -> SSEEvent? {
        guard self.skipByteOrderMark(in: &buffer, atEnd: false) else { return nil }
        return self.decodeLines(in: &buffer)
    }

    /// Decodes what is left at the end of the stream: the events of complete lines first, then an
    /// event cut off by the end, with ``SSEEvent/isTerminated`` set to `false`.
    ///
    /// - Parameters:
    ///   - buffer: The bytes left unread; a last line without its line break counts as a line.
    ///   - seenEOF: Whether the end of the input was seen; both cases are treated alike.
    /// - Returns: The next event, or `nil` when nothing is left.
    /// - Throws: Never; the signature is the protocol's.
    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> SSEEvent? {
        _ = self.skipByteOrderMark(in: &buffer, atEnd: true)
        if let event = self.decodeLines(in: &buffer) {
            return event
        }
        // What is left is one line without its line break: take it as a line, then hand over the
        // event it belongs to, flagged as cut off.
        if buffer.readableBytes > 0 {
            let line = buffer.readSlice(length: buffer.readableBytes) ?? ByteBuffer()
            self.scannedBytes = 0
            self.process(line: line)
        }
        guard self.pending.isDispatchable else { return nil }
        var event = self.dispatch()
        event.isTerminated = false
        return event
    }

    /// Skips a leading BOM. Returns `false` while too few bytes arrived to tell.
    private mutating func skipByteOrderMark(in buffer: inout ByteBuffer, atEnd: Bool) -> Bool {
        if self.checkedByteOrderMark { return true }
        let available = min(buffer.readableBytes, 3)
        let prefix = buffer.getBytes(at: buffer.readerIndex, length: available) ?? []
        if available == 3 || atEnd {
            if prefix == Self.byteOrderMark {
                buffer.moveReaderIndex(forwardBy: 3)
            }
            self.checkedByteOrderMark = true
            return true
        }
        if prefix != Array(Self.byteOrderMark.prefix(available)) {
            self.checkedByteOrderMark = true
            return true
        }
        return false
    }

    /// Processes complete lines until one dispatches an event; consumes exactly what it processed.
    private mutating func decodeLines(in buffer: inout ByteBuffer) -> SSEEvent? {
        while buffer.readableBytes > 0 {
            if self.skipLineFeed {
                self.skipLineFeed = false
                if buffer.getInteger(at: buffer.readerIndex, as: UInt8.self) == Self.lineFeed {
                    buffer.moveReaderIndex(forwardBy: 1)
                    continue
                }
            }
            let searchFrom = self.scannedBytes
            let breakOffset: Int? = buffer.withUnsafeReadableBytes { bytes in
                var index = searchFrom
                while index < bytes.count {
                    let byte = bytes[index]
                    if byte == Self.lineFeed || byte == Self.carriageReturn { return index }
                    index += 1
                }
                return nil
            }
            guard let breakOffset else {
                self.scannedBytes = buffer.readableBytes
                return nil
            }
            self.scannedBytes = 0
            let line = buffer.readSlice(length: breakOffset) ?? ByteBuffer()
            let terminator = buffer.readInteger(as: UInt8.self)
            if terminator == Self.carriageReturn {
                self.skipLineFeed = true
            }
            if line.readableBytes == 0 {
                if self.pending.isDispatchable {
                    return self.dispatch()
                }
                self.pending = PendingEvent()
                continue
            }
            self.process(line: line)
        }
        return nil
    }

    /// Interprets one line that is not blank.
    private mutating func process(line: ByteBuffer) {
        let colon: Int? = line.withUnsafeReadableBytes { bytes in
            bytes.firstIndex(of: UInt8(ascii: ":"))
        }
        if colon == 0 {
            return  // a comment
        }
        let name: String
        let value: String
        if let colon {
            name = line.getString(at: line.readerIndex, length: colon) ?? ""
            var valueStart = colon + 1
            if line.getInteger(at: line.readerIndex + valueStart, as: UInt8.self) == UInt8(ascii: " ") {
                valueStart += 1
            }
            value = line.getString(at: line.readerIndex + valueStart, length: line.readableBytes - valueStart) ?? ""
        } else {
            name = line.getString(at: line.readerIndex, length: line.readableBytes) ?? ""
            value = ""
        }
        switch name {
        case "data":
            if self.pending.data == nil {
                self.pending.data = value
            } else {
                self.pending.data?.append("\n")
                self.pending.data?.append(value)
            }
        case "event":
            self.pending.type = value
        case "id":
            if !value.utf8.contains(0) {
                self.lastEventID = value
            }
        case "retry":
            if !value.isEmpty, value.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
                self.pending.retry = Int(value) ?? Int.max
            }
        default:
            self.pending.extraFields.append(SSEField(name: name, value: value))
        }
    }

    private mutating func dispatch() -> SSEEvent {
        let event = SSEEvent(
            type: self.pending.type.isEmpty ? "message" : self.pending.type,
            data: self.pending.data,
            lastEventID: self.lastEventID,
            retry: self.pending.retry,
            extraFields: self.pending.extraFields
        )
        self.pending = PendingEvent()
        return event
    }
}

/// The fields of the block being read.
private struct PendingEvent: Sendable {
    var type = ""
    var data: String?
    var retry: Int?
    var extraFields: [SSEField] = []

    var isDispatchable: Bool {
        self.data != nil || self.retry != nil || !self.extraFields.isEmpty
    }
}
