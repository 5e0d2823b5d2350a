extension DanishText {
    /// One key for `parts` (e.g. last name, first name, address) whose plain byte order is
    /// `collationOrder` applied part by part: each part's primary weights, "!", its case
    /// weights, parts joined by " " (both separators below every byte they are compared with,
    /// so a shorter part sorts first, as in `collationOrder`). ASCII only, so Swift's `String`
    /// comparison and SQLite's byte order agree.
    ///
    /// A primary weight is one byte for every letter, digit, space and ASCII sign
    /// (`SortKeyAlphabet`), a lead byte and two or three more for the rest; the case weights
    /// (0 or 1) go five to a byte (`CaseGroups`). This third form (migration v20) makes a
    /// name's key 37 % of the second's (58 bytes against 156 for a typical name and address)
    /// and the first's, four hex digits a weight, 17 %: the key is stored four times (the row
    /// and three indexes), and its bytes were most of what an import of 100,000 contacts
    /// wrote (bench/RESULTS.md, "Issue 16, session 11"). `ContactKeysTests` proves that the
    /// keys order exactly as the first form's.
    public static func sortKey(_ parts: [String]) -> String {
        let alphabet = SortKeyAlphabet.shared
        var bytes: [UInt8] = []
        bytes.reserveCapacity(parts.reduce(2 * parts.count) { $0 + $1.utf8.count + $1.utf8.count / 5 + 1 })
        // One walk a part: the primary weights go straight into the key, the case weights
        // wait here until the part's primary weights are written.
        var caseBytes: [UInt8] = []
        caseBytes.reserveCapacity(parts.reduce(0) { max($0, $1.utf8.count / 5 + 1) })
        for (index, part) in parts.enumerated() {
            if index > 0 { bytes.append(SortKeyAlphabet.partEnd) }
            var cases = CaseGroups()
            caseBytes.removeAll(keepingCapacity: true)
            var text = part
            text.withUTF8 { utf8 in
                SortKeyAlphabet.walk(utf8) { lower, upper in
                    cases.append(upper: upper, to: &caseBytes)
                    if let weight = DanishText.singleWeight(lower) {
                        alphabet.append(weight, to: &bytes)
                    } else {
                        for weight in DanishText.weights(lower) { alphabet.append(weight, to: &bytes) }
                    }
                }
            }
            cases.finish(to: &caseBytes)
            bytes.append(SortKeyAlphabet.primaryEnd)
            bytes.append(contentsOf: caseBytes)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// The bytes of one primary weight in a sort key, in the weights' order: the weights a Latin
/// name or address is made of have a byte each, every other weight a lead byte (one per gap
/// between those) and its distance from the gap's start in two or three 6-bit characters.
/// Codes are 0x22...0x72; 0x20 and 0x21 end a part and its primary weights.
struct SortKeyAlphabet: Sendable {
    /// After a part's case weights, before the next part.
    static let partEnd: UInt8 = 0x20
    /// After a part's primary weights.
    static let primaryEnd: UInt8 = 0x21
    static let firstCode: UInt8 = 0x22

    /// Every weight `DanishWeights` can give, 0...65535, in order, as ranges of weights that
    /// each get a byte of their own, or that share an escape of `width` characters.
    enum Segment: Equatable {
        case single(ClosedRange<UInt16>)
        case escape(ClosedRange<UInt16>, width: Int)
    }

    /// Space and tab (10), ASCII signs (100 + the character), digits (500...509), a to å
    /// (1000...1028), each a byte; control characters, and other letters and signs
    /// (2000 + the scalar) escaped. ASCII letters and digits have weights of their own, so
    /// their "100 +" weights are gaps that only complete the cover.
    static let segments: [Segment] = [
        .escape(0...9, width: 2), .single(10...10), .escape(11...132, width: 2), .single(133...147),
        .escape(148...157, width: 2), .single(158...164), .escape(165...190, width: 2), .single(191...196),
        .escape(197...222, width: 2), .single(223...226), .escape(227...499, width: 2), .single(500...509),
        .escape(510...999, width: 2), .single(1_000...1_028), .escape(1_029...5_124, width: 2),
        .escape(5_125...65_535, width: 3),
    ]

    struct Escape: Sendable {
        var start: UInt16
        var lead: UInt8
        var width: Int
    }

    static let shared = SortKeyAlphabet()

    /// Per weight: its byte, or 0x80 plus the index of its escape in `escapes`.
    private let codes: [UInt8]
    let escapes: [Escape]

    init() {
        var codes = [UInt8](repeating: 0, count: 65_536)
        var escapes: [Escape] = []
        var next = Self.firstCode
        for segment in Self.segments {
            switch segment {
            case .single(let weights):
                for weight in weights {
                    codes[Int(weight)] = next
                    next += 1
                }
            case .escape(let weights, let width):
                for weight in weights { codes[Int(weight)] = 0x80 | UInt8(escapes.count) }
                escapes.append(Escape(start: weights.lowerBound, lead: next, width: width))
                next += 1
            }
        }
        self.codes = codes
        self.escapes = escapes
    }

    /// `DanishSteps` over the UTF-8 bytes of a string, with its rule (`DanishSteps.step`): an
    /// ASCII byte is its own scalar, other scalars are decoded here. The sort key of an
    /// import's row walked 833,733 steps of the iterator at 94 instructions each per 10,000
    /// contacts (callgrind); `ContactKeysTests` checks the keys against the iterator's.
    @inline(__always)
    static func walk(_ utf8: UnsafeBufferPointer<UInt8>, _ body: (_ lower: Unicode.Scalar, _ upper: Bool) -> Void) {
        var index = 0
        let count = utf8.count
        while index < count {
            let byte = utf8[index]
            let scalar: Unicode.Scalar
            if byte < 0x80 {
                scalar = Unicode.Scalar(byte)
                index += 1
            } else {
                // Valid UTF-8 (a `String`'s own bytes): the lead byte gives the length.
                let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2
                guard index + length <= count else { return }
                var value = UInt32(byte & (0xFF >> (length + 1)))
                for next in 1..<length { value = value << 6 | UInt32(utf8[index + next] & 0x3F) }
                index += length
                guard let decoded = Unicode.Scalar(value) else { continue }
                scalar = decoded
            }
            // The rule looks ahead only for "a" and "A", which are one byte each.
            let next = index < count && utf8[index] < 0x80 ? Unicode.Scalar(utf8[index]) : nil
            let step = DanishSteps.step(scalar, before: next)
            if step.pair { index += 1 }
            body(step.lower, step.upper)
        }
    }

    func append(_ weight: UInt16, to bytes: inout [UInt8]) {
        let code = codes[Int(weight)]
        if code < 0x80 {
            bytes.append(code)
            return
        }
        let escape = escapes[Int(code & 0x7F)]
        bytes.append(escape.lead)
        let offset = weight - escape.start
        for shift in stride(from: 6 * (escape.width - 1), through: 0, by: -6) {
            bytes.append(0x30 + UInt8((offset >> UInt16(shift)) & 63))
        }
    }
}

/// A part's case weights, five to a byte: each group of five (the last one shorter, possibly
/// empty, and always written) is its rank among all bit strings of up to five bits in
/// lexicographic order with a prefix first (0...62, written 0x30...0x6E). So the bytes
/// compare as the weights do one by one, a shorter sequence first.
struct CaseGroups {
    private var rank: UInt8 = 0
    private var depth = 0

    mutating func append(upper: Bool, to bytes: inout [UInt8]) {
        // In the tree of bit strings of up to five bits, a 0 is the next string in order; a 1
        // skips the 0's subtree (2^(5 - depth) - 1 strings).
        rank += upper ? UInt8(32 >> depth) : 1
        depth += 1
        if depth == 5 {
            bytes.append(0x30 + rank)
            rank = 0
            depth = 0
        }
    }

    func finish(to bytes: inout [UInt8]) {
        bytes.append(0x30 + rank)
    }
}
