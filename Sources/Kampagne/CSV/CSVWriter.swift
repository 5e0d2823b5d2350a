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

    /// `escape` without a Foundation search: a field none of whose bytes is the delimiter, a
    /// quote or a line break, and that neither starts nor ends with a space byte, is written as
    /// it is (unless a spreadsheet would run it), whatever the checks below would find in it.
    /// `String.contains("\"")` is Foundation's `CFStringFind`: 9 % of the samples of
    /// `contacts export --excel` of 100,000, three such searches a field (perf, release,
    /// bench/RESULTS.md "Issue 16, session 7"). `CSVWriterTests` checks the two agree.
    func escape(_ field: String) -> String {
        let bytes = field.utf8
        if bytes.isEmpty { return field }
        let delimiterByte = delimiter.asciiValue ?? 0
        if let first = bytes.first, let last = bytes.last, first != 0x20, last != 0x20,
           !(neutraliseFormulas && (first == 0x3D || first == 0x2B || first == 0x2D || first == 0x40)),
           !bytes.contains(where: { $0 == delimiterByte || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) {
            return field
        }
        return escapeChecked(field)
    }

    /// Every check, for the fields `escape` cannot pass as they are (and the reference).
    func escapeChecked(_ field: String) -> String {
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
