import Foundation
import GRDB
import Logging

extension Migrations {
    /// v7: defects from issue 19.
    ///
    /// - The registration index `(eventId, status, queuedAt)` was added to v3 after v3 was
    ///   released, so a database made before that change lacks it: created here if missing.
    /// - Address identity keys now write an internationalised domain as its A-label
    ///   (`EmailAddress.identityKey`). Keys stored with a Unicode domain are recomputed in every
    ///   table that keeps one; two contacts that turn out to be one person are merged into the
    ///   older one (`ContactMerge`), and suppressions keyed by the old form are copied to the new.
    static func registerV7(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v7-defects") { db in
            try db.create(index: "registration_eventId_status", on: "registration",
                          columns: ["eventId", "status", "queuedAt"], options: [.ifNotExists])
            try IdentityKeyUpgrade(db: db).run()
        }
    }
}

/// Recomputes address keys stored before internationalised domains had one normal form.
struct IdentityKeyUpgrade {
    static let logger = Logger(label: "kampagne.migration")
    let db: Database

    func run() throws {
        let secret = try InstallationSecret.load(db)
        let stale = try Row.fetchAll(db, sql: "SELECT id, emailKey FROM contact")
            .compactMap { row -> (id: Int64, old: String)? in
                let key: String = row["emailKey"]
                return key.utf8.allSatisfy({ $0 < 0x80 }) ? nil : (row["id"], key)
            }
        var changed = Set<String>()
        for (id, old) in stale {
            let new = EmailAddress.identityKey(old)
            guard new != old else { continue }
            changed.insert(old)
            if let survivor = try Contact.filter(Contact.Columns.emailKey == new).fetchOne(db), let survivorId = survivor.id {
                try ContactMerge(db: db).merge(id, into: survivorId)
                Self.logger.notice("merged two contacts that are one address", metadata: ["kept": "\(survivorId)", "merged": "\(id)"])
            } else {
                try db.execute(sql: "UPDATE contact SET emailKey = ? WHERE id = ?", arguments: [new, id])
            }
        }
        // Keys in the other tables, and suppressions, whether or not a contact still has them.
        for table in ["outbox", "subscription", "storyReview"] {
            for old in try String.fetchAll(db, sql: "SELECT DISTINCT emailKey FROM \(table)") where !old.utf8.allSatisfy({ $0 < 0x80 }) {
                changed.insert(old)
            }
        }
        for old in changed {
            let new = EmailAddress.identityKey(old)
            for table in ["outbox", "subscription", "storyReview"] {
                try db.execute(sql: "UPDATE OR IGNORE \(table) SET emailKey = ? WHERE emailKey = ?", arguments: [new, old])
            }
            try db.execute(sql: """
                INSERT OR IGNORE INTO suppression (emailHash, reason, source, createdAt)
                SELECT ?, reason, source, createdAt FROM suppression WHERE emailHash = ?
                """, arguments: [secret.mac(new), secret.mac(old.lowercased())])
        }
    }
}

/// Folds one contact into another: every row that points at the merged contact points at the
/// kept one (where the kept one has no such row already), its empty fields are filled from the
/// merged one, and the merged contact goes. Nothing the kept contact has is overwritten.
struct ContactMerge {
    let db: Database

    func merge(_ mergedId: Int64, into keptId: Int64) throws {
        guard var kept = try Contact.fetchOne(db, key: keptId), let merged = try Contact.fetchOne(db, key: mergedId) else { return }
        for table in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'") {
            for foreignKey in try db.foreignKeys(on: table) where foreignKey.destinationTable == "contact" {
                for column in foreignKey.mapping.map(\.origin) {
                    try db.execute(sql: "UPDATE OR IGNORE \"\(table)\" SET \"\(column)\" = ? WHERE \"\(column)\" = ?",
                                   arguments: [keptId, mergedId])
                    // What is left duplicates a row of the kept contact (a unique key refused the
                    // move). Removed here: migrations run with foreign key actions off.
                    try db.execute(sql: "DELETE FROM \"\(table)\" WHERE \"\(column)\" = ?", arguments: [mergedId])
                }
            }
        }
        if kept.firstName.isEmpty { kept.firstName = merged.firstName }
        if kept.lastName.isEmpty { kept.lastName = merged.lastName }
        if kept.organisation.isEmpty { kept.organisation = merged.organisation }
        if kept.title.isEmpty { kept.title = merged.title }
        if kept.phone.isEmpty { kept.phone = merged.phone }
        if kept.municipality == nil { kept.municipality = merged.municipality }
        kept.attributes.merge(merged.attributes) { mine, _ in mine }
        kept.createdAt = min(kept.createdAt, merged.createdAt)
        try kept.update(db)
        try merged.delete(db)
    }
}
