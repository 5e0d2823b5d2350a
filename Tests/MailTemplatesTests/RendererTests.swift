import Foundation
import Testing
@testable import MailTemplates

@Suite struct RendererTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func renderer(templates: String? = nil) throws -> NewsletterRenderer {
        let source = try String(contentsOf: Self.root.appendingPathComponent("examples/nyhedsbrev-nr-14.md"), encoding: .utf8)
        let edition = try Edition(markdown: source, file: "nr14.md")
        let set = try TemplateSet(directory: templates ?? Self.root.appendingPathComponent("Templates").path)
        return try NewsletterRenderer(edition: edition, templates: set,
                                      sender: SenderIdentity(name: "Sekretariatet", address: "s@partnerskab.example",
                                                             postalAddress: "Eksempelvej 1"))
    }

    static let recipients = [
        Recipient(email: "a@x.example", firstName: "Åse", lastName: "Ærbøl", organisation: "Jobcenter Odense", municipality: "Odense"),
        Recipient(email: "b@x.example"),
        Recipient(email: "c@x.example", firstName: "<script>alert('x')</script>", lastName: "O'Brien & \"Søn\"",
                  organisation: "A & B <C>", municipality: ""),
        Recipient(email: "d@x.example", firstName: "\u{E000}0&\u{E001}", lastName: "marker"),
    ]

    func envelope(_ recipient: Recipient) -> Envelope {
        Envelope(recipient: recipient, date: Date(timeIntervalSince1970: 0), messageID: "m@x.example",
                 unsubscribeURL: "https://x.example/afmeld/u.1.abc?x=1&y=2", unsubscribeMailto: "mailto:s@x.example",
                 listName: "Nyhedsbrev & venner", listID: "n.x.example")
    }

    @Test(arguments: recipients)
    func preparedTemplatesGiveTheBytesOfAFullRender(_ recipient: Recipient) throws {
        let renderer = try renderer()
        let fast = try renderer.bodies(for: envelope(recipient))
        let full = try renderer.fullBodies(for: envelope(recipient))
        #expect(fast.html == full.html)
        #expect(fast.text == full.text)
    }

    @Test(arguments: recipients)
    func wireMessagesFromPreEncodedTemplatesGiveTheBytesOfAFullRender(_ recipient: Recipient) throws {
        let renderer = try renderer()
        let envelope = envelope(recipient)
        #expect(try renderer.wireMessage(for: envelope) == renderer.message(for: envelope).rendered())
        let full = try renderer.fullBodies(for: envelope)
        let message = try renderer.message(for: envelope)
        #expect(message.text == full.text && message.html == full.html)
    }

    @Test func hostileNamesAreEscapedInHTML() throws {
        let html = try renderer().bodies(for: envelope(Self.recipients[2])).html
        #expect(!html.contains("<script>"))
        #expect(html.contains("Kære &lt;script&gt;"))
    }

    @Test func templatesThatBranchOnTheRecipientRenderInFull() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tpl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "{{#recipient.organisation}}Til {{recipient.organisation}}{{/recipient.organisation}}{{^recipient.organisation}}Til dig{{/recipient.organisation}}"
            .write(to: folder.appendingPathComponent("nyhedsbrev.html.mustache"), atomically: true, encoding: .utf8)
        try "{{% CONTENT_TYPE: TEXT}}\n{{greeting}}".write(to: folder.appendingPathComponent("nyhedsbrev.txt.mustache"), atomically: true, encoding: .utf8)
        let renderer = try renderer(templates: folder.path)
        #expect(try renderer.bodies(for: envelope(Self.recipients[0])).html == "Til Jobcenter Odense")
        #expect(try renderer.bodies(for: envelope(Self.recipients[1])).html == "Til dig")
        #expect(try renderer.bodies(for: envelope(Self.recipients[1])).text == "Kære modtager")
    }
}
