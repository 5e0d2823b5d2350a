import Foundation
import Testing
@testable import Kampagne

/// The parsers on the same report fixtures the IMAP end-to-end test puts in dovecot.
@Suite struct BounceReportTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/bounces")

    /// A fixture with its placeholders filled in, as the e2e test does with real values.
    static func fixture(_ name: String, to: String = "ingen.findes@kommune-a.example", ref: String? = "b.1.sig",
                        big: String = "") throws -> Data {
        var text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
        let values = ["{{TO}}": to, "{{MSGID}}": "20261201.1.abc@partnerskab.example", "{{BOUNCE}}": "bounce+b.1.sig@partnerskab.example",
                      "{{UNSUB}}": "afmeld+u.1.sig@partnerskab.example", "{{SUBJECT}}": "Nyhedsbrev nr. 14", "{{RID}}": "",
                      "{{REF_LINE}}": ref.map { "X-Kampagne-Ref: \($0)\n" } ?? "", "{{BIG}}": big]
        for (key, value) in values { text = text.replacingOccurrences(of: key, with: value) }
        return Data(text.replacingOccurrences(of: "\n", with: "\r\n").utf8)
    }

    @Test func postfixHardBounce() throws {
        let report = BounceReport(parsing: try Self.fixture("postfix-5.1.1.eml"))
        #expect(report.kind == .hardBounce)
        #expect(report.status == "5.1.1")
        #expect(report.action == "failed")
        #expect(report.finalRecipient == "ingen.findes@kommune-a.example")
        #expect(report.originalRecipient == "ingen.findes@kommune-a.example")
        #expect(report.diagnostic?.hasPrefix("550 5.1.1") == true)
        #expect(report.diagnostic?.contains("virtual mailbox table") == true)
        #expect(report.originalMessageID == "20261201.1.abc@partnerskab.example")
        #expect(report.reference == "b.1.sig")
        #expect(report.recipients.contains("bounce+b.1.sig@partnerskab.example"))
        #expect(report.messageID == "20261201091503.4F1A22C0512@mx.kommune-a.example")
    }

    @Test func exchangeRecipientNotFoundWithWholeOriginal() throws {
        let report = BounceReport(parsing: try Self.fixture("exchange-5.1.10.eml", to: "forkert@kommune-b.example"))
        #expect(report.kind == .hardBounce)
        #expect(report.status == "5.1.10")
        #expect(report.diagnostic?.contains("RESOLVER.ADR.RecipientNotFound") == true)
        #expect(report.reference == "b.1.sig")
        #expect(report.originalMessageID == "20261201.1.abc@partnerskab.example")
    }

    @Test func gmailOverQuotaIsFailedNotHard() throws {
        let report = BounceReport(parsing: try Self.fixture("gmail-5.2.2.eml"))
        #expect(report.kind == .failed)
        #expect(report.status == "5.2.2")
        #expect(report.reference == "b.1.sig")
    }

    @Test func delayedIsSoft() throws {
        let report = BounceReport(parsing: try Self.fixture("delayed-4.4.1.eml"))
        #expect(report.kind == .softBounce)
        #expect(report.action == "delayed")
        #expect(report.reference == nil)
        #expect(report.recipients.contains("bounce+b.1.sig@partnerskab.example"))
    }

    @Test func outOfOfficeIsAutomatic() throws {
        let report = BounceReport(parsing: try Self.fixture("out-of-office.eml"))
        #expect(report.kind == .autoReply)
    }

    @Test func arfComplaint() throws {
        let report = BounceReport(parsing: try Self.fixture("arf-complaint.eml", to: "klager@kommune-e.example"))
        #expect(report.kind == .complaint)
        #expect(report.feedbackType == "abuse")
        #expect(report.originalRecipient == "<klager@kommune-e.example>")
        #expect(report.reference == "b.1.sig")
    }

    @Test func unsubscribeMailIsPlainMailToTheAddress() throws {
        let report = BounceReport(parsing: try Self.fixture("unsubscribe.eml"))
        #expect(report.kind == .unknown)
        #expect(report.problem == BounceReport.plainMail)
        #expect(report.recipients.contains("afmeld+u.1.sig@partnerskab.example"))
        let pattern = try #require(AddressPattern("afmeld+{token}@partnerskab.example"))
        #expect(report.recipients.compactMap(pattern.token(in:)) == ["u.1.sig", "u.1.sig"])
    }

    @Test func neverSentKeepsItsForgedReference() throws {
        let report = BounceReport(parsing: try Self.fixture("never-sent.eml"))
        #expect(report.kind == .hardBounce)
        #expect(report.reference == "b.1.forfalsket-signatur")
    }

    @Test func malformedIsNotUnderstood() throws {
        let report = BounceReport(parsing: try Self.fixture("malformed.eml"))
        #expect(report.kind == .unknown)
        #expect(report.problem == "ugyldig MIME-struktur")
    }

    @Test func truncatedTenMegabyteReportStillParses() throws {
        var data = try Self.fixture("exchange-5.1.10.eml")
        let marker = Data("Kære modtager\r\n".utf8)
        let at = try #require(data.range(of: marker))
        data.insert(contentsOf: Data(repeating: UInt8(ascii: "x"), count: 10_500_000), at: at.upperBound)
        #expect(data.count > 10_000_000)
        let report = BounceReport(parsing: data.prefix(256 * 1024))
        #expect(report.kind == .hardBounce)
        #expect(report.reference == "b.1.sig")
    }

    @Test func hostileInputDoesNotCrash() {
        for text in ["", "\r\n\r\n", "Content-Type: multipart/mixed; boundary=\"\"\r\n\r\n--\r\n--",
                     String(repeating: "Content-Type: multipart/mixed; boundary=a\r\n\r\n--a\r\n", count: 50),
                     "Content-Type: message/delivery-status\r\n\r\nStatus: 9.9.9\r\n", "\u{0}\u{1}:::\n\n"] {
            let report = BounceReport(parsing: Data(text.utf8))
            #expect(report.kind == .unknown || report.kind == .autoReply)
        }
    }

    @Test func enhancedStatusClasses() {
        #expect(EnhancedStatusCode(parsing: "5.1.1")?.bounceKind == .hardBounce)
        #expect(EnhancedStatusCode(parsing: "5.1.10")?.bounceKind == .hardBounce)
        #expect(EnhancedStatusCode(parsing: "5.7.1 (spam)")?.bounceKind == .failed)
        #expect(EnhancedStatusCode(parsing: "4.2.2")?.bounceKind == .softBounce)
        #expect(EnhancedStatusCode(parsing: "2.0.0")?.bounceKind == .delivered)
        #expect(EnhancedStatusCode(parsing: "550") == nil)
        #expect(EnhancedStatusCode(parsing: "6.1.1") == nil)
        #expect(EnhancedStatusCode(parsing: "5.1") == nil)
    }

    @Test func addressPatterns() {
        #expect(AddressPattern("bounce@x.example") == nil)
        #expect(AddressPattern("{token}{token}@x.example") == nil)
        #expect(AddressPattern("{token}@x.example") == nil)
        let pattern = AddressPattern("bounce+{token}@Partnerskab.example")
        #expect(pattern?.address(for: "b.2.s") == "bounce+b.2.s@Partnerskab.example")
        #expect(pattern?.token(in: "bounce+b.2.s@partnerskab.example") == "b.2.s")
        #expect(pattern?.token(in: "bounce+@partnerskab.example") == nil)
        #expect(pattern?.token(in: "other+b.2.s@partnerskab.example") == nil)
    }
}

