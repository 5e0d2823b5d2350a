import Foundation
import TOMLKit

/// The settings in `kampagne.toml`. Every table is optional; a missing `[smtp]` table means
/// messages go to a local Maildir.
public struct KampagneConfig: Codable, Sendable, Equatable {
    /// Who the mail is from, and the postal identity printed in every footer.
    public struct Sender: Codable, Sendable, Equatable {
        public var name: String?
        public var address: String?
        public var replyTo: String?
        public var postalAddress: String?
        enum CodingKeys: String, CodingKey {
            case name, address
            case replyTo = "reply_to"
            case postalAddress = "postal_address"
        }
    }

    /// An SMTP relay. The password is never in this file: it is read from an environment
    /// variable or a file named here.
    public struct SMTP: Codable, Sendable, Equatable {
        public var url: String
        public var starttls: String?
        public var username: String?
        public var passwordEnv: String?
        public var passwordFile: String?
        public var oauth2TokenFile: String?
        public var connections: Int?
        public var rate: String?
        public var dailyLimit: String?
        /// A CA bundle to trust, for a relay with its own certificate authority.
        public var caFile: String?
        enum CodingKeys: String, CodingKey {
            case url, starttls, username, connections, rate
            case caFile = "ca_file"
            case passwordEnv = "password_env"
            case passwordFile = "password_file"
            case oauth2TokenFile = "oauth2_token_file"
            case dailyLimit = "daily_limit"
        }
    }

    /// Retry schedule and limits that hold for every transport.
    public struct Delivery: Codable, Sendable, Equatable {
        /// Waits between attempts after a temporary refusal, e.g. "1m, 5m, 15m, 1h, 4h".
        public var retry: String?
        /// How long to keep trying before a message counts as failed, e.g. "3d".
        public var giveUpAfter: String?
        enum CodingKeys: String, CodingKey {
            case retry
            case giveUpAfter = "give_up_after"
        }
    }

    public struct Templates: Codable, Sendable, Equatable {
        public var path: String?
    }

    public struct Maildir: Codable, Sendable, Equatable {
        public var path: String?
    }

    public struct Web: Codable, Sendable, Equatable {
        public var baseURL: String?
        /// Where `kampagne serve` listens.
        public var listen: String?
        public var port: Int?
        /// Believe X-Forwarded-For/-Proto: only when a reverse proxy of ours is in front.
        public var trustProxy: Bool?
        /// Sign-up and unsubscribe POSTs allowed per client per minute.
        public var postsPerMinute: Int?
        /// The list the public subscribe form adds people to (after they confirm).
        public var newsletterList: String?
        /// Seconds a connection may sit without a complete request part (half a header, a
        /// stalled body, an idle keep-alive) before it is closed.
        public var idleTimeout: Int?
        /// Open connections allowed at once from one client address (0: no cap).
        public var connectionsPerClient: Int?
        enum CodingKeys: String, CodingKey {
            case newsletterList = "newsletter_list"
            case idleTimeout = "idle_timeout"
            case connectionsPerClient = "connections_per_client"
            case baseURL = "base_url"
            case listen, port
            case trustProxy = "trust_proxy"
            case postsPerMinute = "posts_per_minute"
        }
    }

    public struct Import: Codable, Sendable, Equatable {
        public var consent: ConsentBasis?
    }

    /// Meetings: how long a waiting-list offer holds a seat, when reminders go out, and how
    /// early a meeting below its minimum is flagged.
    public struct Events: Codable, Sendable, Equatable {
        public var offerHold: String?
        public var reminderDays: Int?
        public var warnDays: Int?
        /// How long before the start check-in and walk-ins open, e.g. "6h" (at most 24h).
        public var checkinOpens: String?
        enum CodingKeys: String, CodingKey {
            case offerHold = "offer_hold"
            case reminderDays = "reminder_days"
            case warnDays = "warn_days"
            case checkinOpens = "checkin_opens"
        }
    }

    /// Newsletter pre-flight (`newsletter check`, the staff area).
    public struct Newsletter: Codable, Sendable, Equatable {
        /// Hosts links may point to besides `[web] base_url` (subdomains included).
        public var linkDomains: [String]?
        /// The longest subject before pre-flight warns (a phone shows about 60 characters).
        public var subjectMax: Int?
        /// The SpamAssassin program; default `spamassassin` on PATH, skipped when there is none.
        public var spamassassin: String?
        enum CodingKeys: String, CodingKey {
            case linkDomains = "link_domains"
            case subjectMax = "subject_max"
            case spamassassin
        }
    }

    /// Good stories: the readability band `stories check` aims for.
    public struct Stories: Codable, Sendable, Equatable {
        public var lixTarget: String?
        enum CodingKeys: String, CodingKey {
            case lixTarget = "lix_target"
        }
    }

