import Foundation
import GRDB
import Testing
@testable import Kampagne

/// Upload imports as stored jobs: applied in chunks (each its own transaction), resumed after
/// an interruption with exactly the contacts and counts of one uninterrupted import, removed
/// after the retention.
@Suite struct ImportQueueTests {
    /// 40 records: new people, a person already stored (unchanged), one stored who changes,
    /// an address repeated across chunk boundaries (first unchanged, then changed), bad rows,
    /// empty rows, an unknown municipality (a warning).
    static let file: String = {
        var lines = ["E-mail;Navn;Kommune;Titel"]
        for i in 1...30 {
            switch i {
            case 4: lines.append("gammel@kommune.example;Gitte Gammel;Vejle;Chef")
            case 7: lines.append("ikke-en-adresse;Ib Fejl;Vejle;")
            case 9: lines.append(";;;")
            case 11: lines.append("aendres@kommune.example;Anders And;Odense;Ny titel")
            case 13: lines.append("gammel@kommune.example;Gitte Gammel;Vejle;Chef")
            case 17: lines.append("ukendt@kommune.example;Uffe Ukendt;Atlantis;")
            case 21: lines.append("GAMMEL@kommune.example;Gitte Gammel;Vejle;Direktør")
            case 25: lines.append("ogsaa-fejl@;Ole Fejl;Vejle;")
            default: lines.append("p\(i)@kommune.example;Person Nummer\(i);Aarhus;")
            }
        }
        lines.append(";;;")
        return lines.joined(separator: "\n") + "\n"
    }()

    static func seeded() throws -> Sandbox {
        let box = try Sandbox()
        try box.importing([box.file("gamle.csv", "E-mail;Navn;Kommune;Titel\ngammel@kommune.example;Gitte Gammel;Vejle;Chef\naendres@kommune.example;Anders And;Odense;Gammel titel\n")]) {
            $0.lists = ["Nyhedsbrev"]
        }
        return box
    }

    static var choices: ImportChoices {
        var choices = ImportChoices()
        choices.lists = ["Nyhedsbrev"]
        choices.source = "LBR-sekretariatet"
        return choices
    }

    /// What the database holds about the contacts, to compare imports.
    static func snapshot(_ box: Sandbox) throws -> [String] {
        let people = box.contacts.map { c in
            "\(c.email)|\(c.name)|\(c.municipality ?? "")|\(c.title)|\(c.roles)|\(c.lists)|\(c.attributes.sorted { $0.key < $1.key })"
        }
        let sources = try box.store.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM contactSource") ?? -1 }
        return people.sorted() + ["sources: \(sources)"]
    }

    static func counts(_ r: ImportReport) -> [Int] {
        [r.rows, r.new, r.updated, r.unchanged, r.rejected, r.duplicateRows, r.emptyRows, r.errors.count, r.warnings.count]
    }

    /// A checked and started job in `box` with `chunk` records per transaction.
    static func started(_ box: Sandbox, chunk: Int, runner: ImportQueue.Runner) throws -> (ImportQueue, ImportJob) {
        let queue = ImportQueue(store: box.store, chunkSize: chunk)
        let job = try queue.create(owner: "sif", fileName: "chefer.csv", data: Data(file.utf8), choices: choices)
        let checked = try queue.check(job.id)
        #expect(checked.state == .previewed && checked.recordsTotal == 31)
        return (queue, try queue.start(job.id, goodOnly: true, runner: runner))
    }

    /// The single-transaction import (the command line's) of the same file.
    static func reference() throws -> (ImportReport, [String]) {
        let box = try seeded()
        let report = try box.importing([box.file("chefer.csv", file)]) {
            $0.lists = ["Nyhedsbrev"]; $0.source = "LBR-sekretariatet"
            $0.rejectsPath = box.folder.appendingPathComponent("afviste.csv").path
        }
        return (report, try snapshot(box))
    }

