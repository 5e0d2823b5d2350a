import Foundation
import MailTemplates

/// Danish ordering and matching of text as people on the lists expect it.
public enum DanishText {
    static let locale = Locale(identifier: "da_DK")

    /// Compares in Danish alphabetical order: Æ, Ø, Å after Z, "Aa" as Å.
    public static func compare(_ lhs: String, _ rhs: String) -> ComparisonResult {
        lhs.compare(rhs, options: [.caseInsensitive], range: nil, locale: locale)
    }

    /// Sorts `items` in Danish order by the keys `key` returns, first key first. Each string
    /// gets its collation key once, so 100,000 contacts sort in a fraction of a second.
    public static func sorted<T>(_ items: [T], by key: (T) -> [String]) -> [T] {
        let keyed = items.map { item in (key(item).map(collationKey), item) }
        return keyed.sorted { a, b in
            for (x, y) in zip(a.0, b.0) where x != y {
                return x.lexicographicallyPrecedes(y)
            }
            return false
        }.map(\.1)
    }

    /// Primary weights in Danish alphabetical order: white space, punctuation, digits, a–z,
    /// then æ (ä), ø (ö), å (aa); ü counts as y; other accents are ignored; case is ignored
    /// except as a last tie-breaker (lower case first).
    static func collationKey(_ text: String) -> [UInt16] {
        var primary: [UInt16] = []
        var tertiary: [UInt16] = []
        primary.reserveCapacity(text.utf8.count)
        let scalars = Array(text.unicodeScalars)
        var i = 0
        while i < scalars.count {
            let scalar = scalars[i]
            let lower = scalar.properties.lowercaseMapping.unicodeScalars.first ?? scalar
            let isUpper = lower != scalar
            if lower == "a", i + 1 < scalars.count,
               (scalars[i + 1] == "a" || scalars[i + 1] == "A") {
                primary.append(weightAring)
                tertiary.append(isUpper ? 1 : 0)
                i += 2
                continue
            }
            primary.append(contentsOf: weights(lower))
            tertiary.append(isUpper ? 1 : 0)
            i += 1
        }
        return primary + [0] + tertiary
    }

    static let weightAring: UInt16 = 1_000 + 28

    /// Compares `lhs` and `rhs` exactly as their `collationKey`s compare, without building the
    /// keys: the weights are produced as the strings are walked. This is the SQL collation
    /// `danish` (sorting 100,000 contacts in SQLite instead of in memory: bench/RESULTS.md,
    /// "Streaming list and export"); `ContactStreamingTests` checks it against `collationKey`
    /// and Foundation's Danish comparison.
    public static func collationOrder(_ lhs: String, _ rhs: String) -> ComparisonResult {
        if lhs.utf8.elementsEqual(rhs.utf8) { return .orderedSame }
        for tertiary in [false, true] {
            var a = DanishWeights(lhs, tertiary: tertiary)
            var b = DanishWeights(rhs, tertiary: tertiary)
            while true {
                switch (a.next(), b.next()) {
                case (nil, nil): break
                case (nil, _): return .orderedAscending
                case (_, nil): return .orderedDescending
                case let (x?, y?):
                    if x != y { return x < y ? .orderedAscending : .orderedDescending }
                    continue
                }
                break
            }
        }
        return .orderedSame
    }

    /// The lower-case form `collationKey` weighs (ASCII without a table look-up).
    /// Latin-1's capitals (Æ, Ø, Å, É...) too: a sort key looks at every scalar twice, and the
    /// general path builds a `String` per scalar (`SearchFoldingTests` checks the two agree).
    static func lowered(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        if scalar.isASCII {
            return ("A"..."Z").contains(scalar) ? Unicode.Scalar(UInt8(scalar.value) + 32) : scalar
        }
        if scalar.value < 0x100 {
            // U+00C0...U+00DE except U+00D7 (×) lower to 0x20 above; the rest of Latin-1 is lower case.
            let value = scalar.value
            return value >= 0xC0 && value <= 0xDE && value != 0xD7 ? Unicode.Scalar(UInt8(value + 0x20)) : scalar
        }
        return loweredByProperties(scalar)
    }

    /// The lower case `lowered` gives, from the Unicode properties for every scalar.
    static func loweredByProperties(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        scalar.properties.lowercaseMapping.unicodeScalars.first ?? scalar
    }

    /// The one weight of a lower-case scalar, or nil when it needs `weights` (folding).
    static func singleWeight(_ scalar: Unicode.Scalar) -> UInt16? {
        switch scalar {
        case "a"..."z": return 1_000 + UInt16(scalar.value - 97)
        case "æ", "ä": return 1_000 + 26
        case "ø", "ö": return 1_000 + 27
        case "å": return weightAring
        case "ü", "ű": return 1_000 + 24
        case "0"..."9": return 500 + UInt16(scalar.value - 48)
        case " ", "\t": return 10
        default: return scalar.isASCII ? 100 + UInt16(scalar.value) : nil
        }
    }

