public import StreamReplayScenario

// The scenario model's types are nested in `Scenario`; the benchmarks use the short names, as
// any package that depends on StreamReplay may.
public typealias Frame = Scenario.Frame
public typealias ChunkFrame = Scenario.ChunkFrame
public typealias ToolCallFrame = Scenario.ToolCallFrame
public typealias LLMAnswer = Scenario.LLMAnswer
public typealias StreamAnswer = Scenario.StreamAnswer
public typealias Framing = Scenario.Framing
