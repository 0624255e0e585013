import Foundation
import GRDB
import Synchronization

/// The engine's event store: the `chat_events` table of the contract, in one SQLite file.
///
/// Every write is one SQLite transaction that allocates the `seq` of the events it inserts from a
/// per-conversation counter (`chat_sequences`), so `seq` starts at 1, increases in write order
/// and is never reused, also after compaction deleted the newest rows. A write that fails, such
/// as a duplicate request id, rolls back whole: it writes nothing and consumes no `seq`.
///
/// Idempotency rests on the unique index on `(conversation_id, request_id)`: of two writers of
/// one request id, SQLite lets exactly one commit and the other gets
/// ``EventStoreError/Code/duplicateRequestID``. There is no check-then-insert race to lose.
///
/// The store is a GRDB `DatabasePool` rather than a `DatabaseQueue`:
/// - the contract wants WAL, which a pool always sets up;
/// - readers (``history(conversationID:beforeSeq:limit:)`` for one conversation while a turn of
///   another one writes, a test or the scenario runner dumping rows) read the last committed
///   state on their own connections without waiting for the writer;
/// - writes still go through the pool's single writer connection, whose serial dispatch queue
///   runs one write at a time, so in-process writers are serialized. Each write begins with
///   `BEGIN IMMEDIATE`, and the 5 s busy timeout makes writers of other processes wait their
///   turn instead of failing at once.
///
/// All methods are synchronous and block the calling thread for the duration of one short
/// transaction.
///
/// ```swift
/// let store = try EventStore(path: "events.sqlite")
/// let engine = try ChatEngine(configuration: configuration, store: store, tools: MyTools())
/// // … run turns of conversation "c1" …
/// for event in try store.events(conversationID: "c1") {
///     print(event.seq, event.type, event.content)
/// }
/// ```
public final class EventStore: Sendable {
    /// The busy timeout of the writer connection, in seconds.
    ///
    /// GRDB gives the pool's reader connections a busy timeout of their own (10 s): in WAL mode
    /// readers meet a lock only in rare cases (recovery after a crash, the last connection closing).
    private static let busyTimeout: TimeInterval = 5

    private let pool: DatabasePool
    private let writeObserver = Mutex<(@Sendable ([StoredEvent]) -> Void)?>(nil)
    /// The directory ``temporary()`` made, removed with the store.
    private let temporaryDirectory: URL?

    /// The path of the database file.
    package let path: String

    /// Opens the store in the file at `path`, creating the file if needed.
    ///
    /// The database is put in WAL mode, the writer waits up to 5 s for a lock held by another
    /// process (busy timeout), and the schema's migrations are applied.
    ///
    /// - Parameter path: The database file; its directory must exist.
    /// - Throws: ``EventStoreError`` with code ``EventStoreError/Code/databaseError`` when the file
    ///   cannot be opened, is not a database, or cannot be migrated.
    public convenience init(path: String) throws {
        try self.init(path: path, temporaryDirectory: nil)
    }

