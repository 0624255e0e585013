import Foundation
import OrderedCollections
import StreamReplayEngine
import Synchronization
import Testing

/// The event store against the contract's "Persisted events" and "Idempotency": each test opens
/// its own temporary SQLite file; concurrency tests use task groups, never sleeps or timings.
struct EventStoreTests {
    // MARK: - Events

    private static let createdAt = "2026-01-01T00:00:00.250Z"

    private static func user(
        _ requestID: String,
        in conversation: String = "c1",
        _ text: String = "hello"
    ) -> NewEvent {
        NewEvent(
            id: UUID().uuidString,
            conversationID: conversation,
            type: "user_message",
            role: "user",
            content: text,
            createdAt: createdAt,
            extra: ["request_id": .string(requestID)]
        )
    }

    private static func delta(
        of requestID: String,
        hop: Int64 = 0,
        _ text: String,
        in conversation: String = "c1"
    )
        -> NewEvent
    {
        NewEvent(
            id: UUID().uuidString,
            conversationID: conversation,
            type: "meta",
            role: nil,
            content: text,
            createdAt: createdAt,
            extra: [
                "kind": "assistant_delta",
                "user_request_id": .string(requestID),
                "hop_number": .int(hop),
                "request_id": .string(
                    "assistant_delta:\(requestID):\(hop):1767225600250:\(UUID().uuidString.prefix(8))"
                ),
                "batched": true,
            ]
        )
    }

    private static func toolResult(
        of requestID: String,
        hop: Int,
        index: Int,
        in conversation: String = "c1"
    )
        -> NewEvent
    {
        NewEvent(
            id: UUID().uuidString,
            conversationID: conversation,
            type: "tool_result",
            role: "tool",
            content: "42",
            toolCallID: "call_\(hop)_\(index)",
            createdAt: createdAt,
            extra: [
                "tool_call_id": .string("call_\(hop)_\(index)"),
                "request_id": .string("tool:\(requestID):\(hop):\(index)"),
            ]
        )
    }

    private static func answer(of requestID: String, _ text: String, in conversation: String = "c1") -> NewEvent {
        NewEvent(
            id: UUID().uuidString,
            conversationID: conversation,
            type: "assistant_message",
            role: "assistant",
            content: text,
            model: "gpt-test",
            createdAt: createdAt,
            extra: [
                "user_request_id": .string(requestID),
                "request_id": .string("assistant:\(requestID)"),
                "finish_reason": "stop",
            ]
        )
    }

    /// Runs `body` and returns the ``EventStoreError`` it throws; fails the test when it throws nothing.
    private static func storeError(_ body: () throws -> Void) throws -> EventStoreError {
        do {
            try body()
        } catch let error as EventStoreError {
            return error
        }
        Issue.record("expected an EventStoreError")
        return EventStoreError(code: .databaseError, message: "nothing was thrown")
    }

    // MARK: - Schema

    @Test func schemaHasTheContractColumnsAndUniqueIndexes() throws {
        let store = try EventStore.temporary()
        defer { try? store.close() }
        let schema = try store.schema()
        let events = try #require(schema["chat_events"])

        let columns = events.columns.map { "\($0.name) \($0.type)\($0.isNotNull ? " NOT NULL" : "")" }
        #expect(
            columns == [
                "id TEXT NOT NULL", "conversation_id TEXT NOT NULL", "seq INTEGER NOT NULL", "type TEXT NOT NULL",
                "role TEXT", "content TEXT NOT NULL", "tool_calls TEXT", "tool_call_id TEXT", "model TEXT",
                "created_at TEXT NOT NULL", "extra TEXT NOT NULL", "request_id TEXT",
            ]
        )
        #expect(events.columns.filter(\.isPrimaryKey).map(\.name) == ["id"])

        let unique = events.indexes.filter(\.isUnique)
        let requestIndex = try #require(unique.first { $0.columns == ["conversation_id", "request_id"] })
        #expect(requestIndex.isPartial)
        #expect(requestIndex.sql?.contains("WHERE request_id IS NOT NULL") == true)
        let seqIndex = try #require(unique.first { $0.columns == ["conversation_id", "seq"] })
        #expect(!seqIndex.isPartial)

