import GRDB

extension Migrations {
    /// v13: the contacts section of the staff area (issue 14).
    ///
    /// - `dataSource` gets the consent evidence an import states: what the people were told
    ///   (`consentWording`), who told them or collected the answers (`consentBy`), when
    ///   (`consentToldAt`), and where the proof is kept (`consentEvidence`, e.g. "tilmeldingsark
    ///   fra mødet 3. marts, arkiveret i sag 2026-118"). Empty for sources made before.
    static func registerV13(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v13-contacts-admin") { db in
            try db.alter(table: "dataSource") { t in
                t.add(column: "consentWording", .text)
                t.add(column: "consentBy", .text)
                t.add(column: "consentToldAt", .datetime)
                t.add(column: "consentEvidence", .text)
            }
        }
    }
}
