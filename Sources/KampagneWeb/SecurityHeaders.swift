import HTTPTypes
import Hummingbird
import Logging

/// Headers every response gets, errors and HEAD requests included: no framing, no sniffing,
/// no referrer leaking personal links, and a content security policy that allows only our own
/// styles and nothing else. An error thrown anywhere below (no route: 404, a body over the
/// cap: 413, a form that does not decode: 400) becomes a Danish page here, with the headers.
struct SecurityHeaders<Context: RequestContext>: RouterMiddleware {
    init(site: Site) { self.site = site }

    let site: Site
    /// `connect-src 'self'`: our own scripts may fetch our own pages (the contacts search as you type).
    static var policy: String {
        "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = errorPage(error.status)
        } catch {
            context.logger.error("request failed", metadata: ["error": "\(error)"])
            response = errorPage(.internalServerError)
        }
        // An error page for a HEAD request: the headers without the page.
        if request.method == .head { response.body = ResponseBody() }
        response.headers[.contentSecurityPolicy] = Self.policy
        response.headers[.xContentTypeOptions] = "nosniff"
        if let frame = HTTPField.Name("X-Frame-Options") { response.headers[frame] = "DENY" }
        if let referrer = HTTPField.Name("Referrer-Policy") { response.headers[referrer] = "no-referrer" }
        response.headers[.cacheControl] = response.headers[.cacheControl] ?? "no-store"
        if site.isHTTPS(request) { response.headers[.strictTransportSecurity] = "max-age=31536000" }
        return response
    }

    /// The Danish page for a status the router or a handler threw.
    func errorPage(_ status: HTTPResponse.Status) -> Response {
        let pages = PublicPages(site: site)
        switch status {
        case .notFound:
            return pages.notFound()
        case .contentTooLarge:
            return pages.message(status, "For meget data", "Formularen var for stor til at blive modtaget. Forkort teksten, og prøv igen.")
        case .badRequest:
            return pages.message(status, "Forespørgslen kunne ikke læses", "Gå tilbage, genindlæs siden og prøv igen.")
        case .requestTimeout:
            return pages.message(status, "Det tog for lang tid", "Formularen kom ikke frem i tide. Prøv igen.")
        case .methodNotAllowed:
            return pages.message(status, "Det kan man ikke her", "Siden kan ikke bruges sådan. Gå tilbage, og prøv igen.")
        default:
            return pages.message(status, "Der opstod en fejl", "Prøv igen om lidt. Bliver det ved med at ske, så kontakt os.")
        }
    }
}
