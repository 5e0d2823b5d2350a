import Foundation
import Testing
@testable import Kampagne

@Suite struct ReferenceDataTests {
    @Test func ninetyEightMunicipalitiesInFiveRegions() {
        #expect(Municipality.all.count == 98)
        #expect(Set(Municipality.all.map(\.code)).count == 98)
        #expect(Set(Municipality.all.map(\.name)).count == 98)
        let counts = Dictionary(grouping: Municipality.all, by: \.region).mapValues(\.count)
        #expect(counts == [.hovedstaden: 29, .sjaelland: 17, .syddanmark: 22, .midtjylland: 19, .nordjylland: 11])
    }

    @Test(arguments: [
        ("Århus", "Aarhus"), ("aarhus kommune", "Aarhus"), ("Københavns Kommune", "København"),
        ("KØBENHAVN", "København"), ("Kobenhavn", nil), ("Høje Taastrup", "Høje-Taastrup"),
        ("Aabenraa Kommune", "Aabenraa"), ("Åbenrå", "Aabenraa"), ("Bornholms Regionskommune", "Bornholm"),
        ("0101", "København"), ("461", "Odense"), ("Vesthimmerlands Kommune", "Vesthimmerland"),
        ("Nordfyn", "Nordfyns"), ("Lyngby-Tårbæk", "Lyngby-Taarbæk"), ("Ikast-Brande ", "Ikast-Brande"),
        ("Xby", nil), ("", nil),
    ] as [(String, String?)])
    func municipalityNormalisation(_ written: String, _ expected: String?) {
        #expect(Municipality.lookup(written)?.name == expected)
    }

    @Test func regionLookup() {
        #expect(Region.lookup("Syddanmark") == .syddanmark)
        #expect(Region.lookup("region sjaelland") == .sjaelland)
        #expect(Region.lookup("Region Sjælland") == .sjaelland)
        #expect(Region.lookup("Nordvest") == nil)
    }

    @Test func danishSortOrder() {
        let names = ["Åse", "Zacharias", "Ærbøl", "Aagaard", "Østergaard", "Andersen", "ørsted"]
        let sorted = DanishText.sorted(names) { [$0] }
        #expect(sorted == ["Andersen", "Zacharias", "Ærbøl", "Østergaard", "ørsted", "Aagaard", "Åse"]
            || sorted == ["Andersen", "Zacharias", "Ærbøl", "ørsted", "Østergaard", "Aagaard", "Åse"])
        #expect(sorted.first == "Andersen")
        #expect(sorted.last == "Åse")
    }

    @Test func collationKeyAgreesWithFoundationDanish() {
        let names = ["Aagaard", "Åse", "Andersen", "Ærbøl", "ærø", "Østergaard", "Ørsted", "Zahle", "Ebbesen",
                     "Müller", "Mynster", "Yde", "Ydun", "Édith", "Eriksen", "Jensen", "Jensenius", "Ågesen",
                     "Aabenraa", "Abel", "Zuschlag", "Öberg", "Ølgaard", "Ähre", "Åberg", "Dahl", "Olsen",
                     "Kristian", "Christian", "Yvonne", "Überhuber", "Zøllner", "Zoe"]
        let ours = DanishText.sorted(names) { [$0] }
        let foundation = names.sorted { DanishText.compare($0, $1) == .orderedAscending }
        #expect(ours == foundation)
    }

    @Test func singleLineNeutralisesControlCharacters() {
        #expect(DanishText.singleLine("  Jens\r\nBcc: x@y.z\t Hansen ") == "Jens Bcc: x@y.z Hansen")
        #expect(DanishText.singleLine("A\u{0}B\u{1B}C\u{7F}") == "ABC")
        #expect(DanishText.singleLine("Line\u{2028}sep") == "Line sep")
    }

    @Test func danishDates() throws {
        var components = DateComponents()
        (components.year, components.month, components.day, components.hour) = (2010, 8, 19, 16)
        components.timeZone = DanishDate.timeZone
        let date = try #require(Calendar(identifier: .gregorian).date(from: components))
        #expect(DanishDate.long(date) == "torsdag den 19. august 2010 kl. 16.00")
    }
}

