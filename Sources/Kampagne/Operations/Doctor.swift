import Foundation

/// One finding of `kampagne doctor`: what was checked, how it went, and in Danish what is
/// wrong and how to fix it.
public struct DoctorCheck: Codable, Sendable, Equatable {
    public enum Level: String, Codable, Sendable {
        case ok, warning, error
    }

    /// A stable name: "config", "database", "templates", "smtp.password_file", "smtp.login", …
    public var check: String
    public var level: Level
    public var message: String

    static func ok(_ check: String, _ message: String) -> DoctorCheck { DoctorCheck(check: check, level: .ok, message: message) }
    static func warning(_ check: String, _ message: String) -> DoctorCheck { DoctorCheck(check: check, level: .warning, message: message) }
    static func error(_ check: String, _ message: String) -> DoctorCheck { DoctorCheck(check: check, level: .error, message: message) }
}

/// Checks an installation the way its IT person would: the configuration, the paths and their
/// permissions, the public address, and a real login to the SMTP relay (no mail is sent).
public struct Doctor: Sendable {
    let workspace: Workspace
    let environment: [String: String]

    public init(workspace: Workspace, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.workspace = workspace
        self.environment = environment
    }

    /// Every check, in the order a person would fix them; stops early only when the
    /// configuration cannot be read at all.
    public func run() -> [DoctorCheck] {
        var checks: [DoctorCheck] = []
        let configPath = workspace.configPath
        if !FileManager.default.fileExists(atPath: configPath) {
            checks.append(.warning("config", "\(configPath) findes ikke; standardindstillinger bruges. Kør kampagne init for at lave en kommenteret fil"))
        }
        let config: KampagneConfig
        do {
            config = try KampagneConfig.load(path: configPath)
            if FileManager.default.fileExists(atPath: configPath) { checks.append(.ok("config", "\(configPath) kan læses")) }
        } catch {
            checks.append(.error("config", error.message))
            return checks
        }
        checks.append(database())
        checks.append(templates(config))
        checks += folders(config)
        checks.append(baseURL(config))
        checks += smtp(config)
        if let check = bounceMailbox(config) { checks.append(check) }
        return checks
    }

    /// A real login to the bounce mailbox ([bounces] url), nothing read or moved; nil without one.
    private func bounceMailbox(_ config: KampagneConfig) -> DoctorCheck? {
        do {
            guard let settings = try BounceSettings(config: config, configPath: workspace.configPath, environment: environment) else { return nil }
            return .ok("bounces.login", try BounceRun.checkLogin(settings))
        } catch {
            return .error("bounces.login", error.message)
        }
    }

    // MARK: - Files and folders

    private func database() -> DoctorCheck {
        let path = workspace.databasePath
        let folder = Self.folder(of: path)
        guard Self.isFolder(folder) else {
            return .error("database", "Mappen til databasen \(folder) findes ikke. Opret den (og giv tjenestens bruger skriveadgang), eller ret databasens sti (KAMPAGNE_DB)")
        }
        guard access(folder, W_OK) == 0 else {
            return .error("database", "Mappen \(folder) er skrivebeskyttet; SQLite skal kunne skrive -wal og -shm ved siden af databasen. Giv tjenestens bruger skriveadgang (fx chown kampagne \(folder))")
        }
        guard FileManager.default.fileExists(atPath: path) else {
            return .warning("database", "Databasen \(path) findes ikke endnu. Kør kampagne init")
        }
        guard access(path, R_OK | W_OK) == 0 else {
            return .error("database", "\(path) kan ikke læses og skrives af denne bruger. Ret ejer eller rettigheder (fx chown kampagne \(path); chmod 600 \(path))")
        }
        do {
            guard let schema = try SchemaVersion.ofFile(path) else { return .warning("database", "Databasen \(path) findes ikke endnu") }
            switch schema.status {
            case .newer:
                return .error("database", SchemaVersion.newerRefusal(path: path, unknown: schema.unknown).message)
            case .older:
                return .warning("database", "\(path) har skema \(schema.version ?? "-"); den opgraderes til \(SchemaVersion.knownVersion) næste gang den åbnes (en sikkerhedskopi tages først)")
            case .empty, .current:
                if let mode = Self.mode(path), mode & 0o077 != 0 {
                    return .warning("database", "\(path) kan læses af andre end ejeren (\(String(mode, radix: 8))); den rummer persondata og installationens nøgle. Kør chmod 600 \(path)")
                }
                return .ok("database", "\(path): skema \(schema.version ?? "-")")
            }
        } catch {
            return .error("database", error.message)
        }
    }

