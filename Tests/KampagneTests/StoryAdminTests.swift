import Foundation
import GRDB
import Testing
@testable import Kampagne

private let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
private let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

/// The known-good answers: Python difflib's opcodes (Fixtures/difflib-opcodes.py wrote them).
private struct DifflibFixture: Decodable {
    struct LineCase: Decodable {
        var a: [String]
        var b: [String]
        var opcodes: [[OpcodePart]]
    }
    struct WordCase: Decodable {
        var a: String
        var b: String
        var tokensA: [String]
        var tokensB: [String]
        var opcodes: [[OpcodePart]]
    }
    enum OpcodePart: Decodable, Equatable {
        case tag(String)
        case index(Int)
        init(from decoder: Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let number = try? container.decode(Int.self) { self = .index(number) } else { self = .tag(try container.decode(String.self)) }
        }
    }
    var lines: [LineCase]
    var words: [WordCase]
}

private func loadDifflib() throws -> DifflibFixture {
    try JSONDecoder().decode(DifflibFixture.self, from: Data(contentsOf: fixtures.appendingPathComponent("difflib-opcodes.json")))
}

private func parts<T>(_ alignment: SequenceAlignment<T>) -> [[DifflibFixture.OpcodePart]] {
    alignment.opcodes.map { code in
        [.tag(code.tag.rawValue), .index(code.oldRange.lowerBound), .index(code.oldRange.upperBound),
         .index(code.newRange.lowerBound), .index(code.newRange.upperBound)]
    }
}

@Suite struct SideBySideDiffTests {
    @Test func lineOpcodesAreDifflibs() throws {
        let fixture = try loadDifflib()
        #expect(fixture.lines.count >= 9)
        for (index, example) in fixture.lines.enumerated() {
            #expect(parts(SequenceAlignment(example.a, example.b)) == example.opcodes, "line case \(index)")
        }
    }

    @Test func wordTokensAndOpcodesAreDifflibs() throws {
        for (index, example) in try loadDifflib().words.enumerated() {
            #expect(SideBySideDiff.tokens(example.a) == example.tokensA, "tokens a, case \(index)")
            #expect(SideBySideDiff.tokens(example.b) == example.tokensB, "tokens b, case \(index)")
            #expect(parts(SequenceAlignment(example.tokensA, example.tokensB)) == example.opcodes, "word case \(index)")
        }
    }

    @Test func aChangedLineMarksOnlyTheChangedWords() {
        let diff = SideBySideDiff(from: 1, to: 2, old: "overskrift: Kok\nAmina fik job i køkkenet.\nslut",
                                  new: "overskrift: Kok\nAmina fik fast job i køkkenet.\nslut\nny linje")
        #expect(diff.changed == 1 && diff.added == 1 && diff.removed == 0)
        let changed = diff.rows.first { $0.kind == .changed }
        #expect(changed?.oldLine == 2 && changed?.newLine == 2)
        // difflib's choice: the space before the new word goes with it.
        #expect(changed?.new.filter(\.changed).map(\.text) == [" fast"])
        #expect(changed?.old.allSatisfy { !$0.changed } == true)
        #expect(changed?.new.map(\.text).joined() == "Amina fik fast job i køkkenet.")
        #expect(diff.rows.last?.kind == .added && diff.rows.last?.new.first?.text == "ny linje")
    }

    @Test func longUnchangedRunsAreFolded() {
        let old = (1...30).map { "linje \($0)" }.joined(separator: "\n")
        let new = old.replacingOccurrences(of: "linje 15", with: "linje femten")
        let diff = SideBySideDiff(from: 1, to: 2, old: old, new: new, context: 2)
        let folded = diff.rows.filter { $0.kind == .folded }.compactMap(\.skipped)
        #expect(folded == [12, 13])
        #expect(diff.rows.count == 1 + 2 + 1 + 2 + 1)
    }
}

@Suite struct ReadabilityMarksTests {
    @Test func longWordsAndLongSentencesAreSpans() {
        let long = "Ord " + (2...21).map { _ in "ord" }.joined(separator: " ") + "."
        let text = "Køkkenchefen ansatte Amina. " + long
        let marks = ReadabilityMarks(text: text)
        let words = marks.spans.filter { $0.kind == .longWord }.map { String(Array(marks.text)[$0.start..<$0.end]) }
        #expect(words == ["Køkkenchefen", "ansatte"])
        let sentences = marks.spans.filter { $0.kind == .longSentence }
        #expect(sentences.count == 1)
        #expect(sentences.first?.words == 21)
        #expect(sentences.first.map { String(Array(marks.text)[$0.start..<$0.end]) } == long)
    }

    @Test func spansCountCharactersNotBytesAndFollowLines() {
        let marks = ReadabilityMarks(text: "Æbler og pærer.\n\nSkærebrætter.")
        let spans = marks.spans.map { String(Array(marks.text)[$0.start..<$0.end]) }
        #expect(spans == ["Skærebrætter"])
        // The same counts as the LIX figure's.
        let r = Readability(text: "Æbler og pærer.\n\nSkærebrætter.")
        #expect(r.longWords == 1 && r.sentences == 2)
    }

    @Test func longestSentenceOverLinesReadsAsOneLine() {
        let r = Readability(text: "Den første linje\n  fortsætter her.")
        #expect(r.longestSentences.first?.text == "Den første linje fortsætter her.")
    }
}

