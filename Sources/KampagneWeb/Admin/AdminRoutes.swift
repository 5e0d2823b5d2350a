import Foundation
import HTTPTypes
import Hummingbird
import Kampagne

/// Every route of the staff area under `/admin`, and the permanent redirects from the old
/// organiser pages (`/arrangor/...`). Called once from `buildRouter`.
func addAdminRoutes(to router: Router<WebContext>, site: Site) {
    let admin = AdminPages(site: site)
    let meetings = AdminMeetings(site: site)
    let log = AdminLogPages(site: site)
    let users = AdminUsers(site: site)
    let sections = AdminSections(site: site)

    router.get("/admin/login") { request, _ in admin.loginPage(request) }
    router.post("/admin/login") { request, context in try await admin.login(request, context) }
    router.post("/admin/logout") { request, context in try await admin.logout(request, context) }
    router.get("/admin") { request, context in try await admin.start(request, context) }

    router.get("/admin/moeder") { request, context in try await meetings.overview(request, context) }
    router.get("/admin/moeder/:id") { request, context in try await meetings.doorPage(request, context) }
    router.post("/admin/moeder/:id/indtjek") { request, context in try await meetings.checkIn(request, context) }
    router.post("/admin/moeder/:id/ved-doeren") { request, context in try await meetings.walkIn(request, context) }

    router.get("/admin/log") { request, context in try await log.page(request, context) }
    router.get("/admin/log.csv") { request, context in try await log.csv(request, context) }

    router.get("/admin/brugere") { request, context in try await users.list(request, context) }
    router.post("/admin/brugere") { request, context in try await users.add(request, context) }
    router.post("/admin/brugere/:id/roller") { request, context in try await users.setRoles(request, context) }
    router.get("/admin/brugere/:id/slet") { request, context in try await users.confirmPage(request, context, .remove) }
    router.post("/admin/brugere/:id/slet") { request, context in try await users.confirmed(request, context, .remove) }
    router.get("/admin/brugere/:id/nulstil") { request, context in try await users.confirmPage(request, context, .reset) }
    router.post("/admin/brugere/:id/nulstil") { request, context in try await users.confirmed(request, context, .reset) }

    router.get("/admin/kontakter") { request, context in try await sections.contacts(request, context) }
    router.get("/admin/historier") { request, context in try await sections.stories(request, context) }
    router.get("/admin/rapport") { request, context in try await sections.report(request, context) }
    router.get("/admin/rapport/side") { request, context in try await sections.reportPage(request, context) }
    // Anything else under a section (a guessed `/admin/kontakter/...` URL) is gated like the
    // section itself: login, then 403 without the role, then "not found". (Sections with
    // parameter routes gate those routes themselves; the router allows no `**` beside them.)
    for section in [StaffSection.contacts, .stories, .log] {
        router.get(RouterPath(section.path + "/**")) { request, context in
            try await admin.gate.open(section, request, context) { staff in
                admin.message(.notFound, staff, section, "Siden findes ikke", "Tjek adressen, eller brug menuen.")
            }
        }
    }

    // Newsletters (/admin/nyhedsbreve): editor, preview, pre-flight, test, send, progress, log.
    let editions = AdminEditions(site: site)
    let n = AdminEditions.base
    router.get(RouterPath(n)) { request, context in try await editions.overview(request, context) }
    router.get(RouterPath(n + "/ny")) { request, context in try await editions.newEditor(request, context) }
    router.post(RouterPath(n + "/ny")) { request, context in try await editions.editorPost(request, context) }
    router.post(RouterPath(n + "/forhaandsvisning")) { request, context in try await editions.previewJSON(request, context) }
    router.get(RouterPath(n + "/udgave/:id")) { request, context in try await editions.editor(request, context) }
    router.post(RouterPath(n + "/udgave/:id")) { request, context in try await editions.editorPost(request, context) }
    router.get(RouterPath(n + "/udgave/:id/kontrol")) { request, context in try await editions.preflight(request, context) }
    router.post(RouterPath(n + "/udgave/:id/test")) { request, context in try await editions.testSend(request, context) }
    router.get(RouterPath(n + "/udgave/:id/send")) { request, context in try await editions.sendPage(request, context) }
    router.post(RouterPath(n + "/udgave/:id/send")) { request, context in try await editions.send(request, context) }
    router.get(RouterPath(n + "/udgave/:id/send/bekraeft")) { request, context in try await editions.confirmPage(request, context) }
    router.get(RouterPath(n + "/udsendelse/:id")) { request, context in try await editions.campaign(request, context) }
    router.get(RouterPath(n + "/udsendelse/:id/status.json")) { request, context in try await editions.campaignJSON(request, context) }
    router.post(RouterPath(n + "/udsendelse/:id/pause")) { request, context in try await editions.control(request, context, .pause) }
    router.post(RouterPath(n + "/udsendelse/:id/genoptag")) { request, context in try await editions.control(request, context, .resume) }
    router.post(RouterPath(n + "/udsendelse/:id/proev-igen")) { request, context in try await editions.control(request, context, .retry) }
    router.get("/admin/js/nyhedsbreve.js") { _, _ in
        Response(status: .ok, headers: [.contentType: "text/javascript; charset=utf-8", .cacheControl: "max-age=3600"],
                 body: ResponseBody(byteBuffer: ByteBuffer(string: EditionScript.source)))
    }

    // The old organiser pages: bookmarks and links keep working (308 keeps a POST a POST).
    let moved: @Sendable (String) -> Response = { Response(status: .permanentRedirect, headers: [.location: $0]) }
    router.get("/arrangor") { _, _ in moved("/admin/moeder") }
    router.get("/arrangor/login") { _, _ in moved("/admin/login?naeste=/admin/moeder") }
    router.get("/arrangor/moede/:id") { _, context in moved("/admin/moeder/" + AdminLinks.query(try context.parameters.require("id"))) }
    router.post("/arrangor/moede/:id/indtjek") { _, context in moved("/admin/moeder/" + AdminLinks.query(try context.parameters.require("id")) + "/indtjek") }
    router.post("/arrangor/moede/:id/ved-doeren") { _, context in moved("/admin/moeder/" + AdminLinks.query(try context.parameters.require("id")) + "/ved-doeren") }
}
