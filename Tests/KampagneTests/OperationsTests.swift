import Foundation
import GRDB
import Logging
import Testing
@testable import Kampagne

/// Backups, the daily schedule and pruning, schema versions, the health figures and the JSON
/// log line, against real database files.
@Suite struct OperationsTests {
    @Test func backupIsAnIntactSelfContainedCopyWithTheConfiguration() throws {
        let box = try Sandbox()
        try box.importing([box.file("a.csv", "E-mail\na@x.example\nb@x.example\n")])
        let config = box.file("kampagne.toml", "[backup]\nkeep = 2\n")
        let target = box.folder.appendingPathComponent("kopi.sqlite").path
        let result = try DatabaseBackup(store: box.store).write(to: target, configPath: config)
        #expect(result.integrity == "ok" && result.bytes > 0)
        #expect(result.config == box.folder.appendingPathComponent("kopi.toml").path)
        #expect(!FileManager.default.fileExists(atPath: target + "-wal"))
        let summary = try DatabaseFile(path: target).inspect()
        #expect(summary.contacts == 2 && summary.schema.status == .current)
        #expect(throws: KampagneError.self) { try DatabaseBackup(store: box.store).write(to: target, configPath: nil) }
    }

    @Test func dailyBackupRunsOncePerDayAndKeepsTheNewest() throws {
        let box = try Sandbox()
        let configPath = box.file("kampagne.toml", "")
        var config = KampagneConfig()
        config.backup = .init(folder: "kopier", keep: 2, dailyAt: "03:15")
        let schedule = try BackupSchedule(store: box.store, config: config, configPath: configPath)
        let calendar = BackupSchedule.copenhagen
        let dayOne = try #require(calendar.date(from: DateComponents(year: 2027, month: 2, day: 4, hour: 3, minute: 0)))
        #expect(try schedule.runIfDue(now: dayOne) == nil, "before the time")
        #expect(try schedule.runIfDue(now: dayOne.addingTimeInterval(20 * 60)) != nil)
        #expect(try schedule.runIfDue(now: dayOne.addingTimeInterval(21 * 60)) == nil, "once a day")
        for day in 1...3 {
            #expect(try schedule.runIfDue(now: dayOne.addingTimeInterval(Double(day) * 86_400 + 20 * 60)) != nil)
        }
        let folder = BackupFolder(path: box.folder.appendingPathComponent("kopier").path)
        #expect(folder.files().count == 2)
        #expect(folder.files().last?.contains("20270207T") == true, "the newest are kept")
        #expect(throws: KampagneError.self) {
            config.backup?.dailyAt = "25:00"
            _ = try BackupSchedule(store: box.store, config: config, configPath: configPath)
        }
    }

    @Test func upgradeBackupsAreNeverPruned() throws {
        let box = try Sandbox()
        let folder = BackupFolder(path: box.folder.path)
        for name in ["kampagne-upgrade-from-v1-contacts-20270101T000000Z", "kampagne-20270101T000000Z", "kampagne-20270102T000000Z"] {
            box.file(name + ".sqlite", "x")
        }
        #expect(folder.prune(keep: 1).count == 1)
        #expect(FileManager.default.fileExists(atPath: box.folder.appendingPathComponent("kampagne-upgrade-from-v1-contacts-20270101T000000Z.sqlite").path))
    }

    @Test func newerSchemaIsRefusedWithoutTouchingIt() throws {
        let box = try Sandbox()
        try box.store.write { try $0.execute(sql: "INSERT INTO grdb_migrations VALUES ('v99-future')") }
        #expect(throws: KampagneError.self) { _ = try Store(path: box.store.path) }
        do {
            _ = try Store(path: box.store.path)
        } catch {
            #expect(error.message.contains("nyere version af Kampagne"))
            #expect(error.message.contains("v99-future"))
        }
        let schema = try #require(try SchemaVersion.ofFile(box.store.path))
        #expect(schema.status == .newer && schema.unknown == ["v99-future"])
    }

    @Test func healthCountsDueMailAndCallsAnUnsentOutboxStuck() throws {
        let box = try Sandbox()
        try box.importing([box.file("a.csv", "E-mail\na@x.example\nb@x.example\n")]) { $0.lists = ["Nyhedsbrev"] }
        let healthy = HealthReport.measure(store: box.store, stuckAfter: 60)
        #expect(healthy.healthy && healthy.outboxDue == 0 && healthy.schedulerLastRunAt == nil)
        try box.store.write { db in
            try db.execute(sql: "INSERT INTO campaign (kind, name, audience, createdAt) VALUES ('test', 't', '{}', ?)", arguments: [Date()])
            let campaign = db.lastInsertedRowID
            for (index, key) in ["a@x.example", "b@x.example"].enumerated() {
                try db.execute(sql: """
                    INSERT INTO outbox (campaignId, email, emailKey, recipient, state, nextAttemptAt, messageID, createdAt)
                    VALUES (?, ?, ?, ?, 'queued', ?, ?, ?)
                    """, arguments: [campaign, key, key, key, Date().addingTimeInterval(-600), "m\(index)@x.example", Date()])
            }
        }
        try RunMarker.scheduler.record(at: Date(), in: box.store)
        let stuck = HealthReport.measure(store: box.store, stuckAfter: 60)
        #expect(!stuck.healthy && stuck.outboxStuck && stuck.outboxDue == 2)
        #expect((stuck.outboxOldestDueSeconds ?? 0) >= 599 && stuck.schedulerLastRunAt != nil)
        #expect(HealthReport.measure(store: box.store, stuckAfter: 3_600).healthy, "not yet past the threshold")
    }

    @Test func jsonLogLineIsOneObject() throws {
        let data = JSONLogHandler.line(time: Date(timeIntervalSince1970: 0), level: .info, label: "kampagne.test",
                                       message: "hej \"du\"\nnæste", metadata: ["bytes": "12"], source: "Kampagne")
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.hasSuffix("}\n") && text.dropLast().contains("\n") == false)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["message"] as? String == "hej \"du\"\nnæste")
        #expect(object["ts"] as? String == "1970-01-01T00:00:00.000Z")
        #expect((object["metadata"] as? [String: String])?["bytes"] == "12")
    }
}

