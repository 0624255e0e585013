package import Logging
package import StreamReplayEngine
package import StreamReplayScenario

/// The engine a scenario runs against, behind the one seam the runner knows: our own
/// `ChatEngine` in this process (``InProcessEngine``), or any engine behind the adapter protocol
/// in a child process (``AdapterEngine``). The runner starts a fresh session per scenario run,
/// plays the turns through it and asks it for what it persisted; everything else (the fake, the
/// scripted tools, the checks) is the same for both.
package protocol EngineUnderTest: Sendable {
    /// How reports name the engine (`ChatEngine (in process)`, `adapter: python3 my.py`).
    var label: String { get }
    /// Whether this engine is known to run on scenario (virtual) time.
    var carriesVirtualClock: Bool { get }
    /// Whether this engine is known to run in real time only: scenarios that need the virtual
    /// clock are then skipped without starting it. (An adapter is known once it said `ready`.)
    var knownToLackVirtualClock: Bool { get }

    /// Starts a fresh engine for one scenario run, hands it to `body`, and ends it afterwards
    /// (also when `body` throws or the task is cancelled).
    func withSession<T: Sendable>(
        _ setup: EngineSetup,
        _ body: (any EngineSession) async throws -> T
    ) async throws -> T
}

/// What a session is started with: the scenario's engine settings resolved to a configuration,
/// the scripted tools, and (in process) the harness's clock, ids and observer.
package struct EngineSetup: Sendable {
    /// The scenario's name, for the adapter's `start`.
    package var scenarioName: String
    /// Provider, model and the contract's settings.
    package var configuration: ChatEngineConfiguration
    /// The scripted tools every tool call goes to.
    package var tools: ScriptedToolExecutor
    /// Clock, wall time, ids and observer (used in process; an adapter has its own).
    package var dependencies: ChatEngineDependencies
    /// Where the session logs.
    package var logger: Logger
    /// What an adapter session saw, for the report.
    package var trace = EngineTrace()
    /// Scenario time, for an engine that carries the clock in another process; `nil` in live
    /// mode.
    package var link: ClockLink?
    /// Where the session tells what the engine yielded and committed, when the report draws a
    /// timeline.
    package var timeline: TimelineRecorder?
}

/// What an engine can do beyond yielding messages (the protocol's capabilities).
package struct EngineCapabilities: OptionSet, Sendable, Hashable {
    package var rawValue: Int
    package init(rawValue: Int) { self.rawValue = rawValue }

    /// It reports what it persisted.
    package static let events = EngineCapabilities(rawValue: 1)
    /// It also reports every event committed, in commit order.
    package static let writes = EngineCapabilities(rawValue: 2)
    /// It runs the copies of a `concurrently` turn at once.
    package static let concurrency = EngineCapabilities(rawValue: 4)
    /// It runs on the runner's clock (an extension of the protocol: `clock`, `clock_set`,
    /// `progress`, `retry_wait`).
    package static let clock = EngineCapabilities(rawValue: 8)

    /// The protocol's names of these capabilities.
    package var names: [String] {
        var names: [String] = []
        if self.contains(.events) { names.append("events") }
        if self.contains(.writes) { names.append("writes") }
        if self.contains(.concurrency) { names.append("concurrency") }
        if self.contains(.clock) { names.append("clock") }
        return names
    }

    /// The capabilities named in an adapter's `ready` (unknown names ignored).
    package init(names: [String]) {
        self = []
        if names.contains("events") { self.insert(.events) }
        if names.contains("writes") { self.insert(.writes) }
        if names.contains("concurrency") { self.insert(.concurrency) }
        if names.contains("clock") { self.insert(.clock) }
    }
}

/// An error an engine threw (or an adapter sent as `refused`/`turn_refused`) before a turn or
/// the session started: the `expect.error` of `code`/`message`.
package struct ThrownError: Sendable, Hashable, CustomStringConvertible {
    /// The contract's code (`invalid_configuration`, `reserved_request_id`, …).
    package var code: String
    /// What was wrong.
    package var message: String

    package init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    package init(_ error: ChatEngineError) {
        self.init(code: error.code.description, message: error.message)
    }

    package var description: String { "\(self.code): \(self.message)" }
}

/// One copy of a turn, as the caller saw it.
package struct TurnOutcome: Sendable {
    /// Every message yielded, in order.
    package var messages: [ChatMessage]
    /// The error thrown before the turn started, if it was.
    package var thrown: ThrownError?

    package init(messages: [ChatMessage], thrown: ThrownError?) {
        self.messages = messages
        self.thrown = thrown
    }

    /// Plays `count` copies of a turn at once and returns their outcomes in copy order.
    package static func copies(
        _ count: Int,
        _ play: @escaping @Sendable (Int) async -> TurnOutcome
    ) async -> [TurnOutcome] {
        await withTaskGroup(of: (Int, TurnOutcome).self) { group in
            for copy in 0..<count {
                group.addTask { (copy, await play(copy)) }
            }
            var outcomes = Array(repeating: TurnOutcome(messages: [], thrown: nil), count: count)
            for await (copy, outcome) in group { outcomes[copy] = outcome }
            return outcomes
        }
    }
}