    private init(path: String, temporaryDirectory: URL?) throws {
        var configuration = Configuration()
        configuration.label = "StreamReplay.EventStore"
        configuration.busyMode = .timeout(Self.busyTimeout)
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw EventStoreError(
                code: .databaseError,
                message: "cannot open the event store at '\(path)'; check that its directory exists and is writable",
                cause: error
            )
        }
        do {
            try Self.migrator.migrate(pool)
        } catch {
            throw EventStoreError(
                code: .databaseError,
                message: "cannot set up the event store schema in '\(path)'; "
                    + "the file may belong to another application or a newer version",
                cause: error
            )
        }
        self.path = path
        self.temporaryDirectory = temporaryDirectory
    }

    /// Opens a fresh, empty store in a new file of its own in the temporary directory.
    ///
    /// The file (and its directory) is deleted by ``close()``, or when the store is deallocated.
    ///
    /// - Returns: The open store.
    /// - Throws: ``EventStoreError`` with code ``EventStoreError/Code/databaseError`` when the file
    ///   cannot be created.
    public static func temporary() throws -> EventStore {
        let directory = FileManager.default.temporaryDirectory.appending(
            path: "StreamReplay-EventStore-\(UUID().uuidString)",
            directoryHint: .isDirectory
        )
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw EventStoreError(
                code: .databaseError,
                message: "cannot create a temporary directory for the event store; check TMPDIR",
                cause: error
            )
        }
        do {
            let file = directory.appending(path: "events.sqlite", directoryHint: .notDirectory)
            return try EventStore(path: file.path(percentEncoded: false), temporaryDirectory: directory)
        } catch {
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
    }

    /// Closes the database connections; a store from ``temporary()`` also deletes its file.
    ///
    /// Every later call on the store throws ``EventStoreError/Code/databaseError``. Closing twice
    /// does nothing.
    ///
    /// - Throws: ``EventStoreError`` with code ``EventStoreError/Code/databaseError`` when SQLite
    ///   cannot close a connection; the store then stays open.
    public func close() throws {
        do {
            try pool.close()
        } catch {
            throw EventStoreError(
                code: .databaseError,
                message: "cannot close the event store at '\(path)'; finish every read and write first",
                cause: error
            )
        }
        removeTemporaryDirectory()
    }

    deinit {
        if temporaryDirectory != nil {
            try? pool.close()
            removeTemporaryDirectory()
        }
    }

    private func removeTemporaryDirectory() {
        guard let temporaryDirectory else { return }
        try? FileManager.default.removeItem(at: temporaryDirectory)
    }

    // MARK: - Observing writes

    /// Sets the function called after each committed write with the events it inserted.
    ///
    /// It is called once per committed transaction that inserted events (``append(_:)`` and
    /// ``compact(conversationID:userRequestID:answer:)``; not ``claimRetry(conversationID:requestID:)``,
    /// which only deletes), with those events in insertion order. Calls are serial and in commit
    /// order: they run on the writer's queue right after the commit, before the writing method
    /// returns. Deltas later compacted away were observed when they were appended. A failed write
    /// is not observed.
    ///
    /// The observer must be quick and must not call the store (a write from it would deadlock the
    /// writer; GRDB stops the process instead).
    ///
    /// - Parameter observer: The function, or `nil` to stop observing.
    package func setWriteObserver(_ observer: (@Sendable ([StoredEvent]) -> Void)?) {
        writeObserver.withLock { $0 = observer }
    }

    // MARK: - Writing

    /// Appends one event at the end of its conversation.
    ///
    /// The event's `seq` is allocated in the writing transaction. A conversation's first event
    /// gets 1.
    ///
    /// - Parameter event: The event; its `extra` must be a JSON object.
    /// - Returns: The stored event, with its `seq` and `requestID`.
    /// - Throws: ``EventStoreError``: ``EventStoreError/Code/duplicateRequestID`` when the
    ///   conversation already has an event with this request id (detected by the unique index at
    ///   insert time), ``EventStoreError/Code/duplicateEventID``, ``EventStoreError/Code/invalidEvent``
    ///   when `extra` is not an object, ``EventStoreError/Code/databaseError``. A failed append
    ///   writes nothing and consumes no `seq`.
    package func append(_ event: NewEvent) throws -> StoredEvent {
        try write("append an event to conversation '\(event.conversationID)'") { db in
            let stored = try Self.insert(event, db)
            return (stored, [stored])
        }
    }

    /// Completes a turn: in one transaction, deletes its `assistant_delta` events and inserts its answer.
    ///
    /// The deleted events are the conversation's `meta` events whose `extra.kind` is
    /// `assistant_delta` and whose `extra.user_request_id` is `userRequestID`. Their `seq`s are not
    /// reused: the answer gets a new one.
    ///
    /// - Parameters:
    ///   - conversationID: The conversation.
    ///   - userRequestID: The request id of the turn's user message.
    ///   - answer: The `assistant_message`, in the same conversation.
    /// - Returns: The stored answer.
    /// - Throws: ``EventStoreError``, with the codes of ``append(_:)``; also
    ///   ``EventStoreError/Code/invalidEvent`` when `answer` names another conversation. When
    ///   it throws, nothing changed: the deltas are still there.
    package func compact(conversationID: String, userRequestID: String, answer: NewEvent) throws -> StoredEvent {
        guard answer.conversationID == conversationID else {
            throw EventStoreError(
                code: .invalidEvent,
                message: "the answer of request '\(userRequestID)' belongs to conversation "
                    + "'\(answer.conversationID)', not '\(conversationID)'; compact it in its own conversation"
            )
        }
        return try write("compact request '\(userRequestID)' of conversation '\(conversationID)'") { db in
            try Self.deleteDeltas(conversationID: conversationID, userRequestID: userRequestID, db)
            let stored = try Self.insert(answer, db)
            return (stored, [stored])
        }
    }

    /// Claims the retry of a request whose user message exists but has no answer.
    ///
    /// In one transaction, deletes what the failed run left behind: the request's `assistant_delta`
    /// events (`extra.user_request_id == requestID`) and its `tool_result` events, those whose
    /// `request_id` is `tool:{requestID}:{hop}:{i}`. The match is exact, so the tool results of a
    /// request `r:1` are not taken for those of `r`. When the answer `assistant:{requestID}`
    /// exists, nothing is deleted: those tool results belong to the answer.
    ///
    /// - Parameters:
    ///   - conversationID: The conversation.
    ///   - requestID: The request id of the user message.
    /// - Returns: Whether the conversation has the `user_message` of `requestID`.
    /// - Throws: ``EventStoreError`` with code ``EventStoreError/Code/databaseError``.
    package func claimRetry(conversationID: String, requestID: String) throws -> Bool {
        try write("claim the retry of request '\(requestID)' in conversation '\(conversationID)'") { db in
            let hasUserMessage = try Self.exists(
                conversationID: conversationID,
                requestID: requestID,
                type: "user_message",
                db
            )
            let hasAnswer = try Self.exists(
                conversationID: conversationID,
                requestID: "assistant:\(requestID)",
                type: "assistant_message",
                db
            )
            if !hasAnswer {
                try Self.deleteDeltas(conversationID: conversationID, userRequestID: requestID, db)
                try Self.deleteToolResults(conversationID: conversationID, requestID: requestID, db)
            }
            return (hasUserMessage, [])
        }
    }

    // MARK: - Reading

    /// The event with this request id in the conversation, if any.
    ///
    /// - Parameters:
    ///   - conversationID: The conversation.
    ///   - requestID: A row's `request_id`, such as `r1` (the user message) or `assistant:r1`.
    /// - Returns: The event, or `nil`.
    /// - Throws: ``EventStoreError``.
    package func event(conversationID: String, requestID: String) throws -> StoredEvent? {
        try read("read request '\(requestID)' of conversation '\(conversationID)'") { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT \(StoredEvent.selection) FROM chat_events
                    WHERE conversation_id = \(Self.text) AND request_id = \(Self.text)
                    """,
                arguments: [Self.bound(conversationID), Self.bound(requestID)]
            ).map(StoredEvent.init(row:))
        }
    }

    /// The newest `limit` `user_message` and `assistant_message` events before `beforeSeq`, oldest first.
    ///
    /// This is the history sent to the LLM: `meta` and `tool_result` events are left out.
    ///
    /// - Parameters:
    ///   - conversationID: The conversation.
    ///   - beforeSeq: Only events with a smaller `seq`; pass the current user message's `seq`.
    ///   - limit: The most events returned (`history_limit`); 0 or less returns none.
    /// - Returns: The events in `seq` order.
    /// - Throws: ``EventStoreError``.
    package func history(conversationID: String, beforeSeq: Int64, limit: Int) throws -> [StoredEvent] {
        guard limit > 0 else { return [] }
        let newestFirst = try read("read the history of conversation '\(conversationID)'") { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT \(StoredEvent.selection) FROM chat_events
                    WHERE conversation_id = \(Self.text) AND seq < ?
                      AND type IN ('user_message', 'assistant_message')
                    ORDER BY seq DESC
                    LIMIT ?
                    """,
                arguments: [Self.bound(conversationID), beforeSeq, limit]
            ).map(StoredEvent.init(row:))
        }
        return newestFirst.reversed()
    }

    /// All events of a conversation in `seq` order.
    ///
    /// - Parameter conversationID: The conversation.
    /// - Returns: The events; empty for an unknown conversation.
    /// - Throws: ``EventStoreError``.
    public func events(conversationID: String) throws -> [Event] {
        try read("read conversation '\(conversationID)'") { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT \(StoredEvent.selection) FROM chat_events
                    WHERE conversation_id = \(Self.text) ORDER BY seq
                    """,
                arguments: [Self.bound(conversationID)]
            ).map(StoredEvent.init(row:))
        }
    }

    /// All events of the store: conversations in the order of their first committed write, each in `seq` order.
    ///
    /// - Returns: The events.
    /// - Throws: ``EventStoreError``.
    package func allEvents() throws -> [StoredEvent] {
        try read("read all events") { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT \(StoredEvent.selection) FROM chat_events
                    JOIN chat_sequences USING (conversation_id)
                    ORDER BY chat_sequences.ordinal, chat_events.seq
                    """
            ).map(StoredEvent.init(row:))
        }
    }

    // MARK: - Transactions

    /// Runs `body` in one `BEGIN IMMEDIATE` transaction on the writer, then tells the observer.
    ///
    /// - Parameters:
    ///   - operation: What the write does, for error messages (`append an event to …`).
    ///   - body: The statements; returns the result and the events it inserted.
    /// - Returns: The result of `body`, once committed.
    /// - Throws: ``EventStoreError``: the one `body` threw, or ``EventStoreError/Code/databaseError``.
    private func write<Result>(
        _ operation: @autoclosure () -> String,
        _ body: (Database) throws -> (result: Result, inserted: [StoredEvent])
    ) throws -> Result {
        do {
            return try pool.writeWithoutTransaction { db in
                var outcome: (result: Result, inserted: [StoredEvent])?
                try db.inTransaction(.immediate) {
                    outcome = try body(db)
                    return .commit
                }
                guard let outcome else {
                    throw EventStoreError(code: .databaseError, message: "the transaction ended without a result")
                }
                if !outcome.inserted.isEmpty, let observer = writeObserver.withLock({ $0 }) {
                    observer(outcome.inserted)
                }
                return outcome.result
            }
        } catch let error as EventStoreError {
            throw error
        } catch {
            throw EventStoreError(
                code: .databaseError,
                message: "cannot \(operation()): SQLite failed; nothing was written (see the cause)",
                cause: error
            )
        }
    }

    /// Runs `body` on a reader connection, which sees the last committed state.
    func read<Result>(
        _ operation: @autoclosure () -> String,
        _ body: (Database) throws -> Result
    ) throws -> Result {
        do {
            return try pool.read(body)
        } catch let error as EventStoreError {
            throw error
        } catch {
            throw EventStoreError(
                code: .databaseError,
                message: "cannot \(operation()): SQLite failed (see the cause)",
                cause: error
            )
        }
    }

    /// Inserts one event with the next `seq` of its conversation; call inside a write transaction.
    private static func insert(_ event: NewEvent, _ db: Database) throws -> StoredEvent {
        guard case .object = event.extra else {
            throw EventStoreError(
                code: .invalidEvent,
                message: "the extra of event '\(event.id)' must be a JSON object, not \(event.extra.compactJSON)"
            )
        }
        // Takes the next seq; a new conversation's row also gets its first-write ordinal here.
        // Rolled back with the rest of the transaction when the insert below fails.
        let seq = try Int64.fetchOne(
            db,
            sql: """
                INSERT INTO chat_sequences (conversation_id, last_seq) VALUES (\(text), 1)
                ON CONFLICT (conversation_id) DO UPDATE SET last_seq = last_seq + 1
                RETURNING last_seq
                """,
            arguments: [bound(event.conversationID)]
        )
        guard let seq else {
            throw EventStoreError(
                code: .databaseError,
                message: "SQLite returned no seq for conversation '\(event.conversationID)'"
            )
        }
        do {
            try db.execute(
                sql: """
                    INSERT INTO chat_events (
                        id, conversation_id, seq, type, role, content, tool_calls, tool_call_id, model,
                        created_at, extra, request_id
                    ) VALUES (\(text), \(text), ?, \(text), \(text), \(text), NULL, \(text), \(text), \(text),
                        \(text), \(text))
                    """,
                arguments: [
                    bound(event.id), bound(event.conversationID), seq, bound(event.type), bound(event.role),
                    bound(event.content), bound(event.toolCallID), bound(event.model), bound(event.createdAt),
                    bound(event.extra.compactJSON), bound(event.requestID),
                ]
            )
        } catch let error as DatabaseError
            where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE
            && (error.message ?? "").contains("chat_events.request_id")
        {
            throw EventStoreError(
                code: .duplicateRequestID,
                message: "conversation '\(event.conversationID)' already has an event with request id "
                    + "'\(event.requestID ?? "")'; answer the duplicate from the stored events instead of writing again",
                cause: error
            )
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY {
            throw EventStoreError(
                code: .duplicateEventID,
                message: "an event with id '\(event.id)' already exists; give every event a fresh id",
                cause: error
            )
        }
        return StoredEvent(event, seq: seq)
    }

    /// Deletes the `assistant_delta` events of one request; call inside a write transaction.
    ///
    /// The request id is compared in Swift, on the decoded `extra`: SQLite's JSON functions are
    /// not trusted with a NUL (`\u0000`) inside the id.
    private static func deleteDeltas(conversationID: String, userRequestID: String, _ db: Database) throws {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT CAST(id AS BLOB) AS id, CAST(extra AS BLOB) AS extra FROM chat_events
                WHERE conversation_id = \(text) AND type = 'meta'
                  AND json_extract(extra, '$.kind') = 'assistant_delta'
                """,
            arguments: [bound(conversationID)]
        )
        var doomed: [String] = []
        for row in rows {
            let extra = try? JSONValue(parsing: Self.string(row, "extra"))
            if extra?["user_request_id"]?.stringValue == userRequestID {
                doomed.append(try Self.string(row, "id"))
            }
        }
        try delete(ids: doomed, db)
    }

    /// Deletes the `tool_result` events `tool:{requestID}:{hop}:{i}` of one request; call inside a
    /// write transaction.
    ///
    /// SQL narrows the rows to the prefix `tool:{requestID}:` with a range on the unique index
    /// (text compares as bytes, so every string with that prefix lies between it and the prefix
    /// with its final `:` raised to `;`); Swift checks that the rest is exactly `{digits}:{digits}`,
    /// so the tool results of a request `r:1` are not taken for those of `r`.
    private static func deleteToolResults(conversationID: String, requestID: String, _ db: Database) throws {
        let prefix = "tool:\(requestID):"
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT CAST(id AS BLOB) AS id, CAST(request_id AS BLOB) AS request_id FROM chat_events
                WHERE conversation_id = \(text) AND type = 'tool_result'
                  AND request_id >= \(text) AND request_id < \(text)
                """,
            arguments: [bound(conversationID), bound(prefix), bound("tool:\(requestID);")]
        )
        var doomed: [String] = []
        for row in rows {
            let derived = try Self.string(row, "request_id")
            guard derived.utf8.starts(with: prefix.utf8) else { continue }
            let rest = derived.utf8.dropFirst(prefix.utf8.count).split(
                separator: UInt8(ascii: ":"),
                omittingEmptySubsequences: false
            )
            let isHopAndPosition =
                rest.count == 2
                && rest.allSatisfy { part in
                    !part.isEmpty && part.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
                }
            if isHopAndPosition { doomed.append(try Self.string(row, "id")) }
        }
        try delete(ids: doomed, db)
    }

    private static func delete(ids: [String], _ db: Database) throws {
        for id in ids {
            try db.execute(sql: "DELETE FROM chat_events WHERE id = \(text)", arguments: [bound(id)])
        }
    }

    private static func exists(
        conversationID: String,
        requestID: String,
        type: String,
        _ db: Database
    ) throws -> Bool {
        try Bool.fetchOne(
            db,
            sql: """
                SELECT EXISTS (
                    SELECT 1 FROM chat_events
                    WHERE conversation_id = \(text) AND request_id = \(text) AND type = \(text)
                )
                """,
            arguments: [bound(conversationID), bound(requestID), bound(type)]
        ) ?? false
    }
}

