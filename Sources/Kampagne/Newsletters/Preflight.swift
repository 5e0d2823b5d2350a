import Foundation
import GRDB
import MailTemplates

/// What pre-flight checks against: `[newsletter]` in kampagne.toml and the public address.
public struct PreflightSettings: Sendable {
    /// The public address (`[web] base_url`): links to it must be paths the site serves.
    public var baseURL: String
    /// Other hosts links may point to (`[newsletter] link_domains`; subdomains included).
    public var linkDomains: [String]
    /// Longest subject a phone shows in the inbox (`[newsletter] subject_max`, default 60).
    public var subjectLimit: Int
    /// Gmail clips a message whose HTML is larger than this (about 102 KB).
    public var htmlLimit = 102_000
    /// The SpamAssassin program (`[newsletter] spamassassin`; default: `spamassassin` on PATH).
    public var spamAssassin: String?

    public init(baseURL: String, linkDomains: [String] = [], subjectLimit: Int = 60, spamAssassin: String? = nil) {
        self.baseURL = baseURL
        self.linkDomains = linkDomains.map { $0.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: ". ")) }
        self.subjectLimit = subjectLimit
        self.spamAssassin = spamAssassin
    }

    public init(config: KampagneConfig, delivery: DeliveryConfiguration) throws(KampagneError) {
        let subjectLimit = config.newsletter?.subjectMax ?? 60
        guard subjectLimit >= 10 else { throw .config("[newsletter] subject_max skal være mindst 10") }
        self.init(baseURL: delivery.baseURL, linkDomains: config.newsletter?.linkDomains ?? [], subjectLimit: subjectLimit,
                  spamAssassin: config.newsletter?.spamassassin)
    }
}

/// One thing pre-flight found, in Danish.
public struct PreflightFinding: Codable, Sendable, Equatable {
    public enum Severity: String, Codable, Sendable {
        /// Must be fixed before sending (a broken link, no unsubscribe link).
        case error
        /// Worth fixing (a long subject, an image without alt text, an unknown domain).
        case warning
        /// For the record (the size, the spam score).
        case info
    }

    /// `links`, `images`, `unsubscribe`, `subject`, `size`, `spam`.
    public var check: String
    public var severity: Severity
    public var message: String
}

/// The result of pre-flight for one edition.
public struct PreflightReport: Encodable, Sendable {
    public var editionId: Int64?
    public var subject: String
    /// The whole message as sent (MIME, both parts), in bytes.
    public var bytes: Int
    public var htmlBytes: Int
    public var links: Int
    /// SpamAssassin's score with local rules, and the score it calls spam; nil when not run.
    public var spamScore: Double?
    public var spamThreshold: Double?
    public var findings: [PreflightFinding]
    /// No errors (warnings allowed).
    public var passed: Bool { !findings.contains { $0.severity == .error } }

    enum CodingKeys: String, CodingKey {
        case editionId, subject, bytes, htmlBytes, links, spamScore, spamThreshold, findings, passed
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(editionId, forKey: .editionId)
        try c.encode(subject, forKey: .subject)
        try c.encode(bytes, forKey: .bytes)
        try c.encode(htmlBytes, forKey: .htmlBytes)
        try c.encode(links, forKey: .links)
        try c.encode(spamScore, forKey: .spamScore)
        try c.encode(spamThreshold, forKey: .spamThreshold)
        try c.encode(findings, forKey: .findings)
        try c.encode(passed, forKey: .passed)
    }
}

/// Checks an edition before it is sent, as a recipient would get it: links (against the
/// public paths and `[newsletter] link_domains`; nothing is fetched), images without alt
/// text, the unsubscribe footer, the subject's length on a phone, the size, and SpamAssassin's
/// score with local rules only (`spamassassin -L`) where it is installed. Used by `newsletter
/// check` and the staff area.
public struct Preflight: Sendable {
    public let settings: PreflightSettings

    public init(settings: PreflightSettings) { self.settings = settings }

    /// Pre-flight for stored edition `id`.
    public func check(edition id: Int64, store: Store, composer: MessageComposer) throws(KampagneError) -> PreflightReport {
        let preview = try NewsletterPreview.render(edition: id, contact: nil, store: store, composer: composer)
        var report = check(preview, meetings: try knownMeetings(store))
        report.editionId = id
        return report
    }

    /// Pre-flight for an edition's text as typed (not stored yet).
    public func check(source: String, store: Store, composer: MessageComposer) throws(KampagneError) -> PreflightReport {
        let preview = try NewsletterPreview.render(source: source, contact: nil, store: store, composer: composer)
        return check(preview, meetings: try knownMeetings(store))
    }

    private func knownMeetings(_ store: Store) throws(KampagneError) -> Set<String> {
        try store.read { db in Set(try String.fetchAll(db, sql: "SELECT publicId FROM event")) }
    }

