import GRDB

extension Migrations {
    /// v14: the newsletter section of the staff area.
    ///
    /// - `campaign.pausedAt`: set while a send is paused; the dispatcher claims no row of a
    ///   paused campaign (rows stay `queued`, so pausing never loses or repeats a message).
    /// - `campaign.scheduledAt`: the time a scheduled send was asked for (its rows are due then).
    /// - `edition.draft`: the edition as written, with its `@historie N` lines (`source` holds
    ///   the text with the stories filled in); the browser editor edits the draft.
    static func registerV14(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v14-newsletter-admin") { db in
            try db.alter(table: "campaign") { t in
                t.add(column: "pausedAt", .datetime)
                t.add(column: "scheduledAt", .datetime)
            }
            try db.alter(table: "edition") { t in
                t.add(column: "draft", .text)
            }
        }
    }
}