    /// The bounce mailbox (IMAP) and the per-message return path and unsubscribe addresses.
    public struct Bounces: Codable, Sendable, Equatable {
        public var url: String?
        public var starttls: String?
        public var username: String?
        public var passwordEnv: String?
        public var passwordFile: String?
        public var oauth2TokenFile: String?
        public var caFile: String?
        public var processedFolder: String?
        public var returnPath: String?
        public var unsubscribeAddress: String?
        public var softLimit: Int?
        public var softWindow: Int?
        enum CodingKeys: String, CodingKey {
            case url, starttls, username
            case passwordEnv = "password_env"
            case passwordFile = "password_file"
            case oauth2TokenFile = "oauth2_token_file"
            case caFile = "ca_file"
            case processedFolder = "processed_folder"
            case returnPath = "return_path"
            case unsubscribeAddress = "unsubscribe_address"
            case softLimit = "soft_limit"
            case softWindow = "soft_window"
        }
    }

    /// Copies of the database: `kampagne backup` and the scheduler's daily one.
    public struct Backup: Codable, Sendable, Equatable {
        /// The folder backups go to (beside the configuration when relative); default "backups".
        public var folder: String?
        /// How many scheduled backups to keep in the folder; default 14.
        public var keep: Int?
        /// Local time (Europe/Copenhagen) for the daily backup by `serve`, e.g. "03:15"; unset: none.
        public var dailyAt: String?
        enum CodingKeys: String, CodingKey {
            case folder, keep
            case dailyAt = "daily_at"
        }
    }

    /// What `/healthz` counts as trouble.
    public struct Health: Codable, Sendable, Equatable {
        /// A due message older than this, with nothing sent meanwhile, means a stuck outbox; default "30m".
        public var outboxStuckAfter: String?
        enum CodingKeys: String, CodingKey {
            case outboxStuckAfter = "outbox_stuck_after"
        }
    }

    public var sender: Sender?
    public var smtp: SMTP?
    public var bounces: Bounces?
    public var maildir: Maildir?
    public var web: Web?
    public var `import`: Import?
    public var delivery: Delivery?
    public var templates: Templates?
    public var events: Events?
    public var stories: Stories?
    public var newsletter: Newsletter?
    public var backup: Backup?
    public var health: Health?

    public init() {}

    /// `[stories] lix_target`, or newspaper prose (35–44).
    public func lixTarget() throws(KampagneError) -> LixTarget {
        guard let text = stories?.lixTarget else { return .newspaper }
        return try LixTarget(parsing: text)
    }

    /// The sender's address, or the default one.
    public var senderAddress: String { sender?.address ?? "sekretariat@partnerskab.example" }

