import Foundation

/// LIX, the Scandinavian readability index: words per sentence plus the percentage of words
/// longer than six letters. Newspaper prose lands around 35–44.
public struct Readability: Sendable, Equatable, Codable {
    public var words: Int
    public var sentences: Int
    public var longWords: Int
    /// The index, rounded to one decimal.
    public var lix: Double
    /// The longest sentences, longest first, with their word counts.
    public var longestSentences: [LongSentence]

    public struct LongSentence: Sendable, Equatable, Codable {
        public var text: String
        public var words: Int
    }

    /// Measures `text` (plain text or Markdown; markup characters are not words). How words
    /// and sentences are counted is in docs/stories.md:
    /// - a word is a run of letters and digits; a hyphen or apostrophe inside it ("e-mail"), a
    ///   point or comma between digits ("3.000", "10.00", "29,6") and a point between letters
    ///   ("bl.a", "f.eks") keep it one word; numbers are words (never long ones);
    /// - a sentence ends at `!`, `?` or `:` followed by white space or the end, at a paragraph
    ///   break or list item (headings and bullet points are sentences of their own), and at a
    ///   `.` followed by white space or the end, except after an abbreviation in
    ///   `DanishAbbreviations` and before a lower-case letter or a digit ("17. februar", "kl. 10").
    public init(text: String, longest: Int = 3) {
        let text = Self.prose(text)
        var sentences: [(words: [Substring], text: Substring)] = []
        for paragraph in Self.paragraphs(text) {
            var current: [Substring] = []
            var wordStart: String.Index?
            var lastWord: Substring = ""
            var index = paragraph.startIndex
            func endWord(at end: String.Index) {
                if let start = wordStart {
                    let word = paragraph[start..<end]
                    if word.contains(where: { $0.isLetter || $0.isNumber }) { current.append(word) }
                    lastWord = word
                } else {
                    lastWord = ""
                }
                wordStart = nil
            }
            func endSentence(through end: String.Index) {
                if let first = current.first { sentences.append((current, paragraph[first.startIndex..<end])) }
                current = []
            }
            while index < paragraph.endIndex {
                let character = paragraph[index]
                let next = paragraph.index(after: index)
                if character.isLetter || character.isNumber
                    || (wordStart != nil && Self.joinsWord(character, at: index, next, in: paragraph)) {
                    if wordStart == nil { wordStart = index }
                } else {
                    endWord(at: index)
                    if ".!?:".contains(character), next == paragraph.endIndex || paragraph[next].isWhitespace, !current.isEmpty,
                       character != "." || DanishAbbreviations.endsSentence(after: lastWord, before: paragraph[next...]) {
                        endSentence(through: next)
                    }
                }
                index = next
            }
            endWord(at: paragraph.endIndex)
            endSentence(through: paragraph.endIndex)
        }
        words = sentences.reduce(0) { $0 + $1.words.count }
        self.sentences = sentences.count
        longWords = sentences.reduce(0) { total, sentence in
            total + sentence.words.filter { $0.filter(\.isLetter).count > 6 }.count
        }
        if words == 0 {
            lix = 0
        } else {
            let raw = Double(words) / Double(sentences.count) + Double(longWords) * 100 / Double(words)
            lix = (raw * 10).rounded() / 10
        }
        longestSentences = sentences.enumerated()
            .sorted { a, b in a.element.words.count != b.element.words.count ? a.element.words.count > b.element.words.count : a.offset < b.offset }
            .prefix(longest)
            .map { LongSentence(text: String($0.element.text), words: $0.element.words.count) }
    }

    /// What a reader reads of Markdown: a link's text without its address, no bare addresses.
    static func prose(_ markdown: String) -> String {
        var text = markdown
        for (pattern, replacement) in [(#"!?\[([^\]]*)\]\([^)]*\)"#, "$1"), (#"(https?://|mailto:|www\.)\S+"#, ""),
                                       (#"<[^>\n]*>"#, "")] {
            guard let expression = try? NSRegularExpression(pattern: pattern) else { continue }
            text = expression.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text),
                                                       withTemplate: replacement)
        }
        return text
    }

    /// A hyphen or apostrophe inside a word ("e-mail", "LBR's"), a point or comma between
    /// digits ("3.000", "10.00", "29,6") and a point between letters ("bl.a", "f.eks") keep
    /// it one word.
    private static func joinsWord(_ character: Character, at index: String.Index, _ next: String.Index, in text: Substring) -> Bool {
        guard next < text.endIndex, index > text.startIndex else { return false }
        let before = text[text.index(before: index)]
        let after = text[next]
        switch character {
        case "-", "'", "’": return after.isLetter || after.isNumber
        case ".", ",": return (before.isNumber && after.isNumber) || (character == "." && before.isLetter && after.isLetter)
        default: return false
        }
    }

    /// Blocks separated by blank lines, with each heading and list item a block of its own.
    private static func paragraphs(_ text: String) -> [Substring] {
        var blocks: [Substring] = []
        var current: [Substring] = []
        func flush() {
            if !current.isEmpty { blocks.append(Substring(current.joined(separator: " "))) }
            current = []
        }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.drop(while: { $0 == " " || $0 == "\t" })
            if trimmed.isEmpty { flush(); continue }
            if trimmed.hasPrefix("#") || trimmed.hasPrefix("- ") || trimmed.hasPrefix("* ") || trimmed.hasPrefix(">") {
                flush()
                current.append(trimmed)
                flush()
                continue
            }
            current.append(trimmed)
        }
        flush()
        return blocks
    }

    /// The conventional Danish band for `lix`.
    public static func band(_ lix: Double) -> String {
        switch lix {
        case ..<25: return "meget let (børnebøger)"
        case ..<35: return "let (skønlitteratur, ugeblade)"
        case ..<45: return "middel (dagblade)"
        case ..<55: return "svær (saglitteratur, offentlige tekster)"
        default: return "meget svær (faglitteratur, lovtekster)"
        }
    }
}

/// The LIX band a story should land in: `[stories] lix_target` in kampagne.toml ("35-44").
public struct LixTarget: Sendable, Equatable, Codable {
    public var low: Double
    public var high: Double

    public static let newspaper = LixTarget(low: 35, high: 44)

    public init(low: Double, high: Double) {
        self.low = low
        self.high = high
    }

    /// "35-44" or "35–44".
    public init(parsing text: String) throws(KampagneError) {
        let parts = text.replacingOccurrences(of: "–", with: "-").split(separator: "-").map {
            Double(DanishText.trimmed(String($0)).replacingOccurrences(of: ",", with: "."))
        }
        guard parts.count == 2, let low = parts[0], let high = parts[1], low >= 0, high <= 100, low < high else {
            throw .config("[stories] lix_target skal være et interval som \"35-44\" (fik \"\(text)\")")
        }
        self.init(low: low, high: high)
    }

    public func contains(_ lix: Double) -> Bool { lix >= low && lix <= high }
    public var text: String { "\(Int(low))–\(Int(high))" }
}