    @Test(arguments: [1, 2, 3, 7, 2_000])
    func chunksGiveTheSameResultAsOneTransaction(chunk: Int) throws {
        let (expected, expectedContacts) = try Self.reference()
        #expect(Self.counts(expected) == [29, 23, 2, 0, 2, 2, 2, 2, 1])
        let box = try Self.seeded()
        let runner = ImportQueue.Runner()
        let (queue, job) = try Self.started(box, chunk: chunk, runner: runner)
        let done = try queue.run(job.id, runner: runner)
        #expect(done.state == .done)
        #expect(done.recordsDone == 31)
        // One transaction per `chunk` records, and one for the end of the file.
        #expect(done.chunks == 31 / chunk + 1)
        let report = try #require(try queue.report(of: done))
        #expect(Self.counts(report) == Self.counts(expected))
        #expect(report.errors.map(\.line) == expected.errors.map(\.line))
        #expect(try Self.snapshot(box) == expectedContacts)
        let rejects = String(decoding: try #require(try queue.rejectsCSV(of: done)).dropFirst(3), as: UTF8.self)
        #expect(rejects.hasPrefix("Fil;Linje;Fejl;E-mail;Navn;Kommune;Titel"))
        #expect(rejects.contains("ikke-en-adresse;Ib Fejl;Vejle;") && rejects.contains("ogsaa-fejl@;Ole Fejl;Vejle;"))
    }

    @Test(arguments: [1, 3, 5, 12, 20, 30])
    func resumeAfterAnInterruptionGivesExactlyTheUninterruptedResult(afterRecords: Int) throws {
        let (expected, expectedContacts) = try Self.reference()
        let box = try Self.seeded()
        let first = ImportQueue.Runner()
        let (queue, job) = try Self.started(box, chunk: 3, runner: first)
        // The process "dies" after the chunk that reaches `afterRecords`: the job is left
        // running, owned by a process id that does not exist, with what was committed.
        let store = box.store
        let interrupted = try queue.run(job.id, runner: first) { records in
            guard records >= afterRecords else { return }
            _ = try? store.write { db in
                try db.execute(sql: "UPDATE importJob SET runnerPid = 999999, runnerToken = 'dead' WHERE id = ?", arguments: [job.id])
            }
        }
        #expect(interrupted.state == .running)
        #expect(interrupted.recordsDone < 31 && interrupted.recordsDone >= afterRecords)
        let second = ImportQueue.Runner()
        #expect(try queue.interrupted(for: second).map(\.id) == [job.id])
        let done = try queue.run(job.id, runner: second)
        #expect(done.state == .done && done.recordsDone == 31)
        let report = try #require(try queue.report(of: done))
        #expect(Self.counts(report) == Self.counts(expected))
        #expect(report.errors.map(\.line) == expected.errors.map(\.line))
        #expect(try Self.snapshot(box) == expectedContacts)
    }

    @Test func aLiveRunnerIsNotTakenOver() throws {
        let box = try Self.seeded()
        let runner = ImportQueue.Runner()
        let (queue, job) = try Self.started(box, chunk: 3, runner: runner)
        // Another runner in this same, living process: not a gone one.
        #expect(try queue.interrupted(for: ImportQueue.Runner()).isEmpty)
        #expect(throws: KampagneError.self) { try queue.run(job.id, runner: ImportQueue.Runner()) }
    }

    @Test func otherWritersBetweenChunksAreMergedNotDuplicated() throws {
        let box = try Self.seeded()
        let runner = ImportQueue.Runner()
        let (queue, job) = try Self.started(box, chunk: 3, runner: runner)
        let store = box.store
        // A sign-up stores an address of a later row between two chunks.
        let done = try queue.run(job.id, runner: runner) { records in
            guard records == 3 else { return }
            _ = try? store.write { db in
                var contact = Contact(id: nil, email: "p28@kommune.example", emailKey: "p28@kommune.example", firstName: "Per",
                                      lastName: "", organisation: "", title: "", municipality: nil, phone: "", attributes: [:],
                                      createdAt: Date(), updatedAt: Date())
                try contact.insert(db)
            }
        }
        #expect(done.state == .done)
        #expect(box.contacts.filter { $0.email == "p28@kommune.example" }.map(\.lastName) == ["Nummer28"])
    }

    /// Erasing a person leaves no copy of their address in the import jobs: a finished job's
    /// upload is gone once it is done, its warnings naming the address go with the erasure,
    /// and an upload still waiting to be applied that holds the address is discarded.
    @Test func erasureLeavesNoCopyInImportJobs() throws {
        let box = try Self.seeded()
        let runner = ImportQueue.Runner()
        let queue = ImportQueue(store: box.store, chunkSize: 1)
        // A row with a cell too many is rejected with its cells kept for the rejects file.
        let file = "E-mail;Navn;Kommune;Titel\ngod@kommune.example;Gode Gorm;Vejle;\nfie@kommune.example;Fie Fejl;Vejle;Chef;for meget\n"
        let job = try queue.create(owner: "sif", fileName: "fejl.csv", data: Data(file.utf8), choices: Self.choices)
        _ = try queue.check(job.id)
        _ = try queue.start(job.id, goodOnly: true, runner: runner)
        let done = try queue.run(job.id, runner: runner)
        #expect(done.state == .done && !FileManager.default.fileExists(atPath: queue.uploadPath(of: done)))
        let naming = { try box.store.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM importJobIssue WHERE lower(coalesce(fields, '') || message) LIKE '%fie@kommune.example%'") ?? -1
        } }
        #expect(try naming() == 1)
        let waiting = try queue.create(owner: "sif", fileName: "igen.csv", data: Data("E-mail\nFIE@kommune.example\n".utf8), choices: Self.choices)
        _ = try queue.check(waiting.id)
        let other = try queue.create(owner: "sif", fileName: "andre.csv", data: Data("E-mail\nandre@kommune.example\n".utf8), choices: Self.choices)
        _ = try queue.check(other.id)
        let report = try PersonalData(store: box.store, settings: EventSettings()).erase("Fie@Kommune.example")
        #expect(report.importUploadsDiscarded == 1)
        #expect(try naming() == 0)
        let discarded = try #require(try queue.job(waiting.id))
        #expect(discarded.state == .cancelled && !FileManager.default.fileExists(atPath: queue.uploadPath(of: discarded)))
        #expect(discarded.message?.contains("slettet efter anmodning") == true)
        let kept = try #require(try queue.job(other.id))
        #expect(kept.state == .previewed && FileManager.default.fileExists(atPath: queue.uploadPath(of: kept)))
    }

