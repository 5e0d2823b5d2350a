import Foundation
import Ink

/// A person to write to about an article: name, title and address, shown as a box.
public struct ContactBox: Sendable, Equatable, Codable {
    public var name: String
    public var title: String
    public var email: String
    public var phone: String

    public init(name: String, title: String = "", email: String = "", phone: String = "") {
        self.name = name
        self.title = title
        self.email = email
        self.phone = phone
    }
}

/// One article of an edition: a `# heading`, Markdown, and optionally a contact box.
public struct Article: Sendable, Equatable, Codable {
    public var title: String
    public var markdown: String
    public var contact: ContactBox?
}

/// A newsletter edition as the secretariat writes it: a Markdown file with front matter
/// (subject, number, preheader, sender), one `# heading` per article, and a fenced
/// ```` ```kontakt ```` block for an article's contact box.
public struct Edition: Sendable, Equatable, Codable {
    public var subject: String
    /// The issue as readers know it, e.g. "Nyt om Virksomhedsrettet Integration nr. 14".
    public var number: String
    public var preheader: String
    /// "Navn <adresse>" to override the configured sender; empty for the default.
    public var sender: String
    public var articles: [Article]

    /// Parses an edition; errors name the file and line.
    public init(markdown source: String, file: String) throws(TemplateError) {
        let text = source.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        let parsed = MarkdownParser().parse(text)
        let meta = Dictionary(uniqueKeysWithValues: parsed.metadata.map { (Self.key($0.key), $0.value) })
        guard text.hasPrefix("---\n") else {
            throw TemplateError(file: file, line: 1, message: "udgaven skal begynde med en forside (---) med subject, number og preheader")
        }
        guard let subject = meta["subject"] ?? meta["emne"], !HeaderText.clean(subject).isEmpty else {
            throw TemplateError(file: file, line: 1, message: "forsiden mangler 'subject' (emnelinjen)")
        }
        self.subject = HeaderText.clean(subject)
        self.number = HeaderText.clean(meta["number"] ?? meta["nummer"] ?? "")
        self.preheader = HeaderText.clean(meta["preheader"] ?? "")
        self.sender = HeaderText.clean(meta["sender"] ?? meta["afsender"] ?? "")
        let bodyStart = Self.bodyStart(text)
        self.articles = try Self.articles(from: text, startLine: bodyStart, file: file)
        if articles.isEmpty {
            throw TemplateError(file: file, line: bodyStart, message: "udgaven har ingen artikler (hver artikel begynder med '# Overskrift')")
        }
    }

    private static func key(_ raw: String) -> String {
        raw.trimmingCharacters(in: .whitespaces).lowercased()
    }

    /// The first line after the closing `---` of the front matter (1-based).
    private static func bodyStart(_ text: String) -> Int {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        for (index, line) in lines.enumerated().dropFirst() where line.trimmingCharacters(in: .whitespaces) == "---" {
            return index + 2
        }
        return 1
    }

    private static func articles(from text: String, startLine: Int, file: String) throws(TemplateError) -> [Article] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var articles: [Article] = []
        var title: String?
        var body: [String] = []
        var contact: ContactBox?
        var fence: (info: String, start: Int, lines: [String])?
        var inCode = false
        func finish() {
            if let title {
                let markdown = body.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
                articles.append(Article(title: title, markdown: markdown, contact: contact))
            }
            body = []
            contact = nil
        }
        for index in (startLine - 1)..<lines.count {
            let line = lines[index]
            if var open = fence {
                if line.trimmingCharacters(in: .whitespaces).hasPrefix("```") {
                    guard title != nil else {
                        throw TemplateError(file: file, line: open.start, message: "en kontaktboks skal stå under en artikel")
                    }
                    contact = try parseContact(open.lines, file: file, line: open.start)
                    fence = nil
                } else {
                    open.lines.append(line)
                    fence = open
                }
                continue
            }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("```") {
                let info = trimmed.dropFirst(3).trimmingCharacters(in: .whitespaces).lowercased()
                if !inCode && (info == "kontakt" || info == "contact") {
                    fence = (info, index + 1, [])
                    continue
                }
                inCode.toggle()
            }
            if !inCode && line.hasPrefix("# ") {
                finish()
                title = HeaderText.clean(String(line.dropFirst(2)))
                continue
            }
            if title == nil {
                if !trimmed.isEmpty {
                    throw TemplateError(file: file, line: index + 1, message: "tekst før første artikel; begynd artiklen med '# Overskrift'")
                }
                continue
            }
            body.append(line)
        }
        if let open = fence {
            throw TemplateError(file: file, line: open.start, message: "kontaktboksen slutter aldrig (mangler ```)")
        }
        finish()
        return articles
    }

    private static func parseContact(_ lines: [String], file: String, line: Int) throws(TemplateError) -> ContactBox {
        var box = ContactBox(name: "")
        for (offset, raw) in lines.enumerated() where !raw.trimmingCharacters(in: .whitespaces).isEmpty {
            guard let colon = raw.firstIndex(of: ":") else {
                throw TemplateError(file: file, line: line + offset + 1, message: "kontaktboksen skal have linjer som 'navn: …'")
            }
            let key = raw[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            let value = HeaderText.clean(String(raw[raw.index(after: colon)...]))
            switch key {
            case "navn", "name": box.name = value
            case "titel", "title", "stilling": box.title = value
            case "e-mail", "email", "mail": box.email = value
            case "telefon", "tlf", "phone": box.phone = value
            default:
                throw TemplateError(file: file, line: line + offset + 1, message: "ukendt felt '\(key)' i kontaktboksen (brug navn, titel, e-mail, telefon)")
            }
        }
        guard !box.name.isEmpty else {
            throw TemplateError(file: file, line: line, message: "kontaktboksen mangler 'navn'")
        }
        return box
    }
}

/// A problem in an edition or a template, with the file and line it is on.
public struct TemplateError: Error, Equatable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var message: String

    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String { "\(file):\(line): \(message)" }
}
