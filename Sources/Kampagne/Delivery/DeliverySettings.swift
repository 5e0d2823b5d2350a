import Foundation
import MailTemplates

/// A pace: `count` messages per `seconds`.
public struct Rate: Sendable, Equatable, Codable {
    public var count: Int
    public var seconds: Double

    /// Reads "30/min", "10000/day", "5/s", "100/hour"; a bare number means per second.
    public static func parse(_ text: String, setting: String) throws(KampagneError) -> Rate {
        let parts = text.replacingOccurrences(of: " ", with: "").lowercased().split(separator: "/")
        guard let count = parts.first.flatMap({ Int($0) }), count > 0, parts.count <= 2 else {
            throw .config("\(setting): '\(text)' skal have formen ANTAL/ENHED, fx 30/min eller 10000/day")
        }
        let unit = parts.count == 2 ? String(parts[1]) : "s"
        let seconds: Double
        switch unit {
        case "s", "sec", "second", "sek": seconds = 1
        case "m", "min", "minute", "minut": seconds = 60
        case "h", "hour", "time": seconds = 3_600
        case "d", "day", "dag", "døgn": seconds = 86_400
        default: throw .config("\(setting): ukendt enhed '\(unit)' (brug s, min, hour eller day)")
        }
        return Rate(count: count, seconds: seconds)
    }
}

/// Durations as the config writes them: "90s", "5m", "1h", "3d".
enum Duration {
    static func parse(_ text: String, setting: String) throws(KampagneError) -> TimeInterval {
        let clean = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard let unit = clean.last, let number = Double(clean.dropLast()) ?? (unit.isNumber ? Double(clean) : nil) else {
            throw .config("\(setting): '\(text)' er ikke en varighed (fx 30s, 5m, 1h, 3d)")
        }
        switch unit {
        case "s": return number
        case "m": return number * 60
        case "h": return number * 3_600
        case "d": return number * 86_400
        default:
            if unit.isNumber { return number }
            throw .config("\(setting): ukendt enhed i '\(text)' (brug s, m, h eller d)")
        }
    }
}

/// Everything the dispatcher needs to know about pacing and retries.
public struct DispatchSettings: Sendable {
    public var connections = 4
    public var rate: Rate?
    public var dailyLimit: Int?
    public var retryDelays: [TimeInterval] = [60, 300, 900, 3_600, 14_400]
    public var giveUpAfter: TimeInterval = 3 * 86_400

    public init() {}

    /// The wait after `attempts` failed attempts.
    func delay(afterAttempt attempts: Int) -> TimeInterval {
        guard !retryDelays.isEmpty else { return 0 }
        return retryDelays[min(max(attempts - 1, 0), retryDelays.count - 1)]
    }
}

extension DeliveryConfiguration {
    /// The templates folder: the configured one if it exists; otherwise, for the default
    /// name, the bundled `Templates/` found from the executable (a build in the source tree,
    /// or an installation under `share/kampagne`).
    static func templates(_ resolved: String, configured: String?) -> String {
        if FileManager.default.fileExists(atPath: resolved) { return resolved }
        guard configured == nil || configured == "Templates" else { return resolved }
        let executable = (Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments.first ?? "")).resolvingSymlinksInPath()
        var folder = executable.deletingLastPathComponent()
        for _ in 0..<4 {
            for candidate in [folder.appendingPathComponent("Templates"), folder.appendingPathComponent("share/kampagne/Templates")]
            where FileManager.default.fileExists(atPath: candidate.appendingPathComponent("nyhedsbrev.html.mustache").path) {
                return candidate.path
            }
            folder = folder.deletingLastPathComponent()
        }
        return resolved
    }
}

/// The configuration turned into the parts that send: transport, pacing, sender, links and
/// templates. Environment variables override the file for scripts (KAMPAGNE_SMTP_URL).
public struct DeliveryConfiguration: Sendable {
    public var transport: any MailTransport
    public var settings: DispatchSettings
    public var sender: SenderIdentity
    public var baseURL: String
    public var templatesPath: String
    /// `[bounces]` return path and unsubscribe address, for every outgoing message.
    public var bounceAddresses = BounceAddresses()
    /// `[bounces]` as configured, resolved (password and all) when the scheduler runs it.
    public var bounceSource: BounceSchedule.Source?
    /// The Maildir folder (`maildirPath`): erasure removes the copies written there.
    public var maildir = ""

