import Foundation
import StreamReplayEngine
import StreamReplayTestSupport
import StreamReplayTesting
import Synchronization
import Testing

/// The testing product as a Swift backend uses it: a scenario folder as test cases against an
/// engine in process.
struct ScenarioCaseTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static let bundled: [ScenarioCase] =
        (try? ScenarioCase.all(in: repository.appendingPathComponent("scenarios").path)) ?? []

    @Test(arguments: Self.bundled)
    func bundledScenarioAgainstChatEngine(_ scenario: ScenarioCase) async {
        let verdict = await scenario.check(against: ChatEngineUnderTest())
        #expect(verdict == "pass" || verdict == "skipped", "\(scenario.file)")
    }

    @Test func theBundledLibraryIsFound() {
        #expect(Self.bundled.count >= 100)
    }

    /// An engine that answers every turn with one fixed text and never calls the model.
    struct Parrot: ScenarioEngine {
        struct Session: ScenarioEngineSession {
            func send(conversationID: String, requestID: String, text: String) async throws -> AsyncStream<ChatMessage>
            {
                AsyncStream { continuation in
                    continuation.yield(
                        ChatMessage(type: .text, content: "Goodbye", metadata: [("type", .string("delta"))])
                    )
                    continuation.finish()
                }
            }
        }

        func start(_ context: ScenarioContext) async throws -> any ScenarioEngineSession { Session() }
    }

    @Test func aFailingScenarioIsOneIssueAtTheLineOfTheFailingExpectation() async throws {
        let dir = try CLIProcess.temporaryFolder(
            [
                "greeting.yaml": """
                name: greets
                turns: [ { user: hi } ]
                llm: [ { stream: [ { text: Hello }, { finish: stop } ] } ]
                expect:
                  messages:
                    - { type: text, content: Hello }
                """
            ],
            prefix: "sr-testing"
        )
        let scenario = try #require(try ScenarioCase.all(in: dir).first)
        let recorded = Mutex<[Issue]>([])
        await withKnownIssue {
            await scenario.check(against: Parrot())
        } matching: { issue in
            recorded.withLock { $0.append(issue) }
            return true
        }
        let issues = recorded.withLock { $0 }
        #expect(issues.count == 1)
        let issue = try #require(issues.first)
        #expect(issue.sourceLocation?.line == 6, "the line of `- { type: text, content: Hello }`")
        #expect(issue.sourceLocation?.fileName == "greeting.yaml")
        let text = String(describing: issue)
        #expect(text.contains("expect.messages[0].content"))
        #expect(text.contains("Goodbye"))
    }
}
