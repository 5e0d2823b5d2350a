import Foundation

/// `[ContactView]` as the CLI's `JSONEncoder` writes it (pretty-printed, sorted keys, slashes
/// unescaped, ISO 8601 dates in whole seconds), one contact at a time, so that `contacts list
/// --json` streams instead of encoding an array of 100,000 (450 MB and 3.1 s before; see
/// bench/RESULTS.md, "Streaming list and export"). `ContactJSONTests` checks the bytes against
/// `JSONEncoder` for the same contacts.
public struct ContactJSONArray {
    private var count = 0

    public init() {}

    /// The bytes for `contact` as the next element of the array (the opening bracket first).
    public mutating func element(_ contact: ContactView) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(640)
        out.append(contentsOf: (count == 0 ? "[\n" : ",\n").utf8)
        count += 1
        Self.object(contact, into: &out)
        return out
    }

    /// The closing bytes (with the newline the CLI prints after any JSON).
    public func end() -> [UInt8] {
        Array((count == 0 ? "[\n\n]\n" : "\n]\n").utf8)
    }

    static func object(_ c: ContactView, into out: inout [UInt8]) {
        out.append(contentsOf: "  {\n".utf8)
        func key(_ name: String) {
            out.append(contentsOf: "    \"".utf8)
            out.append(contentsOf: name.utf8)
            out.append(contentsOf: "\" : ".utf8)
        }
        func string(_ name: String, _ value: String) {
            key(name)
            quoted(value, into: &out)
            out.append(contentsOf: ",\n".utf8)
        }
        func strings(_ name: String, _ values: [String]) {
            key(name)
            if values.isEmpty {
                out.append(contentsOf: "[\n\n    ],\n".utf8)
                return
            }
            out.append(contentsOf: "[\n".utf8)
            for (i, value) in values.enumerated() {
                out.append(contentsOf: "      ".utf8)
                quoted(value, into: &out)
                out.append(contentsOf: (i == values.count - 1 ? "\n" : ",\n").utf8)
            }
            out.append(contentsOf: "    ],\n".utf8)
        }
        key("attributes")
        if c.attributes.isEmpty {
            out.append(contentsOf: "{\n\n    },\n".utf8)
        } else {
            out.append(contentsOf: "{\n".utf8)
            let names = c.attributes.keys.sorted()
            for (i, name) in names.enumerated() {
                out.append(contentsOf: "      ".utf8)
                quoted(name, into: &out)
                out.append(contentsOf: " : ".utf8)
                quoted(c.attributes[name] ?? "", into: &out)
                out.append(contentsOf: (i == names.count - 1 ? "\n" : ",\n").utf8)
            }
            out.append(contentsOf: "    },\n".utf8)
        }
        string("createdAt", timestamp(c.createdAt))
        string("email", c.email)
        string("firstName", c.firstName)
        key("id")
        out.append(contentsOf: String(c.id).utf8)
        out.append(contentsOf: ",\n".utf8)
        string("lastName", c.lastName)
        strings("lists", c.lists)
        if let municipality = c.municipality { string("municipality", municipality) }
        string("name", c.name)
        string("organisation", c.organisation)
        string("phone", c.phone)
        if let region = c.region { string("region", region) }
        strings("roles", c.roles)
        key("suppressed")
        out.append(contentsOf: (c.suppressed ? "true,\n" : "false,\n").utf8)
        string("title", c.title)
        key("updatedAt")
        quoted(timestamp(c.updatedAt), into: &out)
        out.append(contentsOf: "\n  }".utf8)
    }

    /// A JSON string as JSONEncoder writes it: `"` and `\` escaped, control characters as
    /// `\b \f \n \r \t` or `\u00xx`, everything else (slashes, non-ASCII) as it is.
    static func quoted(_ text: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "\""))
            case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "\\"))
            case 0x08: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "b"))
            case 0x0C: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "f"))
            case 0x0A: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "n"))
            case 0x0D: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "r"))
            case 0x09: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "t"))
            case 0..<0x20:
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                out.append(contentsOf: "\\u00".utf8)
                out.append(hex[Int(byte >> 4)]); out.append(hex[Int(byte & 0xF)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// `2026-12-01T21:05:09Z`: ISO 8601 in UTC, seconds rounded down, as `.iso8601` encodes.
    static func timestamp(_ date: Date) -> String {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let inDay = seconds - days * 86_400
        // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        func two(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let yearText = String(year)
        return String(repeating: "0", count: max(0, 4 - yearText.count)) + yearText
            + "-\(two(month))-\(two(day))T\(two(inDay / 3_600)):\(two(inDay % 3_600 / 60)):\(two(inDay % 60))Z"
    }
}

extension ContactDirectory {
    /// `contacts list --json` streamed to `output`: the bytes `JSONEncoder` gives for `list`.
    /// Returns the number of contacts written.
    @discardableResult
    public func writeJSON(_ filter: ContactFilter, segment: String?, to output: ByteOutput) throws(KampagneError) -> Int {
        var array = ContactJSONArray()
        var count = 0
        try each(filter, segment: segment) { contact in
            try output.append(array.element(contact))
            count += 1
        }
        try output.append(array.end())
        try output.flush()
        return count
    }
}
