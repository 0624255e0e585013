import NIOCore
import StreamReplaySSE
public import StreamReplayScenario

/// What the fake plays: a scenario's `llm` answers, in order, one per chat-completions request.
public struct FakeLLMScript: Sendable {
    /// Names the script in errors ("beyond the script of scenario 'NAME'").
    public var scenarioName: String
    /// The model of chunk envelopes when an answer names none (the scenario's `engine.model`).
    public var model: String
    /// The scenario's `llm` entries, one per chat-completions request in order (or picked by their
    /// `request` matcher with ``FakeLLMOptions/match``).
    public var answers: [Scenario.LLMAnswer]
    /// Other names a request's `model` may use to pick this script (such as the file name).
    public var aliases: [String]

    /// A script of `answers`.
    ///
    /// - Parameters:
    ///   - scenarioName: Names the script in errors and in the journal.
    ///   - model: The model of chunk envelopes when an answer names none.
    ///   - answers: The answers, in order.
    ///   - aliases: Other names a request's `model` may use to pick this script.
    public init(
        scenarioName: String,
        model: String = "test-model",
        answers: [Scenario.LLMAnswer],
        aliases: [String] = []
    ) {
        self.scenarioName = scenarioName
        self.model = model
        self.answers = answers
        self.aliases = aliases
    }

    /// The script of a loaded scenario; its file name (without extension) is an alias.
    ///
    /// - Parameter scenario: The scenario: its `name`, `engine.model` and `llm` entries make the script.
    public init(scenario: Scenario) {
        let file = scenario.file.split(separator: "/").last.map(String.init) ?? scenario.file
        let stem =
            file.hasSuffix(".yaml")
            ? String(file.dropLast(5)) : file.hasSuffix(".yml") ? String(file.dropLast(4)) : file
        self.init(scenarioName: scenario.name, model: scenario.engine.model, answers: scenario.llm, aliases: [stem])
    }

    /// Every model the script answers as: the default and each answer's own.
    public var models: [String] {
        var models = [self.model]
        for answer in self.answers {
            if let model = answer.body.stream?.model, !models.contains(model) {
                models.append(model)
            }
        }
        return models
    }
}

extension FakeLLMScript {
    /// The bytes the fake sends for one chunk frame of answer `entry` (its SSE event or events,
    /// line endings included): what `sweep: bytes` cuts. `nil` when that frame is not a chunk
    /// frame of a streamed answer.
    ///
    /// - Parameters:
    ///   - entry: The `llm` entry, from 0.
    ///   - frame: The frame within its stream, from 0.
    ///   - profile: The wire format it is played in when the entry names none (the run's
    ///     `--profile`); the entry's own comes first, `openai` last. In another profile the bytes
    ///     are that API's events for the frame, as they follow the frames before it.
    /// - Returns: The bytes, or `nil` for a frame that is not a chunk frame of a stream.
    package func eventBytes(entry: Int, frame: Int, profile: Scenario.StreamAnswer.Profile? = nil) -> [UInt8]? {
        guard self.answers.indices.contains(entry), let stream = self.answers[entry].body.stream,
            stream.frames.indices.contains(frame), var chunk = stream.frames[frame].chunk
        else { return nil }
        chunk.cut = nil
        let builder = ChunkBuilder(
            id: FakeLLMState.chunkID(scenario: self.scenarioName, entry: entry),
            created: FakeLLMState.created,
            model: stream.model ?? self.model
        )
        let encoder = SSEEncoder(lineEnding: SSEEncoder.LineEnding(rawValue: stream.framing.lineEnding) ?? .lf)
        var buffer = ByteBuffer()
        let played = stream.namesProfile ? stream.profile : profile ?? .openai
        guard let kind = ProfileRenderer.Kind(played) else {
            for data in builder.chunks(for: chunk) {
                encoder.writeData(data, into: &buffer)
            }
            return Array(buffer.readableBytesView)
        }
        // The renderer is stateful (a block starts before its first delta): it reads the frames
        // before this one first, as the plan does.
        var renderer = ProfileRenderer(
            kind: kind,
            id: builder.id,
            model: builder.model,
            created: builder.created,
            chunks: stream.frames.compactMap(\.chunk).flatMap(builder.chunkValues(for:))
        )
        for earlier in stream.frames[..<frame] {
            for value in earlier.chunk.map(builder.chunkValues(for:)) ?? [] { _ = renderer.events(for: value) }
        }
        for value in builder.chunkValues(for: chunk) {
            for event in renderer.events(for: value) { encoder.write(event, into: &buffer) }
        }
        return Array(buffer.readableBytesView)
    }
}
