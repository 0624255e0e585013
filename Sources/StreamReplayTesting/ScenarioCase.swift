import Foundation
import StreamReplayEngine
import StreamReplayRunner
import StreamReplayScenario
public import Testing

/// One scenario file as a Swift Testing case: `@Test(arguments: ScenarioCase.all(in:))`, then
/// ``check(against:timeout:)`` inside the test.
///
/// ```swift
/// import StreamReplayTesting
/// import Testing
///
/// @Test(arguments: try ScenarioCase.all(in: "scenarios"))
/// func scenario(_ scenario: ScenarioCase) async {
///     await scenario.check(against: MyEngine())
/// }
/// ```
///
/// A failing scenario records one issue: its first divergence (expected against actual, then
/// every other finding and the transcript), at the scenario file's line of the failing
/// expectation. A skipped one (it needs the virtual clock, or nothing it asserts can be checked)
/// records nothing.
public struct ScenarioCase: Sendable, CustomTestStringConvertible {
    /// The scenario file, as found.
    public var file: String

    /// The file, shown as the test case's argument.
    public var testDescription: String { self.file }

    /// A case for one scenario file.
    ///
    /// - Parameter file: The path of a `.yaml` scenario file.
    public init(file: String) {
        self.file = file
    }

    /// Every scenario file in `paths` (files, or folders searched for `.yaml` and `.yml`), in
    /// sorted path order; relative paths are resolved against the current directory, which
    /// `swift test` sets to the package's root.
    ///
    /// - Parameter paths: Scenario files or folders.
    /// - Returns: One case per file.
    /// - Throws: `ScenarioError` when a path does not exist.
    public static func all(in paths: String...) throws -> [ScenarioCase] {
        try ScenarioDiscovery.files(in: paths).map(ScenarioCase.init(file:))
    }

    /// Plays the scenario against `engine` and records an issue when it fails: a wrong file,
    /// a broken expectation or invariant, or a run longer than `timeout`.
    ///
    /// - Parameters:
    ///   - engine: The engine under test.
    ///   - timeout: Real time the scenario may take.
    /// - Returns: The verdict: `pass`, `fail`, `error` or `skipped`.
    @discardableResult
    public func check(against engine: some ScenarioEngine, timeout: Duration = .seconds(30)) async -> String {
        let runner = ScenarioRunner(options: .init(jobs: 1, timeout: timeout, engine: SwiftEngine(engine)))
        let summary = await runner.run(files: [self.file])
        guard let result = summary.results.first else { return "error" }
        switch result.verdict {
        case .pass, .skipped:
            break
        case .fail, .error:
            // The runner located the failing expectation (or the file's first problem).
            let line = result.line
            var message = result.diagnostics.map(\.description).joined(separator: "\n")
            if message.isEmpty { message = TextReport.failureBody(result) }
            Issue.record(
                Comment(rawValue: "\(result.name): \(message)"),
                sourceLocation: SourceLocation(
                    fileID: "scenarios/" + URL(fileURLWithPath: self.file).lastPathComponent,
                    filePath: URL(fileURLWithPath: self.file).standardizedFileURL.path,
                    line: line,
                    column: 1
                )
            )
        }
        return result.verdict.rawValue
    }
}

/// A ``ScenarioEngine`` behind the runner's seam.
struct SwiftEngine<Engine: ScenarioEngine>: EngineUnderTest {
    let engine: Engine

    init(_ engine: Engine) {
        self.engine = engine
    }

    var label: String { String(describing: Engine.self) }
    var carriesVirtualClock: Bool { self.engine.carriesVirtualClock }
    var knownToLackVirtualClock: Bool { !self.engine.carriesVirtualClock }

    func withSession<T: Sendable>(
        _ setup: EngineSetup,
        _ body: (any EngineSession) async throws -> T
    ) async throws -> T {
        let context = ScenarioContext(
            configuration: setup.configuration,
            tools: setup.tools,
            dependencies: setup.dependencies,
            scenarioName: setup.scenarioName
        )
        let session: SwiftEngineSession
        do {
            let started = try await self.engine.start(context)
            // An engine that reports events reports a list (empty at first); `nil` means never.
            let reportsEvents = try await started.events() != nil
            session = SwiftEngineSession(
                session: started,
                refusal: nil,
                reportsEvents: reportsEvents,
                carriesClock: self.engine.carriesVirtualClock
            )
        } catch let error as ChatEngineError {
            session = SwiftEngineSession(
                session: nil,
                refusal: ThrownError(error),
                reportsEvents: false,
                carriesClock: self.engine.carriesVirtualClock
            )
        }
        return try await body(session)
    }
}

/// A session of ``SwiftEngine``.
struct SwiftEngineSession: EngineSession {
    let session: (any ScenarioEngineSession)?
    let refusal: ThrownError?
    let reportsEvents: Bool

    let carriesClock: Bool

    var capabilities: EngineCapabilities {
        var capabilities: EngineCapabilities = self.reportsEvents ? [.events, .concurrency] : [.concurrency]
        if self.carriesClock { capabilities.insert(.clock) }
        return capabilities
    }
    var engineName: String { "swift" }
    var writesSoFar: Int? { get async { nil } }

    func play(_ turn: Turn) async throws -> [TurnOutcome] {
        guard let session else { return [] }
        return await TurnOutcome.copies(turn.concurrently) { _ in
            do {
                var messages: [ChatMessage] = []
                for await message in try await session.send(
                    conversationID: turn.conversation,
                    requestID: turn.requestID,
                    text: turn.user
                ) {
                    messages.append(message)
                }
                return TurnOutcome(messages: messages, thrown: nil)
            } catch let error as ChatEngineError {
                return TurnOutcome(messages: [], thrown: ThrownError(error))
            } catch {
                return TurnOutcome(messages: [], thrown: ThrownError(code: "thrown", message: "\(error)"))
            }
        }
    }

    func hasAnswer(conversationID: String, requestID: String) async throws -> Bool? { nil }

    func persisted() async throws -> PersistedEvents? {
        guard let session, self.reportsEvents, let events = try await session.events() else { return nil }
        return PersistedEvents(unordered: events, writes: nil)
    }
}
