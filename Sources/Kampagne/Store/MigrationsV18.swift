import GRDB

extension Migrations {
    /// v18: upload imports as jobs that survive a restart (issue 14).
    ///
    /// - `importJob`: one uploaded contact file and what became of it (`ImportJob`): who, when,
    ///   the choices (JSON), the state, the progress committed with each chunk of rows
    ///   (`recordsDone`), the report so far (JSON, counts; its errors and warnings are rows of
    ///   `importJobIssue`), the data source the rows are recorded under, and who runs it
    ///   (`runnerPid`, `runnerToken`, `heartbeatAt`). The uploaded bytes are a file in the
    ///   workspace's `imports/` folder (`uploadFile`), not a blob here.
    /// - `importJobIssue`: the errors and warnings found while applying, with a rejected row's
    ///   cells (`fields`, JSON) for the rejects CSV; written in the same transaction as the
    ///   chunk they belong to. Removing a job removes its rows.
    static func registerV18(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v18-import-jobs") { db in
            try db.create(table: "importJob") { t in
                t.primaryKey("id", .text)
                t.column("owner", .text).notNull()
                t.column("fileName", .text).notNull()
                t.column("uploadFile", .text).notNull()
                t.column("uploadBytes", .integer).notNull()
                t.column("choices", .text).notNull()
                t.column("state", .text).notNull()
                t.column("goodOnly", .boolean).notNull().defaults(to: false)
                t.column("createdAt", .datetime).notNull()
                t.column("updatedAt", .datetime).notNull().indexed()
                t.column("startedAt", .datetime)
                t.column("finishedAt", .datetime)
                t.column("recordsTotal", .integer).notNull().defaults(to: 0)
                t.column("recordsDone", .integer).notNull().defaults(to: 0)
                t.column("report", .text)
                t.column("dataSourceId", .integer).references("dataSource", onDelete: .setNull)
                t.column("message", .text)
                t.column("runnerPid", .integer)
                t.column("runnerToken", .text)
                t.column("heartbeatAt", .datetime)
                t.column("longestWriteMs", .integer).notNull().defaults(to: 0)
                t.column("chunks", .integer).notNull().defaults(to: 0)
            }
            try db.create(table: "importJobIssue") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("importJob", onDelete: .cascade).notNull()
                t.column("kind", .text).notNull()
                t.column("file", .text).notNull()
                t.column("line", .integer)
                t.column("header", .text)
                t.column("message", .text).notNull()
                t.column("fields", .text)
            }
        }
    }
}
