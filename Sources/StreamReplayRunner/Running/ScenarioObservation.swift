import StreamReplayEngine
import StreamReplayFakeLLM
import StreamReplayScenario

/// Everything one scenario run produced, collected for the checks.
struct ScenarioObservation: Sendable {
    /// One turn (one copy of a `concurrently` turn) as the caller saw it.
    struct TurnRecord: Sendable {
        var turnIndex: Int
        var copy: Int
        var conversationID: String
        var requestID: String
        var messages: [ChatMessage]
        /// The error the engine threw before starting.
        var thrown: ThrownError?
        /// The range of `writes` committed while this turn ran (sequential turns only).
        var writeRange: Range<Int>?
        /// Whether the request id was answered before this turn started.
        var answeredBefore: Bool
    }

    var turns: [TurnRecord] = []
    var events: [StoredEvent] = []
    var writes: [StoredEvent] = []
    var toolCalls: [ScriptedToolExecutor.Call] = []
    var toolProblems: [String] = []
    /// Every request the fake received (chat completions only).
    var requests: [RecordedRequest] = []
    var unusedAnswers = 0
    /// Live mode: each response's raw body as received, for the wire validator.
    var responses: [LiveRecorder.Response] = []
    /// The error the engine refused its configuration with.
    var engineError: ThrownError?
    /// What the engine under test could report (in process: everything).
    var capabilities: EngineCapabilities = [.events, .writes, .concurrency]
    /// The engine's name as it reported it.
    var engineName = "ChatEngine"
}
