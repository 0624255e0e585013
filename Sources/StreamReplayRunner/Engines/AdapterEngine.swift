import Foundation
import StreamReplayEngine
import StreamReplayScenario
import Subprocess
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// An engine in a child process, spoken to through the adapter protocol (version 1): JSON lines
/// on its standard input and output (`docs/engine-adapter.md`).
///
/// Each session starts the command afresh through `/bin/sh -c`, in a process group of its own,
/// with `STREAM_REPLAY_PROTOCOL=1`; a command word `stream-replay` is this executable. Cancelling
/// the session (a scenario's `--timeout`, Ctrl-C) sends SIGTERM to the group and SIGKILL 2 s
/// later; after `stop` the adapter has 5 s to exit before it is killed.
package struct AdapterEngine: EngineUnderTest {
    /// The command as the user gave it.
    package var command: String
    /// This executable, which a command word `stream-replay` stands for.
    package var selfExecutable: String?
    /// The capabilities the adapter said in its first `ready` (the same in every session).
    private let learned = LearnedCapabilities()

    package init(command: String, selfExecutable: String? = nil) {
        self.command = command
        self.selfExecutable = selfExecutable
    }

    package var label: String { "adapter: \(self.command)" }
    package var carriesVirtualClock: Bool { self.learned.value?.contains(.clock) ?? false }
    package var knownToLackVirtualClock: Bool { self.learned.value.map { !$0.contains(.clock) } ?? false }

    /// The command with every `stream-replay` word replaced by this executable's path.
    var resolvedCommand: String {
        guard let selfExecutable else { return self.command }
        let quoted = "'" + selfExecutable.replacingOccurrences(of: "'", with: "'\\''") + "'"
        var words = self.command.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        for index in words.indices where words[index] == "stream-replay" {
            words[index] = quoted
        }
        return words.joined(separator: " ")
    }

    package func withSession<T: Sendable>(
        _ setup: EngineSetup,
        _ body: (any EngineSession) async throws -> T
    ) async throws -> T {
        var platform = PlatformOptions()
        platform.processGroupID = 0
        platform.teardownSequence = [.gracefulShutDown(toProcessGroup: true, allowedDurationToNextStep: .seconds(2))]
        let configuration = Configuration(
            executable: .name("sh"),
            arguments: ["-c", self.resolvedCommand],
            environment: .inherit.updating(["STREAM_REPLAY_PROTOCOL": "1"]),
            platformOptions: platform
        )
        let trace = setup.trace
        trace.secret = setup.configuration.apiKey
        let outcome: ExecutionResult<Result<T, any Error>, SequenceOutput, SequenceOutput>
        do {
            outcome = try await Subprocess.run(
                configuration,
                input: .inputWriter,
                output: .sequence,
                error: .sequence
            ) { execution -> Result<T, any Error> in
                let group = execution.processIdentifier.value
                AdapterProcesses.shared.insert(group)
                defer { AdapterProcesses.shared.remove(group) }
                let connection = AdapterConnection(
                    writer: execution.standardInputWriter,
                    tools: setup.tools,
                    trace: trace,
                    timeline: setup.timeline
                )
                let stderrTask = Task {
                    do {
                        for try await line in execution.standardError.strings() {
                            trace.stderr(line)
                        }
                    } catch {}
                }
                let readerTask = Task {
                    do {
                        for try await line in execution.standardOutput.strings() {
                            await connection.receive(line)
                        }
                    } catch {}
                    await connection.endOfOutput()
                }
                let result: Result<T, any Error>
                do {
                    let session = try await AdapterSession.start(
                        on: connection,
                        setup: setup
                    )
                    if session.refusal == nil { self.learned.value = session.capabilities }
                    result = .success(try await body(session))
                } catch {
                    result = .failure(error)
                }
                await connection.stop()
                // After `stop` the adapter has 5 s to exit; then its whole group is killed.
                let exited = await Self.within(.seconds(5)) { await readerTask.value }
                if !exited {
                    trace.note("the adapter did not exit within 5 s of stop; killed")
                    try? execution.send(signal: .kill, toProcessGroup: true)
                }
                await stderrTask.value
                return result
            }
        } catch let error as SubprocessError {
            throw AdapterProtocolError(
                message: "cannot start the adapter '\(self.command)': \(error)",
                stderr: trace.stderrTail
            )
        }
        if case .exited(let status) = outcome.terminationStatus, status != 0 {
            trace.note("the adapter exited with status \(status)")
            if case .failure(var error as AdapterProtocolError) = outcome.closureResult, status == 127 || status == 126
            {
                error.message =
                    "the adapter command '\(self.command)' could not be run (the shell exited with \(status): "
                    + (status == 127 ? "not found)" : "not executable)")
                throw error
            }
        } else if case .signaled(let signal) = outcome.terminationStatus {
            trace.note("the adapter ended by signal \(signal)")
        }
        return try outcome.closureResult.get()
    }

    /// Whether `operation` finished within `limit` (it is left running otherwise).
    static func within(_ limit: Duration, _ operation: @escaping @Sendable () async -> Void) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await operation()
                return true
            }
            group.addTask {
                try? await Task.sleep(for: limit)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
    }
}

