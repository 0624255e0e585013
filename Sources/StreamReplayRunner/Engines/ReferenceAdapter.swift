import Foundation
package import Logging
import StreamReplayEngine
import StreamReplayScenario
import Synchronization

/// `stream-replay adapter`: our own `ChatEngine` behind the adapter protocol, the reference every
/// other adapter is compared with. It persists into a fresh SQLite file of its own and reports
/// `events`, `writes` and `concurrency`; time, ids and timestamps are real.
package struct ReferenceAdapter: Sendable {
    /// Writes one protocol line (the whole line in one write, so concurrent turns never
    /// interleave inside a line).
    package var writeLine: @Sendable (String) -> Void
    /// The engine's name in `ready`.
    package var engineName: String
    package var logger: Logger

    package init(engineName: String, logger: Logger, writeLine: @escaping @Sendable (String) -> Void) {
        self.engineName = engineName
        self.logger = logger
        self.writeLine = writeLine
    }

    /// Speaks the protocol over `lines` (the adapter's standard input) until `stop` or the end
    /// of input. Returns the process's exit status: 0, or 2 when the input broke the protocol.
    package func serve<Lines: AsyncSequence & Sendable>(_ lines: Lines) async -> Int32 where Lines.Element == String {
        let state = AdapterState()
        let store: EventStore
        do {
            store = try EventStore.temporary()
        } catch {
            self.logger.error("cannot create the event store: \(error)")
            return 2
        }
        defer { try? store.close() }
        let writes = WriteLog()
        store.setWriteObserver { writes.append($0) }
        let tools = ForwardingTools(state: state, send: self.send)
        // The runner's clock, carried across the protocol: it moves only when the runner says.
        let clock = VirtualClock()
        var engine: ChatEngine?
        var turns: [Task<Void, Never>] = []
        do {
            for try await raw in lines {
                let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
                if line.isEmpty { continue }
                guard let object = ObservationValues.parse(line), case .object = object,
                    let type = object["type"]?.stringValue
                else {
                    self.logger.error("not a protocol line: \(line)")
                    return 2
                }
                switch type {
                case "start":
                    // The runner's clock when it offers one (`clock_epoch_ms`), else real time
                    // (live mode).
                    let dependencies: ChatEngineDependencies
                    if let epoch = AdapterConnection.int(object["clock_epoch_ms"]).map(Int64.init) {
                        dependencies = ChatEngineDependencies(
                            clock: clock,
                            wallClock: { epoch + ScenarioExecution.milliseconds(clock.now.offset) },
                            ids: SeededIDSource(seed: 0),
                            observer: ProgressReporter(send: self.send)
                        )
                    } else {
                        dependencies = ChatEngineDependencies()
                    }
                    do throws(ChatEngineError) {
                        engine = try ChatEngine(
                            configuration: Self.configuration(from: object),
                            store: store,
                            tools: tools,
                            dependencies: dependencies,
                            logger: self.logger
                        )
                        self.send(
                            .object([
                                .init("type", .string("ready")),
                                .init("engine", .string(self.engineName)),
                                .init(
                                    "capabilities",
                                    .array(["events", "writes", "concurrency", "clock"].map { .string($0) })
                                ),
                                .init("profile", .string("openai")),
                            ])
                        )
                    } catch {
                        self.send(
                            .object([
                                .init("type", .string("refused")),
                                .init("code", .string(error.code.description)),
                                .init("message", .string(error.message)),
                            ])
                        )
                    }
                case "turn":
                    guard let engine, let number = AdapterConnection.int(object["turn"]) else {
                        self.logger.error("a turn before a successful start, or without a number: \(line)")
                        return 2
                    }
                    let conversation = object["conversation_id"]?.stringValue ?? "conv-1"
                    let requestID = object["request_id"]?.stringValue ?? ""
                    let text = object["text"]?.stringValue ?? ""
                    state.begin(turn: number, conversationID: conversation, requestID: requestID)
                    // Started here, in arrival order, so that the copies of a `concurrently` turn
                    // begin in turn-number order as they do in process; read concurrently.
                    let started = Result { () throws(ChatEngineError) in
                        try engine.processMessage(conversationID: conversation, text: text, requestID: requestID)
                    }
                    turns.append(
                        Task {
                            await self.play(started, turn: number)
                            state.end(turn: number)
                        }
                    )
                case "clock":
                    guard let milliseconds = AdapterConnection.int(object["now_ms"]) else { continue }
                    _ = clock.advance(to: VirtualClock.Instant(offset: .milliseconds(milliseconds)))
                    self.send(.object([.init("type", .string("clock_set")), .init("now_ms", .int(milliseconds))]))
                case "tool_result":
                    guard let call = AdapterConnection.int(object["call"]) else { continue }
                    state.answer(call: call, with: object)
                case "events":
                    for turn in turns { await turn.value }
                    await engine?.waitUntilIdle()
                    let events = (try? store.allEvents()) ?? []
                    self.send(
                        .object([
                            .init("type", .string("events")),
                            .init("events", .array(events.map(ObservationValues.event))),
                            .init("writes", .array(writes.all.map(ObservationValues.event))),
                        ])
                    )
                case "stop":
                    for turn in turns { await turn.value }
                    await engine?.waitUntilIdle()
                    return 0
                default:
                    continue  // unknown message types are ignored
                }
            }
        } catch {
            self.logger.error("reading the input failed: \(error)")
        }
        // The input ended without `stop`: tool calls still waiting get no answer.
        state.abandonCalls()
        for turn in turns { await turn.value }
        await engine?.waitUntilIdle()
        return 0
    }

    private func play(_ started: Result<ChatMessageStream, ChatEngineError>, turn: Int) async {
        switch started {
        case .success(let messages):
            for await message in messages {
                self.send(
                    .object([
                        .init("type", .string("message")),
                        .init("turn", .int(turn)),
                        .init("message", ObservationValues.message(message)),
                    ])
                )
            }
            self.send(.object([.init("type", .string("turn_done")), .init("turn", .int(turn))]))
        case .failure(let error):
            self.send(
                .object([
                    .init("type", .string("turn_refused")),
                    .init("turn", .int(turn)),
                    .init("code", .string(error.code.description)),
                    .init("message", .string(error.message)),
                ])
            )
        }
    }

    private func send(_ object: ScenarioValue) {
        self.writeLine(object.jsonString + "\n")
    }

    /// The engine's configuration from `start`.
    static func configuration(from start: ScenarioValue) -> ChatEngineConfiguration {
        let engine = start["engine"]
        var configuration = ChatEngineConfiguration(
            baseURL: start["base_url"]?.stringValue ?? "",
            apiKey: start["api_key"]?.stringValue,
            model: start["model"]?.stringValue ?? ""
        )
        func int(_ value: ScenarioValue?) -> Int? { AdapterConnection.int(value) }
        if let hops = int(engine?["max_tool_hops"]) { configuration.maxToolHops = hops }
        let persistence = engine?["persistence"]
        if case .bool(let flag)? = persistence?["persist_deltas"] { configuration.persistDeltas = flag }
        if let interval = int(persistence?["interval_ms"]) { configuration.persistInterval = .milliseconds(interval) }
        if let minimum = int(persistence?["min_chars"]) { configuration.persistMinChars = minimum }
        configuration.systemPrompt = engine?["system_prompt"]?.stringValue
        if let limit = int(engine?["history_limit"]) { configuration.historyLimit = limit }
        if let idle = int(engine?["idle_timeout_ms"]) { configuration.idleTimeout = .milliseconds(idle) }
        if let retries = int(engine?["llm_retries"]) { configuration.llmRetries = retries }
        configuration.tools = (start["tools"]?.arrayValue ?? []).compactMap { tool in
            guard let name = tool["name"]?.stringValue else { return nil }
            let parameters = tool["parameters"].flatMap { $0 == .null ? nil : $0.jsonString }
            return ToolDefinition(name: name, description: tool["description"]?.stringValue, parametersJSON: parameters)
        }
        return configuration
    }
}

