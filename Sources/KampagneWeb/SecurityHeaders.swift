import HTTPTypes
import Hummingbird

/// Headers every page gets: no framing, no sniffing, no referrer leaking personal links, and
/// a content security policy that allows only our own styles and nothing else.
struct SecurityHeaders<Context: RequestContext>: RouterMiddleware {
    init(site: Site) { self.site = site }

    let site: Site

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.contentSecurityPolicy] = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        response.headers[.xContentTypeOptions] = "nosniff"
        if let frame = HTTPField.Name("X-Frame-Options") { response.headers[frame] = "DENY" }
        if let referrer = HTTPField.Name("Referrer-Policy") { response.headers[referrer] = "no-referrer" }
        response.headers[.cacheControl] = response.headers[.cacheControl] ?? "no-store"
        if site.isHTTPS(request) { response.headers[.strictTransportSecurity] = "max-age=31536000" }
        return response
    }
}
