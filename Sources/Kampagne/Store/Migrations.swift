import GRDB

/// Every schema change, in order. A database made by an older build is brought forward here;
/// a migration, once released, is never edited.
enum Migrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-contacts") { db in
            try db.create(table: "setting") { t in
                t.primaryKey("key", .text)
                t.column("value", .text).notNull()
            }
            try db.create(table: "contact") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("email", .text).notNull()
                t.column("emailKey", .text).notNull().unique()
                t.column("firstName", .text).notNull().defaults(to: "")
                t.column("lastName", .text).notNull().defaults(to: "")
                t.column("organisation", .text).notNull().defaults(to: "")
                t.column("title", .text).notNull().defaults(to: "")
                t.column("municipality", .text)
                t.column("phone", .text).notNull().defaults(to: "")
                t.column("attributes", .text).notNull().defaults(to: "{}")
                t.column("createdAt", .datetime).notNull()
                t.column("updatedAt", .datetime).notNull()
            }
            try db.create(table: "contactRole", options: [.withoutRowID]) { t in
                t.belongsTo("contact", onDelete: .cascade, indexed: false).notNull()
                t.column("role", .text).notNull()
                t.column("roleKey", .text).notNull()
                t.primaryKey(["contactId", "roleKey"])
            }
            try db.create(index: "contactRole_roleKey", on: "contactRole", columns: ["roleKey"])
            try db.create(table: "dataSource") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("description", .text).notNull()
                t.column("file", .text)
                t.column("recordedAt", .datetime).notNull()
            }
            try db.create(table: "contactSource", options: [.withoutRowID]) { t in
                t.belongsTo("contact", onDelete: .cascade, indexed: false).notNull()
                t.belongsTo("dataSource", onDelete: .cascade, indexed: false).notNull()
                t.column("line", .integer)
                t.primaryKey(["contactId", "dataSourceId"])
            }
            try db.create(table: "mailingList") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("name", .text).notNull()
                t.column("nameKey", .text).notNull().unique()
                t.column("description", .text).notNull().defaults(to: "")
                t.column("createdAt", .datetime).notNull()
            }
            try db.create(table: "listMembership", options: [.withoutRowID]) { t in
                t.belongsTo("mailingList", onDelete: .cascade, indexed: false).notNull()
                t.belongsTo("contact", onDelete: .cascade).notNull()
                t.column("consentBasis", .text).notNull()
                t.column("consentAt", .datetime).notNull()
                t.column("source", .text).notNull()
                t.primaryKey(["mailingListId", "contactId"])
            }
            try db.create(table: "segment") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("name", .text).notNull()
                t.column("nameKey", .text).notNull().unique()
                t.column("filter", .text).notNull()
                t.column("createdAt", .datetime).notNull()
            }
            try db.create(table: "suppression") { t in
                t.primaryKey("emailHash", .text)
                t.column("reason", .text).notNull()
                t.column("source", .text).notNull()
                t.column("createdAt", .datetime).notNull()
            }
        }
        registerV2(&migrator)
        registerV3(&migrator)
        registerV4(&migrator)
        registerV5(&migrator)
        registerV6(&migrator)
        registerV7(&migrator)
        registerV9(&migrator)
        registerV10(&migrator)
        registerV11(&migrator)
        registerV12(&migrator)
        registerV13(&migrator)
        registerV14(&migrator)
        registerV15(&migrator)
        registerV16(&migrator)
        registerV17(&migrator)
        registerV18(&migrator)
        registerV19(&migrator)
        registerV20(&migrator)
        return migrator
    }
}
