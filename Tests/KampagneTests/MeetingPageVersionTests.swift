import Foundation
import GRDB
import Testing
@testable import Kampagne

/// `event.pageVersion` (migration v11-perf): the web server's meeting page cache trusts it to
/// change on every write that can change a meeting's page, and only for that meeting.
@Suite struct MeetingPageVersionTests {
    func versions(_ f: EventFixture, _ other: Int64) throws -> (Int64, Int64) {
        try f.box.store.read { db in
            (try Int64.fetchOne(db, sql: "SELECT pageVersion FROM event WHERE id = ?", arguments: [f.id]) ?? -1,
             try Int64.fetchOne(db, sql: "SELECT pageVersion FROM event WHERE id = ?", arguments: [other]) ?? -1)
        }
    }

    @Test func everyWriteToTheMeetingOrItsSignUpsRaisesItsVersionOnly() throws {
        let f = try EventFixture(capacity: "3")
        let other = try f.events.create(file: f.box.file("andet.md", meetingFile(start: f.start)))
        let publicId = try f.box.store.read { db in try String.fetchOne(db, sql: "SELECT publicId FROM event WHERE id = ?", arguments: [f.id]) } ?? ""
        var (last, otherLast) = try versions(f, other)
        #expect(try PublicLinks(store: f.box.store, secret: InstallationSecret(store: f.box.store), settings: EventSettings())
            .pageVersion(publicId: publicId) == last)
        func expectRaised(_ what: String, _ body: () throws -> Void) throws {
            try body()
            let (now, otherNow) = try versions(f, other)
            #expect(now > last, "\(what) raises the meeting's version")
            #expect(otherNow == otherLast, "\(what) leaves another meeting's version alone")
            last = now
            otherLast = otherNow
        }
        try expectRaised("a sign-up") { try f.signUp("a@kommune.example", name: "Anne Holm") }
        try expectRaised("a second sign-up") { try f.signUp("b@kommune.example", name: "Bo Holm") }
        try expectRaised("a cancellation") { _ = try f.registrations.cancel(f.id, email: "a@kommune.example") }
        try expectRaised("a change to the meeting") {
            var changes = Events.Changes()
            changes.title = "Nyt navn"
            _ = try f.events.update(f.id, changes)
        }
        try expectRaised("a deleted registration") {
            try f.box.store.write { db in try db.execute(sql: "DELETE FROM registration WHERE eventId = ?", arguments: [f.id]) }
        }
        try expectRaised("cancelling the meeting") { _ = try f.events.cancel(f.id, reason: "For få") }
        // A write elsewhere does not touch the meeting.
        _ = try f.box.importing([f.box.file("c.csv", "E-mail\nc@kommune.example\n")])
        let (after, otherAfter) = try versions(f, other)
        #expect(after == last)
        #expect(otherAfter == otherLast)
    }
}
