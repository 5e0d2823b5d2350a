import Testing
@testable import MailTemplates
@Test func placeholder() { #expect(MailTemplatesVersion.value == "0") }