@Suite struct StoryFieldsTests {
    @Test func theExampleSurvivesTheFormUnchanged() throws {
        let source = try String(contentsOf: repository.appendingPathComponent("examples/historie-hotel-fjordlys.md"), encoding: .utf8)
        let draft = try StoryDraft(markdown: source, file: "fjordlys.md")
        let fields = StoryFields(draft)
        let again = try StoryDraft(markdown: try fields.markdown(), file: "form")
        #expect(StoryFields(again) == fields)
        #expect(again.people.map(\.role) == draft.people.map(\.role))
        #expect(again.quotes.map(\.person) == draft.quotes.map(\.person) && again.quotes.map(\.text) == draft.quotes.map(\.text))
        #expect(again.photos.map(\.file) == draft.photos.map(\.file) && again.photos.map(\.people) == draft.photos.map(\.people))
        #expect(again.company == draft.company && again.timeline.map(\.date) == draft.timeline.map(\.date))
    }

    /// An uploaded photo's line and the form's line for the same photo are one line format.
    @Test func theUploadAndTheFormWriteTheSamePhotoLine() throws {
        let photo = StoryFields.Photo(file: "foto-1.jpg", people: "Amina, Lars Holm", caption: "", credit: "Lise Foto")
        let source = "---\noverskrift: Kok i Vejle\n---\nTekst.\n"
        let uploaded = try StoryPhotos.adding(photo, to: source)
        #expect(uploaded.contains("\nfoto: foto-1.jpg | personer: Amina, Lars Holm | kredit: Lise Foto\n---\n"))
        var fields = StoryFields()
        fields.headline = "Kok i Vejle"
        fields.photos = [photo]
        let written = try fields.markdown()
        #expect(written.contains("\nfoto: foto-1.jpg | personer: Amina, Lars Holm | kredit: Lise Foto\n"))
        fields.photos = [StoryFields.Photo(file: "foto-1.jpg", caption: "Køkken | spisesal")]
        #expect(throws: KampagneError.self) { try fields.markdown() }
    }

    @Test func whatTheLineFormatCannotHoldIsAFieldError() {
        var fields = StoryFields()
        fields.people = [StoryFields.Person(name: "Amina | Haddad", role: "medarbejder")]
        fields.body = "Tekst\n## Overskrift"
        #expect(throws: KampagneError.self) { try fields.markdown() }
        do {
            _ = try fields.markdown()
        } catch {
            #expect(error.fieldMessages["person-1-name"] != nil)
            #expect(error.fieldMessages["body"] != nil)
        }
    }
}

@Suite struct StoryPhotoTests {
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]
    static let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 0x4A, 0x46, 0x49, 0x46, 0, 1]
    static let webp: [UInt8] = Array("RIFF".utf8) + [0x24, 0, 0, 0] + Array("WEBPVP8 ".utf8)

    @Test func typeIsToldByTheFirstBytes() {
        #expect(PhotoType(magic: Data(Self.png)) == .png)
        #expect(PhotoType(magic: Data(Self.jpeg)) == .jpeg)
        #expect(PhotoType(magic: Data(Self.webp)) == .webp)
        for bad in ["GIF89a......", "<svg xmlns=", "<html><body>", "%PDF-1.7 ...", "RIFF\u{0}\u{0}\u{0}\u{0}WAVE", ""] {
            #expect(PhotoType(magic: Data(bad.utf8)) == nil, "\(bad) is no photo")
        }
        #expect(PhotoType(magic: Data(Array(Self.png.prefix(5)))) == nil)
    }

    @Test func anUploadIsStoredBesideTheDatabaseAndNamedInTheStory() throws {
        let sandbox = try Sandbox()
        let stories = Stories(store: sandbox.store)
        let id = try stories.create(headline: "Kok i Vejle")
        let photos = StoryPhotos(store: sandbox.store)
        let upload = try photos.add(id, data: Data(Self.jpeg), people: "Amina", caption: "I køkkenet", credit: "Lise Foto")
        #expect(upload.photo.name == "foto-1.jpg" && upload.photo.mediaType == "image/jpeg" && upload.save.version == 2)
        let (_, path) = try photos.file(id, name: "foto-1.jpg")
        #expect(path.hasPrefix(sandbox.folder.appendingPathComponent("historie-fotos").path))
        #expect(FileManager.default.contents(atPath: path) == Data(Self.jpeg))
        let draft = try StoryDraft(markdown: try stories.source(id).source, file: "x")
        #expect(draft.photos.map(\.file) == ["foto-1.jpg"] && draft.photos.first?.credit == "Lise Foto")
        #expect(draft.photos.first?.people == ["Amina"] && draft.photos.first?.caption == "I køkkenet")
        // The skeleton's comments are kept: only the photo line is new.
        #expect(try stories.source(id).source.contains("# En god historie har begge sider"))

        let save = try photos.remove(id, name: "foto-1.jpg")
        #expect(save.version == 3)
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(try StoryDraft(markdown: try stories.source(id).source, file: "x").photos.isEmpty)
    }

    @Test func tooBigWrongTypeAndEmptyAreRefusedAndNothingIsStored() throws {
        let sandbox = try Sandbox()
        let id = try Stories(store: sandbox.store).create(headline: "Kok")
        let photos = StoryPhotos(store: sandbox.store)
        let big = Data(Self.png) + Data(count: StoryPhotos.maxBytes)
        for (data, field) in [(big, "photo"), (Data("GIF89a......".utf8), "photo"), (Data(), "photo")] {
            do {
                _ = try photos.add(id, data: data, people: "", caption: "", credit: "")
                Issue.record("accepted \(data.count) bytes")
            } catch {
                #expect(error.fieldMessages[field] != nil)
            }
        }
        #expect(try photos.list(id).isEmpty)
        #expect(try Stories(store: sandbox.store).source(id).number == 1)
        #expect((try? FileManager.default.contentsOfDirectory(atPath: photos.folder)) ?? [] == [])
    }
}
