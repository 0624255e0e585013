public import StreamReplayScenario

// The scenario model's types are nested in `Scenario`; the benchmarks use the short names, as
// any package that depends on StreamReplay may.
/// A frame of a streamed answer.
public typealias Frame = Scenario.Frame
/// One chat-completion chunk of a streamed answer.
public typealias ChunkFrame = Scenario.ChunkFrame
/// A tool-call fragment of a chunk.
public typealias ToolCallFrame = Scenario.ToolCallFrame
/// One answer of the fake.
public typealias LLMAnswer = Scenario.LLMAnswer
/// A streamed answer's frames and framing.
public typealias StreamAnswer = Scenario.StreamAnswer
/// How the fake cuts a stream into writes.
public typealias Framing = Scenario.Framing
