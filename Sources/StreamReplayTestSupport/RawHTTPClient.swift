import Foundation
import NIOCore
import NIOPosix

/// A deliberately dumb HTTP/1.1 client for tests: it sends exact bytes and keeps every read of
/// the socket as it arrived, so tests can see chunk boundaries, cut connections and raw framing.
package enum RawHTTPClient {
    /// What came back.
    package struct Exchange: Sendable {
        /// Each read of the socket, in order.
        package var reads: [[UInt8]]
        /// All bytes received, in order.
        package var bytes: [UInt8] { self.reads.flatMap { $0 } }
        /// The parsed response.
        package var response: RawHTTPResponse? { RawHTTPResponse(bytes: self.bytes) }
    }

    /// Sends `request` (complete bytes) and reads until the server closes the connection.
    package static func send(_ request: [UInt8], host: String = "127.0.0.1", port: Int) async throws -> Exchange {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(bytes: request))
            var reads: [[UInt8]] = []
            do {
                for try await buffer in inbound {
                    reads.append(Array(buffer.readableBytesView))
                }
            } catch {
                // A reset by the peer ends the exchange like a close; the reads so far are kept.
            }
            return Exchange(reads: reads)
        }
    }

    /// A POST of a JSON body with `Connection: close`.
    package static func post(
        path: String,
        json: String,
        headers: [(String, String)] = [],
        port: Int
    ) async throws -> Exchange {
        var text = "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nContent-Type: application/json\r\n"
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        text += "Content-Length: \(json.utf8.count)\r\nConnection: close\r\n\r\n\(json)"
        return try await self.send(Array(text.utf8), port: port)
    }

    /// A GET with `Connection: close`.
    package static func get(path: String, port: Int) async throws -> Exchange {
        try await self.send(
            Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8),
            port: port
        )
    }
}

/// A parsed HTTP/1.1 response: status, headers and the body with chunked framing removed.
package struct RawHTTPResponse: Sendable {
    package var status: Int
    package var headers: [(name: String, value: String)]
    /// The body bytes (de-chunked when chunked).
    package var body: [UInt8]
    /// For a chunked body: whether the terminating zero-size chunk arrived.
    package var isComplete: Bool

    /// The first header of this name (case-insensitive).
    package func header(_ name: String) -> String? {
        self.headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// The body as UTF-8 text.
    package var bodyText: String { String(decoding: self.body, as: UTF8.self) }

    package init?(bytes: [UInt8]) {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let headEnd = Self.find(separator, in: bytes, from: 0) else { return nil }
        let headText = String(decoding: bytes[..<headEnd], as: UTF8.self)
        let lines = headText.components(separatedBy: "\r\n")
        guard let statusLine = lines.first, statusLine.split(separator: " ").count >= 2,
            let status = Int(statusLine.split(separator: " ")[1])
        else { return nil }
        self.status = status
        self.headers = lines.dropFirst().compactMap { line in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        let rest = Array(bytes[(headEnd + 4)...])
        let chunked = self.headers.contains {
            $0.name.lowercased() == "transfer-encoding" && $0.value.lowercased() == "chunked"
        }
        guard chunked else {
            self.body = rest
            self.isComplete = true
            return
        }
        var body: [UInt8] = []
        var index = 0
        var complete = false
        while let lineEnd = Self.find([13, 10], in: rest, from: index) {
            let sizeText = String(decoding: rest[index..<lineEnd], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else { break }
            if size == 0 {
                complete = true
                break
            }
            let start = lineEnd + 2
            guard start + size <= rest.count else {
                body += rest[start...]
                break
            }
            body += rest[start..<start + size]
            index = start + size + 2
        }
        self.body = body
        self.isComplete = complete
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        for index in start...(haystack.count - needle.count) where haystack[index] == needle[0] {
            if Array(haystack[index..<index + needle.count]) == needle { return index }
        }
        return nil
    }
}