    /// Reads `path`; a missing file is an empty configuration. Errors name the file, the line
    /// and the key.
    public static func load(path: String) throws(KampagneError) -> KampagneConfig {
        guard FileManager.default.fileExists(atPath: path) else { return KampagneConfig() }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw .config("\(path): kan ikke læses som UTF-8-tekst")
        }
        return try parse(text, file: path)
    }

    static func parse(_ text: String, file: String) throws(KampagneError) -> KampagneConfig {
        var decoder = TOMLDecoder()
        decoder.strictDecoding = true
        do {
            return try decoder.decode(KampagneConfig.self, from: text)
        } catch let error as TOMLParseError {
            throw .config("\(file):\(error.source.begin.line): kolonne \(error.source.begin.column): ugyldig TOML: \(error.description)")
        } catch let error as UnexpectedKeysError {
            let keys = error.keys.map { name, path in (path.map(\.stringValue) + [name]).joined(separator: ".") }.sorted()
            throw .config("\(file): ukendt indstilling: \(keys.joined(separator: ", "))")
        } catch let DecodingError.typeMismatch(type, context), let DecodingError.valueNotFound(type, context) {
            let key = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw .config("\(file): '\(key)' har forkert type (skal være \(describe(type)))")
        } catch let DecodingError.keyNotFound(key, context) {
            let table = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw .config("\(file): [\(table)] mangler '\(key.stringValue)'")
        } catch let DecodingError.dataCorrupted(context) {
            let key = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw .config("\(file): '\(key)' har en ugyldig værdi")
        } catch {
            throw .config("\(file): \(error)")
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type: return "et heltal"
        case is String.Type: return "en tekst i anførselstegn"
        case is Bool.Type: return "true eller false"
        default: return "en tabel"
        }
    }

    /// The file `kampagne init` writes: every setting explained, the optional ones commented out.
    public static let template = """
    # Kampagne: indstillinger
    #
    # Denne fil ligger ved siden af databasen. Linjer med # er kommentarer.
    # Adgangskoder skrives aldrig her: angiv en miljøvariabel eller en fil.

    [sender]
    # Afsenderens navn og adresse, som modtagerne ser dem.
    name = "Partnerskabets sekretariat"
    address = "sekretariat@partnerskab.example"
    # reply_to = "svar@partnerskab.example"
    # Postadressen står i bunden af hver mail (krav for nyhedsbreve).
    postal_address = "Eksempelvej 1, 1000 København K"

    [web]
    # Den offentlige adresse, som links i mails peger på (tilmelding, afmelding).
    base_url = "http://localhost:8080"
    # Hvor `kampagne serve` lytter. Bag en reverse proxy: sæt trust_proxy = true.
    listen = "127.0.0.1"
    port = 8080
    trust_proxy = false
    # Tilmeldinger og afmeldinger pr. klient pr. minut.
    posts_per_minute = 30
    # Listen, som tilmeldingsformularen på /nyhedsbrev skriver folk på (når de har bekræftet).
    newsletter_list = "Nyhedsbrev"
    # Sekunder en forbindelse må stå uden en hel forespørgsel, før den lukkes.
    idle_timeout = 30
    # Åbne forbindelser pr. klientadresse ad gangen (0: ingen grænse). Bag en proxy: sæt den højt.
    connections_per_client = 64

    [maildir]
    # Uden en [smtp]-tabel lægges alle mails som .eml-filer i denne mappe.
    path = "maildir"

    # [smtp]
    # url = "smtp://smtp.example.org:587"   # eller smtps://…:465
    # starttls = "required"                  # required, opportunistic eller off
    # username = "sekretariat"
    # password_env = "KAMPAGNE_SMTP_PASSWORD"
    # password_file = "/etc/kampagne/smtp-password"
    # oauth2_token_file = "/etc/kampagne/oauth2-token"
    # connections = 4
    # rate = "30/min"
    # daily_limit = "10000/day"

    # [bounces]
    # Postkassen, som afvisninger, autosvar, klager og afmeldinger pr. mail kommer til.
    # url = "imaps://imap.example.org/INBOX"   # eller imap://…:143 (STARTTLS kræves)
    # starttls = "required"                     # required, opportunistic eller off
    # username = "bounces@partnerskab.example"
    # password_env = "KAMPAGNE_BOUNCES_PASSWORD" # eller password_file / oauth2_token_file
    # processed_folder = "Behandlet"             # hertil flyttes det behandlede
    # return_path = "bounce+{token}@partnerskab.example"    # kun hvis relæet tillader det
    # unsubscribe_address = "afmeld+{token}@partnerskab.example"
    # soft_limit = 3                             # midlertidige afvisninger før spærring …
    # soft_window = 30                           # … inden for så mange dage

    [delivery]
    # Ventetider efter et midlertidigt afslag (4xx), og hvornår der gives op.
    retry = "1m, 5m, 15m, 1h, 4h"
    give_up_after = "3d"

    [templates]
    # Mappen med skabeloner (Mustache). Kopiér Templates/ og ret i kopien. Uden en mappe
    # af det navn her bruges de medfølgende skabeloner.
    path = "Templates"

    [events]
    # Hvor længe en ledig plads holdes til den første på ventelisten (kortere tæt på mødet).
    offer_hold = "48h"
    # Påmindelser sendes så mange dage før mødet.
    reminder_days = 2
    # Et møde under minimum markeres så mange dage før beslutningsdatoen.
    warn_days = 7
    # Indtjekning og fremmøde ved døren åbner så længe før mødets start (højst 24h).
    checkin_opens = "6h"

    # [newsletter]
    # Domæner, som links i nyhedsbrevet må pege på ud over base_url (kontrolleres før udsendelse;
    # intet hentes udefra).
    # link_domains = ["partnerskab.example", "star.dk"]
    # Emnelinjer længere end dette giver en advarsel (en telefon viser ca. 60 tegn).
    # subject_max = 60
    # SpamAssassin til spamtjekket (kun lokale regler); standard: spamassassin i PATH.
    # spamassassin = "/usr/bin/spamassassin"

    [stories]
    # LIX-intervallet, som `kampagne stories check` sigter efter (dagblade ligger på 35-44).
    lix_target = "35-44"

    [backup]
    # Sikkerhedskopier (kampagne backup, og dagligt fra kampagne serve). Kopien indeholder
    # installationens hemmelige nøgle: opbevar den lige så sikkert som selve databasen.
    folder = "backups"
    keep = 14
    # daily_at = "03:15"

    [import]
    # Retsgrundlag for listemedlemskaber fra import: "legitimate-interest" eller "consent".
    consent = "legitimate-interest"

    """
}
