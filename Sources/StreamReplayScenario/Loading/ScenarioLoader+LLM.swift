import Foundation
import Yams

extension ScenarioLoader {
    /// One item of `llm`.
    func answer(_ node: Node, reader: NodeReader) -> LLMAnswer? {
        guard let entries = reader.mapping(node, allowed: Self.answerKeys, what: "an 'llm' answer") else { return nil }
        var request: Matcher?
        var frames: [Frame]?
        var stream = StreamAnswer(frames: [])
        var plain = PlainAnswer()
        var plainKeys: [(String, Node)] = []
        var streamKeys: [(String, Node)] = []
        var headers: [Header] = []
        var rawResponse: [UInt8]?
        var sweepsBefore = reader.sweepKeys.count
        for (key, keyNode, value) in entries {
            switch key {
            case "request":
                request = reader.matcher(value)
            case "raw_response":
                rawResponse = reader.string(value, what: "'raw_response' (the exact bytes of the HTTP response)").map {
                    Array($0.utf8)
                }
            case "raw_response_base64":
                if let text = reader.string(value, what: "'raw_response_base64'") {
                    if let data = Data(base64Encoded: text.filter { !$0.isWhitespace }) {
                        rawResponse = Array(data)
                    } else {
                        reader.error("'raw_response_base64' is not valid base64", at: value)
                    }
                }
            case "stream":
                sweepsBefore = reader.sweepKeys.count
                frames =
                    reader.sequence(value, what: "'stream' (a list of frames)")?.flatMap {
                        self.frame($0, reader: reader)
                    } ?? []
            case "status":
                plainKeys.append((key, keyNode))
                plain.status = reader.int(value, what: "'status'", range: 100...599) ?? plain.status
            case "body":
                plainKeys.append((key, keyNode))
                plain.body = reader.stringOrJSON(value, what: "'body'") ?? ""
            case "headers":
                for (name, _, headerValue) in reader.mapping(value, allowed: [], what: "'headers'", allowAnyKey: true)
                    ?? []
                {
                    if let text = reader.string(headerValue, what: "the value of header '\(name)'") {
                        headers.append(Header(name: name, value: text))
                    }
                }
            case "done":
                streamKeys.append((key, keyNode))
                stream.sendsDone = reader.bool(value, what: "'done'") ?? true
            case "profile":
                streamKeys.append((key, keyNode))
                if let name = reader.string(value, what: "'profile'") {
                    if let profile = StreamAnswer.Profile(rawValue: name) {
                        stream.profile = profile
                        stream.namesProfile = true
                    } else {
                        let known = StreamAnswer.Profile.allCases.map(\.rawValue).joined(separator: ", ")
                        reader.error("unknown profile '\(name)' (known: \(known))", at: value)
                    }
                }
            case "model":
                streamKeys.append((key, keyNode))
                stream.model = reader.string(value, what: "'model'")
            case "framing":
                streamKeys.append((key, keyNode))
                stream.framing = self.framing(value, reader: reader)
            default:
                break
            }
        }
        if stream.framing.writeSize != nil, reader.sweepKeys.count > sweepsBefore {
            reader.error(
                "'sweep' cuts the frame's event itself: it cannot be combined with 'framing.write_size', "
                    + "which cuts the whole body without regard to events",
                at: reader.sweepKeys[sweepsBefore]
            )
        }
        let line = node.mark?.line ?? 0
        if let rawResponse {
            if frames != nil || !plainKeys.isEmpty || !streamKeys.isEmpty {
                reader.error(
                    "'raw_response' is a whole HTTP response: it cannot be combined with 'stream', 'status' or 'body'",
                    at: node
                )
            }
            return LLMAnswer(request: request, body: .rawResponse(rawResponse), line: line)
        }
        if let frames {
            if let (key, keyNode) = plainKeys.first {
                reader.error("'\(key)' makes a plain HTTP answer and cannot be combined with 'stream'", at: keyNode)
            }
            stream.frames = frames
            stream.headers = headers
            return LLMAnswer(request: request, body: .stream(stream), line: line)
        }
        if plainKeys.isEmpty {
            reader.error(
                "an 'llm' answer needs 'stream' (a list of frames) or 'status'/'body' (a plain HTTP answer)",
                at: node
            )
            return nil
        }
        if let (key, keyNode) = streamKeys.first {
            reader.error("'\(key)' applies to a 'stream' answer, not to a plain 'status'/'body' answer", at: keyNode)
        }
        plain.headers = headers
        return LLMAnswer(request: request, body: .plain(plain), line: line)
    }

    private func framing(_ node: Node, reader: NodeReader) -> Framing {
        var framing = Framing()
        for (key, _, value) in reader.mapping(node, allowed: Self.framingKeys, what: "'framing'") ?? [] {
            switch key {
            case "line_ending":
                guard let text = reader.string(value, what: "'line_ending'") else { continue }
                switch text {
                case "\n", "lf", "LF": framing.lineEnding = "\n"
                case "\r\n", "crlf", "CRLF": framing.lineEnding = "\r\n"
                case "\r", "cr", "CR": framing.lineEnding = "\r"
                default: reader.error("'line_ending' must be \"\\n\", \"\\r\\n\" or \"\\r\"", at: value)
                }
            case "write_size":
                framing.writeSize = reader.int(value, what: "'write_size'", range: 1...Int.max)
            default:
                break
            }
        }
        return framing
    }

