import Foundation

/// The line changes between two versions of a story, as a unified diff with three lines of context.
public struct StoryDiff: Codable, Sendable, Equatable {
    public var from: Int
    public var to: Int
    /// Lines starting with "-" (removed), "+" (added), " " (context) or "@@" (where a hunk begins).
    public var lines: [String]
    public var added: Int
    public var removed: Int

    public init(from: Int, to: Int, old: String, new: String, context: Int = 3) {
        self.from = from
        self.to = to
        let a = old.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let b = new.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let edits = Self.edits(a, b)
        added = edits.filter { $0.kind == .insert }.count
        removed = edits.filter { $0.kind == .delete }.count
        lines = Self.hunks(edits, context: context)
    }

    enum Kind { case keep, delete, insert }

    struct Edit {
        var kind: Kind
        var text: String
        var oldLine: Int
        var newLine: Int
    }

    /// A shortest edit script from the longest common subsequence. Common head and tail are
    /// stripped first, so the quadratic table covers only the changed middle.
    static func edits(_ a: [String], _ b: [String]) -> [Edit] {
        var head = 0
        while head < a.count && head < b.count && a[head] == b[head] { head += 1 }
        var tail = 0
        while tail < a.count - head && tail < b.count - head && a[a.count - 1 - tail] == b[b.count - 1 - tail] { tail += 1 }
        let x = Array(a[head..<(a.count - tail)])
        let y = Array(b[head..<(b.count - tail)])
        var edits: [Edit] = (0..<head).map { Edit(kind: .keep, text: a[$0], oldLine: $0 + 1, newLine: $0 + 1) }
        if x.count * y.count > 4_000_000 {
            // Too big to align line by line: show the middle as replaced.
            edits += x.enumerated().map { Edit(kind: .delete, text: $0.element, oldLine: head + $0.offset + 1, newLine: 0) }
            edits += y.enumerated().map { Edit(kind: .insert, text: $0.element, oldLine: 0, newLine: head + $0.offset + 1) }
        } else {
            var table = Array(repeating: Array(repeating: 0, count: y.count + 1), count: x.count + 1)
            for i in stride(from: x.count - 1, through: 0, by: -1) {
                for j in stride(from: y.count - 1, through: 0, by: -1) {
                    table[i][j] = x[i] == y[j] ? table[i + 1][j + 1] + 1 : max(table[i + 1][j], table[i][j + 1])
                }
            }
            var i = 0
            var j = 0
            while i < x.count || j < y.count {
                if i < x.count && j < y.count && x[i] == y[j] {
                    edits.append(Edit(kind: .keep, text: x[i], oldLine: head + i + 1, newLine: head + j + 1))
                    i += 1
                    j += 1
                } else if j < y.count && (i == x.count || table[i][j + 1] > table[i + 1][j]) {
                    edits.append(Edit(kind: .insert, text: y[j], oldLine: 0, newLine: head + j + 1))
                    j += 1
                } else {
                    edits.append(Edit(kind: .delete, text: x[i], oldLine: head + i + 1, newLine: 0))
                    i += 1
                }
            }
        }
        for offset in 0..<tail {
            edits.append(Edit(kind: .keep, text: a[a.count - tail + offset], oldLine: a.count - tail + offset + 1,
                              newLine: b.count - tail + offset + 1))
        }
        return edits
    }

    static func hunks(_ edits: [Edit], context: Int) -> [String] {
        let changed = edits.indices.filter { edits[$0].kind != .keep }
        guard !changed.isEmpty else { return [] }
        var ranges: [ClosedRange<Int>] = []
        for index in changed {
            let range = max(0, index - context)...min(edits.count - 1, index + context)
            if let last = ranges.last, range.lowerBound <= last.upperBound + 1 {
                ranges[ranges.count - 1] = last.lowerBound...max(last.upperBound, range.upperBound)
            } else {
                ranges.append(range)
            }
        }
        var lines: [String] = []
        for range in ranges {
            let slice = edits[range]
            let oldStart = slice.first { $0.kind != .insert }?.oldLine ?? 0
            let newStart = slice.first { $0.kind != .delete }?.newLine ?? 0
            let oldCount = slice.filter { $0.kind != .insert }.count
            let newCount = slice.filter { $0.kind != .delete }.count
            lines.append("@@ -\(oldStart),\(oldCount) +\(newStart),\(newCount) @@")
            for edit in slice {
                switch edit.kind {
                case .keep: lines.append(" " + edit.text)
                case .delete: lines.append("-" + edit.text)
                case .insert: lines.append("+" + edit.text)
                }
            }
        }
        return lines
    }
}
