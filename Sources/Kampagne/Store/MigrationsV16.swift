import GRDB

extension Migrations {
    /// v16: the staff area's good stories (issue 18).
    ///
    /// - `storyPhoto`: a photo file uploaded for a story (`StoryPhotos`). The file itself lives in
    ///   `historie-fotos/` beside the database; the caption, credit and people are in the
    ///   story's text. Removing a story removes its rows.
    static func registerV16(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v16-stories-admin") { db in
            try db.create(table: "storyPhoto") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("story", onDelete: .cascade).notNull()
                t.column("name", .text).notNull()
                t.column("mediaType", .text).notNull()
                t.column("bytes", .integer).notNull()
                t.column("sha256", .text).notNull()
                t.column("path", .text).notNull()
                t.column("uploadedAt", .datetime).notNull()
                t.uniqueKey(["storyId", "name"])
            }
        }
    }
}
