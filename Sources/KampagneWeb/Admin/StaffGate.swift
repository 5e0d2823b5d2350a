import Foundation
import HTTPTypes
import Hummingbird
import Kampagne
import NIOPosix

/// The signed-in staff member behind a request.
struct Staff: Sendable {
    let account: StaffAccount
    let roles: Set<StaffRole>
    let session: StaffSession

    var username: String { account.username }
    var sections: [StaffSection] { StaffSection.allCases.filter { $0.isOpen(to: roles) } }
    func may(_ section: StaffSection) -> Bool { section.isOpen(to: roles) }
    func mayChange(_ section: StaffSection) -> Bool { section.isWritable(by: roles) }
}

/// Who is signed in, and whether they may open a section: the one check every `/admin` page
/// goes through. Not signed in: to the login page and back. Signed in without the role: a
/// Danish 403 page with no data.
struct StaffGate: Sendable {
    static let cookieName = "kampagne_admin"
    static let cookiePath = "/admin"
    let site: Site

    var accounts: StaffAccounts { StaffAccounts(store: site.store) }

    func staff(_ request: Request, now: Date = Date()) async throws -> Staff? {
        guard let session = StaffSession.decode(request.cookies[Self.cookieName]?.value, site.links.secret, now: now),
              let found = try await accounts.find(id: session.accountId), session.isCurrent(for: found.0) else { return nil }
        return Staff(account: found.0, roles: found.1, session: session)
    }

    func cookie(_ session: StaffSession, _ request: Request) -> Cookie {
        Cookie(name: Self.cookieName, value: session.cookie(site.links.secret), maxAge: Int(StaffSession.lifetime),
               path: Self.cookiePath, secure: site.isHTTPS(request), httpOnly: true, sameSite: .strict)
    }

    func clearedCookie(_ request: Request) -> Cookie {
        Cookie(name: Self.cookieName, value: "", maxAge: 0, path: Self.cookiePath, secure: site.isHTTPS(request), httpOnly: true,
               sameSite: .strict)
    }

    /// Runs `body` for a staff member who may open `section`; renews the cookie (sliding idle
    /// expiry) on the way out.
    func open(_ section: StaffSection, _ request: Request, _ context: WebContext,
              _ body: (Staff) async throws -> Response) async throws -> Response {
        guard let staff = try await staff(request) else {
            // A GET comes back with its query (a bookmarked report period, a contact search).
            let query = request.uri.query.map { $0.isEmpty ? "" : "?" + $0 } ?? ""
            let wanted = request.method == .get ? request.uri.path + query : section.path
            return Response(status: .seeOther, headers: [.location: "/admin/login?naeste=" + AdminLinks.query(wanted)])
        }
        guard staff.may(section) else { return AdminPages(site: site).forbidden(staff, section) }
        var response = try await body(staff)
        if let renewed = staff.session.renewed() { response.setCookie(cookie(renewed, request)) }
        return response
    }

    /// A form token bound to the session and the form's path: a token from another session
    /// or another form is refused.
    func token(_ staff: Staff, _ path: String) -> String { site.forms.make(for: staff.session.id + "|" + path) }
    func verify(_ staff: Staff, _ token: String, _ path: String) -> Bool { site.forms.verify(token, for: staff.session.id + "|" + path) }
}

/// Library work that reads the database synchronously, run on NIO's blocking thread pool so
/// the event loops stay free. `Site.offload` is the same with the library's typed error.
func offLoop<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await NIOThreadPool.singleton.runIfActive(body)
}

enum AdminLinks {
    static func query(_ text: String) -> String {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+?#")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    /// Where to go after the login: a path inside `/admin` only (no open redirect).
    static func next(_ text: String) -> String {
        guard text.hasPrefix("/admin"), !text.contains("//"), !text.contains("\\"), !text.contains("\r"), !text.contains("\n"),
              text != "/admin/login", text != "/admin/logout" else { return "/admin" }
        return text
    }
}
