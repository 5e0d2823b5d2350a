import Foundation

/// The per-message addresses outgoing mail carries: the return path (VERP) and the
/// unsubscribe address in `List-Unsubscribe`'s mailto. Both optional.
public struct BounceAddresses: Sendable, Equatable {
    public var returnPath: AddressPattern?
    public var unsubscribe: AddressPattern?

    public init(returnPath: AddressPattern? = nil, unsubscribe: AddressPattern? = nil) {
        self.returnPath = returnPath
        self.unsubscribe = unsubscribe
    }

    /// `[bounces] return_path` and `unsubscribe_address`, checked.
    public init(config: KampagneConfig, file: String) throws(KampagneError) {
        func pattern(_ value: String?, key: String) throws(KampagneError) -> AddressPattern? {
            guard let value else { return nil }
            guard let pattern = AddressPattern(value) else {
                throw .config("\(file): [bounces] \(key) skal være en adresse med {token} før @, fx \"bounce+{token}@partnerskab.example\" (fik '\(value)')")
            }
            return pattern
        }
        returnPath = try pattern(config.bounces?.returnPath, key: "return_path")
        unsubscribe = try pattern(config.bounces?.unsubscribeAddress, key: "unsubscribe_address")
    }
}

/// `[bounces]` resolved: the mailbox to read, where processed mail goes, and the soft-bounce rule.
public struct BounceSettings: Sendable, Equatable {
    public var account: IMAPMailbox.Account
    /// Processed mail is moved here; without it, it is flagged `\Seen` and `$KampagneDone`.
    public var processedFolder: String?
    public var addresses: BounceAddresses
    /// Soft bounces within `softWindow` that suppress an address.
    public var softLimit: Int
    public var softWindow: TimeInterval

    public init(account: IMAPMailbox.Account, processedFolder: String? = nil, addresses: BounceAddresses = BounceAddresses(),
                softLimit: Int = 3, softWindowDays: Int = 30) {
        self.account = account
        self.processedFolder = processedFolder
        self.addresses = addresses
        self.softLimit = softLimit
        self.softWindow = TimeInterval(softWindowDays) * 86_400
    }

    /// Nil when `[bounces]` names no mailbox.
    public init?(config: KampagneConfig, configPath: String,
                 environment: [String: String] = ProcessInfo.processInfo.environment) throws(KampagneError) {
        guard let bounces = config.bounces, let url = bounces.url else { return nil }
        let file = (configPath as NSString).lastPathComponent
        let lower = url.lowercased()
        guard lower.hasPrefix("imap://") || lower.hasPrefix("imaps://") else {
            throw .config("\(file): [bounces] url skal begynde med imaps:// eller imap:// (fik '\(url)')")
        }
        guard let startTLS = StartTLS(rawValue: bounces.starttls ?? "required") else {
            throw .config("\(file): [bounces] starttls skal være required, opportunistic eller off")
        }
        guard let username = bounces.username, !username.isEmpty else {
            throw .config("\(file): [bounces] mangler 'username'")
        }
        func resolve(_ path: String) -> String { DeliveryConfiguration.resolve(path, besideConfig: configPath) }
        let credentials = try Credentials(section: "bounces", passwordEnv: bounces.passwordEnv, passwordFile: bounces.passwordFile,
                                          tokenFile: bounces.oauth2TokenFile, environment: environment, resolve: resolve)
        guard !credentials.isEmpty else {
            throw .config("\(file): [bounces] kræver password_env, password_file eller oauth2_token_file")
        }
        let limit = bounces.softLimit ?? 3
        let window = bounces.softWindow ?? 30
        guard (1...100).contains(limit) else { throw .config("\(file): [bounces] soft_limit skal være 1–100") }
        guard (1...365).contains(window) else { throw .config("\(file): [bounces] soft_window skal være 1–365 dage") }
        if let folder = bounces.processedFolder, folder.isEmpty || folder.contains(where: { $0.isNewline || $0 == "\"" }) {
            throw .config("\(file): [bounces] processed_folder er ikke et gyldigt mappenavn")
        }
        self.init(account: IMAPMailbox.Account(url: url, startTLS: startTLS, username: username, password: credentials.password,
                                               oauth2Token: credentials.token, caFile: bounces.caFile.map(resolve)),
                  processedFolder: bounces.processedFolder, addresses: try BounceAddresses(config: config, file: file),
                  softLimit: limit, softWindowDays: window)
    }
}
