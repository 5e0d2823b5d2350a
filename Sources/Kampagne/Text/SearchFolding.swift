import Foundation

/// `DanishText.searchKey` for text in Latin script without a call into Foundation per string.
///
/// Foundation's `folding(options:locale:)` was 11 % of a release import's samples (perf,
/// 100,000 contacts, bench/RESULTS.md "Issues 14 and 16, session 6"): every row folds its
/// search text once. Text made only of the scalars U+0000...U+024F (ASCII, Latin-1, Latin
/// Extended-A and -B: every Danish, Nordic, German, French, Polish... name) is folded here one
/// scalar at a time through a table; any other scalar (a combining mark, Greek, an emoji, a
/// full-width letter) sends the whole text to Foundation, so context never differs.
///
/// The table is Foundation's own answer for each scalar alone, asked once per process, so
/// the two cannot disagree on a scalar; `SearchFoldingTests` checks that the fold of whole
/// strings (Danish letters, NFD input, other scripts, emoji, empty, huge) is byte for byte
/// Foundation's, since stored search texts and typed queries must keep matching.
enum SearchFolding {
    /// The options of `DanishText.searchKey`.
    static let options: String.CompareOptions = [.caseInsensitive, .diacriticInsensitive, .widthInsensitive]

    /// Foundation's fold: the reference, and the path for text outside the table.
    static func foundation(_ text: String) -> String {
        text.folding(options: options, locale: DanishText.locale)
    }

    /// The first scalar past the table.
    static let tableEnd: UInt32 = 0x250

    /// The UTF-8 of Foundation's fold of each scalar U+0080...U+024F alone (index: value - 0x80).
    static let table: [[UInt8]] = (0x80..<tableEnd).map { value in
        Unicode.Scalar(value).map { Array(foundation(String($0)).utf8) } ?? []
    }

    /// The most bytes one scalar of the table folds to (at least 2, the UTF-8 of a scalar of
    /// the table): a text of n bytes folds to at most n * widest / 2.
    static let widest = max(2, table.map(\.count).max() ?? 2)

    /// The fold of `text`, or nil when it holds a scalar outside the table.
    static func fold(_ text: String) -> String? {
        // Already folded ASCII (most addresses, most searches) is its own fold.
        if !text.utf8.contains(where: { $0 >= 0x80 || ($0 >= 0x41 && $0 <= 0x5A) }) { return text }
        var text = text
        return text.withUTF8 { bytes -> String? in
            let table = Self.table
            var outside = false
            // Written straight into the new string's storage: no array per text.
            let folded = String(unsafeUninitializedCapacity: bytes.count * Self.widest / 2 + 1) { out in
                var i = 0, o = 0
                let count = bytes.count
                while i < count {
                    let byte = bytes[i]
                    if byte < 0x80 {
                        out[o] = byte >= 0x41 && byte <= 0x5A ? byte + 32 : byte
                        o += 1
                        i += 1
                        continue
                    }
                    // Two-byte UTF-8 is U+0080...U+07FF; the table ends at U+024F (lead byte 0xC9).
                    guard byte >= 0xC2, byte <= 0xC9, i + 1 < count else { outside = true; return 0 }
                    let value = UInt32(byte & 0x1F) << 6 | UInt32(bytes[i + 1] & 0x3F)
                    guard value < tableEnd else { outside = true; return 0 }
                    for b in table[Int(value - 0x80)] {
                        out[o] = b
                        o += 1
                    }
                    i += 2
                }
                return o
            }
            return outside ? nil : folded
        }
    }
}
