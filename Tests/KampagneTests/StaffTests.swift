import Foundation
import GRDB
import Testing
@testable import Kampagne

@Suite struct StaffRoleTests {
    @Test func danishAndEnglishNames() throws {
        #expect(try StaffRole.parse("admin") == .admin)
        #expect(try StaffRole.parse("Sekretariat") == .secretariat)
        #expect(try StaffRole.parse("arrangør") == .organiser)
        #expect(try StaffRole.parse("arrangoer") == .organiser)
        #expect(try StaffRole.parse("kommunikation") == .advisor)
        #expect(try StaffRole.parse("rådgiver") == .advisor)
        #expect(throws: KampagneError.self) { try StaffRole.parse("chef") }
    }

    @Test func sectionsFollowTheTable() {
        #expect(StaffSection.contacts.isOpen(to: [.secretariat]))
        #expect(!StaffSection.contacts.isOpen(to: [.organiser]))
        #expect(!StaffSection.contacts.isOpen(to: [.advisor]))
        #expect(StaffSection.meetings.isOpen(to: [.secretariat]) && !StaffSection.meetings.isWritable(by: [.secretariat]))
        #expect(StaffSection.meetings.isWritable(by: [.organiser]))
        #expect(StaffSection.stories.isOpen(to: [.advisor]) && !StaffSection.stories.isOpen(to: [.organiser]))
        #expect(StaffSection.users.isOpen(to: [.admin]) && !StaffSection.users.isOpen(to: [.secretariat, .organiser, .advisor]))
        #expect(StaffSection.report.isOpen(to: [.organiser]) && !StaffSection.report.isWritable(by: [.organiser]))
    }
}

@Suite struct StaffAccountTests {
    func accounts(_ box: Sandbox) -> StaffAccounts { StaffAccounts(store: box.store, cost: 4) }

    @Test func rolesAreStoredAndAnAccountWithoutRolesIsAnOrganiser() throws {
        let box = try Sandbox()
        try accounts(box).set(username: "Sara@Partnerskab.example", password: "hemmelig-kode-42", roles: [.secretariat, .advisor])
        try accounts(box).set(username: "ole@partnerskab.example", password: "hemmelig-kode-42")
        let list = try accounts(box).list()
        #expect(list.map(\.username) == ["ole@partnerskab.example", "sara@partnerskab.example"])
        #expect(list[0].roles == [.organiser])
        #expect(list[1].roles == [.secretariat, .advisor])
        try accounts(box).setRoles(username: "ole@partnerskab.example", [.admin])
        #expect(try accounts(box).list()[0].roles == [.admin])
        #expect(throws: KampagneError.self) { try accounts(box).setRoles(username: "ole@partnerskab.example", [.organiser]) }
        #expect(throws: KampagneError.self) { try accounts(box).remove(username: "ole@partnerskab.example") }
        #expect(throws: KampagneError.self) { try accounts(box).set(username: "kort@x.example", password: "kort") }
    }

    @Test func migrationMakesExistingAccountsOrganisers() throws {
        let box = try Sandbox()
        let path = box.folder.appendingPathComponent("old.sqlite").path
        let queue = try DatabaseQueue(path: path)
        let migrator = Migrations.migrator
        try migrator.migrate(queue, upTo: "v6-report")
        try queue.write { db in
            try db.execute(sql: "INSERT INTO organiser (username, passwordHash, sessionVersion, createdAt) VALUES ('gammel@x.example', 'x', 0, '2026-01-01 00:00:00.000')")
        }
        try queue.close()
        let store = try Store(path: path)
        #expect(try StaffAccounts(store: store).list().map(\.roles) == [[.organiser]])
    }

