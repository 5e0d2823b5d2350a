/// A plain-text table for terminals: columns aligned with two spaces between them, a rule
/// under the headers, the last column unpadded.
public enum TextTable {
    /// The table's lines; columns in `right` are right-aligned.
    public static func lines(_ headers: [String], _ rows: [[String]], right: [Int] = []) -> [String] {
        var widths = headers.map(\.count)
        for row in rows {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in
                let width = i < widths.count ? widths[i] : cell.count
                let pad = String(repeating: " ", count: max(0, width - cell.count))
                if right.contains(i) { return pad + cell }
                return i == cells.count - 1 ? cell : cell + pad
            }.joined(separator: "  ")
        }
        return [line(headers), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")] + rows.map(line)
    }
}
