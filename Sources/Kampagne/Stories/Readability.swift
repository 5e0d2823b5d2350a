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
        let sentences = Self.sentences(in: Self.prose(text))
        words = sentences.reduce(0) { $0 + $1.words.count }
        self.sentences = sentences.count
        longWords = sentences.reduce(0) { total, sentence in
            total + sentence.words.filter(Self.isLong).count
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
            .map { LongSentence(text: Self.oneLine($0.element.text), words: $0.element.words.count) }
    }

    /// A sentence that runs over lines as one line, as a reader reads it.
    static func oneLine(_ text: Substring) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            .map { $0.offset == 0 ? String($0.element) : String($0.element.drop(while: { $0 == " " || $0 == "\t" })) }
            .joined(separator: " ")
    }

    /// A word LIX counts as long: more than six letters.
    static func isLong(_ word: Substring) -> Bool { word.filter(\.isLetter).count > 6 }

    /// One sentence of `text`, with its words, as slices of the text it was read from.
    struct Sentence {
        var words: [Substring]
        var text: Substring
    }

    /// The sentences of `text` (already `prose`), by the rules in `init`.
    static func sentences(in text: String) -> [Sentence] {
        var sentences: [Sentence] = []
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
                if let first = current.first { sentences.append(Sentence(words: current, text: paragraph[first.startIndex..<end])) }
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
        return sentences
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

    /// Blocks separated by blank lines, with each heading and list item a block of its own:
    /// slices of `text`, so that a word's place in the text is known. A line break inside a
    /// block is white space like any other.
    private static func paragraphs(_ text: String) -> [Substring] {
        var blocks: [Substring] = []
        var start: String.Index?
        var end = text.startIndex
        func flush() {
            if let first = start { blocks.append(text[first..<end]) }
            start = nil
        }
        var lineStart = text.startIndex
        while lineStart < text.endIndex {
            let lineEnd = text[lineStart...].firstIndex(of: "\n") ?? text.endIndex
            let line = text[lineStart..<lineEnd]
            let trimmed = line.drop(while: { $0 == " " || $0 == "\t" })
            if trimmed.isEmpty {
                flush()
            } else if trimmed.hasPrefix("#") || trimmed.hasPrefix("- ") || trimmed.hasPrefix("* ") || trimmed.hasPrefix(">") {
                flush()
                blocks.append(trimmed)
            } else {
                if start == nil { start = trimmed.startIndex }
                end = lineEnd
            }
            lineStart = lineEnd < text.endIndex ? text.index(after: lineEnd) : text.endIndex
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

/// Where in a text LIX finds what makes it hard: long sentences and long words, as character
/// offsets into the text as the reader reads it (`Readability.prose`), for a page to mark.
public struct ReadabilityMarks: Sendable, Equatable, Codable {
    /// Sentences of more than this many words are long (plain-language advice: keep them shorter).
    public static let longSentence = 20

    public struct Span: Sendable, Equatable, Codable {
        public enum Kind: String, Sendable, Codable {
            case longSentence = "long-sentence"
            case longWord = "long-word"
        }
        public var kind: Kind
        /// Offset of the first character (Swift `Character`s, not bytes).
        public var start: Int
        /// Offset just after the last character.
        public var end: Int
        public var words: Int?
    }

    /// The text the offsets count in.
    public var text: String
    /// Long sentences and long words in text order; a long word lies inside its sentence, so
    /// the spans nest and never cross.
    public var spans: [Span]

    public init(text markdown: String, longSentence: Int = Self.longSentence) {
        let text = Readability.prose(markdown)
        self.text = text
        var spans: [Span] = []
        // Offsets are counted forward from the last one: the text is walked once.
        var known = (index: text.startIndex, offset: 0)
        func offset(_ index: String.Index) -> Int {
            let value = index >= known.index ? known.offset + text.distance(from: known.index, to: index)
                : known.offset - text.distance(from: index, to: known.index)
            known = (index, value)
            return value
        }
        for sentence in Readability.sentences(in: text) {
            let start = offset(sentence.text.startIndex)
            var words: [Span] = []
            for word in sentence.words where Readability.isLong(word) {
                words.append(Span(kind: .longWord, start: offset(word.startIndex), end: offset(word.endIndex), words: nil))
            }
            let end = offset(sentence.text.endIndex)
            if sentence.words.count > longSentence {
                spans.append(Span(kind: .longSentence, start: start, end: end, words: sentence.words.count))
            }
            spans += words
        }
        self.spans = spans
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