/// Matching and effects against a real database file.
@Suite struct BounceDecisionTests {
    func sent(_ box: Sandbox) throws -> (InstallationSecret, OutboxRow) {
        try box.store.write { db in
            let secret = try InstallationSecret.load(db)
            var campaign = Campaign(id: nil, kind: .newsletter, editionId: nil, eventId: nil, name: "Nyhedsbrev", audience: Audience(),
                                    suppressed: 0, duplicates: 0, createdAt: Date())
            try campaign.insert(db)
            var row = OutboxRow(id: nil, campaignId: campaign.id ?? 0, contactId: nil, email: "ingen.findes@kommune-a.example",
                                emailKey: "ingen.findes@kommune-a.example",
                                recipient: RecipientSnapshot(firstName: "", lastName: "", organisation: "", municipality: ""),
                                state: .sent, attempts: 1, nextAttemptAt: Date(), messageID: "20261201.1.abc@partnerskab.example",
                                createdAt: Date())
            try row.insert(db)
            return (secret, row)
        }
    }

    let settings = BounceSettings(account: IMAPMailbox.Account(url: "imap://127.0.0.1/INBOX", username: "u"), softLimit: 2)

    func decide(_ box: Sandbox, _ data: Data, secret: InstallationSecret) throws -> BounceDecision {
        let report = BounceReport(parsing: data)
        return try box.store.read { db in try BounceDecision(report: report, settings: settings, secret: secret, in: db) }
    }

