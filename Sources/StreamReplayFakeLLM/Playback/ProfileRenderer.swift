import StreamReplaySSE
import StreamReplayScenario

/// Turns the chat-completions chunks of one answer into the native stream of another API
/// (`profile: anthropic`, `profile: openai-responses`): one mechanism for every frame key, since
/// `split`, `sweep`, `usage` and `finish` are already in the chunks the ``ChunkBuilder`` built.
/// A value-type state machine: the plan feeds it each chunk in order and writes what it returns.
///
/// The field-by-field mapping is in `docs/wire-profiles.md`.
struct ProfileRenderer: Sendable {
    enum Kind: Sendable, Hashable {
        case anthropic
        case responses

        /// The renderer of `profile`; `nil` for `openai`, whose chunks are written as they are.
        init?(_ profile: StreamAnswer.Profile) {
            switch profile {
            case .anthropic: self = .anthropic
            case .openaiResponses: self = .responses
            default: return nil
            }
        }
    }

    let kind: Kind
    /// The message (`msg_…`) or response (`resp_…`) id.
    let id: String
    let model: String
    let created: Int

    /// One content block (Anthropic) or output item (Responses).
    private struct Block: Sendable {
        var isText: Bool
        /// The chat-completions tool index it carries (a call).
        var toolIndex: ScenarioValue?
        var callID: String = ""
        var name: String = ""
        /// Text or arguments so far.
        var content = ""
        var open = true
        /// Responses: the item's id.
        var itemID: String
    }

    private var started = false
    private var blocks: [Block] = []
    /// The last chunk position at which each block gets content (a call whose fragments
    /// interleave with another's stays open until its last one).
    private var lastUse: [Int: Int] = [:]
    private var finish: String?
    private var usage: ScenarioValue?
    private var sequence = 0
    private var position = 0
    private var failed = false

    /// - Parameters:
    ///   - kind: The API to speak.
    ///   - id: The chunk id of the answer (its suffix makes the message and item ids).
    ///   - model: The model the stream names.
    ///   - created: Seconds since 1970.
    ///   - chunks: Every chunk of the answer, in order, so that a block is closed after its last
    ///     content, as the APIs do, even when calls interleave.
    init(kind: Kind, id: String, model: String, created: Int, chunks: [ScenarioValue]) {
        self.kind = kind
        self.id = id
        self.model = model
        self.created = created
        // A dry run over the chunks finds each block's last use.
        var dry = ProfileRenderer(kind: kind, id: id, model: model, created: created)
        for chunk in chunks {
            dry.absorb(chunk)
            dry.position += 1
        }
        self.lastUse = dry.lastUse
    }

    private init(kind: Kind, id: String, model: String, created: Int) {
        self.kind = kind
        self.id = id
        self.model = model
        self.created = created
    }

    private var suffix: Substring {
        self.id.split(separator: "-").last ?? Substring(self.id)
    }

    // MARK: Events

    /// The events of one chat-completions chunk (a JSON object; anything else passes as a
    /// `data:` line unchanged).
    mutating func events(for chunk: ScenarioValue) -> [SSEEvent] {
        defer { self.position += 1 }
        var events = self.startIfNeeded()
        events += self.absorb(chunk)
        return events
    }

    /// A `comment` frame: Anthropic's `ping` event; a comment line for Responses.
    mutating func ping() -> [SSEEvent] {
        switch self.kind {
        case .anthropic:
            return self.startIfNeeded() + [Self.event("ping", [.init("type", .string("ping"))])]
        case .responses:
            return []
        }
    }

    /// An `error` frame: Anthropic's `error` event, Responses' `response.failed`.
    mutating func error(_ value: ScenarioValue) -> [SSEEvent] {
        switch self.kind {
        case .anthropic:
            // Anthropic's error object is `{type, message}`; the format's is OpenAI's
            // `{message, type, code}`: the type and message carry over.
            let type = value["type"]?.stringValue ?? value["code"]?.stringValue ?? "api_error"
            let message = value["message"]?.stringValue ?? value.jsonString
            return [
                Self.event(
                    "error",
                    [
                        .init("type", .string("error")),
                        .init("error", .object([.init("type", .string(type)), .init("message", .string(message))])),
                    ]
                )
            ]
        case .responses:
            var events = self.startIfNeeded()
            self.failed = true
            let code = value["code"]?.stringValue ?? value["type"]?.stringValue ?? "server_error"
            let message = value["message"]?.stringValue ?? value.jsonString
            events.append(
                self.responsesEvent(
                    "response.failed",
                    [
                        .init(
                            "response",
                            self.response(
                                status: "failed",
                                error: .object([.init("code", .string(code)), .init("message", .string(message))])
                            )
                        )
                    ]
                )
            )
            return events
        }
    }

