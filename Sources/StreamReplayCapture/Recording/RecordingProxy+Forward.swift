import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import StreamReplayEngine
import StreamReplayScenario

extension RecordingProxy {
    /// Headers that belong to one hop of the connection, never forwarded.
    static let hopByHop: Set<String> = [
        "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te", "trailer", "host",
        "content-length",
    ]

    /// Forwards one request and streams the answer back, recording each read.
    func forward(_ head: HTTPRequestHead, body: ByteBuffer, to channel: any Channel) async throws {
        var base = self.options.upstream
        while base.hasSuffix("/") { base.removeLast() }
        var request = HTTPClientRequest(url: base + Self.upstreamPath(head.uri, base: base))
        request.method = head.method
        for (name, value) in head.headers where !Self.hopByHop.contains(name.lowercased()) {
            request.headers.add(name: name, value: value)
        }
        request.body = .bytes(body)
        let start = ContinuousClock.now
        let response: HTTPClientResponse
        do {
            response = try await self.client.execute(request, deadline: .distantFuture, logger: self.logger)
        } catch {
            let reason = ConnectionErrorText.describe(error)
            self.options.onProblem?(
                "record: could not forward \(head.method.rawValue) \(head.uri) to \(base): \(reason); answered 502"
            )
            let message = ScenarioValue.string(
                "stream-replay record: the upstream \(base) could not be reached (\(reason))"
            ).jsonString
            let text = #"{"error":{"message":\#(message),"type":"proxy_error"}}"#
            let headers = HTTPHeaders([
                ("content-type", "application/json"), ("content-length", String(text.utf8.count)),
            ])
            try await channel.writeAndFlush(
                HTTPServerResponsePart.head(
                    HTTPResponseHead(version: head.version, status: .badGateway, headers: headers)
                )
            ).get()
            try await channel.writeAndFlush(HTTPServerResponsePart.body(.byteBuffer(ByteBuffer(string: text)))).get()
            try await channel.writeAndFlush(HTTPServerResponsePart.end(nil)).get()
            return
        }
        var headers = HTTPHeaders()
        for (name, value) in response.headers where !Self.hopByHop.contains(name.lowercased()) {
            headers.add(name: name, value: value)
        }
        try? await channel.writeAndFlush(
            HTTPServerResponsePart.head(
                HTTPResponseHead(version: head.version, status: response.status, headers: headers)
            )
        ).get()
        var reads: [(at: Duration, bytes: [UInt8])] = []
        var cut = false
        // The client may stop reading (at [DONE], say) and close: the upstream's answer is still
        // read to its end and recorded.
        var clientGone = false
        do {
            for try await buffer in response.body {
                reads.append((start.duration(to: .now), Array(buffer.readableBytesView)))
                if !clientGone {
                    do {
                        try await channel.writeAndFlush(HTTPServerResponsePart.body(.byteBuffer(buffer))).get()
                    } catch {
                        clientGone = true
                    }
                }
            }
        } catch {
            cut = true
        }
        if cut {
            try? await channel.close()
        } else if !clientGone {
            try? await channel.writeAndFlush(HTTPServerResponsePart.end(nil)).get()
        }
        guard head.method == .POST, let profile = TrafficImporter.endpointProfile(head.uri) else { return }
        self.write(
            Exchange(
                profile: profile,
                requestBody: Array(body.readableBytesView),
                status: Int(response.status.code),
                contentType: response.headers.first(name: "content-type"),
                retryAfter: response.headers.first(name: "retry-after"),
                reads: reads,
                cut: cut
            )
        )
    }

    /// The path to request upstream: the client's path, without a `/v1` the base already ends with.
    static func upstreamPath(_ uri: String, base: String) -> String {
        if base.hasSuffix("/v1"), uri.hasPrefix("/v1/") { return String(uri.dropFirst(3)) }
        return uri
    }

    struct Exchange {
        /// The API of the endpoint the request went to.
        var profile: Scenario.StreamAnswer.Profile
        var requestBody: [UInt8]
        var status: Int
        var contentType: String?
        var retryAfter: String?
        var reads: [(at: Duration, bytes: [UInt8])]
        var cut: Bool
    }

