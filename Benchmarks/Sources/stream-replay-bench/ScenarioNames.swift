import StreamReplayScenario

// The scenario model's types are nested in `Scenario`; the benchmarks use the short names, as
// any package that depends on StreamReplay may.
typealias Frame = Scenario.Frame
typealias ChunkFrame = Scenario.ChunkFrame
typealias ToolCallFrame = Scenario.ToolCallFrame
typealias LLMAnswer = Scenario.LLMAnswer
typealias StreamAnswer = Scenario.StreamAnswer
typealias Framing = Scenario.Framing
