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
    let stories = AdminStories(site: site)
    let report = AdminReport(site: site)

    router.get("/admin/login") { request, _ in admin.loginPage(request) }
    router.post("/admin/login") { request, context in try await admin.login(request, context) }
    router.post("/admin/logout") { request, context in try await admin.logout(request, context) }
    router.get("/admin") { request, context in try await admin.start(request, context) }

    router.get("/admin/moeder") { request, context in try await meetings.overview(request, context) }
    router.get("/admin/moeder/:id") { request, context in try await meetings.doorPage(request, context) }
    router.post("/admin/moeder/:id/indtjek") { request, context in try await meetings.checkIn(request, context) }
    router.post("/admin/moeder/:id/ved-doeren") { request, context in try await meetings.walkIn(request, context) }
    // Meetings (issue 18): the form, a meeting's page, invite, waiting list, message, go/cancel, files.
    let editor = AdminMeetingEditor(site: site)
    router.get("/admin/moeder/nyt") { request, context in try await editor.newForm(request, context) }
    router.post("/admin/moeder/nyt") { request, context in try await editor.create(request, context) }
    router.get("/admin/moeder/:id/overblik") { request, context in try await editor.page(request, context) }
    router.get("/admin/moeder/:id/ret") { request, context in try await editor.editForm(request, context) }
    router.post("/admin/moeder/:id/ret") { request, context in try await editor.update(request, context) }
    router.get("/admin/moeder/:id/inviter") { request, context in try await editor.invitePage(request, context) }
    router.post("/admin/moeder/:id/inviter") { request, context in try await editor.invite(request, context) }
    router.post("/admin/moeder/:id/venteliste") { request, context in try await editor.carryOver(request, context) }
    router.get("/admin/moeder/:id/besked") { request, context in try await editor.messagePage(request, context) }
    router.post("/admin/moeder/:id/besked") { request, context in try await editor.message(request, context) }
    router.get("/admin/moeder/:id/aflys") { request, context in try await editor.cancelPage(request, context) }
    router.post("/admin/moeder/:id/aflys") { request, context in try await editor.cancel(request, context) }
    router.post("/admin/moeder/:id/gennemfoer") { request, context in try await editor.go(request, context) }
    router.get("/admin/moeder/:id/deltagerliste") { request, context in try await editor.doorList(request, context) }
    router.get("/admin/moeder/:id/tilmeldte.csv") { request, context in try await editor.csv(request, context, followUp: false) }
    router.get("/admin/moeder/:id/opfoelgning.csv") { request, context in try await editor.csv(request, context, followUp: true) }

    router.get("/admin/log") { request, context in try await log.page(request, context) }
    router.get("/admin/log.csv") { request, context in try await log.csv(request, context) }

    router.get("/admin/brugere") { request, context in try await users.list(request, context) }
    router.get("/admin/brugere.csv") { request, context in try await users.csv(request, context) }
    router.post("/admin/brugere") { request, context in try await users.add(request, context) }
    router.post("/admin/brugere/:id/roller") { request, context in try await users.setRoles(request, context) }
    router.get("/admin/brugere/:id/slet") { request, context in try await users.confirmPage(request, context, .remove) }
    router.post("/admin/brugere/:id/slet") { request, context in try await users.confirmed(request, context, .remove) }
    router.get("/admin/brugere/:id/nulstil") { request, context in try await users.confirmPage(request, context, .reset) }
    router.post("/admin/brugere/:id/nulstil") { request, context in try await users.confirmed(request, context, .reset) }

    // Contacts (issue 14): the register, a person's page, lists and segments, import by upload.
    let contacts = AdminContacts(site: site)
    let contactLists = AdminContactLists(site: site)
    let contactImport = AdminContactImport(site: site, jobs: ImportJobs(store: site.store))
    router.get("/admin/kontakter") { request, context in try await contacts.list(request, context) }
    router.get("/admin/kontakter.csv") { request, context in try await contacts.csv(request, context) }
    router.get("/admin/js/kontakter.js") { _, _ in scriptResponse(ContactsScript.source) }
    router.get("/admin/kontakter/lister") { request, context in try await contactLists.overview(request, context) }
    router.post("/admin/kontakter/lister") { request, context in try await contactLists.create(request, context) }
    router.post("/admin/kontakter/lister/:id/omdoeb") { request, context in try await contactLists.rename(request, context) }
    for action in ["medlemmer", "tilfoej", "fjern"] {
        router.post(RouterPath("/admin/kontakter/lister/" + action)) { request, context in
            try await contactLists.members(request, context, path: "/admin/kontakter/lister/" + action)
        }
    }
    router.get("/admin/kontakter/segment") { request, context in try await contactLists.segment(request, context) }
    router.post("/admin/kontakter/segment") { request, context in try await contactLists.saveSegment(request, context) }
    router.get("/admin/kontakter/import") { request, context in try await contactImport.form(request, context) }
    router.post("/admin/kontakter/import") { request, context in try await contactImport.upload(request, context) }
    router.get("/admin/kontakter/import/:id") { request, context in try await contactImport.job(request, context) }
    router.post("/admin/kontakter/import/:id/kortlaeg") { request, context in try await contactImport.remap(request, context) }
    router.post("/admin/kontakter/import/:id/anvend") { request, context in try await contactImport.apply(request, context) }
    router.get("/admin/kontakter/import/:id/afviste.csv") { request, context in try await contactImport.rejects(request, context) }
    router.get("/admin/kontakter/:id") { request, context in try await contacts.person(request, context) }
    router.post("/admin/kontakter/:id") { request, context in try await contacts.update(request, context) }
    router.post("/admin/kontakter/:id/afmeld") { request, context in try await contacts.unsubscribe(request, context) }
    router.get("/admin/kontakter/:id/eksport") { request, context in try await contacts.export(request, context) }
    router.get("/admin/kontakter/:id/slet") { request, context in try await contacts.eraseConfirm(request, context) }
    router.post("/admin/kontakter/:id/slet") { request, context in try await contacts.erase(request, context) }

    // Good stories (AdminStories.swift).
    router.get("/admin/historier") { request, context in try await stories.list(request, context) }
    router.post("/admin/historier") { request, context in try await stories.create(request, context) }
    router.get("/admin/historier.csv") { request, context in try await stories.csv(request, context) }
    router.get("/admin/historier/:id") { request, context in try await stories.page(request, context) }
    router.post("/admin/historier/:id") { request, context in try await stories.save(request, context) }
    router.post("/admin/historier/:id/samtykke") { request, context in try await stories.giveConsent(request, context) }
    router.post("/admin/historier/:id/samtykke/tilbage") { request, context in try await stories.withdrawConsent(request, context) }
    router.post("/admin/historier/:id/gennemsyn") { request, context in try await stories.requestReview(request, context) }
    router.post("/admin/historier/:id/godkend") { request, context in try await stories.approve(request, context) }
    router.get("/admin/historier/:id/versioner") { request, context in try await stories.versions(request, context) }
    router.post("/admin/historier/:id/fotos") { request, context in try await stories.addPhoto(request, context) }
    router.get("/admin/historier/:id/fotos/:name") { request, context in try await stories.photo(request, context) }
    router.post("/admin/historier/:id/fotos/:name/slet") { request, context in try await stories.removePhoto(request, context) }
    router.get("/admin/historier/:id/udgiv") { request, context in try await stories.preview(request, context) }
    router.post("/admin/historier/:id/udgiv") { request, context in try await stories.publish(request, context) }
    router.get("/admin/js/historier.js") { _, _ in scriptResponse(StoryScript.source, maxAge: 300) }

    // The report (AdminReport.swift).
    router.get("/admin/rapport") { request, context in try await report.page(request, context) }
    router.get("/admin/rapport/side") { request, context in try await report.printable(request, context) }
    router.get("/admin/rapport/rapport.pdf") { request, context in try await report.pdf(request, context) }
    router.get("/admin/rapport/tabeller/:name") { request, context in try await report.table(request, context) }
    router.post("/admin/rapport/aktiviteter") { request, context in try await report.addActivity(request, context) }
    router.post("/admin/rapport/aktiviteter/:id/slet") { request, context in try await report.removeActivity(request, context) }

    // Anything else under a section (a guessed `/admin/log/...` URL) is gated like the
    // section itself: login, then 403 without the role, then "not found". (Sections with
    // parameter routes gate those routes themselves; the router allows no `**` beside them.)
    for section in [StaffSection.log] {
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
    router.get("/admin/js/nyhedsbreve.js") { _, _ in scriptResponse(EditionScript.source) }
    // Newsletters, a scheduled send (AdminEditionSchedule.swift): move it, cancel it behind a confirmation.
    router.post(RouterPath(n + "/udsendelse/:id/flyt")) { request, context in try await editions.move(request, context) }
    router.get(RouterPath(n + "/udsendelse/:id/annuller")) { request, context in try await editions.cancelConfirmation(request, context) }
    router.post(RouterPath(n + "/udsendelse/:id/annuller")) { request, context in try await editions.cancel(request, context) }

    // The old organiser pages: bookmarks and links keep working (308 keeps a POST a POST).
    let moved: @Sendable (String) -> Response = { Response(status: .permanentRedirect, headers: [.location: $0]) }
    router.get("/arrangor") { _, _ in moved("/admin/moeder") }
    router.get("/arrangor/login") { _, _ in moved("/admin/login?naeste=/admin/moeder") }
    router.get("/arrangor/moede/:id") { _, context in moved("/admin/moeder/" + AdminLinks.query(try context.parameters.require("id"))) }
    router.post("/arrangor/moede/:id/indtjek") { _, context in moved("/admin/moeder/" + AdminLinks.query(try context.parameters.require("id")) + "/indtjek") }
    router.post("/arrangor/moede/:id/ved-doeren") { _, context in moved("/admin/moeder/" + AdminLinks.query(try context.parameters.require("id")) + "/ved-doeren") }
}

/// One of our own scripts (CSP `script-src 'self'`): JavaScript, cached for `maxAge` seconds.
func scriptResponse(_ source: String, maxAge: Int = 3600) -> Response {
    Response(status: .ok, headers: [.contentType: "text/javascript; charset=utf-8", .cacheControl: "max-age=\(maxAge)"],
             body: ResponseBody(byteBuffer: ByteBuffer(string: source)))
}
