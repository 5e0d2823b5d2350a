import Foundation
import Testing
@testable import MailTemplates

@Suite struct MailMessageTests {
    func sample(subject: String = "Tilmelding til temamøde – Ærø og Åbenrå", name: String = "Søren Ærbøl") -> MailMessage {
        var message = MailMessage(
            from: Mailbox(name: "Partnerskabets sekretariat", address: "sekretariat@partnerskab.example"),
            to: Mailbox(name: name, address: "soeren@kommune.example"), subject: subject,
            date: Date(timeIntervalSince1970: 1_282_226_400), messageID: "abc.1@partnerskab.example",
            text: "Kære Søren\n\n" + String(repeating: "Æbleøl på Østerbro og å-løb. ", count: 12) + "\nHilsen",
            html: "<p>Kære Søren</p>")
        message.attachments = [Attachment(filename: "invitation – temamøde.ics", contentType: "text/calendar; method=REQUEST",
                                          data: Data("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n".utf8))]
        return message
    }

    var rendered: String { String(decoding: sample().rendered(), as: UTF8.self) }

    @Test func everyLineWithinLimitsAndSevenBit() {
        let data = sample().rendered()
        #expect(data.allSatisfy { $0 < 0x80 })
        let lines = String(decoding: data, as: UTF8.self).components(separatedBy: "\r\n")
        #expect(lines.filter { $0.utf8.count > 78 } == [])
        #expect(!String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "").contains("\n"), "only CRLF line ends")
    }

    @Test func sameInputSameBytes() {
        #expect(sample().rendered() == sample().rendered())
    }

    @Test func requiredHeaders() {
        let text = rendered
        #expect(text.hasPrefix("Date: Thu, 19 Aug 2010 16:00:00 +0200\r\n"))
        #expect(text.contains("\r\nMessage-ID: <abc.1@partnerskab.example>\r\n"))
        #expect(text.contains("\r\nMIME-Version: 1.0\r\n"))
        #expect(text.contains("Content-Type: multipart/mixed"))
        #expect(text.contains("Content-Type: multipart/alternative"))
    }

    @Test func encodedWordsSplitBetweenCharacters() throws {
        let words = MIME.encodedWords(String(repeating: "æøå", count: 30))
        #expect(words.count > 1)
        var decoded = Data()
        for word in words {
            #expect(word.count <= 75)
            let base64 = word.dropFirst("=?UTF-8?B?".count).dropLast(2)
            let part = try #require(Data(base64Encoded: String(base64)))
            #expect(String(data: part, encoding: .utf8) != nil, "each word decodes on its own")
            decoded += part
        }
        #expect(String(decoding: decoded, as: UTF8.self) == String(repeating: "æøå", count: 30))
    }

    /// A piece encoded once and appended gives the bytes of encoding the whole text, wherever
    /// the text is cut: mid-line, next to a line break (also inside a CRLF), after a space.
    @Test func preEncodedPiecesMatchEncodingTheWhole() {
        let line = "Kære Åse, her er nyt om jobpakker og mentorer på arbejdspladsen, = og mere tekst "
        let text = line + line + "\r\n" + line + "\n\nslut \r" + line + "\t\r\nø" + String(repeating: "x", count: 90) + " "
        let bytes = Array(text.utf8)
        let whole = MIME.quotedPrintableBytes(text)
        for cut in 0...bytes.count {
            for second in [cut, min(cut + 1, bytes.count), min(cut + 77, bytes.count)] {
                // Three pieces: streamed, pre-encoded, pre-encoded.
                let first = String(decoding: bytes[..<cut], as: UTF8.self)
                let middle = String(decoding: bytes[cut..<second], as: UTF8.self)
                let last = String(decoding: bytes[second...], as: UTF8.self)
                guard first + middle + last == text else { continue }  // a cut inside a UTF-8 sequence
                var encoder = QuotedPrintableEncoder()
                encoder.append(first)
                encoder.append(QuotedPrintableEncoder.Encoded(middle))
                encoder.append(QuotedPrintableEncoder.Encoded(last))
                #expect(encoder.finish() == whole, "cut at \(cut), \(second)")
            }
        }
    }

    @Test func quotedPrintableLines() {
        let qp = String(decoding: MIME.quotedPrintableBytes(String(repeating: "ø", count: 100) + " \nslut  \n="), as: UTF8.self)
        let lines = qp.components(separatedBy: "\r\n")
        #expect(lines.allSatisfy { $0.count <= 76 })
        #expect(qp.contains("slut =20"), "trailing space is encoded")
        #expect(qp.contains("=3D"))
    }

    @Test(arguments: ["Hej\r\nBcc: offer@evil.example", "Hej\nBcc: offer@evil.example", "Hej\u{0}\rBcc: x@y.z"])
    func noFieldCanCreateAHeader(_ hostile: String) {
        let message = sample(subject: hostile, name: hostile)
        let head = String(decoding: message.rendered(), as: UTF8.self).components(separatedBy: "\r\n\r\n")[0]
        let names = head.components(separatedBy: "\r\n").filter { !$0.hasPrefix(" ") }.map { $0.prefix { $0 != ":" } }
        #expect(!names.contains("Bcc"))
        #expect(Set(names).count == names.count, "no header twice")
    }

