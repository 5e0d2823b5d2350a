import Foundation
import HTTPTypes
import Hummingbird
import Kampagne
import MailTemplates
import Mustache
import NIOPosix

/// Everything the pages need, made once at start and passed to the router: no global state.
public struct Site: Sendable {
    public let store: Store
    public let settings: EventSettings
    public let links: PublicLinks
    public let baseURL: String
    public let siteName: String
    public let postalAddress: String
    let sender: SenderIdentity
    /// The 98 municipalities in Danish order, sorted once.
    let municipalityNames: [String]
    /// At most a couple of bcrypt checks at once, whatever the number of login attempts.
    let loginGate = LoginGate(limit: 2)
    let forms: FormToken
    let pages: MustacheLibrary
    /// The printed pages' templates (the report in the staff area).
    let printTemplates: TemplateSet
    let postLimit: RateLimit
    /// Rendered public meeting pages, each kept until its meeting or sign-ups change.
    let meetingPages = MeetingPageCache()
    /// Page versions and sign-up targets, read inline on a connection of their own.
    let meetingLookup: MeetingLookup
    /// The public form's sign-ups, written in groups (one transaction for those that arrive together).
    let signUpDesk: SignUpDesk
    /// Take the client address and scheme from X-Forwarded-For/-Proto (only behind our own proxy).
    let trustProxy: Bool
    /// The list the subscribe form is for.
    let newsletterList: String
    /// The Maildir folder whose copies an erasure removes (as `contacts erase` does).
    let maildir: String
    /// The consent line the subscribe form shows; stored word for word with each subscription.
    var subscribeWording: String {
        "Ja tak, send mig «\(newsletterList)» fra \(siteName) på mail. Jeg kan altid afmelde mig med linket i bunden af hver mail. Vi bruger kun dine oplysninger til at sende nyhedsbrevet."
    }
    /// The LIX band stories aim for (`[stories] lix_target`).
    let lixTarget: LixTarget
    /// The public address is https (base_url): cookies are Secure and HSTS is sent.
    let https: Bool
    /// How long a due message may wait, with nothing sent, before `/healthz` says 503.
    let outboxStuckAfter: TimeInterval
    /// The newsletter section: the sending configuration (test sends), the renderer the send
    /// path uses (previews), and pre-flight's settings.
    let delivery: DeliveryConfiguration
    let composer: MessageComposer
    let preflight: PreflightSettings

    /// Whether this request came over https: the public address says so, or a trusted proxy
    /// says so in X-Forwarded-Proto (an untrusted client's header is ignored).
    func isHTTPS(_ request: Request) -> Bool {
        if https { return true }
        guard trustProxy, let name = HTTPField.Name("X-Forwarded-Proto"), let proto = request.headers[name] else { return false }
        return proto.split(separator: ",").last.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } == "https"
    }

    /// `delivery` is the configuration the scheduler sends with: its sender, links and templates.
    public init(store: Store, config: KampagneConfig, delivery: DeliveryConfiguration) throws(KampagneError) {
        self.store = store
        settings = try EventSettings(config: config)
        let secret = try InstallationSecret(store: store)
        links = PublicLinks(store: store, secret: secret, settings: settings)
        meetingLookup = MeetingLookup(store: store)
        signUpDesk = SignUpDesk(registrations: Registrations(store: store, settings: settings))
        baseURL = delivery.baseURL
        siteName = delivery.sender.name
        postalAddress = delivery.sender.postalAddress
        sender = delivery.sender
        municipalityNames = DanishText.sorted(Municipality.all.map(\.name)) { [$0] }
        forms = FormToken(secret: secret)
        trustProxy = config.web?.trustProxy ?? false
        newsletterList = config.web?.newsletterList ?? "Nyhedsbrev"
        maildir = delivery.maildir
        https = baseURL.lowercased().hasPrefix("https://")
        outboxStuckAfter = try HealthReport.stuckAfter(config: config)
        let limit = config.web?.postsPerMinute ?? 30
        postLimit = RateLimit(limit: limit, window: 60)
        pages = try Self.loadPages(from: (delivery.templatesPath as NSString).appendingPathComponent("web"))
        printTemplates = try PrintTemplates.load(templatesPath: delivery.templatesPath)
        self.delivery = delivery
        composer = try MessageComposer(configuration: delivery, store: store)
        preflight = try PreflightSettings(config: config, delivery: delivery)
        lixTarget = try config.lixTarget()
    }

    static func loadPages(from folder: String) throws(KampagneError) -> MustacheLibrary {
        var library = MustacheLibrary()
        let names = ["web-side", "web-moede", "web-svar", "web-knap", "web-abonnement",
                     "web-historie"] + AdminPages.templates + AdminEditions.templates + AdminMeetingEditor.templates
        for name in names {
            let path = (folder as NSString).appendingPathComponent(name + ".html.mustache")
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw .config("Sideskabelonen mangler: \(path)")
            }
            do {
                library.register(try MustacheTemplate(string: text), named: name)
            } catch {
                throw .config("\(path): fejl i skabelonen: \(error)")
            }
        }
        return library
    }

    /// A staff page: `name` rendered with `context`, inside the staff area's layout
    /// (`layout` holds the navigation, the person and the flash message).
    func adminPage(_ name: String, title: String, _ context: [String: Any], layout: [String: Any]) -> String {
        let body = pages.render(context, withTemplate: name) ?? ""
        var frame = layout
        frame["title"] = title
        frame["siteName"] = siteName
        frame["body"] = body
        return pages.render(frame, withTemplate: "admin-side") ?? body
    }

    /// Runs a synchronous library call (a sign-up's transaction, a mail queued, bcrypt) on NIO's
    /// thread pool, so it never holds an event loop or a Swift concurrency thread.
    func offload<T: Sendable>(_ body: @escaping @Sendable () throws(KampagneError) -> T) async throws(KampagneError) -> T {
        do {
            return try await offLoop { try body() }
        } catch {
            throw KampagneError.wrap(error)
        }
    }

    /// A whole page: `name` rendered with `context`, inside the site layout.
    func page(_ name: String, title: String, _ context: [String: Any]) -> String {
        let body = pages.render(context, withTemplate: name) ?? ""
        return pages.render(["title": title, "siteName": siteName, "postalAddress": postalAddress, "body": body],
                            withTemplate: "web-side") ?? body
    }
}
