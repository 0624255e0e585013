/// One scripted tool of the scenario's `tools` section.
public struct ToolScript: Sendable, Hashable {
    /// What the tool answers.
    public enum Behaviour: Sendable, Hashable {
        /// `result: TEXT`, for every call.
        case result(String)
        /// `results: [TEXT, ...]`, one per call in order.
        case results([String])
        /// `error: TEXT`: the tool fails.
        case error(String)
    }

    public var name: String
    public var description: String?
    /// The JSON Schema of the parameters, as written.
    public var parameters: ScenarioValue?
    public var behaviour: Behaviour
    /// Virtual milliseconds the call takes.
    public var delayMilliseconds: Int

    public init(
        name: String,
        description: String? = nil,
        parameters: ScenarioValue? = nil,
        behaviour: Behaviour,
        delayMilliseconds: Int = 0
    ) {
        self.name = name
        self.description = description
        self.parameters = parameters
        self.behaviour = behaviour
        self.delayMilliseconds = delayMilliseconds
    }
}