    @Test func aDisplayNameWithSpecialsIsQuoted() {
        #expect(MIME.mailbox(Mailbox(name: "Hansen, Jens (LBR)", address: "j@x.example")) == "\"Hansen, Jens (LBR)\" <j@x.example>")
        #expect(MIME.mailbox(Mailbox(name: "Say \"hi\"", address: "j@x.example")) == "\"Say \\\"hi\\\"\" <j@x.example>")
    }

    /// Python's email package (default policy) is the independent judge.
    @Test func pythonParsesItBack() throws {
        let python = URL(fileURLWithPath: "/usr/bin/python3")
        guard FileManager.default.isExecutableFile(atPath: python.path) else { return }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("kampagne-\(UUID().uuidString).eml")
        try sample().rendered().write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let script = """
        import sys, email, json
        from email import policy
        m = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=policy.default)
        att = [p for p in m.iter_attachments()]
        print(json.dumps({"subject": m["Subject"], "to": m["To"].addresses[0].display_name,
          "text": m.get_body(("plain",)).get_content(), "html": m.get_body(("html",)).get_content(),
          "filename": att[0].get_filename(), "ics": att[0].get_content(), "defects": len(m.defects)}))
        """
        let process = Process()
        process.executableURL = python
        process.arguments = ["-c", script, file.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let parsed = try #require(try JSONSerialization.jsonObject(with: output) as? [String: Any])
        #expect(parsed["subject"] as? String == "Tilmelding til temamøde – Ærø og Åbenrå")
        #expect(parsed["to"] as? String == "Søren Ærbøl")
        #expect((parsed["text"] as? String)?.hasPrefix("Kære Søren\n\nÆbleøl på Østerbro") == true)
        #expect((parsed["html"] as? String)?.contains("<p>Kære Søren</p>") == true)
        #expect(parsed["filename"] as? String == "invitation – temamøde.ics")
        #expect((parsed["ics"] as? String)?.contains("BEGIN:VCALENDAR") == true)
        #expect(parsed["defects"] as? Int == 0)
    }
}

@Suite struct EditionTests {
    @Test func parsesFrontMatterArticlesAndContactBoxes() throws {
        let edition = try Edition(markdown: """
        ---
        subject: Nyt nr. 3
        number: Nyt om noget nr. 3
        preheader: Kort
        ---

        # Første artikel

        Tekst med **fed** og [et link](https://x.example).

        ```kontakt
        navn: Åse Ågesen
        titel: Leder
        e-mail: aase@x.example
        ```

        # Anden artikel

        ```swift
        # ikke en overskrift inde i kode
        ```
        """, file: "nr3.md")
        #expect(edition.subject == "Nyt nr. 3")
        #expect(edition.articles.map(\.title) == ["Første artikel", "Anden artikel"])
        #expect(edition.articles[0].contact == ContactBox(name: "Åse Ågesen", title: "Leder", email: "aase@x.example"))
        #expect(edition.articles[1].markdown.contains("# ikke en overskrift"))
        #expect(MarkdownText.plain(edition.articles[0].markdown).contains("et link (https://x.example)"))
    }

    @Test(arguments: [
        ("# Uden forside\n", 1, "forside"),
        ("---\nnumber: 1\n---\n# A\n", 1, "subject"),
        ("---\nsubject: S\n---\nløs tekst\n# A\n", 4, "før første artikel"),
        ("---\nsubject: S\n---\n# A\n```kontakt\nnavn: X\n", 5, "slutter aldrig"),
        ("---\nsubject: S\n---\n# A\n```kontakt\nfarve: blå\n```\n", 6, "ukendt felt"),
    ])
    func errorsNameTheLine(_ source: String, _ line: Int, _ words: String) {
        #expect {
            _ = try Edition(markdown: source, file: "x.md")
        } throws: { error in
            guard let error = error as? TemplateError else { return false }
            return error.line == line && error.message.contains(words) && error.file == "x.md"
        }
    }

    @Test func templateSyntaxErrorNamesFileAndLine() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tpl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "linje 1\nlinje 2 {{#articles}}\n".write(to: folder.appendingPathComponent("nyhedsbrev.html.mustache"), atomically: true, encoding: .utf8)
        #expect {
            _ = try TemplateSet(directory: folder.path)
        } throws: { error in
            guard let error = error as? TemplateError else { return false }
            return error.file.hasSuffix("nyhedsbrev.html.mustache") && error.line >= 2
        }
    }

    @Test func greetingFallsBackToDanish() {
        #expect(Recipient(email: "a@x.example").greeting == "Kære modtager")
        #expect(Recipient(email: "a@x.example", firstName: " Åse ").greeting == "Kære Åse")
    }
}
