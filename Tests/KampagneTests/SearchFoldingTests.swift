import Foundation
import Testing
@testable import Kampagne

/// `DanishText.searchKey` (the table of `SearchFolding`) is byte for byte Foundation's
/// folding, which every stored `searchText` and every typed query was made with.
@Suite struct SearchFoldingTests {
    static func expectFoundation(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let reference = SearchFolding.foundation(text)
        let folded = DanishText.searchKey(text)
        #expect(Array(folded.utf8) == Array(reference.utf8), "\(text.debugDescription)", sourceLocation: sourceLocation)
    }

    @Test func namedCases() {
        let cases = [
            "", " ", "a", "A", "Z", "aa", "Aa", "AA", "ÆØÅ æøå", "Ågesen", "Aagaard", "Østergaard", "Ærø Kommune",
            "Jobcenter Sorø", "ebbe.aagesen@virk-soroe.example", "BO@X.EXAMPLE", "Éva", "Müller", "Straße", "STRASSE",
            "François Œuvre", "Łukasz Wąsowski", "Dvořák", "İstanbul ılık", "Ŋ ŉ ſ ǅ ǈ Ǳ", "Þórður Ðorra", "µ × ÷ ¿ ¡ ª º",
            "A\u{30A}se", "A\u{30A}", "e\u{301}", "\u{301}", "O\u{338}", "å" + "\u{301}",  // NFD and stray combining marks
            "ΣΑΣ σας", "Москва", "東京", "ｶﾀｶﾅ", "ＡＢＣ ａｂｃ", "ﬁ ﬂ", "😀", "👩‍👩‍👧", "🇩🇰 Danmark", "a\u{200D}b",
            "\r\n", "a\u{0}b", "\u{7F}\u{80}\u{9F}\u{A0}\u{AD}", "Lis' Blomster", "O'Brien-Smith", "1.234,50 kr.",
            String(repeating: "Søren Ågård ", count: 10_000), String(repeating: "é", count: 50_000) + "Ω",
        ]
        for text in cases { Self.expectFoundation(text) }
    }

    @Test func everyScalarOfTheTableAndItsNeighbours() {
        for value in UInt32(0)..<0x400 {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let s = String(scalar)
            Self.expectFoundation(s)
            Self.expectFoundation("A" + s + "b")
            Self.expectFoundation(s + "\u{301}")
            Self.expectFoundation(s + "Å" + s)
        }
    }

    /// Random text over Danish and other Latin letters, punctuation, combining marks and a few
    /// scalars of other scripts: the table and Foundation agree on every string.
    @Test func randomText() {
        var rng = FoldingRandom(seed: 16)
        let latin = (UInt32(0x20)..<0x250).compactMap(Unicode.Scalar.init)
        let other: [Unicode.Scalar] = ["\u{300}", "\u{301}", "\u{30A}", "\u{338}", "\u{3A3}", "\u{3C2}", "\u{416}",
                                       "\u{FF21}", "\u{FB01}", "\u{1F600}", "\u{200D}", "\u{1E9E}", "\u{2126}", "\u{212B}"]
        let danish: [Unicode.Scalar] = ["æ", "ø", "å", "Æ", "Ø", "Å", "a", "A", "e", "é", "ü", " ", "-", "@", "."]
        for _ in 0..<20_000 {
            var scalars = String.UnicodeScalarView()
            for _ in 0..<Int(rng.next() % 24) {
                let pick = rng.next() % 100
                let pool = pick < 45 ? danish : pick < 95 ? latin : other
                scalars.append(pool[Int(rng.next() % UInt64(pool.count))])
            }
            Self.expectFoundation(String(scalars))
        }
    }

    /// The sort key's lower case of Latin-1 without a `String` per scalar equals the one from
    /// the Unicode properties.
    @Test func loweredLatinOneIsTheUnicodeLowerCase() {
        for value in UInt32(0)..<0x300 {
            guard let scalar = Unicode.Scalar(value) else { continue }
            #expect(DanishText.lowered(scalar) == DanishText.loweredByProperties(scalar), "U+\(String(value, radix: 16))")
        }
    }

    /// The contacts the benchmark imports are all folded by the table, not by Foundation.
    @Test func danishContactsTakeTheTable() {
        for text in ["helle dahl helle.dahl@jobcenter-soroe.example Jobcenter Sorø Virksomhedskonsulent",
                     "Ebbe Ågesen ebbe.aagesen@virk-soroe.example Virksomhedsnetværk Sorø", "Zoë Œrsted", ""] {
            #expect(SearchFolding.fold(text) != nil)
        }
        #expect(SearchFolding.fold("e\u{301}") == nil)
        #expect(SearchFolding.fold("😀") == nil)
    }
}

/// A small deterministic generator for repeatable random tests.
private struct FoldingRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
