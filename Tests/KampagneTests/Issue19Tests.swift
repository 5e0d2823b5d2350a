import Foundation
import GRDB
import MailTemplates
import Testing
@testable import Kampagne

/// Punycode against RFC 3492's own samples and Python's `encodings.punycode`.
@Suite struct PunycodeTests {
    static let vectors: [(String, String)] = [
        ("ليهمابتكلموشعربي؟", "egbpdaj6bu4bxfgehfvwxn"),                 // RFC 3492 7.1 (A)
        ("3年B組金八先生", "3B-ww4c5e180e575a65lsy2b"),                   // (L)
        ("Hello-Another-Way-それぞれの場所", "Hello-Another-Way--fc4qua05auwb3674vfr0b"), // (M)
        ("næstved", "nstved-pua"), ("ærø", "r-3fa9c"), ("bücher", "bcher-kva"),
    ]

    @Test func encodesAndDecodesKnownVectors() {
        for (unicode, ascii) in Self.vectors {
            #expect(Punycode.encode(unicode) == ascii)
            #expect(Punycode.decode(ascii) == unicode)
        }
        #expect(Punycode.decode("ab!c") == nil, "not Punycode")
    }

    @Test func domainsBothWays() {
        #expect(IDNA.ascii("Næstved.Example") == "xn--nstved-pua.example")
        #expect(IDNA.ascii("kommune.example") == "kommune.example")
        #expect(IDNA.unicode("xn--nstved-pua.example") == "næstved.example")
        #expect(IDNA.asciiAddress("jens@næstved.example") == "jens@xn--nstved-pua.example")
    }
}

@Suite struct InternationalDomainTests {
    @Test func bothFormsAreOneIdentity() throws {
        let unicode = try EmailAddress(parsing: "Jens@Næstved.example")
        let ascii = try EmailAddress(parsing: "jens@xn--nstved-pua.example")
        #expect(unicode.key == ascii.key)
        #expect(unicode.key == "jens@xn--nstved-pua.example")
        #expect(unicode.value == "Jens@næstved.example", "the address keeps the spelling it was given")
    }

    @Test func importOfBothFormsMakesOneContactAndSuppressionCoversBoth() throws {
        let box = try Sandbox()
        try box.importing([box.file("a.csv", "E-mail;Navn\njens@næstved.example;Jens Holm\n")])
        let report = try box.importing([box.file("b.csv", "E-mail;Telefon\njens@xn--nstved-pua.example;12345678\n")])
        #expect(report.new == 0 && report.updated == 1)
        #expect(box.contactCount == 1)
        try PersonalData(store: box.store, settings: EventSettings()).unsubscribe("jens@næstved.example", source: "test")
        let suppressed = try box.store.read { try SuppressionList(db: $0).contains("JENS@xn--nstved-pua.example") }
        #expect(suppressed)
    }

    /// A database from before v7: a contact stored under the Unicode key and one under the
    /// A-label, each on a list, the Unicode form suppressed under the old hash rule.
    @Test func migrationMergesTwoStoredFormsAndKeepsTheSuppression() throws {
        let box = try Sandbox()
        let path = box.folder.appendingPathComponent("before-v7.sqlite").path
        try oldDatabase(at: path, upTo: "v6-report") { db in
            let now = StoredDate.text(Date())
            try db.execute(sql: "INSERT INTO mailingList (name, nameKey, createdAt) VALUES ('A', 'a', ?), ('B', 'b', ?)", arguments: [now, now])
            try db.execute(sql: """
                INSERT INTO contact (id, email, emailKey, firstName, lastName, phone, createdAt, updatedAt)
                VALUES (1, 'jens@næstved.example', 'jens@næstved.example', 'Jens', '', '', ?, ?),
                       (2, 'jens@xn--nstved-pua.example', 'jens@xn--nstved-pua.example', '', 'Holm', '11223344', ?, ?)
                """, arguments: [now, now, now, now])
            try db.execute(sql: """
                INSERT INTO listMembership (mailingListId, contactId, consentBasis, consentAt, source)
                VALUES (1, 1, 'legitimate-interest', ?, 'x'), (2, 2, 'legitimate-interest', ?, 'x'), (1, 2, 'legitimate-interest', ?, 'x')
                """, arguments: [now, now, now])
            let secret = try InstallationSecret.load(db)
            try db.execute(sql: "INSERT INTO suppression (emailHash, reason, source, createdAt) VALUES (?, 'unsubscribed', 'x', ?)",
                           arguments: [secret.mac("jens@næstved.example"), now])
        }
        let store = try Store(path: path)
        let contacts = try ContactDirectory(store: store).list()
        #expect(contacts.count == 1)
        let contact = try #require(contacts.first)
        #expect(contact.name == "Jens Holm", "the merged contact's fields fill the empty ones")
        #expect(contact.phone == "11223344")
        #expect(contact.lists == ["A", "B"])
        #expect(try store.read { try SuppressionList(db: $0).contains("jens@næstved.example") })
        #expect(try store.read { try SuppressionList(db: $0).contains("jens@xn--nstved-pua.example") })
    }
}

/// Migrates a fresh file with the released migrations up to `last` and lets `fill` add rows.
func oldDatabase(at path: String, upTo last: String, fill: (Database) throws -> Void = { _ in }) throws {
    var config = Configuration()
    config.prepareDatabase { db in
        db.add(collation: .danish)
        db.add(function: .fold)
    }
    let queue = try DatabaseQueue(path: path, configuration: config)
    try Migrations.migrator.migrate(queue, upTo: last)
    try queue.write(fill)
}