/// What an adapter said it can do, learnt from its first `ready`.
final class LearnedCapabilities: Sendable {
    private let state = Mutex<EngineCapabilities?>(nil)

    var value: EngineCapabilities? {
        get { self.state.withLock { $0 } }
        set { self.state.withLock { $0 = newValue } }
    }
}

/// The process groups of adapters still running, so that the CLI can end them all on its way
/// out (a scenario that timed out leaves its teardown running in the background).
package final class AdapterProcesses: Sendable {
    package static let shared = AdapterProcesses()
    private let groups = Mutex<Set<pid_t>>([])

    func insert(_ group: pid_t) { _ = self.groups.withLock { $0.insert(group) } }
    func remove(_ group: pid_t) { _ = self.groups.withLock { $0.remove(group) } }

    /// Sends SIGKILL to every adapter process group still running.
    package func killAll() {
        for group in self.groups.withLock({ $0 }) {
            kill(-group, SIGKILL)
        }
    }
}

/// A protocol error: the adapter wrote something that is not the protocol, or exited early. The
/// scenario's verdict is `error`.
package struct AdapterProtocolError: Error, CustomStringConvertible {
    /// What was wrong, with the offending line or the exit status.
    package var message: String
    /// The last lines of the adapter's standard error.
    package var stderr: [String]

    package var description: String {
        guard !self.stderr.isEmpty else { return self.message }
        return self.message + "\nadapter stderr (last \(self.stderr.count) lines):\n"
            + self.stderr.map { "  " + $0 }.joined(separator: "\n")
    }
}

/// What an adapter session saw, kept for the report when the scenario fails, errors or times
/// out: the last 50 lines of the adapter's stderr (the API key redacted) and notes.
package final class EngineTrace: Sendable {
    private struct State {
        var stderr: [String] = []
        var notes: [String] = []
        var lastLines: [String] = []
        var secret: String?
    }

    private let state = Mutex(State())

    package init() {}

    var secret: String? {
        get { self.state.withLock { $0.secret } }
        set { self.state.withLock { $0.secret = newValue } }
    }

    func redact(_ line: String) -> String {
        guard let secret = self.secret, !secret.isEmpty else { return line }
        return line.replacingOccurrences(of: secret, with: "[redacted]")
    }

    func stderr(_ line: String) {
        let line = self.redact(line.trimmingCharacters(in: .newlines))
        self.state.withLock { state in
            state.stderr.append(line)
            if state.stderr.count > 50 { state.stderr.removeFirst(state.stderr.count - 50) }
        }
    }

    func received(_ line: String) {
        let line = self.redact(line)
        self.state.withLock { state in
            state.lastLines.append(line.count > 300 ? String(line.prefix(300)) + "…" : line)
            if state.lastLines.count > 5 { state.lastLines.removeFirst() }
        }
    }

    func note(_ text: String) {
        self.state.withLock { $0.notes.append(text) }
    }

    /// The last lines of the adapter's stderr.
    package var stderrTail: [String] { self.state.withLock { $0.stderr } }
    /// Notes about the process (exit status, a kill).
    package var notes: [String] { self.state.withLock { $0.notes } }
    /// The last protocol lines the adapter wrote.
    package var lastLines: [String] { self.state.withLock { $0.lastLines } }

    /// Lines for a report: what the adapter wrote last and its stderr.
    package var reportLines: [String] {
        var lines = self.notes
        let last = self.lastLines
        if !last.isEmpty {
            lines.append("adapter's last protocol lines:")
            lines += last.map { "  " + $0 }
        }
        let stderr = self.stderrTail
        if !stderr.isEmpty {
            lines.append("adapter stderr (last \(stderr.count) lines):")
            lines += stderr.map { "  " + $0 }
        }
        return lines
    }
}

