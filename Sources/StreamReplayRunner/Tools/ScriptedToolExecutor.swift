import StreamReplayEngine
import StreamReplayScenario
import Synchronization

/// Plays the scenario's `tools`: a fixed result, one result per call, or an error; records every
/// call it receives. A scripted delay moves the virtual clock.
package final class ScriptedToolExecutor: ToolExecutor {
    /// A call the executor received.
    package struct Call: Sendable, Hashable {
        package var name: String
        package var id: String
        package var argumentsJSON: String
        package var conversationID: String
        package var requestID: String
        package var hop: Int
    }

    /// The failure a scripted `error:` (or an exhausted `results:`) reports.
    struct ScriptedFailure: Error, CustomStringConvertible {
        var description: String
    }

    private struct State {
        package var calls: [Call] = []
        var used: [String: Int] = [:]
        var problems: [String] = []
    }

    private let tools: [String: ToolScript]
    private let clock: VirtualClock
    private let state = Mutex(State())

    /// Waits until an engine in another process has the runner's time after a delay.
    private let synchronise: (@Sendable () async -> Void)?

    init(tools: [ToolScript], clock: VirtualClock, synchronise: (@Sendable () async -> Void)? = nil) {
        self.tools = Dictionary(tools.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.clock = clock
        self.synchronise = synchronise
    }

    /// Every call received, in order.
    package var calls: [Call] { self.state.withLock { $0.calls } }

    /// Problems that fail the scenario (a `results:` list ran out).
    var problems: [String] { self.state.withLock { $0.problems } }

    func execute(_ call: ToolInvocation) async throws -> String {
        let outcome = self.state.withLock { state -> Result<String, ScriptedFailure> in
            state.calls.append(
                Call(
                    name: call.name,
                    id: call.id,
                    argumentsJSON: call.argumentsJSON,
                    conversationID: call.conversationID,
                    requestID: call.requestID,
                    hop: call.hop
                )
            )
            guard let tool = self.tools[call.name] else {
                return .failure(ScriptedFailure(description: "unknown tool '\(call.name)'"))
            }
            let count = state.used[call.name, default: 0]
            state.used[call.name] = count + 1
            switch tool.behaviour.storage {
            case .result(let text):
                return .success(text)
            case .results(let texts):
                guard count < texts.count else {
                    let problem = "no scripted result left for '\(call.name)'"
                    state.problems.append(problem)
                    return .failure(ScriptedFailure(description: problem))
                }
                return .success(texts[count])
            case .error(let text):
                return .failure(ScriptedFailure(description: text))
            }
        }
        if let delay = self.tools[call.name]?.delayMilliseconds, delay > 0 {
            self.clock.advance(by: .milliseconds(delay))
            await self.synchronise?()
        }
        return try outcome.get()
    }
}