    /// One frame; an empty result when it is wrong (the problem is reported).
    private func frame(_ node: Node, reader: NodeReader) -> [Frame] {
        guard let entries = reader.mapping(node, allowed: Self.frameKeys, what: "a frame") else { return [] }
        if entries.isEmpty {
            if case .mapping(let mapping) = node, mapping.count == 0 {
                reader.error("a frame needs at least one key, such as 'text' or 'finish'", at: node)
            }
            return []
        }
        let keys = entries.map(\.key)
        // Keys that make a whole frame on their own.
        for alone in ["delay_ms", "disconnect", "chunk", "raw", "raw_base64", "comment", "error"]
        where keys.contains(alone) {
            if let other = entries.first(where: { $0.key != alone }) {
                reader.error(
                    "'\(alone)' must be alone in its frame; move '\(other.key)' to a frame of its own",
                    at: other.keyNode
                )
                return []
            }
        }
        let (key, _, value) = entries[0]
        switch key {
        case "delay_ms":
            return reader.int(value, what: "'delay_ms'", range: 0...Int.max).map { [.delay(milliseconds: $0)] } ?? []
        case "disconnect":
            guard let flag = reader.bool(value, what: "'disconnect'") else { return [] }
            if !flag {
                reader.error(
                    "'disconnect: false' does nothing; remove the frame (use 'done: false' for a clean end without [DONE])",
                    at: value
                )
                return []
            }
            return [.disconnect]
        case "chunk":
            guard case .mapping = value else {
                reader.error(
                    "expected 'chunk' (a JSON object, written as a map), found \(NodeReader.kind(of: value))",
                    at: value
                )
                return []
            }
            return [.json(reader.value(value))]
        case "raw":
            return reader.string(value, what: "'raw' (the exact bytes to send)").map { [.raw(Array($0.utf8))] } ?? []
        case "raw_base64":
            guard let text = reader.string(value, what: "'raw_base64' (the exact bytes, base64-encoded)") else {
                return []
            }
            guard let bytes = Data(base64Encoded: text.filter { !$0.isWhitespace }) else {
                reader.error("'raw_base64' is not valid base64", at: value)
                return []
            }
            return [.raw(Array(bytes))]
        case "comment":
            return reader.string(value, what: "'comment'").map { [.comment($0)] } ?? []
        case "error":
            return [.error(reader.value(value))]
        default:
            return self.chunkFrame(entries, node: node, reader: reader).map { [.chunk($0)] } ?? []
        }
    }

    private func chunkFrame(
        _ entries: [(key: String, keyNode: Node, value: Node)],
        node: Node,
        reader: NodeReader
    ) -> ChunkFrame? {
        var frame = ChunkFrame()
        var splitNode: Node?
        var sweepNode: Node?
        var toolCallKey: Node?
        for (key, keyNode, value) in entries {
            switch key {
            case "role": frame.role = reader.string(value, what: "'role'")
            case "text": frame.text = reader.string(value, what: "'text'")
            case "finish": frame.finish = reader.string(value, what: "'finish' (a finish reason)")
            case "usage": frame.usage = reader.value(value)
            case "split":
                splitNode = value
                frame.split = reader.int(value, what: "'split'", range: 1...Int.max)
            case "sweep":
                frame.sweep = Self.sweep(value, reader: reader)
                if frame.sweep != nil {
                    sweepNode = keyNode
                    reader.sweepKeys.append(keyNode)
                }
            case "tool_call":
                if let toolCallKey {
                    reader.error("use either 'tool_call' or 'tool_calls' in a frame, not both", at: toolCallKey)
                }
                toolCallKey = keyNode
                frame.toolCalls = self.toolCall(value, reader: reader).map { [$0] } ?? []
            case "tool_calls":
                if let toolCallKey {
                    reader.error("use either 'tool_call' or 'tool_calls' in a frame, not both", at: toolCallKey)
                }
                toolCallKey = keyNode
                frame.toolCalls =
                    reader.sequence(value, what: "'tool_calls'")?.compactMap { self.toolCall($0, reader: reader) } ?? []
            default:
                break
            }
        }
        if let splitNode, frame.split != nil,
            let problem = Self.oneStringProblem(of: frame, key: "split", verb: "split")
        {
            reader.error(problem, at: splitNode)
            return nil
        }
        if let sweepNode, let sweep = frame.sweep {
            if splitNode != nil {
                reader.error(
                    "'sweep' plays every cut point of the frame itself: remove 'split' (it would cut the pieces again)",
                    at: sweepNode
                )
                return nil
            }
            if let problem = Self.oneStringProblem(of: frame, key: "sweep", verb: "cut") {
                reader.error(problem, at: sweepNode)
                return nil
            }
            let string = frame.cutString ?? ""
            let size = sweep == .bytes ? string.utf8.count : string.unicodeScalars.count
            if size < 2 {
                let unit = sweep == .bytes ? "bytes" : "Unicode scalars"
                reader.error(
                    "'sweep' needs a string of at least 2 \(unit) to cut in two; this one has \(size)",
                    at: sweepNode
                )
                return nil
            }
        }
        return frame
    }