    public init(config: KampagneConfig, configPath: String,
                environment: [String: String] = ProcessInfo.processInfo.environment) throws(KampagneError) {
        maildir = Self.maildirPath(config, configPath: configPath)
        func resolve(_ path: String) -> String { Self.resolve(path, besideConfig: configPath) }
        let file = (configPath as NSString).lastPathComponent
        var settings = DispatchSettings()
        var smtp = config.smtp
        if let url = environment["KAMPAGNE_SMTP_URL"], !url.isEmpty {
            if smtp == nil { smtp = KampagneConfig.SMTP(url: url) } else { smtp?.url = url }
        }
        if let smtp {
            let lower = smtp.url.lowercased()
            guard lower.hasPrefix("smtp://") || lower.hasPrefix("smtps://") else {
                throw .config("\(file): [smtp] url skal begynde med smtp:// eller smtps:// (fik '\(smtp.url)')")
            }
            guard let startTLS = StartTLS(rawValue: smtp.starttls ?? "required") else {
                throw .config("\(file): [smtp] starttls skal være required, opportunistic eller off")
            }
            let credentials = try Credentials(section: "smtp", passwordEnv: smtp.passwordEnv, passwordFile: smtp.passwordFile,
                                              tokenFile: smtp.oauth2TokenFile, environment: environment, resolve: resolve)
            if smtp.username != nil && credentials.isEmpty {
                throw .config("\(file): [smtp] username kræver password_env, password_file eller oauth2_token_file")
            }
            transport = SMTPTransport(url: smtp.url, startTLS: startTLS, username: smtp.username, password: credentials.password,
                                      oauth2Token: credentials.token, caFile: smtp.caFile.map(resolve))
            if let connections = smtp.connections {
                guard (1...32).contains(connections) else { throw .config("\(file): [smtp] connections skal være 1–32") }
                settings.connections = connections
            }
            if let rate = smtp.rate { settings.rate = try Rate.parse(rate, setting: "[smtp] rate") }
            if let cap = smtp.dailyLimit {
                let parsed = try Rate.parse(cap, setting: "[smtp] daily_limit")
                settings.dailyLimit = Int(Double(parsed.count) * 86_400 / parsed.seconds)
            }
        } else {
            transport = MaildirTransport(path: maildir)
            settings.connections = 1
        }
        if let retry = config.delivery?.retry {
            settings.retryDelays = try retry.split(separator: ",").map { (part: Substring) throws(KampagneError) -> TimeInterval in
                try Duration.parse(String(part), setting: "[delivery] retry")
            }
        }
        if let giveUp = config.delivery?.giveUpAfter {
            settings.giveUpAfter = try Duration.parse(giveUp, setting: "[delivery] give_up_after")
        }
        self.settings = settings
        sender = try Self.sender(config: config, file: file)
        baseURL = (config.web?.baseURL ?? "http://localhost:8080").trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        templatesPath = Self.templatesPath(config: config, configPath: configPath)
        bounceAddresses = try BounceAddresses(config: config, file: file)
        if config.bounces?.url != nil { bounceSource = BounceSchedule.Source(config: config, configPath: configPath) }
    }

    /// Who messages and press releases are from: `[sender]`.
    public static func sender(config: KampagneConfig, file: String) throws(KampagneError) -> SenderIdentity {
        let address = config.senderAddress
        guard (try? EmailAddress(parsing: address)) != nil else {
            throw .config("\(file): [sender] address '\(address)' er ikke en e-mailadresse")
        }
        return SenderIdentity(name: config.sender?.name ?? "Partnerskabets sekretariat", address: address,
                              replyTo: config.sender?.replyTo, postalAddress: config.sender?.postalAddress ?? "")
    }

    /// The folder the Maildir transport writes to (`[maildir] path`, beside the config file):
    /// also where erasure looks for the copies it wrote.
    public static func maildirPath(_ config: KampagneConfig, configPath: String) -> String {
        let path = config.maildir?.path ?? "maildir"
        let folder = (configPath as NSString).deletingLastPathComponent
        return path.hasPrefix("/") || folder.isEmpty ? path : (folder as NSString).appendingPathComponent(path)
    }

    /// A path from the config file: absolute, or beside the config file when something is there.
    static func resolve(_ path: String, besideConfig configPath: String) -> String {
        if path.hasPrefix("/") { return path }
        let folder = (configPath as NSString).deletingLastPathComponent
        let beside = folder.isEmpty ? path : (folder as NSString).appendingPathComponent(path)
        if FileManager.default.fileExists(atPath: beside) || folder.isEmpty { return beside }
        return path
    }

    /// The templates folder `[templates] path` names, for commands that render without sending.
    public static func templatesPath(config: KampagneConfig, configPath: String) -> String {
        templates(resolve(config.templates?.path ?? "Templates", besideConfig: configPath), configured: config.templates?.path)
    }
}
