import Foundation
import Hummingbird
import Kampagne
import Synchronization

/// Public meeting pages rendered once and served from memory until the meeting or its
/// sign-ups change. A page is valid for one `event.pageVersion` (raised by database triggers
/// on every write to the meeting or its registrations, whichever process makes it) and until
/// the moment its text would change by itself (the meeting starts, the sign-up deadline
/// passes). The per-view CSRF token is spliced into the stored parts.
///
/// Measured (bench/RESULTS.md, "Meeting page cache"): the render and the sign-up counts were
/// most of a page view's 0.7 ms of CPU.
final class MeetingPageCache: Sendable {
    /// A marker the template cannot produce by itself; replaced by each view's token.
    static let tokenMarker = "KAMPAGNE-CSRF-MARKER-7f3a9c"
    static let limit = 512

    struct Page: Sendable {
        var version: Int64
        var validUntil: Date?
        /// The page's UTF-8 bytes split at the token marker: the token goes between
        /// consecutive parts. Kept as bytes, a view is one buffer filled by copies (the
        /// String join and its conversion to bytes were two copies of the whole page).
        var parts: [[UInt8]]
        /// The bytes of the parts together.
        var size: Int

        init(version: Int64, validUntil: Date?, html: String) {
            self.version = version
            self.validUntil = validUntil
            parts = html.components(separatedBy: MeetingPageCache.tokenMarker).map { Array($0.utf8) }
            size = parts.reduce(0) { $0 + $1.count }
        }

        func html(token: String) -> String { String(decoding: body(token: token).readableBytesView, as: UTF8.self) }

        /// The page with `token` spliced in, as the response body.
        func body(token: String) -> ByteBuffer {
            let tokenBytes = Array(token.utf8)
            var buffer = ByteBuffer()
            buffer.reserveCapacity(size + tokenBytes.count * max(parts.count - 1, 0))
            for (index, part) in parts.enumerated() {
                if index > 0 { buffer.writeBytes(tokenBytes) }
                buffer.writeBytes(part)
            }
            return buffer
        }
    }

    private let pages = Mutex<[String: Page]>([:])
    /// The last form token made per path and the second it was made for: `FormToken.make`
    /// depends only on the path and the second, so every view in that second gets the same
    /// text, signed once instead of once per view.
    private let tokens = Mutex<[String: (second: Int, token: String)]>([:])

    /// The stored page for `publicId` if it was rendered at `version` and is still valid `now`.
    func page(_ publicId: String, version: Int64, now: Date) -> Page? {
        pages.withLock { pages in
            guard let page = pages[publicId], page.version == version else { return nil }
            if let until = page.validUntil, until <= now { return nil }
            return page
        }
    }

    /// Keeps `html` (rendered with `tokenMarker` as its token) for `publicId` at `version`.
    @discardableResult
    func store(_ publicId: String, version: Int64, validUntil: Date?, html: String) -> Page {
        let page = Page(version: version, validUntil: validUntil, html: html)
        pages.withLock { pages in
            // Unbounded public ids would be a memory leak: start over when full (a few
            // hundred live meetings at most; a miss costs one render).
            if pages.count >= Self.limit && pages[publicId] == nil { pages.removeAll(keepingCapacity: true) }
            pages[publicId] = page
        }
        return page
    }

    var count: Int { pages.withLock { $0.count } }

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
    /// version is unchanged, otherwise rendered and kept.
    func cachedEvent(_ publicId: String, now: Date = Date()) async throws -> Response {
        guard let version = try await site.links.pageVersion(publicId: publicId) else { return notFound() }
        let page: MeetingPageCache.Page
        if let cached = site.meetingPages.page(publicId, version: version, now: now) {
            page = cached
        } else {
            // Rendered after the version was read: a write in between makes the page newer
            // than its version, never older, so the next view just renders again.
            guard let event = try? await site.links.event(publicId: publicId, now: now) else { return notFound() }
            let html = eventHTML(event, form: [:], answers: [:], errors: [:], formError: nil, invitation: nil,
                                 csrf: MeetingPageCache.tokenMarker)
            page = site.meetingPages.store(publicId, version: version, validUntil: Self.pageChanges(event, after: now),
                                           html: html)
        }
        let token = site.meetingPages.token(for: PublicPath.meeting.path(publicId), now: now, forms: site.forms)
        return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                        body: ResponseBody(byteBuffer: page.body(token: token)))
    }

    /// When the page's text changes without a write: sign-up closes when the meeting starts
    /// (`startsAt <= now`) and just after the deadline (`deadline < now`).
    static func pageChanges(_ event: PublicEvent, after now: Date) -> Date? {
        let o = event.overview
        let moments = [o.startsAt, o.signupDeadline.map { $0.addingTimeInterval(0.001) }].compactMap { $0 }
        return moments.filter { $0 > now }.min()
    }
}