    /// What is wrong when `split` or `sweep` has not exactly one string to work on: `text`, or
    /// the one call's string `arguments`.
    private static func oneStringProblem(of frame: ChunkFrame, key: String, verb: String) -> String? {
        let text = frame.text != nil
        let arguments = frame.toolCalls.count == 1 && frame.toolCalls[0].arguments?.stringValue != nil
        guard text == arguments else { return nil }
        return text
            ? "'\(key)' needs exactly one string to \(verb), but this frame has both 'text' and tool-call 'arguments'"
            : "'\(key)' needs a string to \(verb): 'text', or one 'tool_call' whose 'arguments' is a string"
    }

    /// `sweep: true` (every scalar boundary), `sweep: bytes` (every byte boundary); `false` is
    /// no sweep.
    private static func sweep(_ node: Node, reader: NodeReader) -> Sweep? {
        if case .scalar(let scalar) = node, scalar.style == .plain {
            switch scalar.string {
            case "true", "True", "TRUE": return .scalars
            case "false", "False", "FALSE": return nil
            case "bytes": return .bytes
            default: break
            }
        }
        reader.error(
            "expected 'sweep' to be true (every Unicode-scalar boundary) or bytes (every byte boundary), "
                + "found \(NodeReader.kind(of: node))",
            at: node
        )
        return nil
    }

    private func toolCall(_ node: Node, reader: NodeReader) -> ToolCallFrame? {
        guard let entries = reader.mapping(node, allowed: Self.toolCallKeys, what: "a tool call") else { return nil }
        var call = ToolCallFrame()
        for (key, _, value) in entries {
            let json = reader.value(value)
            switch key {
            case "index": call.index = json
            case "id": call.id = self.textual(value, json)
            case "type": call.type = self.textual(value, json)
            case "name": call.name = self.textual(value, json)
            case "arguments":
                if case .mapping = value {
                    call.arguments = json
                } else {
                    call.arguments = self.textual(value, json)
                }
            default: break
            }
        }
        return call
    }

    /// A scalar meant as text (an id, a name): plain `123` is the string "123"; `null` stays null.
    private func textual(_ node: Node, _ json: ScenarioValue) -> ScenarioValue {
        if case .scalar(let scalar) = node, json != .null {
            return .string(scalar.string)
        }
        return json
    }
}

extension NodeReader {
    /// A map whose keys are free (such as HTTP headers).
    func mapping(
        _ node: Node,
        allowed: [String],
        what: String,
        allowAnyKey: Bool
    ) -> [(key: String, keyNode: Node, value: Node)]? {
        guard allowAnyKey else { return self.mapping(node, allowed: allowed, what: what) }
        guard case .mapping(let mapping) = node else {
            self.error("expected \(what) (a map), found \(Self.kind(of: node))", at: node)
            return nil
        }
        return mapping.map { ($0.key.scalar?.string ?? "", $0.key, $0.value) }
    }

    /// Turns a Yams parse error into a diagnostic at its mark.
    func report(yamlError error: any Error) {
        guard let yamlError = error as? YamlError else {
            self.error("cannot parse the YAML: \(error)", line: 1, column: 1)
            return
        }
        switch yamlError {
        case .scanner(let context, let problem, let mark, _),
            .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            if let mistake = YAMLMistake.explaining(
                problem: problem,
                context: context.map { ($0.text, $0.mark.line, $0.mark.column) },
                line: self.sourceLine(mark.line),
                previousLine: self.previousContentLine(before: mark.line),
                column: mark.column
            ) {
                self.error(
                    "invalid YAML: \(mistake.hint) (\(problem))",
                    line: mistake.line ?? mark.line,
                    column: mistake.column
                )
                return
            }
            var message = "invalid YAML: \(problem)"
            if let context {
                message += " (\(context.text) at line \(context.mark.line), column \(context.mark.column))"
            }
            self.error(message, line: mark.line, column: mark.column)
        case .duplicatedKeysInMapping(let duplicates, let context):
            self.error(
                "duplicate key\(duplicates.count == 1 ? "" : "s") \(duplicates.map { "'\($0)'" }.joined(separator: ", ")) in a map",
                line: context.mark.line,
                column: context.mark.column
            )
        case .reader(let problem, let offset, _, _):
            self.error("invalid YAML: \(problem)\(offset.map { " at byte \($0)" } ?? "")", line: 1, column: 1)
        default:
            self.error("invalid YAML: \(yamlError)", line: 1, column: 1)
        }
    }
}