    /// What ends the stream where chat completions sends `[DONE]`: the open blocks' stops,
    /// `message_delta` and `message_stop`; or the open items' `.done` events and
    /// `response.completed` (`response.incomplete` for `finish: length`).
    mutating func end() -> [SSEEvent] {
        var events = self.startIfNeeded()
        for index in self.blocks.indices where self.blocks[index].open {
            events += self.close(index)
        }
        switch self.kind {
        case .anthropic:
            let delta: [ScenarioValue.Member] = [
                .init("stop_reason", self.finish.map { .string(Self.stopReason($0)) } ?? .null),
                .init("stop_sequence", .null),
            ]
            let outputTokens = self.usage?["completion_tokens"] ?? .int(self.blocks.isEmpty ? 0 : 1)
            events.append(
                Self.event(
                    "message_delta",
                    [
                        .init("type", .string("message_delta")), .init("delta", .object(delta)),
                        .init("usage", .object([.init("output_tokens", outputTokens)])),
                    ]
                )
            )
            events.append(Self.event("message_stop", [.init("type", .string("message_stop"))]))
        case .responses:
            guard !self.failed else { return events }
            let incomplete = self.finish == "length"
            events.append(
                self.responsesEvent(
                    incomplete ? "response.incomplete" : "response.completed",
                    [.init("response", self.response(status: incomplete ? "incomplete" : "completed"))]
                )
            )
        }
        return events
    }

    // MARK: Chunks into blocks

    private mutating func startIfNeeded() -> [SSEEvent] {
        guard !self.started else { return [] }
        self.started = true
        switch self.kind {
        case .anthropic:
            let message: ScenarioValue = .object([
                .init("id", .string("msg_\(self.suffix)")), .init("type", .string("message")),
                .init("role", .string("assistant")), .init("model", .string(self.model)),
                .init("content", .array([])), .init("stop_reason", .null), .init("stop_sequence", .null),
                .init("usage", .object([.init("input_tokens", .int(0)), .init("output_tokens", .int(0))])),
            ])
            return [Self.event("message_start", [.init("type", .string("message_start")), .init("message", message)])]
        case .responses:
            return [
                self.responsesEvent("response.created", [.init("response", self.response(status: "in_progress"))]),
                self.responsesEvent(
                    "response.in_progress",
                    [.init("response", self.response(status: "in_progress"))]
                ),
            ]
        }
    }