    /// The checks on a rendered message; `meetings` are the public ids `/moede/ID` may name.
    public func check(_ preview: NewsletterPreview, meetings: Set<String>) -> PreflightReport {
        var findings: [PreflightFinding] = []
        func add(_ check: String, _ severity: PreflightFinding.Severity, _ message: String) {
            findings.append(PreflightFinding(check: check, severity: severity, message: message))
        }
        // Links, from the HTML's href attributes and the plain text's URLs.
        let hrefs = Self.attributes("href", in: preview.html)
        let textLinks = preview.text.matches(of: /https?:\/\/[^\s<>"]+/).map { String($0.output) }
        var seen: Set<String> = []
        for link in hrefs + textLinks where seen.insert(link).inserted {
            if let problem = linkProblem(link, meetings: meetings) { add("links", problem.0, problem.1) }
        }
        if !findings.contains(where: { $0.check == "links" }) {
            add("links", .info, "\(seen.count) links kontrolleret; alle peger på kendte sider")
        }
        // Images.
        let images = preview.html.matches(of: /<img\b[^>]*>/.ignoresCase()).map { String($0.output) }
        for image in images {
            let alt = Self.attributes("alt", in: image).first ?? ""
            if alt.trimmingCharacters(in: .whitespaces).isEmpty {
                let src = Self.attributes("src", in: image).first ?? "?"
                add("images", .warning, "Billedet \(src) mangler alternativ tekst (skriv en beskrivelse i ![…](…))")
            }
            if let src = Self.attributes("src", in: image).first, let problem = linkProblem(src, meetings: meetings) {
                add("images", problem.0, "Billede: " + problem.1)
            }
        }
        // The unsubscribe footer, in both parts.
        let unsubscribe = settings.baseURL + PublicPath.unsubscribe.path("")
        if !hrefs.contains(where: { $0.hasPrefix(unsubscribe) }) {
            add("unsubscribe", .error, "HTML-udgaven mangler et afmeldingslink ({{unsubscribeURL}} i skabelonen nyhedsbrev.html)")
        }
        if !preview.text.contains(unsubscribe) {
            add("unsubscribe", .error, "Tekstudgaven mangler et afmeldingslink ({{unsubscribeURL}} i skabelonen nyhedsbrev.txt)")
        }
        // The subject on a phone.
        let length = preview.subject.count
        if length > settings.subjectLimit {
            add("subject", .warning, "Emnelinjen er \(length) tegn; en telefon viser kun omkring \(settings.subjectLimit). Gør den kortere, "
                + "eller sæt det vigtigste først")
        } else if length == 0 {
            add("subject", .error, "Emnelinjen er tom")
        }
        // Size.
        let bytes = preview.eml.count
        let htmlBytes = preview.html.utf8.count
        if htmlBytes > settings.htmlLimit {
            add("size", .warning, "HTML-delen fylder \(Self.kilobytes(htmlBytes)); Gmail klipper mails over ca. "
                + "\(Self.kilobytes(settings.htmlLimit)) og skjuler resten, også afmeldingslinket")
        }
        add("size", .info, "Mailen fylder \(Self.kilobytes(bytes)) (HTML \(Self.kilobytes(htmlBytes)))")
        // Spam score, local rules only.
        var report = PreflightReport(editionId: nil, subject: preview.subject, bytes: bytes, htmlBytes: htmlBytes, links: seen.count,
                                     findings: findings)
        switch SpamCheck(program: settings.spamAssassin).score(preview.eml) {
        case .scored(let score, let threshold):
            report.spamScore = score
            report.spamThreshold = threshold
            let text = "SpamAssassin (lokale regler) giver \(DanishNumber.decimal(score)) point; \(DanishNumber.decimal(threshold)) regnes for spam"
            report.findings.append(PreflightFinding(check: "spam", severity: score >= threshold ? .error : score >= threshold / 2 ? .warning : .info,
                                                    message: text))
        case .unavailable(let why):
            report.findings.append(PreflightFinding(check: "spam", severity: .info, message: "Spamtjek sprunget over: \(why)"))
        }
        return report
    }

    /// Why `link` is broken or doubtful, or nil when it is fine.
    func linkProblem(_ raw: String, meetings: Set<String>) -> (PreflightFinding.Severity, String)? {
        let link = raw.trimmingCharacters(in: .whitespaces)
        if link.isEmpty || link == "#" { return (.error, "Et link er tomt (\(raw.isEmpty ? "\"\"" : raw))") }
        let lower = link.lowercased()
        if lower.hasPrefix("mailto:") {
            let address = String(link.dropFirst(7).prefix { $0 != "?" }).removingPercentEncoding ?? ""
            return (try? EmailAddress(parsing: address)) == nil ? (.error, "Mail-linket \(link) har ikke en gyldig adresse") : nil
        }
        if lower.hasPrefix("tel:") { return nil }
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://") else {
            return (.error, "Linket \(link) er ikke et webadresse (skal begynde med https://)")
        }
        guard let url = URLComponents(string: link), let host = url.host?.lowercased(), !host.isEmpty else {
            return (.error, "Linket \(link) er ikke en gyldig adresse")
        }
        if let base = URLComponents(string: settings.baseURL), host == base.host?.lowercased() {
            return ownPathProblem(url.path, link: link, meetings: meetings)
        }
        let allowed = settings.linkDomains.contains { host == $0 || host.hasSuffix("." + $0) }
        if !allowed {
            return (.warning, "Linket \(link) går til \(host), som ikke er på listen over kendte domæner ([newsletter] link_domains); "
                + "tjek det selv, eller føj domænet til listen")
        }
        return nil
    }

    /// A link to our own site must be a path the site serves; a meeting must exist.
    private func ownPathProblem(_ path: String, link: String, meetings: Set<String>) -> (PreflightFinding.Severity, String)? {
        let parts = path.split(separator: "/").map(String.init)
        if parts.isEmpty { return nil }
        for route in PublicPath.allCases {
            let pattern = route.route.split(separator: "/").map(String.init)
            guard pattern.count == parts.count else { continue }
            let matches = zip(pattern, parts).allSatisfy { $0.hasPrefix(":") || $0 == $1 }
            guard matches else { continue }
            if route == .meeting, let id = parts.last, !meetings.contains(id) {
                return (.error, "Linket \(link) peger på et møde, der ikke findes")
            }
            return nil
        }
        return (.error, "Linket \(link) peger på en side, der ikke findes på \(settings.baseURL)")
    }

    /// The values of attribute `name` in `html` (double or single quoted), entities decoded.
    static func attributes(_ name: String, in html: String) -> [String] {
        var values: [String] = []
        let pattern = try? Regex<(Substring, Substring?, Substring?)>("(?i)\\b" + name + "\\s*=\\s*(?:\"([^\"]*)\"|'([^']*)')")
        guard let pattern else { return [] }
        for match in html.matches(of: pattern) {
            let value = match.output.1 ?? match.output.2 ?? ""
            values.append(String(value).replacingOccurrences(of: "&amp;", with: "&").replacingOccurrences(of: "&quot;", with: "\"")
                .replacingOccurrences(of: "&#39;", with: "'"))
        }
        return values
    }

    static func kilobytes(_ bytes: Int) -> String {
        bytes < 10_240 ? DanishNumber.decimal(Double(bytes) / 1024) + " KB" : DanishNumber.int(Int((Double(bytes) / 1024).rounded())) + " KB"
    }
}

/// SpamAssassin run on a message with local rules only (`spamassassin -L`: no network tests).
struct SpamCheck {
    enum Result: Equatable {
        case scored(Double, threshold: Double)
        /// Danish: why no score (not installed, failed, timed out).
        case unavailable(String)
    }

