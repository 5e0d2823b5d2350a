import Foundation

/// The matching parts of two sequences, found the way Python's `difflib.SequenceMatcher`
/// finds them (the longest matching block first, then the same on each side of it; with
/// `autojunk`, elements of a long second sequence that occur in more than 1 % of it are not
/// used to start a match). Tested against difflib's own output in
/// Tests/KampagneTests/Fixtures/difflib-opcodes.json.
public struct SequenceAlignment<Element: Hashable>: Sendable where Element: Sendable {
    public enum Tag: String, Sendable, Codable {
        case equal, replace, delete, insert
    }

    /// `a[oldRange]` becomes `b[newRange]` by `tag`.
    public struct Opcode: Sendable, Equatable {
        public var tag: Tag
        public var oldRange: Range<Int>
        public var newRange: Range<Int>
    }

    public let opcodes: [Opcode]

    public init(_ a: [Element], _ b: [Element], autojunk: Bool = true) {
        // Where each element of b occurs, in order; popular elements are left out.
        var positions: [Element: [Int]] = [:]
        for (index, element) in b.enumerated() { positions[element, default: []].append(index) }
        if autojunk && b.count >= 200 {
            let limit = b.count / 100 + 1
            for (element, places) in positions where places.count > limit { positions[element] = nil }
        }

        func longestMatch(_ alo: Int, _ ahi: Int, _ blo: Int, _ bhi: Int) -> (Int, Int, Int) {
            var (besti, bestj, bestSize) = (alo, blo, 0)
            var lengths: [Int: Int] = [:]
            for i in alo..<ahi {
                var next: [Int: Int] = [:]
                for j in positions[a[i]] ?? [] {
                    if j < blo { continue }
                    if j >= bhi { break }
                    let k = (lengths[j - 1] ?? 0) + 1
                    next[j] = k
                    if k > bestSize { (besti, bestj, bestSize) = (i - k + 1, j - k + 1, k) }
                }
                lengths = next
            }
            // Popular elements could not start a match but may extend one (there is no junk).
            while besti > alo && bestj > blo && a[besti - 1] == b[bestj - 1] {
                (besti, bestj, bestSize) = (besti - 1, bestj - 1, bestSize + 1)
            }
            while besti + bestSize < ahi && bestj + bestSize < bhi && a[besti + bestSize] == b[bestj + bestSize] {
                bestSize += 1
            }
            return (besti, bestj, bestSize)
        }

        var blocks: [(Int, Int, Int)] = []
        var queue = [(0, a.count, 0, b.count)]
        while let (alo, ahi, blo, bhi) = queue.popLast() {
            let (i, j, k) = longestMatch(alo, ahi, blo, bhi)
            guard k > 0 else { continue }
            blocks.append((i, j, k))
            if alo < i && blo < j { queue.append((alo, i, blo, j)) }
            if i + k < ahi && j + k < bhi { queue.append((i + k, ahi, j + k, bhi)) }
        }
        blocks.sort { $0.0 != $1.0 ? $0.0 < $1.0 : ($0.1 != $1.1 ? $0.1 < $1.1 : $0.2 < $1.2) }
        var merged: [(Int, Int, Int)] = []
        for block in blocks {
            if let last = merged.last, last.0 + last.2 == block.0 && last.1 + last.2 == block.1 {
                merged[merged.count - 1].2 += block.2
            } else {
                merged.append(block)
            }
        }
        merged.append((a.count, b.count, 0))

        var opcodes: [Opcode] = []
        var (i, j) = (0, 0)
        for (ai, bj, size) in merged {
            if i < ai && j < bj {
                opcodes.append(Opcode(tag: .replace, oldRange: i..<ai, newRange: j..<bj))
            } else if i < ai {
                opcodes.append(Opcode(tag: .delete, oldRange: i..<ai, newRange: j..<bj))
            } else if j < bj {
                opcodes.append(Opcode(tag: .insert, oldRange: i..<ai, newRange: j..<bj))
            }
            (i, j) = (ai + size, bj + size)
            if size > 0 { opcodes.append(Opcode(tag: .equal, oldRange: ai..<i, newRange: bj..<j)) }
        }
        self.opcodes = opcodes
    }
}

/// Two versions of a story beside each other: line by line, and within a changed line word by
/// word, so the page can show the old text on the left and the new on the right with the
/// changed words marked. Long runs of unchanged lines are folded to `context` lines each side.
public struct SideBySideDiff: Codable, Sendable, Equatable {
    /// A run of text on one side; `changed` marks words removed (left) or added (right).
    public struct Piece: Codable, Sendable, Equatable {
        public var text: String
        public var changed: Bool
    }