@Suite struct MigrationV7Tests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/schema-v3-without-registration-index.sqlite")

    /// Writes the fixture (run once with KAMPAGNE_WRITE_FIXTURES=1): v1–v3 as released,
    /// i.e. without the index that was later added to v3.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["KAMPAGNE_WRITE_FIXTURES"] == "1"))
    func writeFixture() throws {
        try? FileManager.default.removeItem(at: Self.fixture)
        try oldDatabase(at: Self.fixture.path, upTo: "v3-events") { db in
            try db.execute(sql: "DROP INDEX registration_eventId_status")
            try db.execute(sql: "PRAGMA journal_mode = DELETE")
        }
    }

    @Test func registrationIndexIsAddedToADatabaseFromBeforeIt() throws {
        let box = try Sandbox()
        let copy = box.folder.appendingPathComponent("v3.sqlite")
        try FileManager.default.copyItem(at: Self.fixture, to: copy)
        let before = try DatabaseQueue(path: copy.path).read { try $0.indexes(on: "registration").map(\.name) }
        #expect(!before.contains("registration_eventId_status"), "the fixture is from before the index")
        let store = try Store(path: copy.path)
        let indexes = try store.read { try $0.indexes(on: "registration") }
        let index = try #require(indexes.first { $0.name == "registration_eventId_status" })
        #expect(index.columns == ["eventId", "status", "queuedAt"])
        // A current database already has it: the migration leaves it be.
        #expect(try box.store.read { try $0.indexes(on: "registration").filter { $0.name == "registration_eventId_status" }.count } == 1)
    }
}

@Suite struct ResolvedSettingsTests {
    /// Erasing someone who holds a seat offers it to the next in line on the configured terms:
    /// `[events] offer_hold` and the sender's domain in the offer's Message-ID.
    @Test func erasureOffersTheSeatWithTheConfiguredHoldAndDomain() throws {
        let box = try Sandbox()
        let toml = box.file("kampagne.toml", """
            [sender]
            name = "Sekretariatet"
            address = "post@sekretariat.example"

            [events]
            offer_hold = "3h"
            """)
        let config = try KampagneConfig.load(path: toml)
        let settings = try EventSettings(config: config)
        #expect(settings.offerHold == 3 * 3600 && settings.senderDomain == "sekretariat.example")
        let registrations = Registrations(store: box.store, settings: settings)
        let id = try Events(store: box.store, settings: settings)
            .create(file: box.file("m.md", meetingFile(start: Date().addingTimeInterval(20 * 86_400), capacity: "1", minimum: "1")))
        for email in ["a@x.example", "b@x.example"] {
            var signUp = SignUp(email: email)
            signUp.answers = ["arbejdssted": "Jobcenter Odense"]
            _ = try registrations.register(id, signUp)
        }
        let before = Date()
        try PersonalData(store: box.store, settings: settings).erase("a@x.example")
        let (offer, messageIDs) = try box.store.read { db in
            (try Registration.filter(Registration.Columns.status == RegistrationStatus.offered.rawValue).fetchOne(db),
             try String.fetchAll(db, sql: "SELECT messageID FROM outbox WHERE emailKey = 'b@x.example'"))
        }
        let expires = try #require(offer?.offerExpiresAt)
        #expect(abs(expires.timeIntervalSince(before) - 3 * 3600) < 60, "the configured hold, not the default 48 hours")
        #expect(messageIDs.count >= 2 && messageIDs.allSatisfy { $0.hasSuffix("@sekretariat.example") })
    }
}

@Suite struct SMTPReplyClassTests {
    @Test func enhancedStatusCodeDecidesBeforeTheText() {
        #expect(SMTPReplyClass(code: 550, reply: "550 5.1.1 <a@x.example>: User unknown") == .mailboxUnknown)
        #expect(SMTPReplyClass(code: 550, reply: "550 5.1.10 Recipient not found") == .mailboxUnknown)
        #expect(SMTPReplyClass(code: 550, reply: "550 5.1.2 Bad destination system") == .mailboxUnknown)
        #expect(SMTPReplyClass(code: 550, reply: "550 5.7.1 <a@x.example>: Recipient address rejected: Access denied (policy, your IP is listed)") == .policy)
        #expect(SMTPReplyClass(code: 552, reply: "552 5.2.2 Mailbox full") == .mailboxFull)
        #expect(SMTPReplyClass(code: 451, reply: "451 4.7.1 Greylisted, user unknown") == .temporary)
        #expect(SMTPReplyClass(code: 554, reply: "554 5.6.0 Message content rejected") == .permanent)
        #expect(SMTPReplyClass(code: 550, reply: "550-5.1.1 The email account does not exist") == .mailboxUnknown)
    }

    @Test func textOnlyWithoutACode() {
        #expect(SMTPReplyClass(code: 550, reply: "550 No such user here") == .mailboxUnknown)
        #expect(SMTPReplyClass(code: 550, reply: "550 Blocked: listed at a blocklist") == .policy)
        #expect(SMTPReplyClass(code: 550, reply: "550 Mailbox full") == .mailboxFull)
        #expect(SMTPReplyClass(code: 550, reply: "550 Something else") == .permanent)
        #expect(SMTPReplyClass(code: 550, reply: "550 4.1.1 contradictory class") == .permanent, "a class that contradicts the code is ignored")
    }

    @Test func dsnStatusFields() {
        #expect(SMTPReplyClass(status: "5.1.1") == .mailboxUnknown)
        #expect(SMTPReplyClass(status: "4.4.7") == .temporary)
        #expect(SMTPReplyClass(status: "2.0.0") == .accepted)
        #expect(SMTPReplyClass(status: "5.7.1", diagnostic: "smtp; 550 policy") == .policy)
        #expect(EnhancedStatusCode(parsing: "5.1.10")?.description == "5.1.10")
        #expect(EnhancedStatusCode(parsing: "250 OK") == nil)
    }
}