    let program: String?
    static let timeout: TimeInterval = 60

    /// The program to run: the configured path, or `spamassassin` on PATH; nil when not found.
    var executable: String? {
        if let program, !program.isEmpty {
            return FileManager.default.isExecutableFile(atPath: program) ? program : nil
        }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/spamassassin" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    func score(_ message: Data) -> Result {
        guard let executable else {
            return .unavailable(program.map { "\($0) findes ikke" } ?? "SpamAssassin er ikke installeret (apt-get install spamassassin)")
        }
        // The message from a file: nothing to write while reading the answer.
        let file = NSTemporaryDirectory() + "kampagne-spam-\(UUID().uuidString).eml"
        guard FileManager.default.createFile(atPath: file, contents: message), let input = FileHandle(forReadingAtPath: file) else {
            return .unavailable("kan ikke skrive en midlertidig fil")
        }
        defer {
            try? input.close()
            try? FileManager.default.removeItem(atPath: file)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["-L"]
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return .unavailable("\(executable) kan ikke startes") }
        let pid = process.processIdentifier
        let deadline = DispatchWorkItem { kill(pid, SIGTERM) }
        DispatchQueue.global().asyncAfter(deadline: .now() + Self.timeout, execute: deadline)
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        deadline.cancel()
        return Self.parse(String(decoding: data, as: UTF8.self))
    }

    /// Reads `X-Spam-Status: No, score=1.2 required=5.0 tests=…` from the checked message.
    static func parse(_ checked: String) -> Result {
        // The message's lines end in CRLF (one Character in Swift): search the text, not its lines.
        guard let status = checked.firstMatch(of: /X-Spam-Status:[^\r\n]*score=(-?[0-9.]+)[^\r\n]*required=(-?[0-9.]+)/),
              let score = Double(status.output.1), let required = Double(status.output.2) else {
            return .unavailable("SpamAssassin svarede ikke med en score")
        }
        return .scored(score, threshold: required)
    }

}