    @Test func signedReferenceMatchesAndForgeriesDoNot() throws {
        let box = try Sandbox()
        let (secret, row) = try sent(box)
        let ref = LinkToken(scope: .bounceRef, subject: row.id ?? 0).encoded(with: secret)
        let good = try decide(box, try BounceReportTests.fixture("postfix-5.1.1.eml", ref: ref), secret: secret)
        #expect(good.kind == .hardBounce && good.row?.id == row.id && good.outcome == .suppressed)
        let forged = try decide(box, try BounceReportTests.fixture("postfix-5.1.1.eml", ref: ref + "x"), secret: secret)
        #expect(forged.kind == .unknown && forged.row == nil && forged.outcome == .left)
        let otherScope = LinkToken(scope: .unsubscribe, subject: row.id ?? 0).encoded(with: secret)
        #expect(try decide(box, try BounceReportTests.fixture("postfix-5.1.1.eml", ref: otherScope), secret: secret).row == nil)
        let noRef = try decide(box, try BounceReportTests.fixture("postfix-5.1.1.eml", ref: nil), secret: secret)
        #expect(noRef.kind == .unknown)
        // The right reference with another Message-ID quoted: not ours.
        var text = String(decoding: try BounceReportTests.fixture("postfix-5.1.1.eml", ref: ref), as: UTF8.self)
        text = text.replacingOccurrences(of: "Message-ID: <20261201.1.abc@partnerskab.example>", with: "Message-ID: <other@x.example>")
        #expect(try decide(box, Data(text.utf8), secret: secret).kind == .unknown)
    }

    @Test func softBouncesSuppressAtTheLimit() throws {
        let box = try Sandbox()
        let (secret, row) = try sent(box)
        var settings = settings
        let ref = LinkToken(scope: .bounceRef, subject: row.id ?? 0).encoded(with: secret)
        settings.addresses.returnPath = AddressPattern("bounce+{token}@partnerskab.example")
        var outcomes: [BounceRecord.Outcome] = []
        for uid in 1...2 {
            var text = String(decoding: try BounceReportTests.fixture("delayed-4.4.1.eml"), as: UTF8.self)
            text = text.replacingOccurrences(of: "bounce+b.1.sig@", with: "bounce+\(ref)@")
                .replacingOccurrences(of: "<20261201131503", with: "<\(uid).20261201131503")
            let report = BounceReport(parsing: Data(text.utf8))
            let outcome = try box.store.write { db -> BounceRecord.Outcome in
                let decision = try BounceDecision(report: report, settings: settings, secret: secret, in: db)
                #expect(decision.kind == .softBounce && decision.row?.id == row.id)
                var record = BounceRecord(id: nil, mailbox: "m", uidValidity: 1, uid: Int64(uid), reportMessageID: "r\(uid)",
                                          kind: decision.kind, outboxId: row.id,
                                          emailHash: SuppressionList.hash(row.emailKey, secret: secret), status: report.status,
                                          action: report.action, diagnostic: nil, feedbackType: nil, outcome: decision.outcome,
                                          note: "", processedAt: Date())
                try record.insert(db)
                try decision.apply(to: &record, settings: settings, in: db)
                return record.outcome
            }
            outcomes.append(outcome)
        }
        #expect(outcomes == [.counted, .suppressed])
        let reason = try box.store.read { db in try SuppressionList(db: db).reason(for: row.email) }
        #expect(reason == .hardBounce)
    }

    @Test func lateResultsAreCountedPerCampaign() throws {
        let box = try Sandbox()
        let (_, row) = try sent(box)
        let kinds: [BounceReport.Kind] = [.hardBounce, .failed, .softBounce, .complaint, .unsubscribe, .autoReply, .unknown]
        try box.store.write { db in
            for (uid, kind) in kinds.enumerated() {
                var record = BounceRecord(id: nil, mailbox: "m", uidValidity: 1, uid: Int64(uid), reportMessageID: "r\(uid)",
                                          kind: kind, outboxId: kind == .unknown ? nil : row.id, emailHash: nil, status: nil,
                                          action: nil, diagnostic: nil, feedbackType: nil, outcome: .counted, note: "",
                                          processedAt: Date())
                try record.insert(db)
            }
        }
        let late = try BounceLog(store: box.store).lateResults()
        #expect(late.count == 1)
        #expect(late[row.campaignId] == BounceLog.LateResults(bounced: 2, softBounces: 1, complaints: 1, unsubscribes: 1))
    }
}