// MARK: - Text verbatim

extension EventStore {
    // GRDB binds a `String` with `sqlite3_bind_text(…, -1, …)` and reads one with
    // `String(cString:)`: both stop at the first NUL, so `"a\u{0}b"` would be stored as `"a"` and
    // two request ids that differ after a NUL would be one key (GRDB 7.10). Every text therefore
    // goes in as the bytes of a BLOB that SQL casts to TEXT (which keeps every byte), and comes out
    // cast back to a BLOB. The BLOB carries one leading byte that SQL strips: GRDB binds an empty
    // `Data` with a null pointer, which SQLite takes for NULL.

    /// The SQL for one text parameter bound with ``bound(_:)``.
    static let text = "CAST(substr(?, 2) AS TEXT)"

    /// A text parameter for ``text``: `nil` stays SQL `NULL`.
    static func bound(_ string: String?) -> Data? {
        guard let string else { return nil }
        var bytes = Data([0x01])
        bytes.append(contentsOf: string.utf8)
        return bytes
    }

    /// A column selected as `CAST(column AS BLOB)`, as the text it holds.
    static func string(_ row: Row, _ column: String) throws -> String {
        String(decoding: try row.decode(Data.self, forColumn: column), as: UTF8.self)
    }

    /// A nullable column selected as `CAST(column AS BLOB)`.
    static func optionalString(_ row: Row, _ column: String) throws -> String? {
        try row.decode(Data?.self, forColumn: column).map { String(decoding: $0, as: UTF8.self) }
    }
}

