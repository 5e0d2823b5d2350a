import Foundation
import Testing
@testable import MailTemplates

/// The send path's header work over bytes (`MIME.fold`, `MIME.addressCharacters`, the
/// `atext` table, `HTMLText.escape`'s scan) against the Character code it replaced, on Danish,
/// long, spaced and hostile inputs: the same text every time.
@Suite struct HeaderFoldingTests {
    static let words = ["List-Unsubscribe:", "<https://partnerskab.example/afmeld/u.2s.AbCdEfGhIjKlMnOpQrStUv>,",
                        "<mailto:sekretariat@partnerskab.example?subject=afmeld%20u.2s.AbCd>", "", " ", "a", "Ærø",
                        "Åbenrå", "æøå", "multipart/alternative;", "boundary=\"=_kampagne_0123456789abcdef_alt\"",
                        String(repeating: "x", count: 77), String(repeating: "y", count: 78), String(repeating: "z", count: 90),
                        "e\u{301}", "\t", "\r\n", "\n", "\r", "😀", "<\u{301}"]

    static func samples() -> [String] {
        var generator = SystemRandomNumberGenerator()
        var out = ["", "Subject: kort", String(repeating: "a ", count: 39), String(repeating: "a ", count: 40),
                   String(repeating: " ", count: 100), String(repeating: "b", count: 200)]
        for _ in 0..<2_000 {
            let count = Int.random(in: 1...14, using: &generator)
            out.append((0..<count).map { _ in words[Int.random(in: 0..<words.count, using: &generator)] }.joined(separator: " "))
        }
        return out
    }

    @Test func foldingBytesGivesTheTextOfFoldingCharacters() {
        for line in Self.samples() {
            #expect(MIME.fold(line) == MIME.foldCharacters(line), "\(line.debugDescription)")
        }
    }

    @Test func addressesAreFilteredAsCharacterFilteringDid() {
        let addresses = ["jens@kommune.example", "<jens@kommune.example>", "a, b@c.example", "søren@ærø.dk", "x <y>@z",
                         "e\u{301}<@x.example", "<\u{301}a@b.example", " spaced @ x.example ", ""]
        for address in addresses + Self.samples().prefix(300) {
            #expect(MIME.addressCharacters(address) == address.filter { $0 != "<" && $0 != ">" && $0 != "," && $0 != " " },
                    "\(address.debugDescription)")
        }
    }

    @Test func mailboxesAreUnchanged() {
        let atext = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~ ".utf8)
        let names = ["", "Jens Hansen", "Søren Ærbøl", "Hansen, Jens", "A \"quoted\" name", "back\\slash", "Åse Øberg-Ødegård",
                     "O'Brien", "Ana (ørn)", String(repeating: "Lang Navnesen ", count: 8), "e\u{301}mile"]
        for name in names {
            let made = MIME.mailbox(Mailbox(name: name, address: "jens@kommune.example"))
            let clean = HeaderText.clean(name)
            if clean.isEmpty {
                #expect(made == "jens@kommune.example")
            } else if clean.utf8.allSatisfy({ $0 < 0x80 }) {
                let plain = clean.utf8.allSatisfy(atext.contains)
                #expect(made.hasPrefix(plain ? clean : "\""), "\(name)")
            } else {
                #expect(made == MIME.encodedWords(clean).joined(separator: "\r\n ") + " <jens@kommune.example>")
            }
        }
    }

    @Test func encodedWordsSplitTheSameBytes() {
        for text in ["Søren Ærbøl", String(repeating: "æøå", count: 40), "e\u{301}\u{302} 😀👍🏽 x", Self.words.joined()] {
            var words: [String] = []
            var chunk: [UInt8] = []
            var limit = 45
            for character in text {
                let bytes = Array(String(character).utf8)
                if chunk.count + bytes.count > limit, !chunk.isEmpty {
                    words.append("=?UTF-8?B?" + Data(chunk).base64EncodedString() + "?=")
                    chunk = []
                    limit = 45
                }
                chunk += bytes
            }
            if !chunk.isEmpty || words.isEmpty { words.append("=?UTF-8?B?" + Data(chunk).base64EncodedString() + "?=") }
            #expect(MIME.encodedWords(text) == words)
        }
    }

    @Test func escapingIsUnchanged() {
        for text in Self.samples().prefix(500) + ["<b>Ærø & Co</b>", "O'Brien \"x\"", "<\u{301}", "&\u{301}", "æøå", ""] {
            #expect(HTMLText.escape(text) == HTMLText.escapeCharacters(text), "\(text.debugDescription)")
        }
    }
}

/// `HeaderText.clean`'s quick answer (the text is already one clean line) is the answer of its
/// scalar-by-scalar path, over the string's own bytes and over any other sequence of them.
@Suite struct HeaderTextQuickPathTests {
    @Test func theQuickPathAgreesWithTheSlowOne() {
        var generator = SystemRandomNumberGenerator()
        let pieces = ["a", "Z", "0", " ", "  ", "\t", "\r\n", "\u{0}", "\u{7F}", "æ", "Ø", "å", "Ã", "é", "\u{A0}", "\u{85}", "\u{2028}",
                      "\u{200B}", "e\u{301}", "ğ", "日", "\u{1F642}", "-", "~"]
        var passed = 0
        for _ in 0..<4_000 {
            let text = (0..<Int.random(in: 0...6, using: &generator)).map { _ in pieces.randomElement(using: &generator) ?? "" }.joined()
            #expect(HeaderText.clean(text) == HeaderText.cleanScalars(text), "\(text.unicodeScalars.map(\.value))")
            #expect(HeaderText.isClean(text) == HeaderText.isClean(bytes: AnySequence(text.utf8)))
            if HeaderText.isClean(text) { passed += 1 }
        }
        #expect(passed > 200 && passed < 3_800, "both paths taken: \(passed) of 4,000 were clean")
    }
}
