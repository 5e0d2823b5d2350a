import Foundation

/// Writes CSV that spreadsheet programs open correctly: fields quoted when needed, CRLF
/// line ends, and for Danish Excel a UTF-8 byte order mark and `;` as delimiter.
public struct CSVWriter: Sendable {
    public var delimiter: Character
    public var byteOrderMark: Bool
    /// Prefixes cells that a spreadsheet would run as formulas (`=`, `+`, `-`, `@`) with `'`;
    /// a plain negative number is left alone.
    public var neutraliseFormulas: Bool
    private(set) public var text = ""

    public init(excel: Bool) {
        delimiter = excel ? ";" : ","
        byteOrderMark = excel
        neutraliseFormulas = excel
    }

    public mutating func row(_ fields: [String]) {
        text += line(fields)
    }

    /// One row as text (CRLF included), for writers that stream rows instead of keeping them.
    public func line(_ fields: [String]) -> String {
        fields.map(escape).joined(separator: String(delimiter)) + "\r\n"
    }

    /// What the file starts with: the byte order mark for Excel, nothing otherwise.
    public var preamble: [UInt8] { byteOrderMark ? [0xEF, 0xBB, 0xBF] : [] }

    public var data: Data {
        (byteOrderMark ? Data([0xEF, 0xBB, 0xBF]) : Data()) + Data(text.utf8)
    }

    private func escape(_ field: String) -> String {
        var value = field
        // A negative number ("-12") is data, not a formula: it stays a number in the sheet.
        if neutraliseFormulas, let first = value.first, "=+-@".contains(first),
           value.wholeMatch(of: /-[0-9]+(,[0-9]+)?/) == nil {
            value = "'" + value
        }
        let needsQuotes = value.contains(delimiter) || value.contains("\"") || value.contains("\n")
            || value.contains("\r") || value.hasPrefix(" ") || value.hasSuffix(" ")
        return needsQuotes ? "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : value
    }
}