// MARK: - Off the cooperative pool

extension EventStore {
    /// Where the engine's store calls run: a queue of their own, so that SQLite's blocking I/O
    /// never holds a thread of Swift's cooperative pool or an event loop. GRDB still serialises
    /// the writes on its writer.
    private static let queue = DispatchQueue(label: "stream-replay.event-store", attributes: .concurrent)

    /// Runs `work` on the store's own queue and returns its result to the awaiting task.
    ///
    /// - Parameter work: Calls on the store; it runs on another thread.
    /// - Returns: What `work` returned.
    /// - Throws: What `work` threw.
    package func offPool<Result: Sendable>(
        _ work: @escaping @Sendable (EventStore) throws -> Result
    ) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            self.offPool(work) { continuation.resume(with: $0) }
        }
    }

    /// Runs `work` on the store's own queue, then calls `completion` there with its result.
    ///
    /// - Parameters:
    ///   - work: Calls on the store; it runs on another thread.
    ///   - completion: Gets the result; hop to where it is needed.
    package func offPool<Result: Sendable>(
        _ work: @escaping @Sendable (EventStore) throws -> Result,
        completion: @escaping @Sendable (Swift.Result<Result, any Error>) -> Void
    ) {
        Self.queue.async {
            completion(Swift.Result { try work(self) })
        }
    }
}
