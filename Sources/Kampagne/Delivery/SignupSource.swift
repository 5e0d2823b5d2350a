import Foundation

/// Where a sign-up came from: the campaign a link to a meeting carries in its `kilde` query
/// parameter (`/moede/ab12?kilde=nyhedsbrev-12`), recorded on the registration (`origin`), and
/// counted per meeting and in the report. Defined beside `PublicPath` because every mailed link
/// to a meeting is built with it.
public enum SignupSource: Hashable, Sendable {
    /// A link in newsletter edition N (`nyhedsbrev-12`).
    case edition(Int)
    /// The sign-up link of invitation campaign N (`invitation-34`).
    case invitation(Int64)
    /// Carried over from the waiting list of meeting N (`venteliste-7`).
    case waitingList(Int64)
    /// The meeting's public page, reached without a tagged link (`side`).
    case page
    /// Registered at the door (`doer`).
    case door
    /// Entered by an organiser on the command line or in the staff area (`cli`).
    case organiser
    /// Any other tag an organiser put on a link (`facebook`, `plakat-aarhus`): lower-case
    /// letters, digits and hyphens, at most 40.
    case other(String)

    /// The query parameter a link carries the source in.
    public static let parameter = "kilde"

    /// Reads a `kilde` value; nil for anything that is not a short tag (so a link cannot put
    /// arbitrary text into the records).
    public init?(key raw: String) {
        let key = raw.lowercased()
        guard !key.isEmpty, key.count <= 40,
              key.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }) else { return nil }
        func number(_ prefix: String) -> Int64? {
            guard key.hasPrefix(prefix) else { return nil }
            return Int64(key.dropFirst(prefix.count)).flatMap { $0 > 0 ? $0 : nil }
        }
        if let n = number("nyhedsbrev-"), let edition = Int(exactly: n) { self = .edition(edition) }
        else if let n = number("invitation-") { self = .invitation(n) }
        else if let n = number("venteliste-") { self = .waitingList(n) }
        else if key == "side" { self = .page }
        else if key == "doer" { self = .door }
        else if key == "cli" { self = .organiser }
        else { self = .other(key) }
    }

    /// The stored and linked form (`nyhedsbrev-12`).
    public var key: String {
        switch self {
        case .edition(let n): return "nyhedsbrev-\(n)"
        case .invitation(let n): return "invitation-\(n)"
        case .waitingList(let n): return "venteliste-\(n)"
        case .page: return "side"
        case .door: return "doer"
        case .organiser: return "cli"
        case .other(let tag): return tag
        }
    }

    /// The group the report counts by (`nyhedsbrev`, `invitation`, `venteliste`, `side`, `doer`, `cli`, `andet`).
    public var group: String {
        switch self {
        case .edition: return "nyhedsbrev"
        case .invitation: return "invitation"
        case .waitingList: return "venteliste"
        case .page: return "side"
        case .door: return "doer"
        case .organiser: return "cli"
        case .other: return "andet"
        }
    }

    /// The group in Danish for the report ("Nyhedsbreve").
    public var groupName: String {
        switch self {
        case .edition: return "Nyhedsbreve"
        case .invitation: return "Invitationer"
        case .waitingList: return "Venteliste fra tidligere møde"
        case .page: return "Mødesiden"
        case .door: return "Ved døren"
        case .organiser: return "Arrangøren"
        case .other: return "Andre mærkede links"
        }
    }

    /// The source in Danish for pages and reports.
    public var danish: String {
        switch self {
        case .edition(let n): return "Nyhedsbrev nr. \(n)"
        case .invitation(let n): return "Invitation (udsendelse \(n))"
        case .waitingList(let n): return "Venteliste fra møde \(n)"
        case .page: return "Mødesiden"
        case .door: return "Ved døren"
        case .organiser: return "Arrangøren"
        case .other(let tag): return "Link mærket «\(tag)»"
        }
    }

    /// The source of a stored registration: its `origin`, or for rows from before v15 what
    /// `source` tells.
    public static func of(origin: String, source: RegistrationSource) -> SignupSource {
        if let known = SignupSource(key: origin) { return known }
        switch source {
        case .web: return .page
        case .walkIn: return .door
        case .commandLine: return .organiser
        }
    }

    /// `text` (an edition's Markdown) with every link to a meeting page at `base` tagged with
    /// this source, so a sign-up through the newsletter records which edition it came from.
    /// The whole path segment is the meeting's id: a link to a page that does not exist
    /// (`/moede/findes-ikke`) stays whole, for the preflight to name.
    public func tagMeetingLinks(in text: String, base: String) -> String {
        guard !base.isEmpty else { return text }
        let prefix = Array((base + PublicPath.meeting.path("")).unicodeScalars)
        let scalars = Array(text.unicodeScalars)
        var result = String.UnicodeScalarView()
        var from = 0
        var copied = 0
        while let start = MeetingLinkScanner.first(prefix, in: scalars, from: from) {
            let idStart = start + prefix.count
            var end = idStart
            while end < scalars.count, !MeetingLinkScanner.endsId(scalars[end]) { end += 1 }
            guard end > idStart else {
                from = start + 1
                continue
            }
            if end < scalars.count, scalars[end] == "?" {
                end += 1
                while end < scalars.count, !MeetingLinkScanner.endsQuery(scalars[end]) { end += 1 }
            }
            // A sentence's full stop after the link is not part of it.
            var url = String(String.UnicodeScalarView(scalars[start..<end]))
            var trailing = ""
            while let last = url.last, ".,;:!".contains(last) { trailing = String(last) + trailing; url.removeLast() }
            result.append(contentsOf: scalars[copied..<start])
            result.append(contentsOf: (tag(url) + trailing).unicodeScalars)
            copied = end
            from = end
        }
        guard copied > 0 else { return text }
        result.append(contentsOf: scalars[copied...])
        return String(result)
    }

    /// `url` with this source as its `kilde` parameter (replacing one already there).
    public func tag(_ url: String) -> String {
        var base = url
        var fragment = ""
        if let hash = base.firstIndex(of: "#") {
            fragment = String(base[hash...])
            base = String(base[..<hash])
        }
        if let question = base.firstIndex(of: "?") {
            let query = base[base.index(after: question)...].split(separator: "&")
                .filter { !$0.hasPrefix(Self.parameter + "=") }
            base = String(base[..<question]) + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
        }
        return base + (base.contains("?") ? "&" : "?") + Self.parameter + "=" + key + fragment
    }
}

