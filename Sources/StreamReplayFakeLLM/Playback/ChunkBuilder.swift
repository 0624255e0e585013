import StreamReplayScenario

/// Builds the JSON data of chat-completion chunks from a scenario's frames, in the envelope
/// style of a profile. It never shares types with the engine: the values come from the scenario.
struct ChunkBuilder: Sendable {
    /// The envelope's `id`.
    var id: String
    /// The envelope's `created` (seconds since 1970).
    var created: Int
    /// The envelope's `model`.
    var model: String

    /// The data line of each chunk a frame makes: several when it is split.
    func chunks(for frame: ChunkFrame) -> [String] {
        self.chunkValues(for: frame).map(\.jsonString)
    }

    /// Each chunk a frame makes, as a JSON value (what another profile's renderer reads).
    func chunkValues(for frame: ChunkFrame) -> [ScenarioValue] {
        if frame.isUsageOnly, let usage = frame.usage {
            return [self.envelope(choices: .array([]), usage: usage)]
        }
        let pieces: [String]
        if let split = frame.split, let string = frame.cutString {
            pieces = Self.pieces(of: string, size: split)
        } else if frame.sweep == .scalars, let cut = frame.cut, let string = frame.cutString {
            pieces = Self.pieces(of: string, cutAt: cut)
        } else {
            return [
                self.chunk(
                    delta: self.delta(role: frame.role, text: frame.text, calls: frame.toolCalls.map(Self.item)),
                    frame: frame,
                    last: true
                )
            ]
        }
        if frame.text != nil {
            return pieces.enumerated().map { position, piece in
                let delta =
                    position == 0
                    ? self.delta(role: frame.role, text: piece, calls: frame.toolCalls.map(Self.item))
                    : self.delta(role: nil, text: piece, calls: [])
                return self.chunk(delta: delta, frame: frame, last: position == pieces.count - 1)
            }
        }
        // The loader guarantees one call with string arguments here.
        let call = frame.toolCalls.first ?? ToolCallFrame()
        return pieces.enumerated().map { position, piece in
            var part = call
            part.arguments = .string(piece)
            if position > 0 {
                part = ToolCallFrame(index: call.index, arguments: .string(piece))
            }
            let delta =
                position == 0
                ? self.delta(role: frame.role, text: nil, calls: [Self.item(part)])
                : self.delta(role: nil, text: nil, calls: [Self.item(part)])
            return self.chunk(delta: delta, frame: frame, last: position == pieces.count - 1)
        }
    }

    /// `{"error": VALUE}`.
    func errorChunk(_ error: ScenarioValue) -> String {
        ScenarioValue.object([.init("error", error)]).jsonString
    }

    private func chunk(delta: ScenarioValue, frame: ChunkFrame, last: Bool) -> ScenarioValue {
        let finish: ScenarioValue = last ? (frame.finish.map { .string($0) } ?? .null) : .null
        let choice = ScenarioValue.object([
            .init("index", .int(0)), .init("delta", delta), .init("finish_reason", finish),
        ])
        return self.envelope(choices: .array([choice]), usage: last ? frame.usage : nil)
    }

    private func envelope(choices: ScenarioValue, usage: ScenarioValue?) -> ScenarioValue {
        var members: [ScenarioValue.Member] = [
            .init("id", .string(self.id)),
            .init("object", .string("chat.completion.chunk")),
            .init("created", .int(self.created)),
            .init("model", .string(self.model)),
            .init("choices", choices),
        ]
        if let usage {
            members.append(.init("usage", usage))
        }
        return .object(members)
    }

    private func delta(role: String?, text: String?, calls: [ScenarioValue]) -> ScenarioValue {
        var members: [ScenarioValue.Member] = []
        if let role { members.append(.init("role", .string(role))) }
        if let text { members.append(.init("content", .string(text))) }
        if !calls.isEmpty { members.append(.init("tool_calls", .array(calls))) }
        return .object(members)
    }

    /// One item of `delta.tool_calls`: keys left out stay out, `null` stays `null`.
    static func item(_ call: ToolCallFrame) -> ScenarioValue {
        var members: [ScenarioValue.Member] = []
        if let index = call.index { members.append(.init("index", index)) }
        if let id = call.id { members.append(.init("id", id)) }
        if let type = call.type { members.append(.init("type", type)) }
        var function: [ScenarioValue.Member] = []
        if let name = call.name { function.append(.init("name", name)) }
        if let arguments = call.arguments { function.append(.init("arguments", arguments)) }
        if !function.isEmpty { members.append(.init("function", .object(function))) }
        return .object(members)
    }

    /// `text` cut in two before its scalar at `cut` (1 ≤ cut < its scalar count).
    static func pieces(of text: String, cutAt cut: Int) -> [String] {
        let scalars = Array(text.unicodeScalars)
        let cut = min(max(cut, 0), scalars.count)
        var first = String.UnicodeScalarView()
        first.append(contentsOf: scalars[..<cut])
        var second = String.UnicodeScalarView()
        second.append(contentsOf: scalars[cut...])
        return [String(first), String(second)]
    }

    /// `text` cut into pieces of `size` Unicode scalars; an empty text is one empty piece.
    static func pieces(of text: String, size: Int) -> [String] {
        let scalars = Array(text.unicodeScalars)
        if scalars.isEmpty { return [""] }
        return stride(from: 0, to: scalars.count, by: size).map { start in
            var piece = String.UnicodeScalarView()
            piece.append(contentsOf: scalars[start..<min(start + size, scalars.count)])
            return String(piece)
        }
    }
}
