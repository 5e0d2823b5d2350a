import Foundation
import Hummingbird
import Kampagne
import Synchronization

/// Public meeting pages rendered once and served from memory until the meeting or its
/// sign-ups change. A page is valid for one `event.pageVersion` (raised by database triggers
/// on every write to the meeting or its registrations, whichever process makes it) and until
/// the moment its text would change by itself (the meeting starts, the sign-up deadline
/// passes). The per-view CSRF token and the link's source tag (`?kilde=nyhedsbrev-12`, the
/// form's hidden `kilde` field) are spliced into the stored parts, so a tagged link is served
/// from the same page as an untagged one.
///
/// Measured (bench/RESULTS.md, "Meeting page cache"): the render and the sign-up counts were
/// most of a page view's 0.7 ms of CPU.
final class MeetingPageCache: Sendable {
    /// Markers the template cannot produce by themselves; replaced by each view's token and
    /// by its source field (empty for an untagged link).
    static let tokenMarker = "KAMPAGNE-CSRF-MARKER-7f3a9c"
    static let sourceMarker = "KAMPAGNE-KILDE-MARKER-2b8e41"
    static let limit = 512

    struct Page: Sendable {
        /// What a view puts between two stored parts.
        enum Slot: Sendable, Equatable { case token, source }

        var version: Int64
        var validUntil: Date?
        /// The page split at the markers, as UTF-8: `slots[i]` goes between `parts[i]` and `parts[i + 1]`.
        var parts: [ByteBuffer]
        var slots: [Slot]
        private var size: Int

        init(version: Int64, validUntil: Date?, html: String) {
            (self.version, self.validUntil) = (version, validUntil)
            (parts, slots) = ([], [])
            var rest = Substring(html)
            let markers: [(String, Slot)] = [(MeetingPageCache.tokenMarker, .token), (MeetingPageCache.sourceMarker, .source)]
            while let (range, slot) = markers.compactMap({ marker, slot in rest.range(of: marker).map { ($0, slot) } })
                .min(by: { $0.0.lowerBound < $1.0.lowerBound }) {
                parts.append(ByteBuffer(substring: rest[..<range.lowerBound]))
                slots.append(slot)
                rest = rest[range.upperBound...]
            }
            parts.append(ByteBuffer(substring: rest))
            size = parts.reduce(0) { $0 + $1.readableBytes }
        }

        /// The page for one view: its form token and `source`'s hidden field, written into one
        /// buffer of the right size (the stored parts are copied, never re-encoded).
        func body(token: String, source: SignupSource?) -> ByteBuffer {
            let field = PublicPages.sourceField(source)
            var buffer = ByteBufferAllocator().buffer(capacity: size + slots.count * max(token.utf8.count, field.utf8.count))
            buffer.writeImmutableBuffer(parts[0])
            for (slot, part) in zip(slots, parts.dropFirst()) {
                buffer.writeString(slot == .token ? token : field)
                buffer.writeImmutableBuffer(part)
            }
            return buffer
        }
    }

    private struct State {
        var pages: [String: Page] = [:]
        var renders = 0
    }

    private let state = Mutex(State())
    /// The last form token made per path and the second it was made for: `FormToken.make`
    /// depends only on the path and the second, so every view in that second gets the same
    /// text, signed once instead of once per view (it was 10 % of a view's CPU, perf).
    private let tokens = Mutex<[String: (second: Int, token: String)]>([:])

    /// The stored page for `publicId` if it was rendered at `version` and is still valid `now`.
    func page(_ publicId: String, version: Int64, now: Date) -> Page? {
        state.withLock { state in
            guard let page = state.pages[publicId], page.version == version else { return nil }
            if let until = page.validUntil, until <= now { return nil }
            return page
        }
    }

    /// Keeps `html` (rendered with `tokenMarker` as its token and `sourceMarker` as its source
    /// field) for `publicId` at `version`.
    @discardableResult
    func store(_ publicId: String, version: Int64, validUntil: Date?, html: String) -> Page {
        let page = Page(version: version, validUntil: validUntil, html: html)
        state.withLock { state in
            // Unbounded public ids would be a memory leak: start over when full (a few
            // hundred live meetings at most; a miss costs one render).
            if state.pages.count >= Self.limit && state.pages[publicId] == nil { state.pages.removeAll(keepingCapacity: true) }
            state.pages[publicId] = page
            state.renders += 1
        }
        return page
    }

    var count: Int { state.withLock { $0.pages.count } }
    /// Pages rendered and stored since start: a view served from memory does not add one.
    var renders: Int { state.withLock { $0.renders } }

    /// `forms.make(for: path, now: now)`, made at most once per path and second.
    func token(for path: String, now: Date, forms: FormToken) -> String {
        let second = Int(now.timeIntervalSince1970)
        if let known = tokens.withLock({ $0[path] }), known.second == second { return known.token }
        let token = forms.make(for: path, now: now)
        tokens.withLock { tokens in
            if tokens.count >= Self.limit && tokens[path] == nil { tokens.removeAll(keepingCapacity: true) }
            tokens[path] = (second, token)
        }
        return token
    }
}

extension PublicPages {
    /// `GET /moede/:id` without an invitation link: the cached page when the meeting's
    /// version is unchanged, otherwise rendered and kept; `source` (the link's validated
    /// `kilde`) goes into the form.
    func cachedEvent(_ publicId: String, source: SignupSource? = nil, now: Date = Date()) async throws -> Response {
        guard let version = try await site.meetingLookup.pageVersion(publicId: publicId) else { return notFound() }
        let page: MeetingPageCache.Page
        if let cached = site.meetingPages.page(publicId, version: version, now: now) {
            page = cached
        } else {
            // Rendered after the version was read: a write in between makes the page newer
            // than its version, never older, so the next view just renders again.
            guard let event = try? await site.links.event(publicId: publicId, now: now) else { return notFound() }
            let html = eventHTML(event, form: [:], answers: [:], errors: [:], formError: nil, invitation: nil,
                                 csrf: MeetingPageCache.tokenMarker, sourceField: MeetingPageCache.sourceMarker)
            page = site.meetingPages.store(publicId, version: version, validUntil: Self.pageChanges(event, after: now),
                                           html: html)
        }
        let token = site.meetingPages.token(for: PublicPath.meeting.path(publicId), now: now, forms: site.forms)
        return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                        body: ResponseBody(byteBuffer: page.body(token: token, source: source)))
    }

    /// When the page's text changes without a write: sign-up closes when the meeting starts
    /// (`startsAt <= now`) and just after the deadline (`deadline < now`).
    static func pageChanges(_ event: PublicEvent, after now: Date) -> Date? {
        let o = event.overview
        let moments = [o.startsAt, o.signupDeadline.map { $0.addingTimeInterval(0.001) }].compactMap { $0 }
        return moments.filter { $0 > now }.min()
    }
}
