/// A scenario file, loaded and checked: how the engine is configured, what the user sends, what
/// the fake LLM answers and what must come out. The format is `docs/scenario-format.md`.
public struct Scenario: Sendable {
    /// The file it was loaded from, as given to the loader.
    public var file: String
    /// One line shown in reports; the file name when the scenario has none.
    public var name: String
    /// The optional `description`: why the scenario exists.
    public var description: String?
    /// `tags`, for selecting scenarios (`run --tag`).
    public var tags: [String]
    /// The `engine` section: how the engine under test is configured.
    public var engine: EngineSettings
    /// The scripted tools the engine may call.
    public var tools: [ToolScript]
    /// What the user sends, one engine turn each, in order.
    public var turns: [Turn]
    /// The fake LLM's answers, one per chat-completions request, in order.
    public var llm: [LLMAnswer]
    /// The `expect` section.
    public var expect: Expectations
    /// The `live.expect` section: what must hold against a real provider (`run --live`); a
    /// scenario without it is skipped in live mode.
    public var live: Expectations?
    /// The `fault` section of a file written by `run --faults-out`: the faulted run's rules
    /// apply instead of the expectations.
    public var fault: Fault?

    /// A scenario built in code; `live` starts as `nil`.
    public init(
        file: String,
        name: String,
        description: String? = nil,
        tags: [String] = [],
        engine: EngineSettings = EngineSettings(),
        tools: [ToolScript] = [],
        turns: [Turn] = [],
        llm: [LLMAnswer] = [],
        expect: Expectations = Expectations()
    ) {
        self.file = file
        self.name = name
        self.description = description
        self.tags = tags
        self.engine = engine
        self.tools = tools
        self.turns = turns
        self.llm = llm
        self.expect = expect
        self.live = nil
        self.fault = nil
    }
}