        let sequences = try #require(schema["chat_sequences"])
        #expect(sequences.columns.map(\.name) == ["ordinal", "conversation_id", "last_seq"])
    }

    // MARK: - seq

    @Test func seqStartsAtOneAndIncreasesPerConversation() throws {
        let store = try EventStore.temporary()
        defer { try? store.close() }
        let a1 = try store.append(Self.user("r1", in: "a"))
        let b1 = try store.append(Self.user("r1", in: "b"))
        let a2 = try store.append(Self.delta(of: "r1", "x", in: "a"))
        let a3 = try store.append(Self.answer(of: "r1", "x", in: "a"))
        let b2 = try store.append(Self.answer(of: "r1", "y", in: "b"))

        #expect([a1.seq, a2.seq, a3.seq] == [1, 2, 3])
        #expect([b1.seq, b2.seq] == [1, 2])
        #expect(try store.events(conversationID: "a") == [a1, a2, a3])
        #expect(try store.events(conversationID: "b") == [b1, b2])
    }

    @Test func anEmbedderReadsItsHistoryWithTheMetadataAsJSONText() throws {
        let store = try EventStore.temporary()
        defer { try? store.close() }
        _ = try store.append(Self.user("r1", in: "a"))
        _ = try store.append(Self.delta(of: "r1", "x", in: "a"))
        let events = try store.events(conversationID: "a")
        #expect(events.map(\.type) == ["user_message", "meta"])
        #expect(events.first?.extraJSON == #"{"request_id":"r1"}"#)
        #expect(
            events.last?.extraJSON.hasPrefix(#"{"kind":"assistant_delta","user_request_id":"r1","hop_number":0,"#)
                == true
        )
        #expect(try store.events(conversationID: "unknown").isEmpty)
    }

    @Test func seqIsNotReusedAfterCompactionDeletesTheNewestRows() throws {
        let store = try EventStore.temporary()
        defer { try? store.close() }
        _ = try store.append(Self.user("r1"))
        _ = try store.append(Self.delta(of: "r1", "Hel"))
        _ = try store.append(Self.delta(of: "r1", "lo"))

        // The deltas (seq 2 and 3) are the newest rows; MAX(seq) + 1 would hand out 2 again.
        let answer = try store.compact(
            conversationID: "c1",
            userRequestID: "r1",
            answer: Self.answer(of: "r1", "Hello")
        )
        #expect(answer.seq == 4)
        let next = try store.append(Self.user("r2"))
        #expect(next.seq == 5)
        #expect(try store.events(conversationID: "c1").map(\.seq) == [1, 4, 5])
    }

    // MARK: - Duplicates

    @Test func duplicateRequestIDThrowsWritesNothingAndConsumesNoSeq() throws {
        let store = try EventStore.temporary()
        defer { try? store.close() }
        let first = try store.append(Self.user("r1", "first"))

        let error = try Self.storeError { _ = try store.append(Self.user("r1", "second")) }
        #expect(error.code == .duplicateRequestID)
        #expect(error.cause != nil)
        #expect(try store.events(conversationID: "c1") == [first])

        let next = try store.append(Self.user("r2"))
        #expect(next.seq == 2)
    }

    @Test func sameRequestIDInAnotherConversationIsNotADuplicate() throws {
        let store = try EventStore.temporary()
        defer { try? store.close() }
        _ = try store.append(Self.user("r1", in: "a"))
        let other = try store.append(Self.user("r1", in: "b"))
        #expect(other.seq == 1)
    }

    @Test func eventsWithoutRequestIDAreNeverDuplicates() throws {
        let store = try EventStore.temporary()
        defer { try? store.close() }
        let plain = NewEvent(
            id: UUID().uuidString,
            conversationID: "c1",
            type: "meta",
            role: nil,
            content: "note",
            createdAt: Self.createdAt,
            extra: ["request_id": 7]  // not a string: no request id
        )
        let first = try store.append(plain)
        var copy = plain
        copy.id = UUID().uuidString
        let second = try store.append(copy)
        #expect(first.requestID == nil)
        #expect([first.seq, second.seq] == [1, 2])
    }

    @Test func duplicateEventIDThrowsAndConsumesNoSeq() throws {
        let store = try EventStore.temporary()
        defer { try? store.close() }
        let first = try store.append(Self.user("r1"))
        var clash = Self.user("r2")
        clash.id = first.id

        let error = try Self.storeError { _ = try store.append(clash) }
        #expect(error.code == .duplicateEventID)
        #expect(try store.append(Self.user("r3")).seq == 2)
    }

    @Test func extraThatIsNotAnObjectIsRefused() throws {
        let store = try EventStore.temporary()
        defer { try? store.close() }
        var event = Self.user("r1")
        event.extra = ["request_id", "r1"]

        let error = try Self.storeError { _ = try store.append(event) }
        #expect(error.code == .invalidEvent)
        #expect(try store.allEvents().isEmpty)
        #expect(try store.append(Self.user("r1")).seq == 1)
    }

    // MARK: - Compaction

    @Test func compactDeletesOnlyThatTurnsDeltasAndInsertsTheAnswer() throws {
        let store = try EventStore.temporary()
        defer { try? store.close() }
        let user1 = try store.append(Self.user("r1"))
        _ = try store.append(Self.delta(of: "r1", "Hel"))
        let otherTurn = try store.append(Self.delta(of: "r2", "other"))
        let tool = try store.append(Self.toolResult(of: "r1", hop: 0, index: 0))
        _ = try store.append(Self.delta(of: "r1", hop: 1, "lo"))

        let answer = try store.compact(
            conversationID: "c1",
            userRequestID: "r1",
            answer: Self.answer(of: "r1", "Hello")
        )
        #expect(answer.requestID == "assistant:r1")
        #expect(answer.model == "gpt-test")
        #expect(try store.events(conversationID: "c1") == [user1, otherTurn, tool, answer])
    }

    @Test func compactIsAtomicWhenTheAnswerIsADuplicate() throws {
        let store = try EventStore.temporary()
        defer { try? store.close() }
        _ = try store.append(Self.user("r1"))
        _ = try store.append(Self.answer(of: "r1", "already answered"))
        _ = try store.append(Self.delta(of: "r1", "Hel"))
        _ = try store.append(Self.delta(of: "r1", "lo"))
        let before = try store.events(conversationID: "c1")

        let error = try Self.storeError {
            _ = try store.compact(conversationID: "c1", userRequestID: "r1", answer: Self.answer(of: "r1", "Hello"))
        }
        #expect(error.code == .duplicateRequestID)
        #expect(try store.events(conversationID: "c1") == before)
        #expect(try store.append(Self.user("r2")).seq == 5)
    }

    @Test func compactRefusesAnAnswerOfAnotherConversation() throws {
        let store = try EventStore.temporary()
        defer { try? store.close() }
        _ = try store.append(Self.delta(of: "r1", "Hel"))
        let error = try Self.storeError {
            _ = try store.compact(
                conversationID: "c1",
                userRequestID: "r1",
                answer: Self.answer(of: "r1", "x", in: "c2")
            )
        }
        #expect(error.code == .invalidEvent)
        #expect(try store.allEvents().count == 1)
    }

    // MARK: - Retry claims

    @Test func claimRetryDeletesLeftoversOfThatRequestOnly() throws {
        let store = try EventStore.temporary()
        defer { try? store.close() }
        let user1 = try store.append(Self.user("r1"))
        _ = try store.append(Self.delta(of: "r1", "partial"))
        _ = try store.append(Self.toolResult(of: "r1", hop: 0, index: 0))
        _ = try store.append(Self.toolResult(of: "r1", hop: 1, index: 12))
        // "r1:2" starts like "r1:" too: its tool results "tool:r1:2:0:0" must survive.
        let user2 = try store.append(Self.user("r1:2"))
        let delta2 = try store.append(Self.delta(of: "r1:2", "kept"))
        let tool2 = try store.append(Self.toolResult(of: "r1:2", hop: 0, index: 0))
        let otherConversation = try store.append(Self.toolResult(of: "r1", hop: 0, index: 0, in: "c2"))

        #expect(try store.claimRetry(conversationID: "c1", requestID: "r1"))
        #expect(try store.events(conversationID: "c1") == [user1, user2, delta2, tool2])
        #expect(try store.events(conversationID: "c2") == [otherConversation])
    }

    @Test func claimRetrySaysWhetherTheUserMessageExists() throws {
        let store = try EventStore.temporary()
        defer { try? store.close() }
        _ = try store.append(Self.user("r1"))
        #expect(try store.claimRetry(conversationID: "c1", requestID: "r1"))
        #expect(try !store.claimRetry(conversationID: "c1", requestID: "r2"))
        #expect(try !store.claimRetry(conversationID: "c2", requestID: "r1"))
    }

    @Test func claimRetryKeepsTheToolResultsOfAnAnsweredRequest() throws {
        let store = try EventStore.temporary()
        defer { try? store.close() }
        _ = try store.append(Self.user("r1"))
        _ = try store.append(Self.toolResult(of: "r1", hop: 0, index: 0))
        _ = try store.append(Self.answer(of: "r1", "done"))
        let before = try store.events(conversationID: "c1")

        #expect(try store.claimRetry(conversationID: "c1", requestID: "r1"))
        #expect(try store.events(conversationID: "c1") == before)
    }

    // MARK: - Text verbatim (NUL included)

    /// Every text column read back byte for byte, a NUL in each: the contract's "Persisted events",
    /// first paragraph. Before the fix GRDB's `String` binding stored each up to its NUL.
    @Test func everyTextColumnKeepsANulByteForByte() throws {
        let store = try EventStore.temporary()
        defer { try? store.close() }
        let nul = "\u{0}"
        let event = NewEvent(
            id: "id\(nul)1",
            conversationID: "conv\(nul)A",
            type: "tool\(nul)result",
            role: "to\(nul)ol",
            content: "a\(nul)b end",
            toolCallID: "call\(nul)1",
            model: "mo\(nul)del",
            createdAt: "2026\(nul)Z",
            extra: ["request_id": .string("r\(nul)1"), "note": .string("x\(nul)y")]
        )
        let written = try store.append(event)
        let expected = StoredEvent(
            id: event.id,
            conversationID: event.conversationID,
            seq: 1,
            type: event.type,
            role: event.role,
            content: event.content,
            toolCallID: event.toolCallID,
            model: event.model,
            createdAt: event.createdAt,
            extra: event.extra
        )
        #expect(written == expected)
        #expect(try store.allEvents() == [expected])
        #expect(try store.events(conversationID: "conv\(nul)A") == [expected])
        #expect(try store.events(conversationID: "conv").isEmpty)
        #expect(try store.event(conversationID: "conv\(nul)A", requestID: "r\(nul)1") == expected)
        #expect(try store.event(conversationID: "conv\(nul)A", requestID: "r") == nil)
        #expect(expected.requestID == "r\(nul)1")
    }

    @Test func emptyTextsStayEmptyNotNull() throws {
        let store = try EventStore.temporary()
        defer { try? store.close() }
        let written = try store.append(
            NewEvent(
                id: UUID().uuidString,
                conversationID: "",
                type: "assistant_message",
                role: "",
                content: "",
                toolCallID: "",
                model: "",
                createdAt: Self.createdAt,
                extra: ["request_id": ""]
            )
        )
        let read = try #require(try store.allEvents().first)
        #expect(read == written)
        #expect(read.role == "" && read.toolCallID == "" && read.model == "" && read.requestID == "")
        #expect(read.content.isEmpty && read.conversationID.isEmpty)
    }

    @Test func requestIDsThatDifferAfterANulAreDistinct() throws {
        let store = try EventStore.temporary()
        defer { try? store.close() }
        let first = try store.append(Self.user("a\u{0}x", "one"))
        let second = try store.append(Self.user("a\u{0}y", "two"))
        #expect(first.seq == 1 && second.seq == 2)
        #expect(try store.event(conversationID: "c1", requestID: "a\u{0}y")?.content == "two")
        let error = try Self.storeError { _ = try store.append(Self.user("a\u{0}x", "again")) }
        #expect(error.code == .duplicateRequestID)
        // Conversations that differ after a NUL are two conversations, each with its own seq.
        let other = try store.append(Self.user("a\u{0}x", in: "c1\u{0}2"))
        #expect(other.seq == 1)
    }

    @Test func compactionAndRetryClaimsMatchIdsWithANulExactly() throws {
        let store = try EventStore.temporary()
        defer { try? store.close() }
        let rid = "r\u{0}1"
        let sibling = "r\u{0}2"
        _ = try store.append(Self.user(rid))
        _ = try store.append(Self.delta(of: rid, "partial"))
        _ = try store.append(Self.toolResult(of: rid, hop: 0, index: 0))
        let siblingUser = try store.append(Self.user(sibling))
        let siblingDelta = try store.append(Self.delta(of: sibling, "kept"))
        let siblingTool = try store.append(Self.toolResult(of: sibling, hop: 0, index: 0))
        let cut = try store.append(Self.toolResult(of: "r", hop: 0, index: 0))

        #expect(try store.claimRetry(conversationID: "c1", requestID: rid))
        let afterClaim = try store.events(conversationID: "c1").map(\.seq)
        #expect(afterClaim == [1, siblingUser.seq, siblingDelta.seq, siblingTool.seq, cut.seq])

        _ = try store.compact(conversationID: "c1", userRequestID: sibling, answer: Self.answer(of: sibling, "kept"))
        let types = try store.events(conversationID: "c1").map(\.type)
        #expect(types == ["user_message", "user_message", "tool_result", "tool_result", "assistant_message"])
    }

    // MARK: - Reading

    @Test func historyReturnsTheNewestUserAndAssistantEventsOldestFirst() throws {
        let store = try EventStore.temporary()
        defer { try? store.close() }
        var conversation: [StoredEvent] = []
        for turn in 1...4 {
            conversation.append(try store.append(Self.user("r\(turn)", "question \(turn)")))
            _ = try store.append(Self.delta(of: "r\(turn)", "answer"))
            _ = try store.append(Self.toolResult(of: "r\(turn)", hop: 0, index: 0))
            conversation.append(try store.append(Self.answer(of: "r\(turn)", "answer \(turn)")))
        }
        let current = try store.append(Self.user("r5", "question 5"))
        _ = try store.append(Self.user("r1", in: "c2"))

        let history = try store.history(conversationID: "c1", beforeSeq: current.seq, limit: 5)
        #expect(history == Array(conversation.suffix(5)))
        #expect(history.map(\.content) == ["answer 2", "question 3", "answer 3", "question 4", "answer 4"])
        #expect(try store.history(conversationID: "c1", beforeSeq: current.seq, limit: 50) == conversation)
        #expect(
            try store.history(conversationID: "c1", beforeSeq: conversation[2].seq, limit: 50) == [
                conversation[0], conversation[1],
            ]
        )
        #expect(try store.history(conversationID: "c1", beforeSeq: current.seq, limit: 0).isEmpty)
        #expect(try store.history(conversationID: "c1", beforeSeq: 1, limit: 50).isEmpty)
    }

    @Test func eventFindsTheRowOfARequestID() throws {
        let store = try EventStore.temporary()
        defer { try? store.close() }
        let user = try store.append(Self.user("r1"))
        let answer = try store.append(Self.answer(of: "r1", "hi"))

        #expect(try store.event(conversationID: "c1", requestID: "r1") == user)
        #expect(try store.event(conversationID: "c1", requestID: "assistant:r1") == answer)
        #expect(try store.event(conversationID: "c1", requestID: "r2") == nil)
        #expect(try store.event(conversationID: "c2", requestID: "r1") == nil)
    }

    @Test func extraRoundTripsAsJSONWithKeyOrder() throws {
        let store = try EventStore.temporary()
        defer { try? store.close() }
        let extra: JSONValue = [
            "zeta": 1,
            "request_id": "assistant:r1",
            "alpha": ["nested": true, "b": 2.5, "a": nil],
            "usage": ["prompt_tokens": 12, "completion_tokens": 3, "total_tokens": 15],
            "error": ["code": "stream_interrupted", "message": "cut \"mid\" stream\n…"],
            "partial": true,
            "list": [1, "two", 3.0, []],
        ]
        var event = Self.answer(of: "r1", "text ⚠️ stays verbatim\r\n")
        event.extra = extra

        let stored = try store.append(event)
        let read = try #require(try store.events(conversationID: "c1").first)
        #expect(read == stored)
        #expect(read.extra == extra)
        #expect(
            read.extra.compactJSON
                == #"{"zeta":1,"request_id":"assistant:r1","alpha":{"nested":true,"b":2.5,"a":null},"#
                + #""usage":{"prompt_tokens":12,"completion_tokens":3,"total_tokens":15},"#
                + #""error":{"code":"stream_interrupted","message":"cut \"mid\" stream\n…"},"#
                + #""partial":true,"list":[1,"two",3.0,[]]}"#
        )
        #expect(
            read.extra.objectValue?.keys.elements == [
                "zeta", "request_id", "alpha", "usage", "error", "partial", "list",
            ]
        )
        #expect(read.requestID == "assistant:r1")
        #expect(read.content == "text ⚠️ stays verbatim\r\n")
        #expect(read.toolCalls == nil)
    }

    @Test func allEventsOrdersConversationsByFirstCommittedWrite() throws {
        let store = try EventStore.temporary()
        defer { try? store.close() }
        let b1 = try store.append(Self.user("r1", in: "b"))
        // A failed first write of "a" does not give "a" its place.
        var clash = Self.user("r1", in: "a")
        clash.id = b1.id
        #expect(try Self.storeError { _ = try store.append(clash) }.code == .duplicateEventID)
        let c1 = try store.append(Self.user("r1", in: "c"))
        let a1 = try store.append(Self.user("r1", in: "a"))
        let b2 = try store.append(Self.user("r2", in: "b"))
        let c2 = try store.append(Self.user("r2", in: "c"))

        #expect(a1.seq == 1)
        #expect(try store.allEvents() == [b1, b2, c1, c2, a1])
    }

    // MARK: - Observer

    @Test func writeObserverSeesEveryCommittedInsertInCommitOrder() throws {
        let store = try EventStore.temporary()
        defer { try? store.close() }
        let observed = Mutex<[[StoredEvent]]>([])
        store.setWriteObserver { events in observed.withLock { $0.append(events) } }

        let user = try store.append(Self.user("r1"))
        let delta1 = try store.append(Self.delta(of: "r1", "Hel"))
        let tool = try store.append(Self.toolResult(of: "r1", hop: 0, index: 0))
        let delta2 = try store.append(Self.delta(of: "r1", hop: 1, "lo"))
        _ = try? store.append(Self.user("r1"))  // a duplicate: rolled back, not observed
        #expect(try store.claimRetry(conversationID: "c9", requestID: "r1") == false)  // deletes only
        let answer = try store.compact(
            conversationID: "c1",
            userRequestID: "r1",
            answer: Self.answer(of: "r1", "Hello")
        )

        #expect(observed.withLock { $0 } == [[user], [delta1], [tool], [delta2], [answer]])
        #expect(try store.events(conversationID: "c1") == [user, tool, answer])

        store.setWriteObserver(nil)
        _ = try store.append(Self.user("r2"))
        #expect(observed.withLock { $0.count } == 5)
    }

    // MARK: - Concurrency

    @Test func fiftyConcurrentWritersGetSeqOneThroughFifty() async throws {
        let store = try EventStore.temporary()
        defer { try? store.close() }
        let observedSeqs = Mutex<[Int64]>([])
        store.setWriteObserver { events in observedSeqs.withLock { $0 += events.map(\.seq) } }
        let events = (1...50).map { Self.user("r\($0)") }

        let stored = try await withThrowingTaskGroup(of: StoredEvent.self) { group in
            for event in events {
                group.addTask { try store.append(event) }
            }
            var stored: [StoredEvent] = []
            for try await event in group { stored.append(event) }
            return stored
        }

        #expect(stored.map(\.seq).sorted() == Array(1...50))
        let rows = try store.events(conversationID: "c1")
        #expect(rows.count == 50)
        #expect(rows.map(\.seq) == Array(1...50))
        #expect(Set(rows.map(\.requestID)).count == 50)
        #expect(Set(rows) == Set(stored))
        // Commit order is seq order.
        #expect(observedSeqs.withLock { $0 } == Array(1...50))
    }

    @Test func fiftyConcurrentAppendsOfOneRequestIDLeaveOneRow() async throws {
        let store = try EventStore.temporary()
        defer { try? store.close() }
        let events = (1...50).map { Self.user("same", "attempt \($0)") }

        let outcomes = try await withThrowingTaskGroup(of: EventStoreError.Code?.self) { group in
            for event in events {
                group.addTask {
                    do {
                        _ = try store.append(event)
                        return nil
                    } catch let error as EventStoreError {
                        return error.code
                    }
                }
            }
            var outcomes: [EventStoreError.Code?] = []
            for try await outcome in group { outcomes.append(outcome) }
            return outcomes
        }

        #expect(outcomes.filter { $0 == nil }.count == 1)
        #expect(outcomes.filter { $0 == .duplicateRequestID }.count == 49)
        let rows = try store.events(conversationID: "c1")
        #expect(rows.count == 1)
        #expect(rows.first?.seq == 1)
        #expect(try store.append(Self.user("next")).seq == 2)
    }

    // MARK: - Files

    @Test func reopeningAFileKeepsTheData() throws {
        let directory = FileManager.default.temporaryDirectory.appending(path: "EventStoreTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appending(path: "events.sqlite").path(percentEncoded: false)

        let written: [StoredEvent]
        do {
            let store = try EventStore(path: path)
            _ = try store.append(Self.user("r1", in: "b"))
            _ = try store.append(Self.user("r1", in: "a"))
            _ = try store.append(Self.delta(of: "r1", "Hi", in: "a"))
            _ = try store.compact(
                conversationID: "a",
                userRequestID: "r1",
                answer: Self.answer(of: "r1", "Hi", in: "a")
            )
            written = try store.allEvents()
            try store.close()
        }

        let reopened = try EventStore(path: path)
        defer { try? reopened.close() }
        #expect(try reopened.allEvents() == written)
        // The counter survives too: seq 2 of "a" was compacted away and stays unused.
        #expect(try reopened.append(Self.user("r2", in: "a")).seq == 4)
        #expect(try reopened.schema()["chat_events"] != nil)
        #expect(FileManager.default.fileExists(atPath: path))
    }

    @Test func temporaryStoreDeletesItsFileOnClose() throws {
        let store = try EventStore.temporary()
        _ = try store.append(Self.user("r1"))
        #expect(FileManager.default.fileExists(atPath: store.path))

        try store.close()
        #expect(!FileManager.default.fileExists(atPath: store.path))
        let error = try Self.storeError { _ = try store.events(conversationID: "c1") }
        #expect(error.code == .databaseError)
        try store.close()  // closing twice does nothing
    }

    @Test func openingAPathInAMissingDirectoryFails() throws {
        let path = FileManager.default.temporaryDirectory
            .appending(path: "EventStoreTests-missing-\(UUID().uuidString)/events.sqlite")
            .path(percentEncoded: false)
        let error = try Self.storeError { _ = try EventStore(path: path) }
        #expect(error.code == .databaseError)
        #expect(error.description.hasPrefix("databaseError: cannot open the event store"))
    }
}
