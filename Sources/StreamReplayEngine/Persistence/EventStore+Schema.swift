import GRDB

// MARK: - Migrations

extension EventStore {
    /// The migrations that create and evolve the store's schema, applied by ``init(path:)``.
    ///
    /// `v1` creates:
    /// - `chat_events`, the contract's table, with a unique index on `(conversation_id, request_id)`
    ///   for rows that have a request id (the idempotency key) and one on `(conversation_id, seq)`;
    /// - `chat_sequences`, one row per conversation: `last_seq` is the last `seq` handed out, so a
    ///   `seq` freed by compaction is never handed out again (`MAX(seq) + 1` would reuse it), and
    ///   `ordinal`, an integer primary key that is fixed when the conversation's first write
    ///   commits, orders conversations in ``allEvents()``.
    ///
    /// Never edit a registered migration; add a new one.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE chat_events (
                        id TEXT PRIMARY KEY NOT NULL,
                        conversation_id TEXT NOT NULL,
                        seq INTEGER NOT NULL,
                        type TEXT NOT NULL,
                        role TEXT,
                        content TEXT NOT NULL,
                        tool_calls TEXT,
                        tool_call_id TEXT,
                        model TEXT,
                        created_at TEXT NOT NULL,
                        extra TEXT NOT NULL,
                        request_id TEXT
                    );
                    CREATE UNIQUE INDEX chat_events_conversation_request
                        ON chat_events (conversation_id, request_id) WHERE request_id IS NOT NULL;
                    CREATE UNIQUE INDEX chat_events_conversation_seq
                        ON chat_events (conversation_id, seq);
                    CREATE TABLE chat_sequences (
                        ordinal INTEGER PRIMARY KEY,
                        conversation_id TEXT NOT NULL UNIQUE,
                        last_seq INTEGER NOT NULL
                    );
                    """
            )
        }
        return migrator
    }
}

// MARK: - Introspection

extension EventStore {
    /// The shape of one table as SQLite reports it, for tests and diagnostics.
    package struct TableSchema: Sendable, Hashable {
        /// A column, from `PRAGMA table_info`.
        package struct Column: Sendable, Hashable {
            /// The column name.
            package var name: String
            /// The declared type, such as `TEXT`.
            package var type: String
            /// Whether the column is declared `NOT NULL`.
            package var isNotNull: Bool
            /// Whether the column is (part of) the primary key.
            package var isPrimaryKey: Bool
        }

        /// An index, from `PRAGMA index_list` and `PRAGMA index_info`.
        package struct Index: Sendable, Hashable {
            /// The index name (`sqlite_autoindex_…` for the ones SQLite makes for constraints).
            package var name: String
            /// The indexed columns, in index order.
            package var columns: [String]
            /// Whether the index is unique.
            package var isUnique: Bool
            /// Whether the index has a `WHERE` clause.
            package var isPartial: Bool
            /// The `CREATE INDEX` statement; `nil` for the indexes SQLite makes for constraints.
            package var sql: String?
        }

        /// The columns in table order.
        package var columns: [Column]
        /// The indexes, sorted by name.
        package var indexes: [Index]
    }

    /// The tables of the store's schema, by name: `chat_events`, `chat_sequences`, and GRDB's
    /// `grdb_migrations`.
    ///
    /// - Returns: Every table but SQLite's own `sqlite_…` tables.
    /// - Throws: ``EventStoreError`` with code ``EventStoreError/Code/databaseError``.
    package func schema() throws -> [String: TableSchema] {
        try read("read the schema") { db in
            let tableNames = try String.fetchAll(
                db,
                sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
            var tables: [String: TableSchema] = [:]
            for table in tableNames {
                tables[table] = try Self.tableSchema(table, db)
            }
            return tables
        }
    }

    private static func tableSchema(_ table: String, _ db: Database) throws -> TableSchema {
        let columns = try Row.fetchAll(db, sql: "SELECT * FROM pragma_table_info(?) ORDER BY cid", arguments: [table])
            .map { row in
                TableSchema.Column(
                    name: try row.decode(String.self, forColumn: "name"),
                    type: try row.decode(String.self, forColumn: "type"),
                    isNotNull: try row.decode(Bool.self, forColumn: "notnull"),
                    isPrimaryKey: try row.decode(Int.self, forColumn: "pk") > 0
                )
            }
        let indexes = try Row.fetchAll(db, sql: "SELECT * FROM pragma_index_list(?) ORDER BY name", arguments: [table])
            .map { row in
                let name = try row.decode(String.self, forColumn: "name")
                return TableSchema.Index(
                    name: name,
                    columns: try String.fetchAll(
                        db,
                        sql: "SELECT name FROM pragma_index_info(?) ORDER BY seqno",
                        arguments: [name]
                    ),
                    isUnique: try row.decode(Bool.self, forColumn: "unique"),
                    isPartial: try row.decode(Bool.self, forColumn: "partial"),
                    sql: try String.fetchOne(
                        db,
                        sql: "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?",
                        arguments: [name]
                    )
                )
            }
        return TableSchema(columns: columns, indexes: indexes)
    }
}