    private func templates(_ config: KampagneConfig) -> DoctorCheck {
        let path = DeliveryConfiguration.templatesPath(config: config, configPath: workspace.configPath)
        let needed = ["nyhedsbrev.html.mustache", "web/web-side.html.mustache"]
        let missing = needed.filter { !FileManager.default.fileExists(atPath: (path as NSString).appendingPathComponent($0)) }
        guard Self.isFolder(path) else {
            return .error("templates", "Skabelonmappen \(path) findes ikke. Ret [templates] path, eller kopiér Templates/ fra Kampagne dertil")
        }
        guard missing.isEmpty else {
            return .error("templates", "Skabelonmappen \(path) mangler \(missing.joined(separator: ", ")). Kopiér de manglende filer fra Kampagnes Templates/")
        }
        return .ok("templates", "Skabeloner i \(path)")
    }

    /// The backup folder, and the Maildir when there is no relay: they must exist and be
    /// writable, or be creatable.
    private func folders(_ config: KampagneConfig) -> [DoctorCheck] {
        var checks: [DoctorCheck] = []
        let backups = BackupFolder(config: config, configPath: workspace.configPath).path
        checks.append(writableFolder(backups, check: "backup.folder", setting: "[backup] folder"))
        if Self.isFolder(backups), let mode = Self.mode(backups), mode & 0o077 != 0 {
            checks.append(.warning("backup.folder", "\(backups) kan læses af andre (\(String(mode, radix: 8))); sikkerhedskopierne rummer installationens nøgle. Kør chmod 700 \(backups)"))
        }
        if config.smtp == nil && (environment["KAMPAGNE_SMTP_URL"] ?? "").isEmpty {
            let name = config.maildir?.path ?? "maildir"
            let folder = Self.folder(of: workspace.configPath)
            let path = name.hasPrefix("/") || folder == "." ? name : (folder as NSString).appendingPathComponent(name)
            checks.append(writableFolder(path, check: "maildir", setting: "[maildir] path"))
            checks.append(.warning("smtp", "Ingen [smtp]-tabel: mails lægges som filer i \(path) og sendes ikke. Tilføj [smtp] med relayets adresse for at sende"))
        }
        return checks
    }

    private func writableFolder(_ path: String, check: String, setting: String) -> DoctorCheck {
        if Self.isFolder(path) {
            return access(path, W_OK | X_OK) == 0 ? .ok(check, "\(path) kan skrives")
                : .error(check, "\(path) (\(setting)) er skrivebeskyttet for denne bruger. Giv tjenestens bruger skriveadgang")
        }
        let parent = Self.folder(of: path)
        guard Self.isFolder(parent), access(parent, W_OK | X_OK) == 0 else {
            return .error(check, "\(path) (\(setting)) findes ikke og kan ikke oprettes i \(parent). Opret mappen, eller ret \(setting)")
        }
        return .ok(check, "\(path) oprettes ved første brug")
    }

    // MARK: - The public address

    private func baseURL(_ config: KampagneConfig) -> DoctorCheck {
        guard let text = config.web?.baseURL else {
            return .warning("web.base_url", "[web] base_url er ikke sat; links i mails peger på http://localhost:8080. Sæt den offentlige adresse, fx https://kampagne.partnerskab.example")
        }
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
              let host = url.host, !host.isEmpty else {
            return .error("web.base_url", "[web] base_url '\(text)' er ikke en absolut adresse. Skriv den hele, fx https://kampagne.partnerskab.example")
        }
        let loopback = host == "localhost" || host.hasPrefix("127.") || host == "::1" || host == "[::1]"
        if scheme == "http" && !loopback {
            return .error("web.base_url", "[web] base_url '\(text)' er http: personlige links og login ville gå ukrypteret over nettet. Brug https:// bag en reverse proxy med TLS (se docs/operations.md)")
        }
        if scheme == "http" {
            return .warning("web.base_url", "[web] base_url '\(text)' peger på denne maskine; modtagere udefra kan ikke bruge linkene. Sæt den offentlige https-adresse i drift")
        }
        return .ok("web.base_url", "Offentlig adresse \(text)")
    }