    @Test func backoffLocksTheAccountAndSurvivesANewStore() throws {
        let box = try Sandbox()
        try accounts(box).set(username: "sara@x.example", password: "hemmelig-kode-42")
        let now = Date(timeIntervalSince1970: 2_000_000_000)
        for _ in 1..<StaffAccounts.freeFailures {
            guard case .refused = try accounts(box).login(username: "sara@x.example", password: "forkert-kode", now: now) else {
                Issue.record("refused expected"); return
            }
        }
        guard case .locked(let until) = try accounts(box).login(username: "SARA@x.example", password: "forkert-kode", now: now) else {
            Issue.record("locked expected"); return
        }
        #expect(until == now.addingTimeInterval(StaffAccounts.firstLock))
        // The right password does not help while locked, and the lock is in the database.
        let reopened = StaffAccounts(store: try Store(path: box.store.path), cost: 4)
        guard case .locked = try reopened.login(username: "sara@x.example", password: "hemmelig-kode-42", now: now.addingTimeInterval(10)) else {
            Issue.record("still locked expected"); return
        }
        // After the lock a wrong password doubles it; the right one clears it.
        let later = now.addingTimeInterval(31)
        guard case .locked(let second) = try reopened.login(username: "sara@x.example", password: "forkert", now: later) else {
            Issue.record("locked again expected"); return
        }
        #expect(second == later.addingTimeInterval(2 * StaffAccounts.firstLock))
        guard case .signedIn(_, let roles) = try reopened.login(username: "sara@x.example", password: "hemmelig-kode-42",
                                                                 now: later.addingTimeInterval(61)) else {
            Issue.record("signed in expected"); return
        }
        #expect(roles == [.organiser])
        #expect(try reopened.list()[0].lockedUntil == nil)
    }

    @Test func unknownAccountIsRefusedWithoutLockingAnything() throws {
        let box = try Sandbox()
        for _ in 0..<2 {
            guard case .refused = try accounts(box).login(username: "ingen@x.example", password: "forkert") else {
                Issue.record("refused expected"); return
            }
        }
    }
}

@Suite struct StaffSessionTests {
    func account(_ box: Sandbox) throws -> StaffAccount {
        let accounts = StaffAccounts(store: box.store, cost: 4)
        let id = try accounts.set(username: "sara@x.example", password: "hemmelig-kode-42")
        return try #require(try accounts.find(id: id)?.0)
    }

    @Test func signedCookieRoundTripsAndRejectsTampering() throws {
        let box = try Sandbox()
        let secret = try InstallationSecret(store: box.store)
        let account = try account(box)
        let now = Date(timeIntervalSince1970: 2_000_000_000)
        let session = StaffSession(account: account, now: now)
        let cookie = session.cookie(secret)
        #expect(StaffSession.decode(cookie, secret, now: now) == session)
        #expect(StaffSession.decode(cookie.replacingOccurrences(of: ".\(account.id ?? 0).", with: ".99."), secret, now: now) == nil)
        #expect(StaffSession.decode(String(cookie.dropLast()) + "x", secret, now: now) == nil)
        #expect(StaffSession.decode("", secret, now: now) == nil)
        // A new login is a new session id.
        #expect(StaffSession(account: account, now: now).id != session.id)
    }

    @Test func idleAndAbsoluteExpiry() throws {
        let box = try Sandbox()
        let secret = try InstallationSecret(store: box.store)
        let now = Date(timeIntervalSince1970: 2_000_000_000)
        var session = StaffSession(account: try account(box), now: now)
        #expect(StaffSession.decode(session.cookie(secret), secret, now: now.addingTimeInterval(StaffSession.idle - 1)) != nil)
        #expect(StaffSession.decode(session.cookie(secret), secret, now: now.addingTimeInterval(StaffSession.idle + 1)) == nil)
        // Kept busy, it lives until the absolute limit and no longer.
        var time = now
        while time < now.addingTimeInterval(StaffSession.lifetime - 3600) {
            time = time.addingTimeInterval(3600)
            session = try #require(session.renewed(now: time))
            #expect(StaffSession.decode(session.cookie(secret), secret, now: time) != nil)
        }
        #expect(StaffSession.decode(session.cookie(secret), secret, now: now.addingTimeInterval(StaffSession.lifetime + 1)) == nil)
        #expect(session.renewed(now: time.addingTimeInterval(10)) == nil, "no new cookie on every request")
    }

