import Foundation
import StreamReplaySSE
package import StreamReplayScenario

/// Turns captured traffic into a scenario: a raw SSE dump (as `curl -N` saves it), a HAR file from
/// a browser or proxy, or JSON lines of chunks. The capture's secrets (API keys, bearer tokens,
/// `api_key`/`password`/… fields, see ``Redactor``) are replaced by `[redacted]` before it is read.
package enum TrafficImporter {
    /// What went wrong with an input file.
    package struct ImportError: Error, CustomStringConvertible, Sendable {
        package var description: String
    }

    /// The formats it reads.
    package enum Format: String, Sendable, CaseIterable {
        case sse, har, jsonl
    }

    /// Guesses the format: a JSON object with `log.entries` is HAR, lines that each hold a JSON
    /// object are JSON lines, anything else is an SSE dump.
    package static func detect(_ bytes: [UInt8]) -> Format {
        let text = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if text.hasPrefix("{"), let value = try? ScenarioValue.parseJSON(bytes), value["log"]?["entries"] != nil {
            return .har
        }
        let lines = text.split(whereSeparator: \.isNewline)
        if !lines.isEmpty, lines.allSatisfy({ $0.hasPrefix("{") }),
            lines.allSatisfy({ (try? ScenarioValue.parseJSON(Array($0.utf8))) != nil })
        {
            return .jsonl
        }
        return .sse
    }

    /// The scenario of `bytes` (read from `file`).
    ///
    /// - Parameters:
    ///   - bytes: The capture: a raw SSE dump, a HAR export or JSON lines of chunks.
    ///   - file: The capture's path, for the scenario's name and for messages.
    ///   - user: The user's message when the capture does not hold the request.
    /// - Returns: The scenario, secrets redacted, ready to write.
    /// - Throws: ``ImportError`` when the file holds no chat-completions exchange.
    package static func scenario(from bytes: [UInt8], file: String, user: String?) throws(ImportError) -> ScenarioWriter
    {
        let bytes = Redactor().redact(bytes)
        let name = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
        let comments = ["Imported by `stream-replay import` from \(URL(fileURLWithPath: file).lastPathComponent)."]
        switch self.detect(bytes) {
        case .sse:
            guard !bytes.isEmpty else { throw ImportError(description: "\(file): the file is empty") }
            try self.requireChunks(inSSE: bytes, file: file)
            return ScenarioWriter(
                name: "imported: \(name)",
                tags: ["imported"],
                turns: [(user ?? "(the user's message was not captured)", "r1")],
                answers: [ScenarioWriter.Answer(frames: self.events(of: bytes).map { .raw($0) })],
                comments: comments
            )
        case .jsonl:
            let chunks = String(decoding: bytes, as: UTF8.self).split(whereSeparator: \.isNewline).compactMap {
                try? ScenarioValue.parseJSON(Array($0.utf8))
            }
            guard chunks.contains(where: Self.isChunk) else {
                let keys = chunks.first.flatMap(Self.keys) ?? "none"
                throw ImportError(
                    description:
                        "\(file): no chat-completions chunk in it: found \(chunks.count) JSON line(s), none with a "
                        + "`choices` list or `object: chat.completion.chunk` (the first has the keys \(keys)); "
                        + "import reads SSE dumps (`curl -N … > dump.sse`), HAR files and JSON lines of chunks"
                )
            }
            let model = chunks.lazy.compactMap { $0["model"]?.stringValue }.first { !$0.isEmpty }
            return ScenarioWriter(
                name: "imported: \(name)",
                tags: ["imported"],
                model: model,
                turns: [(user ?? "(the user's message was not captured)", "r1")],
                answers: [ScenarioWriter.Answer(frames: chunks.map { .chunk($0) }, sendsDone: true)],
                comments: comments
            )
        case .har:
            return try self.har(bytes, name: name, file: file, user: user, comments: comments)
        }
    }

    /// Whether a JSON value is a chat-completions chunk: an object with a `choices` list or
    /// `object: chat.completion.chunk`, or an in-stream error object (a capture of a failure).
    static func isChunk(_ value: ScenarioValue) -> Bool {
        guard case .object = value else { return false }
        return value["choices"]?.arrayValue != nil || value["object"]?.stringValue == "chat.completion.chunk"
            || value["error"] != nil
    }

    private static func keys(_ value: ScenarioValue) -> String? {
        guard case .object(let members) = value else { return nil }
        return members.prefix(5).map { "'\($0.key)'" }.joined(separator: ", ")
    }

    /// Refuses an SSE dump with no chunk in it, saying what it holds instead.
    private static func requireChunks(inSSE bytes: [UInt8], file: String) throws(ImportError) {
        var parser = SSEStreamParser()
        let events = parser.push(bytes) + parser.finish()
        var dataLines = 0
        for event in events {
            guard let data = event.data else { continue }
            dataLines += 1
            if data == "[DONE]" { continue }
            if let value = try? ScenarioValue.parseJSON(Array(data.utf8)), Self.isChunk(value) { return }
        }
        let found: String
        if dataLines > 0 {
            found = "\(dataLines) SSE data line(s), none a chat-completions chunk"
        } else if String(validating: bytes, as: UTF8.self) == nil {
            found = "\(bytes.count) bytes that are not UTF-8 text"
        } else {
            let firstLine = String(decoding: bytes, as: UTF8.self).split(whereSeparator: \.isNewline).first ?? ""
            let shown = firstLine.count > 60 ? firstLine.prefix(60) + "…" : firstLine
            found = "text with no `data:` line (it starts \(ScenarioValue.string(String(shown)).jsonString))"
        }
        throw ImportError(
            description:
                "\(file): no chat-completions chunk in it: found \(found); import reads SSE dumps "
                + "(`curl -N … > dump.sse`), HAR files and JSON lines of chunks"
        )
    }

    private static func har(
        _ bytes: [UInt8],
        name: String,
        file: String,
        user: String?,
        comments: [String]
    ) throws(ImportError) -> ScenarioWriter {
        guard let root = try? ScenarioValue.parseJSON(bytes), let entries = root["log"]?["entries"]?.arrayValue else {
            throw ImportError(description: "\(file): not a HAR file (no log.entries)")
        }
        var answers: [ScenarioWriter.Answer] = []
        var firstUser: String?
        var model: String?
        for entry in entries {
            guard let url = entry["request"]?["url"]?.stringValue, url.contains("chat/completions"),
                entry["request"]?["method"]?.stringValue == "POST"
            else { continue }
            let requestText = entry["request"]?["postData"]?["text"]?.stringValue ?? ""
            let request = try? ScenarioValue.parseJSON(Array(requestText.utf8))
            if firstUser == nil {
                firstUser =
                    request?["messages"]?.arrayValue?.last(where: { $0["role"]?.stringValue == "user" })?["content"]?
                    .stringValue
            }
            model = model ?? request?["model"]?.stringValue
            let content = entry["response"]?["content"]
            var body = Array((content?["text"]?.stringValue ?? "").utf8)
            if content?["encoding"]?.stringValue == "base64",
                let decoded = Data(base64Encoded: String(decoding: body, as: UTF8.self))
            {
                body = Array(decoded)
            }
            let status =
                entry["response"]?["status"].flatMap { value -> Int? in
                    if case .int(let code) = value { return code }
                    return nil
                } ?? 200
            let mime = content?["mimeType"]?.stringValue ?? ""
            // The request matcher: the last message, so the replay checks what the engine sent.
            let last = request?["messages"]?.arrayValue?.last.map { message in
                ScenarioValue.object([.init("messages", .object([.init("$last", Self.essentials(of: message))]))])
            }
            if status != 200 || !mime.hasPrefix("text/event-stream") {
                let headers = (entry["response"]?["headers"]?.arrayValue ?? []).compactMap {
                    header -> (String, String)? in
                    guard let name = header["name"]?.stringValue, let value = header["value"]?.stringValue,
                        ["content-type", "retry-after", "retry-after-ms"].contains(name.lowercased())
                    else { return nil }
                    return (name, value)
                }
                answers.append(
                    ScenarioWriter.Answer(
                        request: last,
                        status: status,
                        headers: headers,
                        body: String(decoding: body, as: UTF8.self)
                    )
                )
            } else {
                answers.append(ScenarioWriter.Answer(request: last, frames: self.events(of: body).map { .raw($0) }))
            }
        }
        guard !answers.isEmpty else {
            throw ImportError(description: "\(file): the HAR file holds no POST …/chat/completions entry")
        }
        return ScenarioWriter(
            name: "imported: \(name)",
            tags: ["imported"],
            model: model,
            turns: [(user ?? firstUser ?? "(the user's message was not captured)", "r1")],
            answers: answers,
            comments: comments
        )
    }

    /// `role` plus `content` or `tool_call_id` of a message: enough to recognise it.
    static func essentials(of message: ScenarioValue) -> ScenarioValue {
        var members: [ScenarioValue.Member] = []
        for key in ["role", "tool_call_id", "content"] {
            if let value = message[key], value != .null, value.stringValue != nil { members.append(.init(key, value)) }
        }
        return .object(members)
    }

    /// The body cut after each blank line that ends an event (LF, CRLF or CR), bytes unchanged.
    static func events(of body: [UInt8]) -> [[UInt8]] {
        var events: [[UInt8]] = []
        var start = 0
        var index = 0
        func lineBreak(at position: Int) -> Int? {
            guard position < body.count else { return nil }
            if body[position] == 10 { return 1 }
            if body[position] == 13 { return position + 1 < body.count && body[position + 1] == 10 ? 2 : 1 }
            return nil
        }
        while index < body.count {
            if let first = lineBreak(at: index), let second = lineBreak(at: index + first) {
                let end = index + first + second
                events.append(Array(body[start..<end]))
                start = end
                index = end
                continue
            }
            index += 1
        }
        if start < body.count { events.append(Array(body[start...])) }
        return events
    }
}
