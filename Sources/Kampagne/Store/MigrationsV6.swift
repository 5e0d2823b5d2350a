import GRDB

extension Migrations {
    /// v6: the activity report.
    ///
    /// - `activity`: what the secretariat did that Kampagne cannot see for itself (leaflets
    ///   handed out, press articles, talks, network meetings, website updates), entered by hand.
    /// - `event.partner`: which partner (DA, LO, KL or a municipality) a meeting belongs to, for
    ///   the report's overview per partner.
    /// - `listMembershipEnded` and `suppressionEnded`: a journal, kept by triggers, of list
    ///   memberships that ended (removed from a list, list deleted, contact erased, consent
    ///   renewed) and suppressions that were lifted or replaced. Together with the current
    ///   `listMembership.consentAt` and `suppression.createdAt` they let the report say how many
    ///   people a list reached on any past day. Triggers catch every way a row goes (imports,
    ///   the web, erasure, cascades) without each writer having to remember. The journal holds
    ///   no personal data: ids and the suppression list's keyed hashes only.
    static func registerV6(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v6-report") { db in
            try db.create(table: "activity") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("kind", .text).notNull()
                // A calendar day in Copenhagen, "yyyy-MM-dd": an activity has a date, not a time.
                t.column("day", .text).notNull()
                t.column("title", .text).notNull()
                t.column("count", .integer)
                t.column("partner", .text)
                t.column("note", .text).notNull().defaults(to: "")
                t.column("createdAt", .datetime).notNull()
            }
            try db.create(index: "activity_day", on: "activity", columns: ["day"])
            try db.alter(table: "event") { t in
                t.add(column: "partner", .text)
            }
            try db.create(table: "listMembershipEnded") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("mailingListId", .integer).notNull()
                t.column("contactId", .integer).notNull()
                t.column("joinedAt", .datetime).notNull()
                t.column("endedAt", .datetime).notNull()
            }
            try db.create(index: "listMembershipEnded_list", on: "listMembershipEnded", columns: ["mailingListId"])
            try db.create(table: "suppressionEnded") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("emailHash", .text).notNull()
                t.column("reason", .text).notNull()
                t.column("since", .datetime).notNull()
                t.column("endedAt", .datetime).notNull()
            }
            // GRDB's storage format for dates, in UTC.
            let now = "strftime('%Y-%m-%d %H:%M:%f', 'now')"
            try db.execute(sql: """
                CREATE TRIGGER listMembership_ended AFTER DELETE ON listMembership BEGIN
                  INSERT INTO listMembershipEnded (mailingListId, contactId, joinedAt, endedAt)
                  VALUES (OLD.mailingListId, OLD.contactId, OLD.consentAt, \(now));
                END;
                CREATE TRIGGER listMembership_renewed AFTER UPDATE OF consentAt ON listMembership
                WHEN NEW.consentAt > OLD.consentAt BEGIN
                  INSERT INTO listMembershipEnded (mailingListId, contactId, joinedAt, endedAt)
                  VALUES (OLD.mailingListId, OLD.contactId, OLD.consentAt, NEW.consentAt);
                END;
                CREATE TRIGGER suppression_lifted AFTER DELETE ON suppression BEGIN
                  INSERT INTO suppressionEnded (emailHash, reason, since, endedAt)
                  VALUES (OLD.emailHash, OLD.reason, OLD.createdAt, \(now));
                END;
                CREATE TRIGGER suppression_replaced AFTER UPDATE ON suppression
                WHEN NEW.reason <> OLD.reason OR NEW.createdAt <> OLD.createdAt BEGIN
                  INSERT INTO suppressionEnded (emailHash, reason, since, endedAt)
                  VALUES (OLD.emailHash, OLD.reason, OLD.createdAt, NEW.createdAt);
                END;
                """)
        }
    }
}
