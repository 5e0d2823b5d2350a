import GRDB

extension Migrations {
    /// v12: the recipient snapshot of an outbox row as columns (issue 16, send path).
    ///
    /// A queued newsletter row used to carry its personalisation only as JSON in `recipient`,
    /// which the renderer decoded with `JSONDecoder` once per message. Rows queued from now on
    /// by `Outbox.enqueue` carry the fields in these columns and `{}` in `recipient`; rows
    /// queued before (and the meeting notices, which are written as records) keep their JSON
    /// and leave the columns NULL. `OutboxRow.init(row:)` reads the columns when
    /// `recipientFirstName` is not NULL and the JSON otherwise, so both kinds still send.
    static func registerV12(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v12-send-columns") { db in
            try db.alter(table: "outbox") { t in
                t.add(column: "recipientFirstName", .text)
                t.add(column: "recipientLastName", .text)
                t.add(column: "recipientOrganisation", .text)
                t.add(column: "recipientMunicipality", .text)
                t.add(column: "recipientList", .text)
            }
        }
    }
}