/// Finds meeting links as `<base>/moede/<id>[?query]` in an edition's Markdown, scalar by
/// scalar, as the regular expression `[^/?#\s)\]>"'<]+(\?[^\s)\]>"'<]*)?` after the prefix
/// did: NSRegularExpression (ICU) cost 0.8 MB of the send command's memory for it
/// (bench/RESULTS.md, session 10). `MeetingLinkScannerTests` checks both agree.
enum MeetingLinkScanner {
    /// ICU's `\s`: Unicode's White_Space (tab to carriage return, space, NEL, the separators).
    static func isSpace(_ scalar: Unicode.Scalar) -> Bool { scalar.properties.isWhitespace }

    /// Ends a meeting's id: `/ ? #`, white space, `) ] > " ' <`.
    static func endsId(_ scalar: Unicode.Scalar) -> Bool {
        "/?#".unicodeScalars.contains(scalar) || endsQuery(scalar)
    }

    /// Ends a link's query: white space, `) ] > " ' <`.
    static func endsQuery(_ scalar: Unicode.Scalar) -> Bool {
        ")]>\"'<".unicodeScalars.contains(scalar) || isSpace(scalar)
    }

    /// The first place at or after `from` where `prefix` starts.
    static func first(_ prefix: [Unicode.Scalar], in scalars: [Unicode.Scalar], from: Int) -> Int? {
        guard let head = prefix.first, scalars.count >= prefix.count else { return nil }
        var index = from
        while index + prefix.count <= scalars.count {
            if scalars[index] == head, scalars[index..<index + prefix.count].elementsEqual(prefix) { return index }
            index += 1
        }
        return nil
    }
}
