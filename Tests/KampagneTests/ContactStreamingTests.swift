import Foundation
import GRDB
import Testing
@testable import Kampagne

/// The streaming `contacts list --json` / `contacts export` (ContactListing, ContactJSONArray,
/// ByteOutput) against what they replace: an array sorted by `DanishText.sorted` and encoded
/// by `JSONEncoder`, and `ContactExport.csv` of that array.
@Suite struct ContactStreamingTests {
    static let names = ["Aagaard", "Åse", "Andersen", "Ærbøl", "ærø", "Østergaard", "Ørsted", "Zahle", "Ebbesen",
                        "Müller", "Mynster", "Yde", "Ydun", "Édith", "Eriksen", "Jensen", "Jensenius", "Ågesen",
                        "Aabenraa", "Abel", "Zuschlag", "Öberg", "Ølgaard", "Ähre", "Åberg", "Dahl", "Olsen",
                        "Kristian", "Christian", "Yvonne", "Überhuber", "Zøllner", "Zoe", "jensen", "JENSEN",
                        "Jens en", "Jens-en", "O'Brien", "Ольга", "Łukasz", "Nguyễn", "Straße", "Strasse", "",
                        "a", "A", "aa", "Aa", "AA", "aA", "ab", "Ab", "10", "9", "Ｂ", "\u{FFFF}", "e\u{301}", "é", "😀"]

    @Test func collationOrderIsTheCollationKeyOrder() {
        for a in Self.names {
            for b in Self.names {
                let keys = DanishText.collationKey(a).lexicographicallyPrecedes(DanishText.collationKey(b)) ? ComparisonResult.orderedAscending
                    : DanishText.collationKey(b).lexicographicallyPrecedes(DanishText.collationKey(a)) ? .orderedDescending : .orderedSame
                #expect(DanishText.collationOrder(a, b) == keys, "\(a) vs \(b)")
            }
        }
    }

    @Test func sqlCollationSortsLikeDanishTextAndFoundation() throws {
        let box = try Sandbox()
        let sorted = try box.store.read { db -> [String] in
            try db.execute(sql: "CREATE TEMP TABLE word (text TEXT)")
            for name in Self.names { try db.execute(sql: "INSERT INTO word VALUES (?)", arguments: [name]) }
            return try String.fetchAll(db, sql: "SELECT text FROM word ORDER BY text COLLATE danish, rowid")
        }
        #expect(sorted == DanishText.sorted(Self.names) { [$0] })
        // Foundation's Danish comparison agrees on real names (it differs on the synthetic ones).
        let real = Self.names.prefix(33).map { $0 }
        let realSorted = sorted.filter(real.contains)
        #expect(realSorted == real.sorted { DanishText.compare($0, $1) == .orderedAscending })
    }

    func seeded() throws -> Sandbox {
        let box = try Sandbox()
        var lines = ["E-mail;Fornavn;Efternavn;Kommune;Organisation;Titel;Roller;Afdeling;Note/intern;Ærinde"]
        for (i, name) in Self.names.enumerated() {
            let municipality = i % 3 == 0 ? "" : ["Odense", "Vejle", "Aalborg"][i % 3]
            let roles = i % 4 == 0 ? "" : (i % 2 == 0 ? "Jobcenterchef,ambassadør" : "Ærlig rolle")
            let extra = i % 5 == 0 ? ["", "", ""] : ["Afd. \(i)", "\"Sagde \"\"hej\"\" / ok \\ tak\"", "ø\(i)"]
            lines.append((["p\(i)@x.example", "Fornavn \(i % 7)", name, municipality, "Org \(i % 2)", "Titel", roles] + extra)
                .joined(separator: ";"))
        }
        // The same name twice: the address decides (local parts are ASCII, so no two addresses tie).
        lines.append("rene.z@x.example;René;Holm;;;;;;;")
        lines.append("Rene.A@x.example;Rene;Holm;;;;;;;")
        _ = try box.importing([box.file("a.csv", lines.joined(separator: "\n") + "\n")]) { $0.lists = ["Alle"] }
        _ = try box.importing([box.file("b.csv", "E-mail\np1@x.example\np2@x.example\n")]) { $0.lists = ["Øvrige", "Bestyrelsen"] }
        _ = try PersonalData(store: box.store, settings: EventSettings()).unsubscribe("p3@x.example", source: "test")
        var changes = ContactDirectory.Changes()
        changes.setAttributes = ["kontrol": "a\u{1}b\tc", "citat": "\"x\" / \\ y"]
        try ContactDirectory(store: box.store).update("p4@x.example", changes)
        return box
    }