    @Test func cancelledBetweenChunksStopsAndKeepsWhatWasApplied() throws {
        let box = try Self.seeded()
        let runner = ImportQueue.Runner()
        let (queue, job) = try Self.started(box, chunk: 3, runner: runner)
        let stopped = try queue.run(job.id, runner: runner) { records in
            if records == 6 { _ = try? queue.discard(job.id) }
        }
        #expect(stopped.state == .cancelled && stopped.recordsDone == 6)
        #expect(!FileManager.default.fileExists(atPath: queue.uploadPath(of: stopped)))
        #expect(box.contactCount == 2 + 5)
    }

    @Test func uploadsAreStoredPrivatelyAndRemovedAfterTheRetention() throws {
        let box = try Sandbox()
        let queue = ImportQueue(store: box.store)
        let now = Date()
        let old = try queue.create(owner: "sif", fileName: "gammel.csv", data: Data("E-mail\na@x.example\n".utf8), choices: ImportChoices(),
                                   now: now.addingTimeInterval(-ImportQueue.retention - 3_600))
        let fresh = try queue.create(owner: "sif", fileName: "ny.csv", data: Data("E-mail\nb@x.example\n".utf8), choices: ImportChoices(),
                                     now: now.addingTimeInterval(-3_600))
        let mode = try FileManager.default.attributesOfItem(atPath: queue.uploadPath(of: fresh))[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let folderMode = try FileManager.default.attributesOfItem(atPath: queue.folder)[.posixPermissions] as? Int
        #expect(folderMode == 0o700)
        // A file no job knows of, as old as the retention: removed too.
        let stray = (queue.folder as NSString).appendingPathComponent("efterladt.csv")
        FileManager.default.createFile(atPath: stray, contents: Data("x".utf8),
                                       attributes: [.modificationDate: now.addingTimeInterval(-ImportQueue.retention - 60)])
        #expect(try queue.removeExpired(now: now) == 1)
        #expect(try queue.job(old.id) == nil)
        #expect(!FileManager.default.fileExists(atPath: queue.uploadPath(of: old)))
        #expect(!FileManager.default.fileExists(atPath: stray))
        #expect(try queue.job(fresh.id) != nil && FileManager.default.fileExists(atPath: queue.uploadPath(of: fresh)))
        // Discarding removes the upload at once; the job's row stays until the retention.
        let discarded = try queue.discard(fresh.id)
        #expect(discarded.state == .cancelled && !FileManager.default.fileExists(atPath: queue.uploadPath(of: fresh)))
        #expect(try queue.list().map(\.id) == [fresh.id])
    }

    /// The check is a dry run in a read transaction (no writer waits for it): its counts are
    /// a real run's, nothing is written, not even the new list.
    @Test(arguments: [[String](), ["jobcenter"]])
    func theCheckCountsAsTheRealRunWithoutWriting(roles: [String]) throws {
        let box = try Self.seeded()
        let configure = { (options: inout ImportOptions) in
            options.lists = ["Nyhedsbrev", "Ny liste"]
            options.roles = roles
        }
        let path = box.file("chefer.csv", Self.file)
        let before = try Self.snapshot(box)
        let dry = try box.importing([path]) { configure(&$0); $0.dryRun = true }
        #expect(try Self.snapshot(box) == before)
        #expect(try box.store.read { try MailingList.fetchCount($0) } == 1)
        let real = try box.importing([path]) { configure(&$0); $0.rejectsPath = box.folder.appendingPathComponent("a.csv").path }
        #expect(Self.counts(dry) == Self.counts(real))
        #expect(dry.listsCreated == ["Ny liste"] && real.listsCreated == ["Ny liste"])
        #expect(dry.dryRun && !dry.applied && real.applied)
        // Again, now that everything is stored: unchanged, but for the address whose rows
        // disagree (its title goes back to the first row's, then forward again).
        let again = try box.importing([path]) { configure(&$0); $0.dryRun = true }
        #expect((again.new, again.updated, again.unchanged) == (0, 1, 24))
    }

    @Test func allRowsIsRefusedWhenTheCheckFoundErrors() throws {
        let box = try Self.seeded()
        let queue = ImportQueue(store: box.store)
        let job = try queue.create(owner: "sif", fileName: "chefer.csv", data: Data(Self.file.utf8), choices: Self.choices)
        try queue.check(job.id)
        #expect(throws: KampagneError.self) { try queue.start(job.id, goodOnly: false, runner: ImportQueue.Runner()) }
        #expect(try queue.job(job.id)?.state == .previewed)
        #expect(box.contactCount == 2)
    }
}
