public import NIOCore

/// Writes Server-Sent Events as bytes.
///
/// Data that contains line breaks becomes several `data:` lines, so that a conforming decoder
/// gives back exactly the text that was encoded. Every line ends with ``lineEnding``.
///
/// ```swift
/// let encoder = SSEEncoder(lineEnding: .crlf)
/// var buffer = ByteBuffer()
/// encoder.writeData("{\"id\": 1}", into: &buffer)   // data: {"id": 1}\r\n\r\n
/// ```
public struct SSEEncoder: Sendable {
    /// The line break written after every line.
    public enum LineEnding: String, Sendable, CaseIterable {
        /// LF (`\n`), the usual one.
        case lf = "\n"
        /// CRLF (`\r\n`).
        case crlf = "\r\n"
        /// CR alone (`\r`).
        case cr = "\r"
    }

    /// The line break written after every line.
    public var lineEnding: LineEnding

    /// Creates an encoder.
    ///
    /// - Parameter lineEnding: The line break written after every line; LF by default.
    public init(lineEnding: LineEnding = .lf) {
        self.lineEnding = lineEnding
    }

    /// Writes a whole event: `event`, `id`, `retry`, extra fields, then `data` lines, then a blank line.
    ///
    /// `event` is left out for the type `message`, `id` when ``SSEEvent/lastEventID`` is empty, and
    /// `data` when ``SSEEvent/data`` is `nil`; ``SSEEvent/isTerminated`` is not used. Only `data` is
    /// split into lines: the other values are written as they are, so they must not hold a line break.
    ///
    /// - Parameters:
    ///   - event: The event to write.
    ///   - buffer: Where the bytes are appended.
    public func write(_ event: SSEEvent, into buffer: inout ByteBuffer) {
        if event.type != "message" {
            self.writeField("event", event.type, into: &buffer)
        }
        if !event.lastEventID.isEmpty {
            self.writeField("id", event.lastEventID, into: &buffer)
        }
        if let retry = event.retry {
            self.writeField("retry", String(retry), into: &buffer)
        }
        for field in event.extraFields {
            self.writeField(field.name, field.value, into: &buffer)
        }
        if let data = event.data {
            for line in Self.lines(of: data) {
                self.writeField("data", String(line), into: &buffer)
            }
        }
        buffer.writeString(self.lineEnding.rawValue)
    }

    /// Writes `data: TEXT` (one line per line of `text`) and the blank line that ends the event.
    ///
    /// - Parameters:
    ///   - text: The event's data; its LF, CR and CRLF line breaks become separate `data:` lines.
    ///   - buffer: Where the bytes are appended.
    public func writeData(_ text: String, into buffer: inout ByteBuffer) {
        self.write(SSEEvent(data: text), into: &buffer)
    }

    /// Writes a comment line `: TEXT` (one per line of `text`), and no blank line.
    ///
    /// - Parameters:
    ///   - text: The comment; an empty line of it is written as `:` alone.
    ///   - buffer: Where the bytes are appended.
    public func writeComment(_ text: String, into buffer: inout ByteBuffer) {
        for line in Self.lines(of: text) {
            buffer.writeString(line.isEmpty ? ":" : ": ")
            buffer.writeSubstring(line)
            buffer.writeString(self.lineEnding.rawValue)
        }
    }

    /// Encodes `data: TEXT` and its blank line as bytes.
    ///
    /// - Parameter text: The event's data; its line breaks become separate `data:` lines.
    /// - Returns: The bytes ``writeData(_:into:)`` would write.
    public func encodeData(_ text: String) -> [UInt8] {
        var buffer = ByteBuffer()
        self.writeData(text, into: &buffer)
        return Array(buffer.readableBytesView)
    }

    private func writeField(_ name: String, _ value: String, into buffer: inout ByteBuffer) {
        buffer.writeString(name)
        buffer.writeString(": ")
        buffer.writeString(value)
        buffer.writeString(self.lineEnding.rawValue)
    }

    /// Splits at LF, CR and CRLF, as the decoder does.
    static func lines(of text: String) -> [Substring] {
        var lines: [Substring] = []
        var start = text.startIndex
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if character == "\n" || character == "\r" || character == "\r\n" {
                lines.append(text[start..<index])
                index = text.index(after: index)
                start = index
            } else {
                index = text.index(after: index)
            }
        }
        lines.append(text[start..<text.endIndex])
        return lines
    }
}