    static func weights(_ scalar: Unicode.Scalar) -> [UInt16] {
        switch scalar {
        case "a"..."z": return [1_000 + UInt16(scalar.value - 97)]
        case "æ", "ä": return [1_000 + 26]
        case "ø", "ö": return [1_000 + 27]
        case "å": return [weightAring]
        case "ü", "ű": return [1_000 + 24]
        case "0"..."9": return [500 + UInt16(scalar.value - 48)]
        case " ", "\t": return [10]
        default:
            if scalar.isASCII { return [100 + UInt16(scalar.value)] }
            let base = String(scalar).folding(options: [.diacriticInsensitive, .caseInsensitive], locale: locale)
            let folded = base.unicodeScalars.filter { $0.isASCII }
            if !folded.isEmpty, folded.count == base.unicodeScalars.count {
                return folded.flatMap { weights($0) }
            }
            // Capped: 2,000 plus a scalar above U+F82F (fullwidth letters, U+FFFF) would overflow and trap.
            return [UInt16(2_000 + min(scalar.value, 63_535))]
        }
    }

    /// Lower case without accents, for "search as you type" style matching: Foundation's
    /// case-, diacritic- and width-insensitive folding, for Latin text through a table
    /// (`SearchFolding`, byte for byte the same).
    public static func searchKey(_ text: String) -> String {
        SearchFolding.fold(text) ?? SearchFolding.foundation(text)
    }

    /// A header or alias key: lower case, accents folded, only letters and digits kept.
    public static func identifierKey(_ text: String) -> String {
        String(String.UnicodeScalarView(searchKey(text).unicodeScalars.filter {
            CharacterSet.alphanumerics.contains($0)
        }))
    }

    /// One line of human text: line breaks and tabs become spaces, other control and format
    /// characters are dropped, runs of white space collapse, ends are trimmed. The same rule
    /// that keeps a CR/LF in a name from ever reaching a mail header (`HeaderText`).
    public static func singleLine(_ text: String) -> String {
        HeaderText.clean(text)
    }

    /// `text` without white space at either end (spaces, tabs, line breaks).
    public static func trimmed(_ text: String) -> String {
        // Most fields begin and end with a visible ASCII character: no Character to make.
        let visible: ClosedRange<UInt8> = 0x21...0x7E
        if let first = text.utf8.first, let last = text.utf8.last, visible.contains(first), visible.contains(last) { return text }
        let isEdge: (Character) -> Bool = { $0.isWhitespace || $0.isNewline }
        guard let first = text.first, let last = text.last, isEdge(first) || isEdge(last) else { return text }
        return String(text.drop(while: isEdge).reversed().drop(while: isEdge).reversed())
    }
}

/// The primary (or, with `tertiary`, the case) weights of `DanishText.collationKey`, one at a
/// time, so that two strings compare without an array per string.
struct DanishWeights: IteratorProtocol {
    private var steps: DanishSteps
    private var pending: [UInt16] = []
    private var pendingIndex = 0
    private let tertiary: Bool

    init(_ text: String, tertiary: Bool) {
        steps = DanishSteps(text)
        self.tertiary = tertiary
    }

    mutating func next() -> UInt16? {
        if pendingIndex < pending.count {
            defer { pendingIndex += 1 }
            return pending[pendingIndex]
        }
        guard let step = steps.next() else { return nil }
        if tertiary { return step.upper ? 1 : 0 }
        if let weight = DanishText.singleWeight(step.lower) { return weight }
        let many = DanishText.weights(step.lower)
        guard let first = many.first else { return next() }
        pending = many
        pendingIndex = 1
        return first
    }
}

/// The walk under `DanishWeights`: each scalar in lower case ("aa" and "Aa" as one "å") and
/// whether it was written in upper case; a step has one case weight and one or more primary
/// weights. `SortKeyAlphabet.walk` takes the same steps over a string's bytes (`step`).
struct DanishSteps: IteratorProtocol {
    private var scalars: String.UnicodeScalarView.Iterator
    private var ahead: Unicode.Scalar?

    init(_ text: String) {
        scalars = text.unicodeScalars.makeIterator()
        ahead = scalars.next()
    }

    mutating func next() -> (lower: Unicode.Scalar, upper: Bool)? {
        guard let scalar = ahead else { return nil }
        ahead = scalars.next()
        let step = Self.step(scalar, before: ahead)
        if step.pair { ahead = scalars.next() }
        return (step.lower, step.upper)
    }

    /// The rule of one step: `scalar` in lower case and whether it was written in upper case;
    /// an "a" or "A" before an "a" or "A" is "å", and the two are one step (`pair`).
    @inline(__always)
    static func step(_ scalar: Unicode.Scalar, before next: Unicode.Scalar?) -> (lower: Unicode.Scalar, upper: Bool, pair: Bool) {
        let lower = DanishText.lowered(scalar)
        if lower == "a", let next, next == "a" || next == "A" { return ("å", lower != scalar, true) }
        return (lower, lower != scalar, false)
    }
}
