import Foundation
import GRDB
import Testing
@testable import Kampagne

/// Migration v17: the keys the import writes itself equal the triggers' keys, the stored
/// `suppressed` flag follows every way onto and off the suppression list, and every request
/// kind of the contact table is answered from an index.
@Suite struct ContactKeysTests {
    static let csv = """
    E-mail;Fornavn;Efternavn;Organisation;Kommune;Titel
    aase@x.example;Aase;Østergaard;Jobcenter Vejle;Vejle;Chef
    BO@X.example;bo;ZACHO;bager bo;Odense;
    eva@x.example;Éva;Ærø;Åbenrå Sprogskole;Aabenraa;Lærer
    kim@x.example;;;;;
    lis@x.example;Lis;Åberg;Lis' Blomster;;
    ulla@x.example;Ulla;Aagaard;Ærø Kommune;Ærø;Borgmester

    """

    /// What the triggers would write for each contact, computed by SQLite's functions.
    static func triggerKeys(_ db: Database) throws -> [Int64: ContactKeys] {
        var keys: [Int64: ContactKeys] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT id, danishSortKey(lastName, firstName, email) AS s,
              fold(firstName || ' ' || lastName || ' ' || email || ' ' || organisation || ' ' || title) AS t,
              danishSortKey(organisation) AS o, danishSortKey(coalesce(municipality, '')) AS m FROM contact
            """) {
            keys[row["id"]] = ContactKeys(sortKey: row["s"], searchText: row["t"], organisationKey: row["o"], municipalityKey: row["m"])
        }
        return keys
    }

    static func storedKeys(_ db: Database) throws -> [Int64: ContactKeys] {
        var keys: [Int64: ContactKeys] = [:]
        for id in try Int64.fetchAll(db, sql: "SELECT id FROM contact") { keys[id] = try ContactKeys.stored(id: id, in: db) }
        return keys
    }

    @Test func theImportWritesTheKeysTheTriggersWould() throws {
        let box = try Sandbox()
        _ = try box.importing([box.file("a.csv", Self.csv)])
        try box.store.read { db in
            let stored = try Self.storedKeys(db)
            #expect(stored.count == 6)
            #expect(stored == (try Self.triggerKeys(db)))
            #expect(stored.values.allSatisfy { !$0.sortKey.isEmpty && !$0.organisationKey.isEmpty && !$0.municipalityKey.isEmpty })
        }
        // The insert trigger stays off for them: a key written by hand survives the insert.
        try box.store.write { db in
            try db.execute(sql: """
                INSERT INTO contact (email, emailKey, createdAt, updatedAt, sortKey, searchText, organisationKey, municipalityKey)
                VALUES ('hand@x.example', 'hand@x.example', '2026-12-01', '2026-12-01', 'given', 'given', 'given', 'given')
                """)
            #expect(try String.fetchOne(db, sql: "SELECT organisationKey FROM contact WHERE emailKey = 'hand@x.example'") == "given")
        }
    }

    @Test func otherWritersStillGetKeysFromTheTriggers() throws {
        let box = try Sandbox()
        try box.store.write { db in
            // A writer that knows nothing of the keys (the sqlite3 shell with the functions, an old insert).
            try db.execute(sql: """
                INSERT INTO contact (email, emailKey, firstName, lastName, organisation, municipality, createdAt, updatedAt)
                VALUES ('Søs@x.example', 'søs@x.example', 'Søs', 'Ågård', 'Ærø Kommune', 'Ærø', '2026-12-01', '2026-12-01')
                """)
            var record = Contact(address: try EmailAddress(parsing: "per@x.example"), firstName: "Per", lastName: "Ølgaard",
                                 organisation: "LBR Vejle", municipality: "Vejle")
            try record.insert(db)
            #expect(try Self.storedKeys(db) == (try Self.triggerKeys(db)))
            let søs = try #require(try Contact.filter(Contact.Columns.emailKey == "søs@x.example").fetchOne(db))
            #expect(try ContactKeys.stored(id: søs.id ?? 0, in: db) == ContactKeys(søs), "Swift and SQL make the same keys")
            // An edit moves the keys; an update that changes nothing leaves them.
            record.organisation = "Åben Skole"
            record.municipality = nil
            try record.update(db)
            #expect(try ContactKeys.stored(id: record.id ?? 0, in: db) == ContactKeys(record))
        }
    }

    /// The v13 implementation of `DanishText.sortKey`, kept here to prove the byte-writing one
    /// makes the very same keys (keys already stored must keep their order).
    static func referenceSortKey(_ parts: [String]) -> String {
        parts.map { part in
            [false, true].map { tertiary in
                var weights = FrozenDanishWeights(part, tertiary: tertiary)
                var hex = ""
                while let w = weights.next() {
                    let digits = String(w, radix: 16)
                    hex += String(repeating: "0", count: 4 - digits.count) + digits
                }
                return hex
            }.joined(separator: "!")
        }.joined(separator: " ")
    }

    /// The v17 form of `DanishText.sortKey` (two characters a primary weight, one a case
    /// weight), kept here to rewrite a database as v19 left it and to measure the new form.
    static func compactV17SortKey(_ parts: [String]) -> String {
        var bytes: [UInt8] = []
        for (index, part) in parts.enumerated() {
            if index > 0 { bytes.append(0x20) }
            var primary = FrozenDanishWeights(part, tertiary: false)
            while let w = primary.next() {
                if w < 4_032 {
                    bytes.append(0x30 + UInt8(w >> 6))
                } else {
                    bytes += [0x6F, 0x30 + UInt8(w >> 12), 0x30 + UInt8((w >> 6) & 63)]
                }
                bytes.append(0x30 + UInt8(w & 63))
            }
            bytes.append(0x21)
            var tertiary = FrozenDanishWeights(part, tertiary: true)
            while let w = tertiary.next() { bytes.append(0x30 + UInt8(min(w, 63))) }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func byteOrder(_ x: String, _ y: String) -> Int {
        x.utf8.lexicographicallyPrecedes(y.utf8) ? -1 : (x.utf8.elementsEqual(y.utf8) ? 0 : 1)
    }

    /// The key orders every pair exactly as v13's hex key (`referenceSortKey`), which
    /// `ContactStreamingTests` ties to `collationOrder` and Foundation's Danish comparison, and
    /// as v17's; at a sixth of the hex key's length and under half of v17's for a Latin name.
    @Test func theSortKeyOrdersAsBeforeAtAFractionOfTheLength() {
        let samples = ["", "Åberg", "aabye", "AA", "Aa", "Ærø", "Østergaard", "Müller", "ß", "Éclair", "ﬁ", "日本", "a\u{301}", "Lis' Blomster",
                       "1. maj", "Zoë 🙂", "Anne-Marie", "AnneMarie", " ", "z", "Z", "zz", "a b", "ab", "\u{FFFF}", "\u{10FFFF}", "ÿ",
                       "ABCDE", "abcde", "ABCDEF", "abcdeF", "Abcdefghij", "abcdefghiJ", "\u{7}", "\u{7F}", "محمد", "Ωmega", "Ǆ"]
        var keys: [(new: String, old: String, v17: String)] = []
        for a in samples {
            for b in ["", "Kim", "ÅSE", "kim"] {
                let parts = [a, b, "x@y.example"]
                keys.append((DanishText.sortKey(parts), Self.referenceSortKey(parts), Self.compactV17SortKey(parts)))
            }
            keys.append((DanishText.sortKey([a]), Self.referenceSortKey([a]), Self.compactV17SortKey([a])))
        }
        for x in keys {
            #expect(x.new.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F })
            for y in keys {
                #expect(Self.byteOrder(x.new, y.new) == Self.byteOrder(x.old, y.old), "\(x.old) \(y.old)")
                #expect(Self.byteOrder(x.new, y.new) == Self.byteOrder(x.v17, y.v17))
                #expect((x.new < y.new) == (Self.byteOrder(x.new, y.new) < 0))
            }
        }
        let name = ["Dahl", "Helle", "helle.dahl@jobcenter-soroe.example"]
        #expect(DanishText.sortKey(name).utf8.count * 6 <= Self.referenceSortKey(name).utf8.count)
        #expect(DanishText.sortKey(name).utf8.count * 2 <= Self.compactV17SortKey(name).utf8.count)
    }

    /// 4,000 random names from an alphabet of the hard cases (case, "aa", accents, combining
    /// marks, ligatures, controls, signs, non-Latin and astral scalars): sorted by the hex
    /// key, the new keys never go down and are equal exactly where the hex keys are, so the
    /// two orders are the same total order; and the collation's weights are the frozen ones.
    @Test func randomNamesOrderAsTheFirstForm() {
        var generator = SystemRandomNumberGenerator()
        let alphabet: [Unicode.Scalar] = ["a", "A", "b", "B", "e", "E", "z", "Z", "æ", "Æ", "ø", "Ø", "å", "Å", "ä", "ö", "ü", "é", "É",
                                          "\u{301}", "ß", "ﬁ", " ", "\t", "-", "'", ".", "@", "0", "9", "~", "\u{1}", "\u{7F}", "ÿ",
                                          "Ω", "ω", "Ж", "م", "日", "\u{FFFD}", "\u{1F642}", "\u{10FFFF}", "Ǆ", "ǅ"]
        var names: [[String]] = []
        for _ in 0..<4_000 {
            let parts = (0..<3).map { _ -> String in
                let length = Int.random(in: 0...12, using: &generator)
                return String(String.UnicodeScalarView((0..<length).map { _ in alphabet.randomElement(using: &generator) ?? "a" }))
            }
            names.append(Bool.random(using: &generator) ? parts : [parts[0]])
        }
        func drained<I: IteratorProtocol>(_ iterator: I) -> [I.Element] {
            var iterator = iterator
            var out: [I.Element] = []
            while let next = iterator.next() { out.append(next) }
            return out
        }
        for part in names.flatMap({ $0 }) {
            for tertiary in [false, true] {
                #expect(drained(DanishWeights(part, tertiary: tertiary)) == drained(FrozenDanishWeights(part, tertiary: tertiary)),
                        "the collation's weights of \(part.unicodeScalars.map(\.value))")
            }
        }
        let keyed = names.map { (old: Self.referenceSortKey($0), new: DanishText.sortKey($0)) }
            .sorted { $0.old.utf8.lexicographicallyPrecedes($1.old.utf8) }
        for (x, y) in zip(keyed, keyed.dropFirst()) {
            #expect(Self.byteOrder(x.new, y.new) == Self.byteOrder(x.old, y.old), "\(x.old) \(y.old)")
        }
    }

    /// Every weight 0...65535 alone: the codes rise with the weight and stay above the two
    /// separators, and an escape has as many characters as its lead says.
    @Test func theAlphabetCodesEveryWeightInOrder() {
        let alphabet = SortKeyAlphabet.shared
        var previous: [UInt8] = []
        var cover: UInt32 = 0
        for segment in SortKeyAlphabet.segments {
            switch segment {
            case .single(let weights), .escape(let weights, _):
                #expect(UInt32(weights.lowerBound) == cover)
                cover = UInt32(weights.upperBound) + 1
            }
        }
        #expect(cover == 65_536)
        for weight in 0...UInt16.max {
            var bytes: [UInt8] = []
            alphabet.append(weight, to: &bytes)
            let lead = bytes[0]
            #expect(lead > SortKeyAlphabet.primaryEnd && lead < 0x7F)
            if let escape = alphabet.escapes.first(where: { $0.lead == lead }) {
                #expect(bytes.count == 1 + escape.width)
            } else {
                #expect(bytes.count == 1)
            }
            if !previous.isEmpty, !previous.lexicographicallyPrecedes(bytes) {
                Issue.record("weight \(weight) does not code above \(weight - 1)")
            }
            previous = bytes
        }
    }

    /// Case weight sequences of up to 12: the groups' bytes order as the sequences, a shorter
    /// one first, and different sequences never share bytes.
    @Test func caseGroupsOrderAsTheirWeights() {
        var sequences: [[Bool]] = [[]]
        for length in 1...12 {
            for bits in 0..<(1 << length) { sequences.append((0..<length).map { bits & (1 << ($0)) != 0 }) }
        }
        func coded(_ sequence: [Bool]) -> [UInt8] {
            var bytes: [UInt8] = []
            var groups = CaseGroups()
            for upper in sequence { groups.append(upper: upper, to: &bytes) }
            groups.finish(to: &bytes)
            return bytes
        }
        let byWeights = sequences.sorted { $0.map { $0 ? 1 : 0 }.lexicographicallyPrecedes($1.map { $0 ? 1 : 0 }) }
        let codes = byWeights.map(coded)
        #expect(codes.allSatisfy { $0.allSatisfy { $0 >= 0x30 && $0 <= 0x6E } })
        for (x, y) in zip(codes, codes.dropFirst()) where !x.lexicographicallyPrecedes(y) {
            Issue.record("\(x) is not below \(y)")
        }
    }

    @Test func everyMunicipalityHasAKeyOfItsOwn() {
        let keys = Municipality.all.map { DanishText.sortKey([$0.name]) }
        #expect(Set(keys).count == Municipality.all.count)
    }

    @Test func organisationAndMunicipalityOrdersAreDanish() throws {
        let box = try Sandbox()
        _ = try box.importing([box.file("a.csv", Self.csv)])
        let directory = ContactDirectory(store: box.store)
        let byOrganisation = try directory.page(ContactQuery(sort: .organisation)).contacts
        #expect(byOrganisation.map(\.organisation) == ["", "bager bo", "Jobcenter Vejle", "Lis' Blomster", "Ærø Kommune", "Åbenrå Sprogskole"])
        let down = try directory.page(ContactQuery(sort: .organisation, descending: true)).contacts
        #expect(down.map(\.email) == byOrganisation.map(\.email).reversed())
        let byMunicipality = try directory.page(ContactQuery(sort: .municipality)).contacts
        // No municipality first, then Danish order ("Aa" is Å, after Ærø).
        #expect(byMunicipality.map { $0.municipality ?? "-" } == ["-", "-", "Odense", "Vejle", "Ærø", "Aabenraa"])
        #expect(byMunicipality.prefix(2).map(\.email) == ["kim@x.example", "lis@x.example"], "then by name: no name before Åberg")
        #expect(try directory.page(ContactQuery(filter: ContactFilter(municipalities: ["Århus", "aabenraa"]))).contacts.map(\.email)
            == ["eva@x.example"])
        #expect(try directory.page(ContactQuery(filter: ContactFilter(regions: ["Region Syddanmark"]))).total == 4)
    }

    /// The flag of every contact equals what hashing its address against the list says, and
    /// the filter picks exactly those contacts.
    static func expectFlagsMatchTheList(_ box: Sandbox, _ note: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let (flagged, hashed, all) = try box.store.read { db -> (Set<String>, Set<String>, Int) in
            let list = try SuppressionList(db: db)
            let rows = try Row.fetchAll(db, sql: "SELECT emailKey, suppressed FROM contact")
            return (Set(rows.filter { $0["suppressed"] as Bool }.map { $0["emailKey"] as String }),
                    Set(rows.map { $0["emailKey"] as String }.filter(list.contains)), rows.count)
        }
        #expect(flagged == hashed, "\(note)", sourceLocation: sourceLocation)
        let directory = ContactDirectory(store: box.store)
        let picked = try directory.page(ContactQuery(filter: ContactFilter(suppressed: true), pageSize: 500)).contacts
        #expect(Set(picked.map { EmailAddress.identityKey($0.email) }) == hashed, "\(note)", sourceLocation: sourceLocation)
        let allShown = picked.allSatisfy { $0.suppressed }
        #expect(allShown, "\(note)", sourceLocation: sourceLocation)
        let unsuppressed = try directory.page(ContactQuery(filter: ContactFilter(suppressed: false))).total
        #expect(unsuppressed == all - hashed.count, "\(note)", sourceLocation: sourceLocation)
    }

    @Test func theFlagFollowsEveryWayOnAndOffTheList() throws {
        let box = try Sandbox()
        let personal = PersonalData(store: box.store, settings: EventSettings())
        // Suppressed before they are contacts: the import writes the flag with its insert.
        try personal.unsubscribe("eva@x.example", source: "test")
        _ = try box.importing([box.file("a.csv", Self.csv)])
        try Self.expectFlagsMatchTheList(box, "import of a suppressed address")
        #expect(try box.store.read { try Bool.fetchOne($0, sql: "SELECT suppressed FROM contact WHERE emailKey = 'eva@x.example'") } == true)

        // The CLI's `contacts unsubscribe` (and the staff page's button) call this.
        try personal.unsubscribe("Aase@X.example", source: "kommandolinje")
        try Self.expectFlagsMatchTheList(box, "unsubscribe")

        // The public link in a mail.
        let secret = try InstallationSecret(store: box.store)
        let rowId = try box.store.write { db -> Int64 in
            var campaign = Campaign(id: nil, kind: .newsletter, editionId: nil, eventId: nil, name: "Nyhedsbrev", audience: Audience(),
                                    suppressed: 0, duplicates: 0, createdAt: Date())
            try campaign.insert(db)
            var row = OutboxRow(id: nil, campaignId: campaign.id ?? 0, contactId: nil, email: "lis@x.example", emailKey: "lis@x.example",
                                recipient: RecipientSnapshot(firstName: "", lastName: "", organisation: "", municipality: ""),
                                state: .sent, attempts: 1, nextAttemptAt: Date(), messageID: "1.abc@partnerskab.example", createdAt: Date())
            try row.insert(db)
            return row.id ?? 0
        }
        let links = PublicLinks(store: box.store, secret: secret, settings: EventSettings())
        #expect(try links.unsubscribe(token: LinkToken(scope: .unsubscribe, subject: rowId).encoded(with: secret), how: "link") == "lis@x.example")
        try Self.expectFlagsMatchTheList(box, "public unsubscribe link")

        // A hard bounce read from the bounce mailbox.
        _ = try box.importing([box.file("b.csv", "E-mail\ningen.findes@kommune-a.example\n")])
        let bounced = try box.store.write { db -> Int64 in
            var row = OutboxRow(id: nil, campaignId: 1, contactId: nil, email: "ingen.findes@kommune-a.example",
                                emailKey: "ingen.findes@kommune-a.example",
                                recipient: RecipientSnapshot(firstName: "", lastName: "", organisation: "", municipality: ""),
                                state: .sent, attempts: 1, nextAttemptAt: Date(), messageID: "20261201.1.abc@partnerskab.example",
                                createdAt: Date())
            try row.insert(db)
            return row.id ?? 0
        }
        let settings = BounceSettings(account: IMAPMailbox.Account(url: "imap://127.0.0.1/INBOX", username: "u"), softLimit: 2)
        let report = BounceReport(parsing: try BounceReportTests.fixture(
            "postfix-5.1.1.eml", ref: LinkToken(scope: .bounceRef, subject: bounced).encoded(with: secret)))
        try box.store.write { db in
            let decision = try BounceDecision(report: report, settings: settings, secret: secret, in: db)
            #expect(decision.kind == .hardBounce)
            var record = BounceRecord(id: nil, mailbox: "m", uidValidity: 1, uid: 1, reportMessageID: "r1", kind: decision.kind,
                                      outboxId: bounced, emailHash: "", status: report.status, action: report.action,
                                      diagnostic: nil, feedbackType: nil, outcome: decision.outcome, note: "", processedAt: Date())
            try record.insert(db)
            try decision.apply(to: &record, settings: settings, in: db)
        }
        try Self.expectFlagsMatchTheList(box, "hard bounce")
        #expect(try box.store.read { try Bool.fetchOne($0, sql: "SELECT suppressed FROM contact WHERE emailKey = 'ingen.findes@kommune-a.example'") } == true)

        // An address change onto and off a suppressed address.
        let directory = ContactDirectory(store: box.store)
        try personal.unsubscribe("gammel@x.example", source: "test")
        var changes = ContactDirectory.Changes()
        changes.email = "gammel@x.example"
        #expect(try directory.update("kim@x.example", changes).suppressed)
        try Self.expectFlagsMatchTheList(box, "address changed to a suppressed one")
        changes.email = "ny@x.example"
        #expect(try !directory.update("gammel@x.example", changes).suppressed)
        try Self.expectFlagsMatchTheList(box, "address changed to a free one")

        // Lifted (a confirmed new subscription lifts an unsubscription).
        try box.store.write { db in try SuppressionList.lift("aase@x.example", unless: [.hardBounce], in: db) }
        try Self.expectFlagsMatchTheList(box, "lifted")
        #expect(try box.store.read { try Bool.fetchOne($0, sql: "SELECT suppressed FROM contact WHERE emailKey = 'aase@x.example'") } == false)

        // Erased: the contact goes, the address stays suppressed, a new import leaves it out.
        try personal.erase("bo@x.example")
        _ = try box.importing([box.file("c.csv", "E-mail\nbo@x.example\n")])
        try Self.expectFlagsMatchTheList(box, "erased")
        #expect(try box.store.read { try Contact.filter(Contact.Columns.emailKey == "bo@x.example").fetchCount($0) } == 0)
    }

    /// An in-memory database with the store's SQL functions and no migrations run yet.
    static func bareQueue() throws -> DatabaseQueue {
        var config = Configuration()
        config.prepareDatabase { db in
            db.add(collation: .danish)
            db.add(function: .fold)
            db.add(function: .danishSortKey)
            db.add(function: .danishSortKeyOfOne)
        }
        return try DatabaseQueue(configuration: config)
    }

    @Test func theMigrationBackfillsKeysAndFlags() throws {
        let queue = try Self.bareQueue()
        try Migrations.migrator.migrate(queue, upTo: "v16-stories-admin")
        try queue.write { db in
            for (email, name) in [("a@x.example", "Ærø"), ("b@x.example", "Zacho"), ("c@x.example", "Åberg")] {
                try db.execute(sql: """
                    INSERT INTO contact (email, emailKey, lastName, organisation, municipality, createdAt, updatedAt)
                    VALUES (?, ?, ?, 'Jobcenter Vejle', 'Vejle', '2026-12-01', '2026-12-01')
                    """, arguments: [email, email, name])
            }
            try SuppressionList.add("b@x.example", reason: .unsubscribed, source: "test", in: db)
        }
        try Migrations.migrator.migrate(queue)
        let (stored, expected, flagged) = try queue.read { db in
            (try Self.storedKeys(db), try Self.triggerKeys(db), try String.fetchAll(db, sql: "SELECT emailKey FROM contact WHERE suppressed"))
        }
        #expect(stored == expected && stored.count == 3)
        #expect(flagged == ["b@x.example"])
    }

    /// v20 rewrites every key of a database v19 left with v17's keys, and makes the four key
    /// indexes again exactly as they were defined.
    @Test func theV20MigrationWritesEveryKeyAgain() throws {
        let queue = try Self.bareQueue()
        try Migrations.migrator.migrate(queue, upTo: "v19-schedule")
        let indexSQL = "SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'contact' AND sql IS NOT NULL ORDER BY name"
        let before = try queue.write { db -> [Row] in
            for (email, last, first, organisation, municipality) in [
                ("a@x.example", "Ærø", "Åse", "Jobcenter Vejle", "Vejle"), ("b@x.example", "Zacho", "Bo", "Bager Bo", "Aabenraa"),
                ("c@x.example", "Åberg", "", "", nil), ("d@x.example", "Aagaard", "Kim", "Ærø Kommune", "Ærø"),
            ] as [(String, String, String, String, String?)] {
                try db.execute(sql: """
                    INSERT INTO contact (email, emailKey, lastName, firstName, organisation, municipality, createdAt, updatedAt)
                    VALUES (?, ?, ?, ?, ?, ?, '2026-12-01', '2026-12-01')
                    """, arguments: [email, email, last, first, organisation, municipality])
            }
            // The keys as v17's function wrote them.
            for row in try Row.fetchAll(db, sql: "SELECT id, lastName, firstName, email, organisation, municipality FROM contact") {
                try db.execute(sql: "UPDATE contact SET sortKey = ?, organisationKey = ?, municipalityKey = ? WHERE id = ?", arguments: [
                    Self.compactV17SortKey([row["lastName"], row["firstName"], row["email"]]),
                    Self.compactV17SortKey([row["organisation"]]), Self.compactV17SortKey([row["municipality"] ?? ""]), row["id"],
                ])
            }
            #expect(try Self.storedKeys(db) != (try Self.triggerKeys(db)))
            return try Row.fetchAll(db, sql: indexSQL)
        }
        try Migrations.migrator.migrate(queue)
        try queue.read { db in
            let stored = try Self.storedKeys(db)
            #expect(stored == (try Self.triggerKeys(db)) && stored.count == 4)
            for (id, keys) in stored {
                let contact = try #require(try Contact.fetchOne(db, key: id))
                #expect(keys == ContactKeys(contact))
            }
            #expect(try Row.fetchAll(db, sql: indexSQL) == before)
            #expect(try String.fetchAll(db, sql: "SELECT lastName FROM contact INDEXED BY contact_sortKey ORDER BY sortKey, id")
                == ["Zacho", "Ærø", "Åberg", "Aagaard"])
            #expect(try String.fetchOne(db, sql: "PRAGMA integrity_check") == "ok")
        }
    }

    /// Each request kind of the contact table, as `ContactDirectory.page` asks it: none sorts
    /// the whole table, and none scans it except the search (a substring of anything).
    @Test func everyRequestKindUsesAnIndex() throws {
        let box = try Sandbox()
        _ = try box.importing([box.file("a.csv", Self.csv)])
        let kinds: [(String, ContactFilter, ContactSort, Bool)] = [
            ("first page", ContactFilter(), .name, false),
            ("name down", ContactFilter(), .name, true),
            ("municipality filter", ContactFilter(municipalities: ["Vejle"]), .name, false),
            ("region filter", ContactFilter(regions: ["Region Syddanmark"]), .name, false),
            ("organisation sort", ContactFilter(), .organisation, false),
            ("organisation sort down", ContactFilter(), .organisation, true),
            ("municipality sort", ContactFilter(), .municipality, false),
            ("suppressed", ContactFilter(suppressed: true), .name, false),
            ("not suppressed", ContactFilter(suppressed: false), .name, false),
            ("e-mail", ContactFilter(), .email, false),
        ]
        try box.store.read { db in
            for (name, filter, sort, descending) in kinds {
                for request in [filter.request().select(Column("id")).order(sql: ContactListing.order(sort, descending: descending)).limit(50),
                                filter.request().select(sql: "COUNT(*)")] {
                    let statement = try request.makePreparedRequest(db).statement
                    let plan = try String.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + statement.sql, arguments: statement.arguments,
                                                   adapter: SuffixRowAdapter(fromIndex: 3))
                    let scans = plan.contains { $0.hasPrefix("SCAN contact") && !$0.contains("INDEX") }
                    let sorts = plan.contains { $0.contains("TEMP B-TREE FOR ORDER BY") }
                    #expect(!scans, "\(name): \(plan)")
                    #expect(!sorts || name.contains("filter"), "\(name): \(plan)")
                }
            }
            // A search reads the table once and sorts its matches, instead of walking the name
            // index and looking up every row at random to test it (`order(scanning:)`).
            let search = ContactFilter(search: "hansen")
            let request = search.request().select(Column("id")).order(sql: ContactListing.order(.name, descending: false, scanning: true)).limit(50)
            let statement = try request.makePreparedRequest(db).statement
            let plan = try String.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + statement.sql, arguments: statement.arguments,
                                           adapter: SuffixRowAdapter(fromIndex: 3))
            #expect(plan.contains { $0.hasPrefix("SCAN contact") && !$0.contains("INDEX") }, "\(plan)")
            #expect(plan.contains { $0.contains("TEMP B-TREE FOR ORDER BY") }, "\(plan)")
        }
    }
}

/// `DanishWeights` as it was before `DanishSteps` (session 11), frozen here so that the
/// reference keys do not move with the code they check.
struct FrozenDanishWeights: IteratorProtocol {
    private var scalars: String.UnicodeScalarView.Iterator
    private var ahead: Unicode.Scalar?
    private var pending: [UInt16] = []
    private var pendingIndex = 0
    private let tertiary: Bool

    init(_ text: String, tertiary: Bool) {
        scalars = text.unicodeScalars.makeIterator()
        ahead = scalars.next()
        self.tertiary = tertiary
    }

    mutating func next() -> UInt16? {
        if pendingIndex < pending.count {
            defer { pendingIndex += 1 }
            return pending[pendingIndex]
        }
        guard let scalar = ahead else { return nil }
        ahead = scalars.next()
        let lower = DanishText.lowered(scalar)
        let caseWeight: UInt16 = lower != scalar ? 1 : 0
        if lower == "a", let following = ahead, following == "a" || following == "A" {
            ahead = scalars.next()
            return tertiary ? caseWeight : DanishText.weightAring
        }
        if tertiary { return caseWeight }
        if let weight = DanishText.singleWeight(lower) { return weight }
        let many = DanishText.weights(lower)
        guard let first = many.first else { return next() }
        pending = many
        pendingIndex = 1
        return first
    }
}