    // MARK: - The relay

    private func smtp(_ config: KampagneConfig) -> [DoctorCheck] {
        guard let smtp = config.smtp ?? (environment["KAMPAGNE_SMTP_URL"].map { KampagneConfig.SMTP(url: $0) }) else { return [] }
        var checks: [DoctorCheck] = []
        var usable = true
        if let name = smtp.passwordEnv, (environment[name] ?? "").isEmpty {
            checks.append(.error("smtp.password_env", "Miljøvariablen \(name) ([smtp] password_env) er ikke sat. Sæt den i tjenestens miljø (fx EnvironmentFile= i systemd-enheden)"))
            usable = false
        }
        for (key, path) in [("smtp.password_file", smtp.passwordFile), ("smtp.oauth2_token_file", smtp.oauth2TokenFile)] {
            guard let path else { continue }
            let check = secretFile(DeliveryConfiguration.resolve(path, besideConfig: workspace.configPath), check: key)
            if check.level == .error { usable = false }
            checks.append(check)
        }
        guard usable else {
            checks.append(.error("smtp.login", "Login på relayet er ikke prøvet: ret fejlene ovenfor først"))
            return checks
        }
        let delivery: DeliveryConfiguration
        do {
            delivery = try DeliveryConfiguration(config: config, configPath: workspace.configPath, environment: environment)
        } catch {
            checks.append(.error("smtp.login", error.message))
            return checks
        }
        guard let transport = delivery.transport as? SMTPTransport else { return checks }
        do {
            let outcome = try transport.verifyLogin()
            if transport.username != nil && !outcome.authenticated {
                checks.append(.warning("smtp.login", "\(transport.url) svarer, men tilbød ikke AUTH, så brugernavn og adgangskode blev ikke prøvet\(outcome.offeredAuth ? "" : " (intet AUTH i EHLO-svaret; kræver relayet TLS først?)")"))
            } else if transport.username != nil {
                checks.append(.ok("smtp.login", "Login på \(transport.url) som '\(transport.username ?? "")' lykkedes (ingen mail sendt)"))
            } else {
                checks.append(.ok("smtp.login", "\(transport.url) svarer (uden login; ingen mail sendt)"))
            }
        } catch {
            checks.append(.error("smtp.login", error.message))
        }
        return checks
    }

    /// A password or token file: it must be readable, and should be readable by its owner only.
    private func secretFile(_ path: String, check: String) -> DoctorCheck {
        let setting = "[smtp] " + check.replacingOccurrences(of: "smtp.", with: "")
        guard FileManager.default.fileExists(atPath: path) else {
            return .error(check, "\(path) (\(setting)) findes ikke. Opret filen med kun hemmeligheden i, og chmod 600")
        }
        let fd = open(path, O_RDONLY)
        var byte: UInt8 = 0
        let readable = fd >= 0 && read(fd, &byte, 1) >= 0
        let reason = String(cString: strerror(errno))
        if fd >= 0 { close(fd) }
        guard readable else {
            return .error(check, "\(path) (\(setting)) kan ikke læses af denne bruger (\(reason)). Giv tjenestens bruger læseadgang: chown kampagne \(path); chmod 600 \(path)")
        }
        if let mode = Self.mode(path), mode & 0o077 != 0 {
            return .warning(check, "\(path) (\(setting)) kan læses af gruppe eller andre (\(String(mode, radix: 8))). Kør chmod 600 \(path)")
        }
        return .ok(check, "\(path) kan læses, kun af ejeren")
    }

    // MARK: -

    private static func folder(of path: String) -> String {
        let folder = (path as NSString).deletingLastPathComponent
        return folder.isEmpty ? "." : folder
    }

    private static func isFolder(_ path: String) -> Bool {
        var isFolder: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) && isFolder.boolValue
    }

    private static func mode(_ path: String) -> Int? {
        (try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue
    }
}