/// Tells the runner how far the engine read each response and when it waits to retry, so that
/// the runner's scenario time can follow (the `clock` capability).
private struct ProgressReporter: ChatEngineObserver {
    let send: @Sendable (ScenarioValue) -> Void

    func engineConsumed(bytes: Int, of response: ObservedResponse) {
        guard let id = response.requestIDHeader else { return }
        self.send(
            .object([.init("type", .string("progress")), .init("response", .string(id)), .init("bytes", .int(bytes))])
        )
    }

    func engineFinished(_ response: ObservedResponse) {
        guard let id = response.requestIDHeader else { return }
        self.send(
            .object([
                .init("type", .string("progress")), .init("response", .string(id)), .init("finished", .bool(true)),
            ])
        )
    }

    func engineWillRetry(after delay: Duration, conversationID: String, requestID: String, hop: Int) {
        self.send(
            .object([
                .init("type", .string("retry_wait")), .init("ms", .int(Int(ScenarioExecution.milliseconds(delay)))),
            ])
        )
    }
}

/// The reference adapter's turns and outstanding tool calls.
private final class AdapterState: Sendable {
    private struct State {
        var turns: [(number: Int, conversationID: String, requestID: String)] = []
        var nextCall = 1
        var waiting: [Int: CheckedContinuation<ScenarioValue, Never>] = [:]
    }

