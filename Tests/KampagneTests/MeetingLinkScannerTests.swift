import Foundation
import Testing
@testable import Kampagne

/// `SignupSource.tagMeetingLinks` finds links by hand (`MeetingLinkScanner`); it tags exactly
/// what the regular expression it replaces found.
@Suite struct MeetingLinkScannerTests {
    let base = "https://partnerskab.example"

    /// The previous implementation, kept here as the reference.
    func viaRegex(_ source: SignupSource, _ text: String) -> String {
        let prefix = NSRegularExpression.escapedPattern(for: base + PublicPath.meeting.path(""))
        guard let pattern = try? NSRegularExpression(pattern: prefix + "[^/?#\\s)\\]>\"'<]+(\\?[^\\s)\\]>\"'<]*)?") else { return text }
        var result = ""
        var last = text.startIndex
        for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            guard let range = Range(match.range, in: text) else { continue }
            var url = String(text[range])
            var trailing = ""
            while let end = url.last, ".,;:!".contains(end) { trailing = String(end) + trailing; url.removeLast() }
            result += text[last..<range.lowerBound] + source.tag(url) + trailing
            last = range.upperBound
        }
        return result + text[last...]
    }

    @Test func namedCasesAreTaggedAsTheRegexTaggedThem() {
        let link = base + PublicPath.meeting.path("")
        let cases = [
            "Tilmeld dig på \(link)abc123.", "[Læs mere](\(link)abc?kilde=gammel&x=1#tid)", "<\(link)a1> og \(link)b2!",
            "\(link)", "\(link)/ingen", "\(link)?x", "\(link)æøå\u{0301}x, tak", "\(link)a\u{000B}b", "\(link)a\u{0085}b",
            "\(link)a\u{00A0}b", "\(link)a\u{2028}b", "\(link)a\u{3000}b", "\(link)a\tb\n\(link)c\r\nd", "\(link)a\"b'c<d",
            "\(link)\(link)x", "ingen links her", "", "\(link)x?a=1;b=2:3.", "\(link)x?y=\u{1F600}\u{200D}\u{1F4BB} z",
            "\(base)/moede\(link)q", "\(link)é\u{0301}?ø=å\u{0308}", String(repeating: "\(link)k ", count: 200),
        ]
        let source = SignupSource.edition(14)
        for text in cases {
            #expect(source.tagMeetingLinks(in: text, base: base) == viaRegex(source, text), "\(text.debugDescription)")
        }
        #expect(source.tagMeetingLinks(in: "\(link)abc.", base: base).contains("abc?kilde="))
        #expect(source.tagMeetingLinks(in: "\(link)abc", base: "") == "\(link)abc")
    }

    @Test func randomTextIsTaggedAsTheRegexTaggedIt() {
        let link = base + PublicPath.meeting.path("")
        let pieces = [link, link, "a", "Ø", "/", "?", "#", "&", "=", ".", ",", "!", " ", "\t", "\n", "\r", ")", "]", ">", "\"",
                      "'", "<", "\u{000B}", "\u{000C}", "\u{0085}", "\u{00A0}", "\u{2009}", "\u{2029}", "\u{0301}", "\u{1F600}",
                      "\u{200D}", "kilde=x", "\r\n", "e\u{0301}"]
        var generator = SystemRandomNumberGenerator()
        let source = SignupSource.edition(7)
        for _ in 0..<3_000 {
            let text = (0..<Int.random(in: 0...24, using: &generator)).map { _ in pieces.randomElement(using: &generator) ?? "" }.joined()
            #expect(source.tagMeetingLinks(in: text, base: base) == viaRegex(source, text), "\(text.debugDescription)")
        }
    }
}
