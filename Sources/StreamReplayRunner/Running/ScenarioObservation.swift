package import StreamReplayEngine
package import StreamReplayFakeLLM
import StreamReplayScenario

/// Everything one scenario run produced, collected for the checks.
package struct ScenarioObservation: Sendable {
    /// One turn (one copy of a `concurrently` turn) as the caller saw it.
    package struct TurnRecord: Sendable {
        package var turnIndex: Int
        package var copy: Int
        package var conversationID: String
        package var requestID: String
        package var messages: [ChatMessage]
        /// The error the engine threw before starting.
        package var thrown: ThrownError?
        /// The range of `writes` committed while this turn ran (sequential turns only).
        package var writeRange: Range<Int>?
        /// Whether the request id was answered before this turn started.
        package var answeredBefore: Bool
    }

    package var turns: [TurnRecord] = []
    package var events: [StoredEvent] = []
    package var writes: [StoredEvent] = []
    package var toolCalls: [ScriptedToolExecutor.Call] = []
    package var toolProblems: [String] = []
    /// Every request the fake received (chat completions only).
    package var requests: [RecordedRequest] = []
    package var unusedAnswers = 0
    /// Live mode: each response's raw body as received, for the wire validator.
    package var responses: [LiveRecorder.Response] = []
    /// The error the engine refused its configuration with.
    package var engineError: ThrownError?
    /// What the engine under test could report (in process: everything).
    package var capabilities: EngineCapabilities = [.events, .writes, .concurrency]
    /// Whether the runner saw the engine's requests and responses (the fake, or in live mode the
    /// in-process engine's observer); not for an adapter in live mode, which talks to the
    /// provider itself: `llm_requests` and the wire validator are then not applicable.
    package var trafficObserved = true
    /// The engine's name as it reported it.
    package var engineName = "ChatEngine"
    /// The run in time order, when it was recorded (`--html`).
    package var timeline: Timeline?
}