/// What an engine persisted, for the `events` checks.
package struct PersistedEvents: Sendable {
    /// The events after the run, by conversation in order of first use, then `seq`.
    package var events: [StoredEvent]
    /// Every event committed, in commit order; `nil` without the `writes` capability.
    package var writes: [StoredEvent]?

    package init(events: [StoredEvent], writes: [StoredEvent]?) {
        self.events = events
        self.writes = writes
    }

    /// `events` reported in any order, ordered as the runner compares them: conversations in
    /// order of first appearance, then `seq`.
    package init(unordered events: [StoredEvent], writes: [StoredEvent]?) {
        var firstUse: [String: Int] = [:]
        for event in events where firstUse[event.conversationID] == nil {
            firstUse[event.conversationID] = firstUse.count
        }
        let ordered = events.sorted { lhs, rhs in
            let left = firstUse[lhs.conversationID] ?? 0
            let right = firstUse[rhs.conversationID] ?? 0
            return left != right ? left < right : lhs.seq < rhs.seq
        }
        self.init(events: ordered, writes: writes)
    }
}

/// One started engine: a scenario run's turns go through it.
package protocol EngineSession: Sendable {
    /// What the engine can do.
    var capabilities: EngineCapabilities { get }
    /// The engine's name and version as it reported it.
    var engineName: String { get }
    /// The error the engine refused its configuration with; no turn is played then.
    var refusal: ThrownError? { get }
    /// The wire format the engine said it speaks (an adapter's `ready.profile`); `nil`: it said
    /// none (chat completions).
    var profile: Scenario.StreamAnswer.Profile? { get }

    /// Plays every copy of `turn` (`concurrently` of them, at once) and returns each copy's
    /// outcome, in copy order, once every copy has ended and the engine is idle.
    func play(_ turn: Turn) async throws -> [TurnOutcome]
    /// Whether `requestID` of `conversationID` already has a stored answer; `nil` when the
    /// engine reports no events.
    func hasAnswer(conversationID: String, requestID: String) async throws -> Bool?
    /// What the engine persisted; `nil` without the `events` capability.
    func persisted() async throws -> PersistedEvents?
    /// How many events were committed so far, for the writes of each turn; `nil` when the
    /// engine reports them only at the end.
    var writesSoFar: Int? { get async }
}

extension EngineSession {
    package var profile: Scenario.StreamAnswer.Profile? { nil }
}

// MARK: - In process

/// Our own `ChatEngine`, in this process, on the harness's virtual clock and seeded ids, with a
/// fresh SQLite file per session.
package struct InProcessEngine: EngineUnderTest {
    package init() {}

    package var label: String { "ChatEngine (in process)" }
    package var carriesVirtualClock: Bool { true }
    package var knownToLackVirtualClock: Bool { false }

    package func withSession<T: Sendable>(
        _ setup: EngineSetup,
        _ body: (any EngineSession) async throws -> T
    ) async throws -> T {
        let store = try EventStore.temporary()
        defer { try? store.close() }
        let writes = WriteLog()
        let timeline = setup.timeline
        store.setWriteObserver { events in
            writes.append(events)
            timeline?.committed(events)
        }
        let session: InProcessSession
        do throws(ChatEngineError) {
            let engine = try ChatEngine(
                configuration: setup.configuration,
                store: store,
                tools: setup.tools,
                dependencies: setup.dependencies,
                logger: setup.logger
            )
            session = InProcessSession(engine: engine, store: store, writes: writes, refusal: nil)
        } catch {
            session = InProcessSession(engine: nil, store: store, writes: writes, refusal: ThrownError(error))
        }
        let result = try await body(session)
        await session.engine?.waitUntilIdle()
        return result
    }
}

/// A session of ``InProcessEngine``.
struct InProcessSession: EngineSession {
    let engine: ChatEngine?
    let store: EventStore
    let writes: WriteLog
    let refusal: ThrownError?

    var capabilities: EngineCapabilities { [.events, .writes, .concurrency, .clock] }
    var engineName: String { "ChatEngine" }

    func play(_ turn: Turn) async throws -> [TurnOutcome] {
        guard let engine else { return [] }
        // Every copy is started here, in copy order, then they are read at once.
        let streams = (0..<turn.concurrently).map { _ in
            Result { () throws(ChatEngineError) in
                try engine.processMessage(conversationID: turn.conversation, text: turn.user, requestID: turn.requestID)
            }
        }
        let outcomes = await TurnOutcome.copies(streams.count) { copy in
            switch streams[copy] {
            case .success(let messages):
                var collected: [ChatMessage] = []
                for await message in messages { collected.append(message) }
                return TurnOutcome(messages: collected, thrown: nil)
            case .failure(let error):
                return TurnOutcome(messages: [], thrown: ThrownError(error))
            }
        }
        await engine.waitUntilIdle()
        return outcomes
    }

    func hasAnswer(conversationID: String, requestID: String) async throws -> Bool? {
        (try self.store.event(conversationID: conversationID, requestID: "assistant:\(requestID)")) != nil
    }

    var writesSoFar: Int? {
        get async {
            await self.engine?.waitUntilIdle()
            return self.writes.count
        }
    }

    func persisted() async throws -> PersistedEvents? {
        await self.engine?.waitUntilIdle()
        return PersistedEvents(events: try self.store.allEvents(), writes: self.writes.all)
    }
}
