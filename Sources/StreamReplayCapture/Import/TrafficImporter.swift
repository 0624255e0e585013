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
            var answer = ScenarioWriter.Answer(frames: self.events(of: bytes).map { .raw($0) })
            answer.profile = try self.requireChunks(inSSE: bytes, file: file)
            let model = self.model(inSSE: bytes)
            return ScenarioWriter(
                name: "imported: \(name)",
                tags: ["imported"],
                model: model,
                turns: [(user ?? "(the user's message was not captured)", "r1")],
                answers: [answer],
                comments: comments + self.profileComments(answer.profile)
            )
        case .jsonl:
            let chunks = String(decoding: bytes, as: UTF8.self).split(whereSeparator: \.isNewline).compactMap {
                try? ScenarioValue.parseJSON(Array($0.utf8))
            }
            if let profile = chunks.lazy.compactMap(Self.eventProfile).first {
                // Events of another API, one per line: written as that API's SSE events.
                var answer = ScenarioWriter.Answer(
                    frames: chunks.map { event in
                        let type = event["type"]?.stringValue ?? "message"
                        return .raw(Array("event: \(type)\ndata: \(event.jsonString)\n\n".utf8))
                    }
                )
                answer.profile = profile
                return ScenarioWriter(
                    name: "imported: \(name)",
                    tags: ["imported"],
                    model: chunks.lazy.compactMap(Self.eventModel).first,
                    turns: [(user ?? "(the user's message was not captured)", "r1")],
                    answers: [answer],
                    comments: comments + self.profileComments(profile)
                )
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

    /// The API whose stream event `value` is: Anthropic Messages (`message_start`,
    /// `content_block_delta`, …) or OpenAI Responses (`response.*`); `nil` for anything else,
    /// chat-completions chunks included.
    static func eventProfile(_ value: ScenarioValue) -> Scenario.StreamAnswer.Profile? {
        guard let type = value["type"]?.stringValue else { return nil }
        if type.hasPrefix("response.") { return .openaiResponses }
        let anthropic = [
            "message_start", "content_block_start", "content_block_delta", "content_block_stop", "message_delta",
            "message_stop",
        ]
        return anthropic.contains(type) ? .anthropic : nil
    }

    /// The model an event of another API names (`message.model`, `response.model`).
    static func eventModel(_ value: ScenarioValue) -> String? {
        (value["message"]?["model"] ?? value["response"]?["model"])?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The model a captured stream names, in any of the three APIs.
    private static func model(inSSE bytes: [UInt8]) -> String? {
        var parser = SSEStreamParser()
        for event in parser.push(bytes) + parser.finish() {
            guard let data = event.data, let value = try? ScenarioValue.parseJSON(Array(data.utf8)) else { continue }
            if let model = value["model"]?.stringValue ?? Self.eventModel(value), !model.isEmpty { return model }
        }
        return nil
    }

    /// What the written file says of a capture in another API.
    private static func profileComments(_ profile: Scenario.StreamAnswer.Profile?) -> [String] {
        guard let profile, profile != .openai else { return [] }
        return [
            "An \(profile.apiName) stream: the fake replays its bytes on POST \(profile.path) (profile: \(profile))."
        ]
    }

    private static func keys(_ value: ScenarioValue) -> String? {
        guard case .object(let members) = value else { return nil }
        return members.prefix(5).map { "'\($0.key)'" }.joined(separator: ", ")
    }

    /// The API an SSE dump's events belong to (`nil`: chat completions); refuses a dump with no
    /// event of any of the three, saying what it holds instead.
    private static func requireChunks(
        inSSE bytes: [UInt8],
        file: String
    ) throws(ImportError) -> Scenario.StreamAnswer.Profile? {
        var parser = SSEStreamParser()
        let events = parser.push(bytes) + parser.finish()
        var dataLines = 0
        for event in events {
            guard let data = event.data else { continue }
            dataLines += 1
            if data == "[DONE]" { continue }
            guard let value = try? ScenarioValue.parseJSON(Array(data.utf8)) else { continue }
            if let profile = Self.eventProfile(value) { return profile }
            if Self.isChunk(value) { return nil }
        }
        let found: String
        if dataLines > 0 {
            found =
                "\(dataLines) SSE data line(s), none a chat-completions chunk, an Anthropic Messages event or an "
                + "OpenAI Responses event"
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
                + "(`curl -N … > dump.sse`) of chat completions, Anthropic Messages or OpenAI Responses, HAR files "
                + "and JSON lines of chunks or events"
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
            guard let url = entry["request"]?["url"]?.stringValue,
                entry["request"]?["method"]?.stringValue == "POST",
                let profile = Self.endpointProfile(url)
            else { continue }
            let requestText = entry["request"]?["postData"]?["text"]?.stringValue ?? ""
            let request = try? ScenarioValue.parseJSON(Array(requestText.utf8))
            let summary = Self.summary(of: request, profile: profile)
            if firstUser == nil { firstUser = summary.user }
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
            let last = summary.matcher
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
                var answer = ScenarioWriter.Answer(request: last, frames: self.events(of: body).map { .raw($0) })
                answer.profile = profile
                answers.append(answer)
            }
        }
        guard !answers.isEmpty else {
            throw ImportError(
                description:
                    "\(file): the HAR file holds no POST …/chat/completions, …/messages or …/responses entry"
            )
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

    /// What a captured request says, in its API's shape: the last user message's text, and a
    /// `request` matcher on its last message (a Responses request: its last `input` item, or its
    /// `input` text), so that a replay checks what the engine sent.
    package static func summary(
        of request: ScenarioValue?,
        profile: Scenario.StreamAnswer.Profile
    ) -> (user: String?, matcher: ScenarioValue?) {
        let list = profile == .openaiResponses ? "input" : "messages"
        if profile == .openaiResponses, let input = request?["input"]?.stringValue {
            return (input, .object([.init("input", .string(input))]))
        }
        let items = request?[list]?.arrayValue ?? []
        let content = items.last { $0["role"]?.stringValue == "user" }?["content"]
        // Anthropic and Responses content may be a list of blocks: the first text block's text.
        let user =
            content?.stringValue
            ?? content?.arrayValue?.lazy.compactMap { $0["text"]?.stringValue }.first
        let matcher = items.last.map { message in
            ScenarioValue.object([.init(list, .object([.init("$last", Self.essentials(of: message))]))])
        }
        return (user, matcher)
    }

    /// The API whose endpoint `url` is: chat completions, Anthropic Messages (`…/messages`) or
    /// OpenAI Responses (`…/responses`); `nil` for another URL.
    static func endpointProfile(_ url: String) -> Scenario.StreamAnswer.Profile? {
        let path = url.split(separator: "?", maxSplits: 1).first.map(String.init) ?? url
        if path.hasSuffix("/chat/completions") { return .openai }
        if path.hasSuffix("/messages") { return .anthropic }
        if path.hasSuffix("/responses") { return .openaiResponses }
        return nil
    }

    /// `role` plus `content`, `tool_call_id` or `call_id` of a message: enough to recognise it.
    static func essentials(of message: ScenarioValue) -> ScenarioValue {
        var members: [ScenarioValue.Member] = []
        for key in ["type", "role", "tool_call_id", "call_id", "content"] {
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