    /// Takes in one chunk: text goes to the open text block, each call fragment to its call's
    /// block (opened at its first fragment); `finish_reason` and `usage` are kept for the end.
    @discardableResult
    private mutating func absorb(_ chunk: ScenarioValue) -> [SSEEvent] {
        var events: [SSEEvent] = []
        if let usage = chunk["usage"], usage != .null { self.usage = usage }
        guard let choice = chunk["choices"]?.arrayValue?.first else { return events }
        if let finish = choice["finish_reason"]?.stringValue { self.finish = finish }
        let delta = choice["delta"]
        if let text = delta?["content"]?.stringValue ?? delta?["refusal"]?.stringValue, !text.isEmpty {
            let index: Int
            if let open = self.blocks.indices.last(where: { self.blocks[$0].isText && self.blocks[$0].open }),
                open == self.blocks.count - 1
            {
                index = open
            } else {
                events += self.closeFinished()
                index = self.blocks.count
                self.blocks.append(Block(isText: true, itemID: "msg_\(self.suffix)_\(index)"))
                events += self.opened(index)
            }
            self.lastUse[index] = max(self.lastUse[index] ?? 0, self.position)
            events += self.append(text, to: index)
        }
        for call in delta?["tool_calls"]?.arrayValue ?? [] {
            let toolIndex = call["index"]
            // An empty id is no id (a continuation, as chat-completions clients read it).
            let id = call["id"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
            var index = self.blocks.indices.first { !self.blocks[$0].isText && self.blocks[$0].toolIndex == toolIndex }
            if index == nil || (id != nil && self.blocks[index ?? 0].callID != id) {
                events += self.closeFinished()
                let new = self.blocks.count
                var block = Block(isText: false, toolIndex: toolIndex, itemID: "fc_\(self.suffix)_\(new)")
                block.callID = id ?? ""
                block.name = call["function"]?["name"]?.stringValue ?? ""
                self.blocks.append(block)
                events += self.opened(new)
                index = new
            }
            guard let index else { continue }
            if let name = call["function"]?["name"]?.stringValue, self.blocks[index].name.isEmpty {
                self.blocks[index].name = name
            }
            self.lastUse[index] = max(self.lastUse[index] ?? 0, self.position)
            // Arguments sent as a JSON object (some servers do) go out as its JSON text: both
            // APIs carry arguments as text only.
            let arguments: String? =
                switch call["function"]?["arguments"] {
                case .string(let text)?: text
                case .null?, nil: nil
                case let value?: value.jsonString
                }
            if let arguments, !arguments.isEmpty {
                events += self.append(arguments, to: index)
            }
        }
        return events
    }

    /// Closes the open blocks that get no more content after this chunk.
    private mutating func closeFinished() -> [SSEEvent] {
        var events: [SSEEvent] = []
        for index in self.blocks.indices where self.blocks[index].open && (self.lastUse[index] ?? 0) <= self.position {
            events += self.close(index)
        }
        return events
    }

    private mutating func opened(_ index: Int) -> [SSEEvent] {
        let block = self.blocks[index]
        switch self.kind {
        case .anthropic:
            let content: ScenarioValue =
                block.isText
                ? .object([.init("type", .string("text")), .init("text", .string(""))])
                : .object([
                    .init("type", .string("tool_use")), .init("id", .string(block.callID)),
                    .init("name", .string(block.name)), .init("input", .object([])),
                ])
            return [
                Self.event(
                    "content_block_start",
                    [
                        .init("type", .string("content_block_start")), .init("index", .int(index)),
                        .init("content_block", content),
                    ]
                )
            ]
        case .responses:
            var events = [
                self.responsesEvent(
                    "response.output_item.added",
                    [.init("output_index", .int(index)), .init("item", self.item(block, done: false))]
                )
            ]
            if block.isText {
                events.append(
                    self.responsesEvent(
                        "response.content_part.added",
                        [
                            .init("item_id", .string(block.itemID)), .init("output_index", .int(index)),
                            .init("content_index", .int(0)), .init("part", Self.textPart("")),
                        ]
                    )
                )
            }
            return events
        }
    }

    /// A fragment of text or arguments for block `index`.
    private mutating func append(_ fragment: String, to index: Int) -> [SSEEvent] {
        self.blocks[index].content += fragment
        let block = self.blocks[index]
        switch self.kind {
        case .anthropic:
            let delta: ScenarioValue =
                block.isText
                ? .object([.init("type", .string("text_delta")), .init("text", .string(fragment))])
                : .object([.init("type", .string("input_json_delta")), .init("partial_json", .string(fragment))])
            return [
                Self.event(
                    "content_block_delta",
                    [.init("type", .string("content_block_delta")), .init("index", .int(index)), .init("delta", delta)]
                )
            ]
        case .responses:
            if block.isText {
                return [
                    self.responsesEvent(
                        "response.output_text.delta",
                        [
                            .init("item_id", .string(block.itemID)), .init("output_index", .int(index)),
                            .init("content_index", .int(0)), .init("delta", .string(fragment)),
                            .init("logprobs", .array([])),
                        ]
                    )
                ]
            }
            return [
                self.responsesEvent(
                    "response.function_call_arguments.delta",
                    [
                        .init("item_id", .string(block.itemID)), .init("output_index", .int(index)),
                        .init("delta", .string(fragment)),
                    ]
                )
            ]
        }
    }

    /// The end of block `index`: `content_block_stop`, or the item's `.done` events.
    private mutating func close(_ index: Int) -> [SSEEvent] {
        guard self.blocks[index].open else { return [] }
        self.blocks[index].open = false
        let block = self.blocks[index]
        switch self.kind {
        case .anthropic:
            return [
                Self.event(
                    "content_block_stop",
                    [.init("type", .string("content_block_stop")), .init("index", .int(index))]
                )
            ]
        case .responses:
            var events: [SSEEvent] = []
            if block.isText {
                events.append(
                    self.responsesEvent(
                        "response.output_text.done",
                        [
                            .init("item_id", .string(block.itemID)), .init("output_index", .int(index)),
                            .init("content_index", .int(0)), .init("text", .string(block.content)),
                            .init("logprobs", .array([])),
                        ]
                    )
                )
                events.append(
                    self.responsesEvent(
                        "response.content_part.done",
                        [
                            .init("item_id", .string(block.itemID)), .init("output_index", .int(index)),
                            .init("content_index", .int(0)), .init("part", Self.textPart(block.content)),
                        ]
                    )
                )
            } else {
                events.append(
                    self.responsesEvent(
                        "response.function_call_arguments.done",
                        [
                            .init("item_id", .string(block.itemID)), .init("output_index", .int(index)),
                            .init("name", .string(block.name)), .init("arguments", .string(block.content)),
                        ]
                    )
                )
            }
            events.append(
                self.responsesEvent(
                    "response.output_item.done",
                    [.init("output_index", .int(index)), .init("item", self.item(block, done: true))]
                )
            )
            return events
        }
    }

    /// A Responses output item: a `message` with one `output_text` part, or a `function_call`.
    private func item(_ block: Block, done: Bool) -> ScenarioValue {
        let status = ScenarioValue.string(done ? "completed" : "in_progress")
        if block.isText {
            return .object([
                .init("id", .string(block.itemID)), .init("type", .string("message")), .init("status", status),
                .init("role", .string("assistant")),
                .init("content", .array(done ? [Self.textPart(block.content)] : [])),
            ])
        }
        return .object([
            .init("id", .string(block.itemID)), .init("type", .string("function_call")), .init("status", status),
            .init("arguments", .string(done ? block.content : "")), .init("call_id", .string(block.callID)),
            .init("name", .string(block.name)),
        ])
    }

    /// The Responses `response` object, its output the items so far.
    private func response(status: String, error: ScenarioValue = .null) -> ScenarioValue {
        var usage: ScenarioValue = .null
        if status != "in_progress" {
            let input = Self.count(self.usage?["prompt_tokens"])
            let output = Self.count(self.usage?["completion_tokens"])
            usage = .object([
                .init("input_tokens", .int(input)),
                .init("input_tokens_details", .object([.init("cached_tokens", .int(0))])),
                .init("output_tokens", .int(output)),
                .init("output_tokens_details", .object([.init("reasoning_tokens", .int(0))])),
                .init("total_tokens", .int(input + output)),
            ])
        }
        let output = status == "in_progress" ? [] : self.blocks.map { self.item($0, done: true) }
        return .object([
            .init("id", .string("resp_\(self.suffix)")), .init("object", .string("response")),
            .init("created_at", .int(self.created)), .init("status", .string(status)),
            .init("error", error),
            .init(
                "incomplete_details",
                status == "incomplete" ? .object([.init("reason", .string("max_output_tokens"))]) : .null
            ),
            .init("model", .string(self.model)), .init("output", .array(output)),
            .init("parallel_tool_calls", .bool(true)), .init("tool_choice", .string("auto")),
            .init("tools", .array([])), .init("usage", usage),
        ])
    }

    private mutating func responsesEvent(_ name: String, _ members: [ScenarioValue.Member]) -> SSEEvent {
        let event = Self.event(
            name,
            [.init("type", .string(name))] + members + [.init("sequence_number", .int(self.sequence))]
        )
        self.sequence += 1
        return event
    }
}

extension ProfileRenderer {
    fileprivate static func event(_ name: String, _ members: [ScenarioValue.Member]) -> SSEEvent {
        SSEEvent(type: name, data: ScenarioValue.object(members).jsonString)
    }

    fileprivate static func textPart(_ text: String) -> ScenarioValue {
        .object([
            .init("type", .string("output_text")), .init("text", .string(text)), .init("annotations", .array([])),
        ])
    }

    fileprivate static func count(_ value: ScenarioValue?) -> Int {
        if case .int(let count)? = value { return count }
        return 0
    }

    /// `finish_reason` → Anthropic's `stop_reason`.
    static func stopReason(_ finish: String) -> String {
        switch finish {
        case "stop": "end_turn"
        case "tool_calls", "function_call": "tool_use"
        case "length": "max_tokens"
        case "content_filter": "refusal"
        default: finish
        }
    }
}