/// The runner's end of one adapter's pipes: writes lines, routes what the adapter writes to the
/// turn, tool call or answer waiting for it, and answers tool calls with the scripted tools.
actor AdapterConnection {
    private let writer: StandardInputWriter
    private let tools: ScriptedToolExecutor
    private let trace: EngineTrace
    private var stopped = false
    private var failure: AdapterProtocolError?

    private var ready: CheckedContinuation<ScenarioValue, any Error>?
    private var readyLine: ScenarioValue?
    private var eventsWaiter: CheckedContinuation<ScenarioValue, any Error>?
    /// The `events` answer, kept when it arrives before anyone waits for it.
    private var eventsLine: ScenarioValue?
    private var turns: [Int: TurnState] = [:]
    /// Tool calls waiting for the scripted tools, answered one at a time in arrival order.
    private var toolQueue: [ScenarioValue] = []
    private var answeringTools = false
    private var seenCalls: Set<Int> = []

    struct TurnState {
        var messages: [ChatMessage] = []
        var done: CheckedContinuation<TurnOutcome, any Error>?
        var outcome: TurnOutcome?
        /// Which copy of a `concurrently` turn it is.
        var copy: Int
        var conversationID: String
        var requestID: String
    }

    /// Scenario time, once the adapter said it carries the clock.
    private var link: ClockLink?
    /// Waiting for the adapter's clock to reach a time (`clock_set`).
    private var clockWaiters: [(milliseconds: Int, continuation: CheckedContinuation<Void, Never>)] = []
    private var adapterTime = 0

    /// Told of each message as it arrives, for the report's timeline.
    private let timeline: TimelineRecorder?

    init(writer: StandardInputWriter, tools: ScriptedToolExecutor, trace: EngineTrace, timeline: TimelineRecorder?) {
        self.writer = writer
        self.tools = tools
        self.trace = trace
        self.timeline = timeline
    }

    /// Links scenario time: the adapter carries the clock.
    func carryClock(_ link: ClockLink) {
        self.link = link
    }

    /// Sends the runner's time and waits until the adapter's clock is there (`clock_set`).
    func synchroniseClock(to offset: Duration) async {
        let milliseconds = Int(ScenarioExecution.milliseconds(offset))
        guard self.failure == nil, !self.stopped, milliseconds > self.adapterTime else { return }
        do {
            try await self.send(.object([.init("type", .string("clock")), .init("now_ms", .int(milliseconds))]))
        } catch {
            return
        }
        if self.adapterTime >= milliseconds || self.failure != nil { return }
        await withCheckedContinuation { continuation in
            self.clockWaiters.append((milliseconds, continuation))
        }
    }

    // MARK: Writing

    func send(_ object: ScenarioValue) async throws {
        if let failure { throw failure }
        guard !self.stopped else { return }
        do {
            _ = try await self.writer.write(Array((object.jsonString + "\n").utf8))
        } catch {
            throw self.fail(
                AdapterProtocolError(message: "the adapter stopped reading its input (\(error))", stderr: [])
            )
        }
    }

    /// Sends `stop` and closes the adapter's input.
    func stop() async {
        guard !self.stopped else { return }
        if self.failure == nil {
            _ = try? await self.writer.write(Array(#"{"type":"stop"}"#.utf8 + [0x0A]))
        }
        self.stopped = true
        try? await self.writer.finish()
    }

    // MARK: Waiting

    func awaitReady() async throws -> ScenarioValue {
        if let failure { throw failure }
        if let readyLine { return readyLine }
        return try await withCheckedThrowingContinuation { self.ready = $0 }
    }

    func startTurn(number: Int, copy: Int, conversationID: String, requestID: String) {
        self.turns[number] = TurnState(copy: copy, conversationID: conversationID, requestID: requestID)
    }

    func awaitTurn(_ number: Int) async throws -> TurnOutcome {
        if let failure { throw failure }
        if let outcome = self.turns[number]?.outcome { return outcome }
        return try await withCheckedThrowingContinuation { self.turns[number]?.done = $0 }
    }

    func awaitEvents() async throws -> ScenarioValue {
        if let failure { throw failure }
        if let eventsLine { return eventsLine }
        return try await withCheckedThrowingContinuation { self.eventsWaiter = $0 }
    }

    // MARK: Reading

    func receive(_ raw: String) async {
        let line = raw.hasSuffix("\n") ? String(raw.dropLast()) : raw
        let trimmed = line.hasSuffix("\r") ? String(line.dropLast()) : line
        guard !trimmed.isEmpty, self.failure == nil else { return }
        self.trace.received(trimmed)
        guard let object = ObservationValues.parse(trimmed), case .object = object else {
            self.protocolError("the adapter wrote a line that is not a JSON object: \(self.trace.redact(trimmed))")
            return
        }
        guard let type = object["type"]?.stringValue else {
            self.protocolError("the adapter wrote an object without a string `type`: \(self.trace.redact(trimmed))")
            return
        }
        switch type {
        case "ready", "refused":
            self.readyLine = object
            self.ready?.resume(returning: object)
            self.ready = nil
        case "message":
            guard let number = Self.int(object["turn"]), self.turns[number] != nil,
                self.turns[number]?.outcome == nil
            else {
                self.protocolError("a message for an unknown turn: \(self.trace.redact(trimmed))")
                return
            }
            guard let message = Self.message(object["message"]) else {
                self.protocolError(
                    "a message without a `message` object of string `type` and `content`: \(self.trace.redact(trimmed))"
                )
                return
            }
            self.timeline?.yielded(message, copy: self.turns[number]?.copy ?? 0)
            self.turns[number]?.messages.append(message)
        case "turn_done", "turn_refused":
            guard let number = Self.int(object["turn"]), let state = self.turns[number], state.outcome == nil else {
                self.protocolError("\(type) for an unknown turn: \(self.trace.redact(trimmed))")
                return
            }
            var outcome = TurnOutcome(messages: state.messages, thrown: nil)
            if type == "turn_refused" {
                outcome.thrown = ThrownError(
                    code: object["code"]?.stringValue ?? "refused",
                    message: object["message"]?.stringValue ?? ""
                )
            }
            self.turns[number]?.outcome = outcome
            self.turns[number]?.done?.resume(returning: outcome)
            self.turns[number]?.done = nil
        case "tool_call":
            guard let call = Self.int(object["call"]), !self.seenCalls.contains(call),
                let turn = Self.int(object["turn"]), self.turns[turn] != nil,
                object["name"]?.stringValue != nil
            else {
                self.protocolError(
                    "a tool_call with a repeated or missing `call`, an unknown `turn` or no `name`: \(self.trace.redact(trimmed))"
                )
                return
            }
            self.seenCalls.insert(call)
            self.toolQueue.append(object)
            if !self.answeringTools {
                self.answeringTools = true
                Task { await self.answerTools() }
            }
        case "progress":
            guard let link, let response = object["response"]?.stringValue else { break }
            if object["finished"] == .bool(true) {
                link.time.finished(responseID: response)
            } else if let bytes = Self.int(object["bytes"]) {
                link.time.consumed(bytes: bytes, responseID: response)
            }
        case "retry_wait":
            guard let link, let milliseconds = Self.int(object["ms"]) else { break }
            Task { await link.advance(by: .milliseconds(milliseconds)) }
        case "clock_set":
            guard let milliseconds = Self.int(object["now_ms"]) else { break }
            self.adapterTime = max(self.adapterTime, milliseconds)
            let ready = self.clockWaiters.filter { $0.milliseconds <= self.adapterTime }
            self.clockWaiters.removeAll { $0.milliseconds <= self.adapterTime }
            for waiter in ready { waiter.continuation.resume() }
        case "events":
            // The answer may come while `send` is still suspended, before anyone waits.
            self.eventsLine = object
            self.eventsWaiter?.resume(returning: object)
            self.eventsWaiter = nil
        default:
            break  // a message type this runner does not know is ignored
        }
    }

    /// The adapter closed its output (it exited, or closed stdout).
    func endOfOutput() {
        guard !self.stopped, self.failure == nil else { return }
        self.protocolError("the adapter exited (or closed its output) before `stop`")
    }

    private func answerTools() async {
        while !self.toolQueue.isEmpty {
            let object = self.toolQueue.removeFirst()
            let turn = Self.int(object["turn"]) ?? 0
            let state = self.turns[turn]
            // The hop: the optional `hop` field, else the number of tool notices the turn yielded
            // before this call, less one.
            let notices = state?.messages.filter { $0.type == .toolExecution }.count ?? 1
            let invocation = ToolInvocation(
                name: object["name"]?.stringValue ?? "",
                id: object["id"]?.stringValue ?? "",
                argumentsJSON: object["arguments"]?.stringValue ?? object["arguments"]?.jsonString ?? "",
                conversationID: state?.conversationID ?? "",
                requestID: state?.requestID ?? "",
                hop: Self.int(object["hop"]) ?? max(0, notices - 1)
            )
            var answer: [ScenarioValue.Member] = [
                .init("type", .string("tool_result")), .init("call", object["call"] ?? .null),
            ]
            do {
                answer.append(.init("content", .string(try await self.tools.execute(invocation))))
            } catch {
                answer.append(.init("error", .string(String(describing: error))))
            }
            try? await self.send(.object(answer))
        }
        self.answeringTools = false
    }

    private func protocolError(_ message: String) {
        _ = self.fail(AdapterProtocolError(message: message, stderr: []))
    }

    /// Records the first protocol error and fails everything waiting.
    private func fail(_ error: AdapterProtocolError) -> AdapterProtocolError {
        if let failure { return failure }
        self.failure = error
        self.ready?.resume(throwing: error)
        self.ready = nil
        self.eventsWaiter?.resume(throwing: error)
        self.eventsWaiter = nil
        for number in self.turns.keys {
            self.turns[number]?.done?.resume(throwing: error)
            self.turns[number]?.done = nil
        }
        for waiter in self.clockWaiters { waiter.continuation.resume() }
        self.clockWaiters.removeAll()
        return error
    }

    // MARK: Decoding

    static func int(_ value: ScenarioValue?) -> Int? {
        switch value {
        case .int(let number)?: number
        case .double(let number)? where number.rounded() == number && abs(number) < 1e15: Int(number)
        default: nil
        }
    }

    /// A contract message from the protocol's `message` object.
    static func message(_ value: ScenarioValue?) -> ChatMessage? {
        guard let value, let type = value["type"]?.stringValue, let content = value["content"]?.stringValue else {
            return nil
        }
        var metadata: [(key: String, value: ChatMessage.MetadataValue)] = []
        if case .object(let members)? = value["metadata"] {
            for member in members {
                switch member.value {
                case .string(let text): metadata.append((member.key, .string(text)))
                case .bool(let flag): metadata.append((member.key, .bool(flag)))
                case .int(let number): metadata.append((member.key, .int(number)))
                case .double(let number) where number.rounded() == number && abs(number) < 1e15:
                    metadata.append((member.key, .int(Int(number))))
                default: metadata.append((member.key, .string(member.value.jsonString)))
                }
            }
        }
        return ChatMessage(type: ChatMessage.Kind(rawValue: type), content: content, metadata: metadata)
    }
}

/// A started adapter: `start` answered with `ready` (or `refused`).
final class AdapterSession: EngineSession {
    let connection: AdapterConnection
    let capabilities: EngineCapabilities
    let engineName: String
    let refusal: ThrownError?
    let profile: Scenario.StreamAnswer.Profile?
    private let nextTurn = Mutex(1)
    private let persistedEvents = Mutex<PersistedEvents??>(nil)

    private init(
        connection: AdapterConnection,
        capabilities: EngineCapabilities,
        engineName: String,
        refusal: ThrownError?,
        profile: Scenario.StreamAnswer.Profile? = nil
    ) {
        self.connection = connection
        self.capabilities = capabilities
        self.engineName = engineName
        self.refusal = refusal
        self.profile = profile
    }

    /// Sends `start` with the scenario's settings and waits for `ready` or `refused`.
    static func start(on connection: AdapterConnection, setup: EngineSetup) async throws -> AdapterSession {
        try await connection.send(Self.startMessage(setup))
        let answer = try await connection.awaitReady()
        if answer["type"]?.stringValue == "refused" {
            return AdapterSession(
                connection: connection,
                capabilities: [],
                engineName: "adapter",
                refusal: ThrownError(
                    code: answer["code"]?.stringValue ?? "refused",
                    message: answer["message"]?.stringValue ?? ""
                )
            )
        }
        var profile: Scenario.StreamAnswer.Profile?
        if let named = answer["profile"], named != .null {
            guard let name = named.stringValue, let known = Scenario.StreamAnswer.Profile(rawValue: name) else {
                let known = Scenario.StreamAnswer.Profile.allCases.map(\.rawValue).joined(separator: ", ")
                throw AdapterProtocolError(
                    message: "the adapter's `ready` names profile \(named.jsonString), which is none of \(known)",
                    stderr: setup.trace.stderrTail
                )
            }
            profile = known
        }
        let names = answer["capabilities"]?.arrayValue?.compactMap(\.stringValue) ?? []
        var capabilities = EngineCapabilities(names: names)
        if !capabilities.contains(.events) { capabilities.remove(.writes) }
        if let link = setup.link {
            if capabilities.contains(.clock) {
                await connection.carryClock(link)
                link.setMirror { offset in await connection.synchroniseClock(to: offset) }
                link.isVirtual = true
            } else {
                link.isVirtual = false
            }
        } else {
            capabilities.remove(.clock)  // live mode: time is real
        }
        return AdapterSession(
            connection: connection,
            capabilities: capabilities,
            engineName: answer["engine"]?.stringValue ?? "adapter",
            refusal: nil,
            profile: profile
        )
    }

    /// The protocol's `start` for `setup`.
    static func startMessage(_ setup: EngineSetup) -> ScenarioValue {
        let configuration = setup.configuration
        func milliseconds(_ duration: Duration) -> Int { Int(ScenarioExecution.milliseconds(duration)) }
        let tools: [ScenarioValue] = configuration.tools.map { tool in
            .object([
                .init("name", .string(tool.name)),
                .init("description", tool.description.map { .string($0) } ?? .null),
                .init(
                    "parameters",
                    tool.parametersJSON.flatMap { try? ScenarioValue.parseJSON(Array($0.utf8)) } ?? .null
                ),
            ])
        }
        var members: [ScenarioValue.Member] = [
            .init("type", .string("start")),
            .init("protocol", .int(1)),
            .init("scenario", .string(setup.scenarioName)),
            .init("base_url", .string(configuration.baseURL)),
            .init("api_key", configuration.apiKey.map { .string($0) } ?? .null),
            .init("model", .string(configuration.model)),
            .init(
                "engine",
                .object([
                    .init("max_tool_hops", .int(configuration.maxToolHops)),
                    .init(
                        "persistence",
                        .object([
                            .init("persist_deltas", .bool(configuration.persistDeltas)),
                            .init("interval_ms", .int(milliseconds(configuration.persistInterval))),
                            .init("min_chars", .int(configuration.persistMinChars)),
                        ])
                    ),
                    .init("system_prompt", configuration.systemPrompt.map { .string($0) } ?? .null),
                    .init("history_limit", .int(configuration.historyLimit)),
                    .init("idle_timeout_ms", .int(milliseconds(configuration.idleTimeout))),
                    .init("llm_retries", .int(configuration.llmRetries)),
                ])
            ),
            .init("tools", .array(tools)),
        ]
        // An extension, offered only where scenario time exists (not in live mode): an adapter
        // with the `clock` capability runs on the runner's clock, wall time this plus its offset.
        if setup.link != nil {
            members.append(.init("clock_epoch_ms", .int(Int(ScenarioExecution.epochMilliseconds))))
        }
        return .object(members)
    }

    func play(_ turn: Turn) async throws -> [TurnOutcome] {
        let numbers = self.nextTurn.withLock { next -> [Int] in
            let numbers = Array(next..<(next + turn.concurrently))
            next += turn.concurrently
            return numbers
        }
        for (copy, number) in numbers.enumerated() {
            await self.connection.startTurn(
                number: number,
                copy: copy,
                conversationID: turn.conversation,
                requestID: turn.requestID
            )
        }
        // The copies of a `concurrently` turn are sent together.
        for number in numbers {
            try await self.connection.send(
                .object([
                    .init("type", .string("turn")),
                    .init("turn", .int(number)),
                    .init("conversation_id", .string(turn.conversation)),
                    .init("request_id", .string(turn.requestID)),
                    .init("text", .string(turn.user)),
                ])
            )
        }
        var outcomes: [TurnOutcome] = []
        for number in numbers {
            outcomes.append(try await self.connection.awaitTurn(number))
        }
        return outcomes
    }

    func hasAnswer(conversationID: String, requestID: String) async throws -> Bool? { nil }

    /// The protocol asks for events once, after the last turn: no count per turn.
    var writesSoFar: Int? { get async { nil } }

    func persisted() async throws -> PersistedEvents? {
        guard self.capabilities.contains(.events), self.refusal == nil else { return nil }
        if let cached = self.persistedEvents.withLock({ $0 }) { return cached }
        try await self.connection.send(.object([.init("type", .string("events"))]))
        let answer = try await self.connection.awaitEvents()
        guard let items = answer["events"]?.arrayValue else {
            throw AdapterProtocolError(message: "the `events` answer has no `events` list", stderr: [])
        }
        let events = try items.enumerated().map { try Self.event($1, at: "events[\($0)]") }
        var writes: [StoredEvent]?
        if self.capabilities.contains(.writes) {
            writes = try (answer["writes"]?.arrayValue ?? []).enumerated().map {
                try Self.event($1, at: "writes[\($0)]")
            }
        }
        let persisted = PersistedEvents(unordered: events, writes: writes)
        self.persistedEvents.withLock { $0 = persisted }
        return persisted
    }

    /// An event of the protocol's `events` answer as a stored row.
    static func event(_ value: ScenarioValue, at path: String) throws -> StoredEvent {
        guard case .object = value, let conversation = value["conversation_id"]?.stringValue,
            let seq = AdapterConnection.int(value["seq"]), let type = value["type"]?.stringValue,
            let content = value["content"]?.stringValue
        else {
            throw AdapterProtocolError(
                message: "\(path) needs conversation_id, seq, type and content: \(value.jsonString)",
                stderr: []
            )
        }
        let extraText = value["extra"].map(\.jsonString) ?? "{}"
        guard let extra = try? JSONValue(parsing: extraText), case .object = extra else {
            throw AdapterProtocolError(message: "\(path).extra must be a JSON object: \(extraText)", stderr: [])
        }
        return StoredEvent(
            id: value["id"]?.stringValue ?? "",
            conversationID: conversation,
            seq: Int64(seq),
            type: type,
            role: value["role"]?.stringValue,
            content: content,
            toolCalls: value["tool_calls"]?.stringValue,
            toolCallID: value["tool_call_id"]?.stringValue,
            model: value["model"]?.stringValue,
            createdAt: value["created_at"]?.stringValue ?? "",
            extra: extra
        )
    }
}