@Suite struct EmailAddressTests {
    @Test(arguments: [
        ("Jens.Hansen@Odense.Example", "Jens.Hansen@odense.example"),
        ("  jens@x.example ", "jens@x.example"),
        ("Jens Hansen <jens@x.example>", "jens@x.example"),
        ("mailto:jens@x.example", "jens@x.example"),
        ("o'brien+nyt@sub.x.example", "o'brien+nyt@sub.x.example"),
        ("info@bøger.example", "info@bøger.example"),
        ("\"quoted name\"@x.example", "\"quoted name\"@x.example"),
    ])
    func valid(_ raw: String, _ normalised: String) throws {
        #expect(try EmailAddress(parsing: raw).value == normalised)
    }

    @Test(arguments: ["", "jens", "jens@", "@x.example", "jens@x", "je ns@x.example", "jens@x..example",
                      ".jens@x.example", "jens.@x.example", "jens@-x.example", "søren@x.example",
                      "jens@x.example\r\nBcc: y@z.example", "jens@[127.0.0.1]", "jens@1.2.3.4", "a@b.c\u{0}"])
    func invalid(_ raw: String) {
        #expect(throws: KampagneError.self) { try EmailAddress(parsing: raw) }
    }

    @Test func identityIsCaseInsensitive() throws {
        #expect(try EmailAddress(parsing: "Jens@X.example").key == EmailAddress(parsing: "jens@x.EXAMPLE").key)
    }

    /// The byte-by-byte forms of a simple address equal what `String` makes of it: the domain
    /// lower-cased after the last "@", and the whole address lower-cased (and the full path's key).
    @Test func simpleFormsEqualStringsOwn() throws {
        var generator = SystemRandomNumberGenerator()
        let local = Array("abcXYZ019._-+"), domain = Array("abqXYZ09-")
        for _ in 0..<2_000 {
            let name = String((0..<Int.random(in: 1...12, using: &generator)).map { _ in local.randomElement(using: &generator) ?? "a" })
            let host = String((0..<Int.random(in: 1...10, using: &generator)).map { _ in domain.randomElement(using: &generator) ?? "a" })
            let address = name + "@" + host + "." + ["Example", "TEST", "dk"].randomElement(using: &generator, default: "dk")
            let forms = EmailAddress.simpleForms(address)
            let at = try #require(address.lastIndex(of: "@"))
            let value = String(address[...at]) + address[address.index(after: at)...].lowercased()
            #expect(forms.value == value && forms.key == value.lowercased(), "\(address)")
            if let parsed = try? EmailAddress(parsing: address) {
                #expect(parsed.value == forms.value && parsed.key == forms.key && parsed.key == EmailAddress.identityKey(address))
            }
        }
    }
}

@Suite struct TrimmedTests {
    /// The quick answer for a field that begins and ends with a visible ASCII character is the
    /// answer of the Character-by-Character trim, for edges of every kind.
    @Test func theQuickPathTrimsAsCharactersDo() {
        var generator = SystemRandomNumberGenerator()
        let edges = ["", " ", "\t", "\r\n", "\n", "\u{A0}", "\u{2003}", "\u{85}", "a", "Z", "~", "!", "\u{0}", "\u{7F}", "é", "e\u{301}",
                     "\u{301}", "\u{600}1", "\u{1F642}", "\u{200B}"]
        func slow(_ text: String) -> String {
            let isEdge: (Character) -> Bool = { $0.isWhitespace || $0.isNewline }
            return String(text.drop(while: isEdge).reversed().drop(while: isEdge).reversed())
        }
        for _ in 0..<3_000 {
            let text = (edges.randomElement(using: &generator) ?? "") + ["x", " mid ", "Åse", ""].randomElement(using: &generator, default: "")
                + (edges.randomElement(using: &generator) ?? "")
            #expect(DanishText.trimmed(text) == slow(text), "\(text.unicodeScalars.map { $0.value })")
        }
    }
}

private extension Array {
    func randomElement(using generator: inout SystemRandomNumberGenerator, default value: Element) -> Element {
        randomElement(using: &generator) ?? value
    }
}