    private let state = Mutex(State())

    func begin(turn: Int, conversationID: String, requestID: String) {
        self.state.withLock { $0.turns.append((turn, conversationID, requestID)) }
    }

    func end(turn: Int) {
        self.state.withLock { $0.turns.removeAll { $0.number == turn } }
    }

    /// The turn a tool call of this request belongs to (the oldest running one).
    func turn(conversationID: String, requestID: String) -> Int {
        self.state.withLock { state in
            state.turns.first { $0.conversationID == conversationID && $0.requestID == requestID }?.number ?? 0
        }
    }

    func newCall() -> Int {
        self.state.withLock { state in
            defer { state.nextCall += 1 }
            return state.nextCall
        }
    }

    func wait(call: Int, continuation: CheckedContinuation<ScenarioValue, Never>) {
        self.state.withLock { $0.waiting[call] = continuation }
    }

    /// Answers every waiting tool call with a failure (the runner went away).
    func abandonCalls() {
        let waiting = self.state.withLock { state in
            defer { state.waiting.removeAll() }
            return Array(state.waiting.values)
        }
        for continuation in waiting {
            continuation.resume(returning: .object([.init("error", .string("the runner stopped answering"))]))
        }
    }

    func answer(call: Int, with object: ScenarioValue) {
        let continuation = self.state.withLock { $0.waiting.removeValue(forKey: call) }
        continuation?.resume(returning: object)
    }
}

/// Tools that live in the runner: each call is forwarded as `tool_call` and answered by
/// `tool_result`.
private struct ForwardingTools: ToolExecutor {
    let state: AdapterState
    let send: @Sendable (ScenarioValue) -> Void

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    func execute(_ call: ToolInvocation) async throws -> String {
        let number = self.state.newCall()
        let turn = self.state.turn(conversationID: call.conversationID, requestID: call.requestID)
        let answer = await withCheckedContinuation { continuation in
            self.state.wait(call: number, continuation: continuation)
            self.send(
                .object([
                    .init("type", .string("tool_call")),
                    .init("call", .int(number)),
                    .init("turn", .int(turn)),
                    .init("name", .string(call.name)),
                    .init("id", .string(call.id)),
                    .init("arguments", .string(call.argumentsJSON)),
                    // An optional field of ours: the hop, which the runner otherwise infers.
                    .init("hop", .int(call.hop)),
                ])
            )
        }
        if let error = answer["error"]?.stringValue { throw Failure(description: error) }
        return answer["content"]?.stringValue ?? ""
    }
}