extension OperationsTests {
    /// SQLite 3.40.1 calls every NOT NULL non-key column of a WITHOUT ROWID table NULL; a real
    /// NULL (written past the constraint) must still be found.
    @Test func integrityCheckSeesThroughFalseNullsButNotRealOnes() throws {
        let box = try Sandbox()
        try box.importing([box.file("a.csv", "E-mail;Rolle\na@x.example;jobcenterchef\n")]) { $0.lists = ["Nyhedsbrev"] }
        #expect(try box.store.read(DatabaseFile.integrityProblems).isEmpty)
        let copy = box.folder.appendingPathComponent("kopi.sqlite").path
        _ = try DatabaseBackup(store: box.store).write(to: copy, configPath: nil)
        try rewriteSchema(copy, table: "listMembership", from: #""consentBasis" TEXT NOT NULL"#, to: #""consentBasis" TEXT"#)
        let loose = try DatabaseQueue(path: copy)
        try loose.write { try $0.execute(sql: "UPDATE listMembership SET consentBasis = NULL") }
        try loose.close()
        try rewriteSchema(copy, table: "listMembership", from: #""consentBasis" TEXT,"#, to: #""consentBasis" TEXT NOT NULL,"#)
        let problems = try DatabaseQueue(path: copy).read(DatabaseFile.integrityProblems)
        #expect(problems == ["NULL value in listMembership.consentBasis"], "the real NULL, not the false one in source")
    }

    /// Edits a table's CREATE statement in place (writable_schema): a fault no constraint lets in.
    private func rewriteSchema(_ path: String, table: String, from old: String, to new: String) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA writable_schema = ON")
            try db.execute(sql: "UPDATE sqlite_schema SET sql = replace(sql, ?, ?) WHERE name = ?", arguments: [old, new, table])
        }
        try queue.close()
    }
}
