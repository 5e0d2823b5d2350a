import Foundation
import GRDB
import Hummingbird
import Testing

@testable import Kampagne
@testable import KampagneWeb

/// The cached meeting page: its form token is signed once per path and second (checked against
/// `FormToken.make` per view, which it replaces), its body is the page a fresh render gives, and
/// its version is read inline on a connection that sees every commit at once.
@Suite struct MeetingPageCacheTests {
    @Test func aTokenIsMadeOncePerPathAndSecondAndIsWhatTheFormWouldMake() throws {
        let fixture = try WebFixture()
        let cache = MeetingPageCache()
        let forms = fixture.site.forms
        let second = Date(timeIntervalSince1970: 1_800_000_000.2)
        let path = PublicPath.meeting.path(fixture.publicId)
        let first = cache.token(for: path, now: second, forms: forms)
        #expect(first == forms.make(for: path, now: second))
        #expect(cache.token(for: path, now: second.addingTimeInterval(0.7), forms: forms) == first)
        let next = cache.token(for: path, now: second.addingTimeInterval(1), forms: forms)
        #expect(next == forms.make(for: path, now: second.addingTimeInterval(1)) && next != first)
        let other = cache.token(for: "/moede/andet", now: second.addingTimeInterval(1), forms: forms)
        #expect(other == forms.make(for: "/moede/andet", now: second.addingTimeInterval(1)) && other != next)
        #expect(forms.verify(next, for: path, now: second.addingTimeInterval(2)))
    }

    @Test func aViewsBodyIsTheFreshRenderWithItsTokenAndSource() async throws {
        let fixture = try WebFixture()
        let pages = PublicPages(site: fixture.site)
        let event = try await fixture.site.links.event(publicId: fixture.publicId)
        let source = try #require(SignupSource(key: "nyhedsbrev-12"))
        let token = fixture.site.forms.make(for: PublicPath.meeting.path(fixture.publicId))
        let page = MeetingPageCache.Page(version: 1, validUntil: nil, html: pages.eventHTML(
            event, form: [:], answers: [:], errors: [:], formError: nil, invitation: nil,
            csrf: MeetingPageCache.tokenMarker, sourceField: MeetingPageCache.sourceMarker))
        #expect(page.slots.contains(.token) && page.slots.contains(.source))
        for (source, name) in [(source, "tagged"), (nil, "untagged")] as [(SignupSource?, String)] {
            let fresh = pages.eventHTML(event, form: [:], answers: [:], errors: [:], formError: nil, invitation: nil,
                                        csrf: token, source: source)
            var body = page.body(token: token, source: source)
            #expect(body.readString(length: body.readableBytes) == fresh, "\(name) view")
            #expect(fresh.contains("Temamøde om jobpakker") && fresh.contains(token))
        }
    }

    @Test func theInlineVersionIsThePoolsAndSeesEveryCommitAtOnce() async throws {
        let fixture = try WebFixture()
        let reader = MeetingLookup(store: fixture.store)
        #expect(reader.isInline)
        let before = try await reader.pageVersion(publicId: fixture.publicId)
        #expect(before != nil)
        #expect(before == (try await fixture.site.links.pageVersion(publicId: fixture.publicId)))
        #expect(try await reader.pageVersion(publicId: "findes-ikke") == nil)
        // A write on another connection (another process does the same: the triggers raise the version).
        let other = try DatabaseQueue(path: fixture.store.path)
        try await other.write { db in
            try db.execute(sql: "UPDATE event SET title = 'Nyt navn' WHERE publicId = ?", arguments: [fixture.publicId])
        }
        let after = try await reader.pageVersion(publicId: fixture.publicId)
        #expect(after == (try await fixture.site.links.pageVersion(publicId: fixture.publicId)))
        #expect((after ?? 0) > (before ?? 0), "the next read sees the commit: no snapshot is held between reads")
        // The site's own path: the inline reader is there and answers as the pool does.
        #expect(fixture.site.meetingLookup.isInline)
        #expect(try await fixture.site.meetingLookup.pageVersion(publicId: fixture.publicId) == after)
        #expect(try await fixture.site.meetingLookup.pageVersion(publicId: "findes-ikke") == nil)
    }
}