    /// What `list` did before it streamed: all contacts fetched, then sorted in memory.
    func reference(_ box: Sandbox) throws -> [ContactView] {
        try box.store.read { db in try ContactDirectory.views(of: Contact.fetchAll(db), in: db) }
    }

    func written(_ box: Sandbox, _ body: (ByteOutput) throws -> Void) throws -> Data {
        let path = box.folder.appendingPathComponent("out-\(UUID().uuidString)").path
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        #expect(descriptor >= 0)
        try body(ByteOutput(descriptor: descriptor, name: path))
        close(descriptor)
        return try Data(contentsOf: URL(fileURLWithPath: path))
    }

    @Test func streamedListEqualsTheSortedArray() throws {
        let box = try seeded()
        let streamed = try ContactDirectory(store: box.store).list()
        let reference = try reference(box)
        #expect(streamed.count == Self.names.count + 2)
        #expect(streamed == reference)
        #expect(streamed.contains(where: { $0.suppressed }))
        #expect(streamed.contains(where: { $0.lists.count == 3 }))
        #expect(streamed.filter { $0.lastName == "Holm" }.map(\.email) == ["Rene.A@x.example", "rene.z@x.example"])
        let filtered = try ContactDirectory(store: box.store).list(ContactFilter(roles: ["jobcenterchef"]))
        #expect(filtered == reference.filter { $0.roles.contains("Jobcenterchef") })
        #expect(!filtered.isEmpty)
    }

    @Test func streamedJSONEqualsJSONEncoder() throws {
        let box = try seeded()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        let directory = ContactDirectory(store: box.store)
        let expected = try encoder.encode(try reference(box)) + Data("\n".utf8)
        let streamed = try written(box) { try directory.writeJSON(ContactFilter(), segment: nil, to: $0) }
        #expect(String(decoding: streamed, as: UTF8.self) == String(decoding: expected, as: UTF8.self))
        let none = try written(box) { try directory.writeJSON(ContactFilter(search: "ingen sådan"), segment: nil, to: $0) }
        let empty = try encoder.encode([ContactView]()) + Data("\n".utf8)
        #expect(none == empty)
    }

    @Test func timestampsMatchISO8601Encoding() throws {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        for seconds in [0, 1.5, 59.999, 86_399.9, 951_782_400, 1_234_567.89, 1_798_761_599.75, 4_102_444_800, -1, -86_401.5] {
            let date = Date(timeIntervalSince1970: seconds)
            let json = String(decoding: try encoder.encode([date]), as: UTF8.self)
            #expect(json == "[\"\(ContactJSONArray.timestamp(date))\"]", "\(seconds)")
        }
    }

    @Test func stringsAreEscapedLikeJSONEncoder() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let text = String(String.UnicodeScalarView((0..<0x80).compactMap(Unicode.Scalar.init))) + "æøå \u{2028}\u{FEFF}😀 </script>"
        var out: [UInt8] = []
        ContactJSONArray.quoted(text, into: &out)
        #expect(String(decoding: out, as: UTF8.self) == String(decoding: try encoder.encode([text]), as: UTF8.self).dropFirst().dropLast())
    }

    @Test func streamedExportEqualsTheArrayExport() throws {
        let box = try seeded()
        let directory = ContactDirectory(store: box.store)
        for excel in [true, false] {
            let streamed = try written(box) { try ContactExport.write(directory, ContactFilter(), segment: nil, excel: excel, to: $0) }
            let expected = ContactExport.csv(try reference(box), excel: excel)
            #expect(streamed == expected)
        }
    }
}