    /// Writes one exchange as a scenario file.
    func write(_ exchange: Exchange) {
        let request = try? ScenarioValue.parseJSON(exchange.requestBody)
        let summary = TrafficImporter.summary(of: request, profile: exchange.profile)
        let user = summary.user ?? "(no user message)"
        let matcher = summary.matcher
        var answer: ScenarioWriter.Answer
        if exchange.status == 200, exchange.contentType?.lowercased().hasPrefix("text/event-stream") == true {
            var frames: [ScenarioWriter.WrittenFrame] = []
            var last: Duration = .zero
            for (index, read) in exchange.reads.enumerated() {
                let gap = Self.milliseconds(read.at - last)
                if index > 0, gap >= 1 { frames.append(.delay(milliseconds: gap)) }
                frames.append(.raw(self.redacted(read.bytes)))
                last = read.at
            }
            // A cut upstream is replayed as a cut: the engine must see the same failure.
            if exchange.cut { frames.append(.disconnect) }
            answer = ScenarioWriter.Answer(request: matcher.map(self.redacted), frames: frames)
            answer.profile = exchange.profile
        } else {
            var headers: [(String, String)] = []
            if let contentType = exchange.contentType { headers.append(("Content-Type", contentType)) }
            if let retryAfter = exchange.retryAfter { headers.append(("Retry-After", retryAfter)) }
            let body = String(decoding: self.redacted(exchange.reads.flatMap(\.bytes)), as: UTF8.self)
            answer = ScenarioWriter.Answer(
                request: matcher.map(self.redacted),
                status: exchange.status,
                headers: headers,
                body: body
            )
        }
        let finalAnswer = answer
        // Never over an earlier recording: numbering continues after the highest exchange-NNN
        // already in the folder, and each file is created exclusively (a file that appeared in
        // the meantime, by another proxy say, moves the number on).
        let directory = URL(fileURLWithPath: self.options.outputDirectory)
        var number = Self.highestExchangeNumber(in: directory) + 1
        let schema = ScenarioWriter.schemaReference(forFileIn: directory.path)
        func writer(_ number: Int) -> ScenarioWriter {
            var writer = ScenarioWriter(
                name: "recorded exchange \(number)",
                description:
                    "Recorded by `stream-replay record` from \(self.options.upstream)\(exchange.cut ? " (the upstream cut the connection)" : "").",
                tags: ["recorded"],
                model: request?["model"]?.stringValue,
                turns: [(String(decoding: self.redacted(Array(user.utf8)), as: UTF8.self), "r1")],
                answers: [finalAnswer]
            )
            writer.schema = schema
            return writer
        }
        while true {
            let file = directory.appendingPathComponent(String(format: "exchange-%03d.yaml", number)).path
            do {
                if try ExclusiveFile.create(file, contents: Array(writer(number).yaml.utf8)) {
                    self.noteWritten(file)
                    return
                }
                number += 1
            } catch {
                self.logger.error("could not write \(file): \(error)")
                self.options.onProblem?("record: could not write \(file): \(error); the exchange is not recorded")
                return
            }
        }
    }

    /// The largest N of the `exchange-N.yaml` files in `directory` (0 when there is none).
    static func highestExchangeNumber(in directory: URL) -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.compactMap { name -> Int? in
            guard name.hasPrefix("exchange-"), name.hasSuffix(".yaml") else { return nil }
            return Int(name.dropFirst("exchange-".count).dropLast(".yaml".count))
        }.max() ?? 0
    }

    private func redacted(_ bytes: [UInt8]) -> [UInt8] {
        Redactor(patterns: self.options.redact).redact(bytes)
    }

    private func redacted(_ value: ScenarioValue) -> ScenarioValue {
        Redactor(patterns: self.options.redact).redact(value)
    }

    static func milliseconds(_ duration: Duration) -> Int {
        Int(duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)
    }
}