    @Test func passwordChangeEndsEverySession() throws {
        let box = try Sandbox()
        let accounts = StaffAccounts(store: box.store, cost: 4)
        let account = try account(box)
        let session = StaffSession(account: account)
        #expect(session.isCurrent(for: account))
        try accounts.set(username: "sara@x.example", password: "en-helt-ny-kode")
        let changed = try #require(try accounts.find(id: account.id ?? 0)?.0)
        #expect(!session.isCurrent(for: changed))
        #expect(StaffSession(account: changed).isCurrent(for: changed))
        try accounts.endSessions(id: account.id ?? 0)
        #expect(!StaffSession(account: changed).isCurrent(for: try #require(try accounts.find(id: account.id ?? 0)?.0)))
    }
}

@Suite struct AuditLogTests {
    @Test func queriesByActorObjectAndPeriod() throws {
        let box = try Sandbox()
        let log = AuditLog(store: box.store)
        let day: TimeInterval = 24 * 3600
        let start = Date(timeIntervalSince1970: 2_000_000_000)
        try log.record(actor: "sara@x.example", action: "contacts.show", object: AuditLog.contact("Anna@Kommune.example"), client: "127.0.0.1", at: start)
        try log.record(actor: "cli:root", action: "contacts.update", object: AuditLog.contact("anna@kommune.example"), at: start.addingTimeInterval(day))
        try log.record(actor: "sara@x.example", action: "event.checkin", object: "event:3", at: start.addingTimeInterval(2 * day))
        #expect(try log.query(AuditQuery(object: "contact:anna@kommune.example")).entries.map(\.actor) == ["cli:root", "sara@x.example"])
        #expect(try log.query(AuditQuery(actor: "SARA@x.example")).total == 2)
        #expect(try log.query(AuditQuery(object: "contact:")).total == 2)
        #expect(try log.query(AuditQuery(from: start.addingTimeInterval(day), to: start.addingTimeInterval(2 * day))).entries.map(\.action) == ["contacts.update"])
        let page = try log.query(AuditQuery(limit: 1, offset: 1))
        #expect(page.total == 3 && page.entries.map(\.action) == ["contacts.update"])
        let csv = String(decoding: AuditLog.csv(page.entries), as: UTF8.self)
        #expect(csv.hasPrefix("\u{FEFF}Tid;Aktør;Handling"))
    }

    @Test func rowsCannotBeDeletedOrRewritten() throws {
        let box = try Sandbox()
        try AuditLog(store: box.store).record(actor: "sara@x.example", action: "users.add", object: "account:ole@x.example")
        #expect(throws: KampagneError.self) { try box.store.write { db in try db.execute(sql: "DELETE FROM auditLog") } }
        #expect(throws: KampagneError.self) { try box.store.write { db in try db.execute(sql: "UPDATE auditLog SET actor = 'en anden'") } }
        #expect(throws: KampagneError.self) { try box.store.write { db in try db.execute(sql: "UPDATE auditLog SET action = 'intet'") } }
        #expect(try AuditLog(store: box.store).query(AuditQuery()).entries.map(\.actor) == ["sara@x.example"])
    }

    @Test func erasureReplacesThePersonsIdentityInTheLog() throws {
        let box = try Sandbox()
        try box.importing([box.file("a.csv", "E-mail;Navn\nanna@kommune.example;Anna Berg\nbo@kommune.example;Bo Dal\n")])
        let log = AuditLog(store: box.store)
        try log.record(actor: "sara@x.example", action: "contacts.show", object: AuditLog.contact("anna@kommune.example"))
        try log.record(actor: "sara@x.example", action: "event.walkin", object: "event:1", summary: "anna@kommune.example mødt ved døren")
        try log.record(actor: "anna@kommune.example", action: "login", object: "account:anna@kommune.example")
        try log.record(actor: "sara@x.example", action: "contacts.show", object: AuditLog.contact("bo@kommune.example"))
        try PersonalData(store: box.store, settings: EventSettings()).erase("Anna@kommune.example")
        let all = try log.query(AuditQuery()).entries
        #expect(all.count == 4, "who did what and when stays")
        #expect(!all.contains { "\($0.actor) \($0.object) \($0.summary)".lowercased().contains("anna@kommune.example") })
        #expect(try log.query(AuditQuery(object: "contact:slettet")).total == 1)
        #expect(try log.query(AuditQuery(object: AuditLog.contact("bo@kommune.example"))).total == 1, "others are untouched")
    }
}