    public struct Row: Codable, Sendable, Equatable {
        public enum Kind: String, Codable, Sendable {
            case same, changed, removed, added
            /// Unchanged lines left out; `skipped` says how many.
            case folded
        }
        public var kind: Kind
        public var oldLine: Int?
        public var old: [Piece]
        public var newLine: Int?
        public var new: [Piece]
        public var skipped: Int?
    }

    public var from: Int
    public var to: Int
    public var rows: [Row]
    /// Lines only in the new version, only in the old, and changed in place.
    public var added: Int
    public var removed: Int
    public var changed: Int

    public init(from: Int, to: Int, old: String, new: String, context: Int = 3) {
        self.from = from
        self.to = to
        let a = Self.lines(old)
        let b = Self.lines(new)
        var rows: [Row] = []
        (added, removed, changed) = (0, 0, 0)
        for code in SequenceAlignment(a, b).opcodes {
            switch code.tag {
            case .equal:
                let pairs = Array(zip(code.oldRange, code.newRange))
                func same(_ pair: (Int, Int)) -> Row {
                    Row(kind: .same, oldLine: pair.0 + 1, old: [Piece(text: a[pair.0], changed: false)],
                        newLine: pair.1 + 1, new: [Piece(text: b[pair.1], changed: false)], skipped: nil)
                }
                let head = code.oldRange.lowerBound == 0 ? 0 : context
                let tail = code.oldRange.upperBound == a.count ? 0 : context
                if pairs.count > head + tail + 1 {
                    rows += pairs.prefix(head).map(same)
                    rows.append(Row(kind: .folded, oldLine: nil, old: [], newLine: nil, new: [],
                                    skipped: pairs.count - head - tail))
                    rows += pairs.suffix(tail).map(same)
                } else {
                    rows += pairs.map(same)
                }
            case .replace:
                let paired = min(code.oldRange.count, code.newRange.count)
                for offset in 0..<paired {
                    let (i, j) = (code.oldRange.lowerBound + offset, code.newRange.lowerBound + offset)
                    let (left, right) = Self.words(a[i], b[j])
                    rows.append(Row(kind: .changed, oldLine: i + 1, old: left, newLine: j + 1, new: right, skipped: nil))
                    changed += 1
                }
                for i in code.oldRange.dropFirst(paired) { rows.append(Self.removed(a[i], line: i + 1)); removed += 1 }
                for j in code.newRange.dropFirst(paired) { rows.append(Self.added(b[j], line: j + 1)); added += 1 }
            case .delete:
                for i in code.oldRange { rows.append(Self.removed(a[i], line: i + 1)); removed += 1 }
            case .insert:
                for j in code.newRange { rows.append(Self.added(b[j], line: j + 1)); added += 1 }
            }
        }
        self.rows = rows
    }

    static func lines(_ text: String) -> [String] {
        text.isEmpty ? [] : text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    static func removed(_ text: String, line: Int) -> Row {
        Row(kind: .removed, oldLine: line, old: [Piece(text: text, changed: true)], newLine: nil, new: [], skipped: nil)
    }

    static func added(_ text: String, line: Int) -> Row {
        Row(kind: .added, oldLine: nil, old: [], newLine: line, new: [Piece(text: text, changed: true)], skipped: nil)
    }

    /// A line as words and the white space between them (Python: `re.findall(r"\S+|\s+", line)`).
    public static func tokens(_ line: String) -> [String] {
        var tokens: [String] = []
        var current = ""
        var inSpace = false
        for character in line {
            let space = character.isWhitespace
            if !current.isEmpty && space != inSpace {
                tokens.append(current)
                current = ""
            }
            inSpace = space
            current.append(character)
        }
        if !current.isEmpty { tokens.append(current) }
        return tokens
    }

    /// The old and the new line as pieces, the words that differ marked.
    static func words(_ old: String, _ new: String) -> ([Piece], [Piece]) {
        let a = tokens(old)
        let b = tokens(new)
        var left: [Piece] = []
        var right: [Piece] = []
        func add(_ pieces: inout [Piece], _ text: String, _ changed: Bool) {
            guard !text.isEmpty else { return }
            if let last = pieces.last, last.changed == changed {
                pieces[pieces.count - 1].text += text
            } else {
                pieces.append(Piece(text: text, changed: changed))
            }
        }
        for code in SequenceAlignment(a, b).opcodes {
            let changed = code.tag != .equal
            add(&left, a[code.oldRange].joined(), changed)
            add(&right, b[code.newRange].joined(), changed)
        }
        return (left, right)
    }
}
