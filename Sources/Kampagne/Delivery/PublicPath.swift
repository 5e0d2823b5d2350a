import Foundation

/// One definition of every public path: the router serves exactly these patterns, and every
/// link Kampagne mails or shows is built from them, so a renamed route cannot silently break
/// the links already sitting in people's inboxes.
public enum PublicPath: String, CaseIterable, Sendable {
    /// A meeting's page and sign-up form; an invitation adds `?invitation=TOKEN`.
    case meeting = "/moede/:id"
    case cancelRegistration = "/tilmelding/afmeld/:token"
    case acceptOffer = "/tilmelding/ja/:token"
    case declineOffer = "/tilmelding/nej/:token"
    case calendar = "/tilmelding/kalender/:token"
    /// Unsubscribe from everything: the page, and the RFC 8058 one-click POST.
    case unsubscribe = "/afmeld/:token"
    /// The newsletter's double opt-in form.
    case subscribe = "/nyhedsbrev"
    case confirmSubscription = "/nyhedsbrev/bekraeft/:token"
    /// The reviewer's page for a good story.
    case storyReview = "/historie/:token"
    /// The public archive of sent editions, and one edition's page (the newsletter's "view in
    /// browser" link): no personal data on either.
    case archive = "/nyhedsbrev/arkiv"
    case archivedEdition = "/nyhedsbrev/arkiv/:id"

    /// The query parameter an invitation's sign-up link carries its token in.
    public static let invitationParameter = "invitation"

    /// The pattern the router registers (`/moede/:id`).
    public var route: String { rawValue }

    /// The name of the one path parameter (`id`, `token`), or nil for a fixed path.
    public var parameter: String? {
        rawValue.split(separator: "/").first { $0.hasPrefix(":") }.map { String($0.dropFirst()) }
    }

    /// The path with its parameter filled in: `/moede/ab12`.
    public func path(_ value: String = "") -> String {
        guard let (before, after) = Self.around[self] else { return rawValue }
        return before + value + after
    }

    /// What `pathBySearching` does to each path, found once: the text before and after its one
    /// ":parameter" (nil for a fixed path). Splitting and searching the pattern for every
    /// link was 16,000 instructions of each newsletter message (bench/RESULTS.md, "Issue 16,
    /// session 7, send path"); `PublicPathTests` checks both give the same paths.
    private static let around: [PublicPath: (String, String)] = Dictionary(uniqueKeysWithValues: allCases.compactMap { path in
        guard let parameter = path.parameter, let range = path.rawValue.range(of: ":" + parameter) else { return nil }
        return (path, (String(path.rawValue[..<range.lowerBound]), String(path.rawValue[range.upperBound...])))
    })

    /// The path with its parameter filled in by searching the pattern: the reference of `path`.
    func pathBySearching(_ value: String = "") -> String {
        guard let parameter else { return rawValue }
        return rawValue.replacingOccurrences(of: ":" + parameter, with: value)
    }

    /// The absolute link for a mail: `https://example.org/moede/ab12`.
    public func url(base: String, _ value: String = "") -> String {
        base + path(value)
    }

    /// The path whose link is signed with `scope`, for checking the two agree.
    public var scope: LinkToken.Scope? {
        switch self {
        case .meeting, .subscribe, .archive, .archivedEdition: nil
        case .cancelRegistration: .cancelRegistration
        case .acceptOffer: .acceptOffer
        case .declineOffer: .declineOffer
        case .calendar: .calendar
        case .unsubscribe: .unsubscribe
        case .confirmSubscription: .subscription
        case .storyReview: .review
        }
    }
}
