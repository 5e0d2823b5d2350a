import CCurl
import Foundation

/// The bounce mailbox, spoken to over IMAP through libcurl: `imaps://host/INBOX`, or `imap://`
/// with STARTTLS (required unless configured otherwise). One easy handle, so libcurl keeps one
/// connection open for the whole run. Not shared between threads.
public final class IMAPMailbox {
    /// Where and how to log in.
    public struct Account: Sendable, Equatable {
        /// `imaps://host[:port]/FOLDER` or `imap://host[:port]/FOLDER`.
        public var url: String
        public var startTLS: StartTLS
        public var username: String
        public var password: String?
        public var oauth2Token: String?
        public var caFile: String?

        public init(url: String, startTLS: StartTLS = .required, username: String, password: String? = nil,
                    oauth2Token: String? = nil, caFile: String? = nil) {
            self.url = url
            self.startTLS = startTLS
            self.username = username
            self.password = password
            self.oauth2Token = oauth2Token
            self.caFile = caFile
        }

        /// `imap://host:port` without the folder.
        var server: String {
            guard let scheme = url.range(of: "://") else { return url }
            let rest = url[scheme.upperBound...]
            let host = rest.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).first ?? rest
            return String(url[..<scheme.upperBound]) + host
        }

        /// The folder the URL names ("INBOX" when it names none).
        var folder: String {
            guard let scheme = url.range(of: "://") else { return "INBOX" }
            let parts = url[scheme.upperBound...].split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
            let name = parts.count > 1 ? String(parts[1]).trimmingCharacters(in: CharacterSet(charactersIn: "/")) : ""
            return name.isEmpty ? "INBOX" : (name.removingPercentEncoding ?? name)
        }
    }

    /// A message fetched by UID: at most `limit` bytes of it.
    public struct Fetched: Sendable {
        public var uid: Int64
        public var data: Data
    }

    public let account: Account
    /// Bytes fetched per message at most (`BODY[]<0.N>`): a DSN's status part sits near the
    /// top, and a 10 MB message costs no more than this.
    public var fetchLimit = 256 * 1024
    private let handle: UnsafeMutableRawPointer
    private let sink = ResponseSink()
    private var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)

    public init(account: Account) throws(KampagneError) {
        guard SMTPTransport.globalInit, let handle = curl_easy_init() else {
            throw .io("libcurl kunne ikke startes")
        }
        self.account = account
        self.handle = handle
    }

    deinit { curl_easy_cleanup(handle) }

    /// The mailbox's UIDVALIDITY: UIDs are only stable while it stays the same. Logging in and
    /// finding the folder is the login check.
    public func uidValidity() throws(KampagneError) -> Int64 {
        let folder = account.folder
        let text = try command("STATUS \(Self.quoted(folder)) (UIDVALIDITY)", url: account.server + "/")
        guard let range = text.range(of: "UIDVALIDITY "),
              let value = Int64(text[range.upperBound...].prefix { $0.isNumber }) else {
            throw .io("IMAP-serveren svarede ikke med UIDVALIDITY for mappen \(folder)")
        }
        return value
    }

    /// UIDs in the folder that match an IMAP search (e.g. `UNSEEN`, `NOT KEYWORD $X`).
    public func search(_ criteria: String) throws(KampagneError) -> [Int64] {
        let text = try command("UID SEARCH \(criteria)", url: folderURL)
        var uids: [Int64] = []
        for line in text.split(whereSeparator: \.isNewline) where line.hasPrefix("* SEARCH") {
            uids += line.dropFirst("* SEARCH".count).split(separator: " ").compactMap { Int64($0) }
        }
        return uids.sorted()
    }

    /// The first `fetchLimit` bytes of message `uid`, checked against `uidValidity` so a
    /// renumbered mailbox fails instead of fetching the wrong message. (libcurl fetches with
    /// `BODY[]`, which sets `\Seen`: callers that must leave a message unread unset it.)
    public func fetch(uid: Int64, uidValidity: Int64) throws(KampagneError) -> Fetched {
        let url = "\(folderURL);UIDVALIDITY=\(uidValidity)/;UID=\(uid)/;PARTIAL=0.\(fetchLimit)"
        let data = try perform(url: url, request: nil)
        return Fetched(uid: uid, data: data)
    }

    /// Sets (`+`) or clears (`-`) flags and keywords on `uid`.
    public func store(uid: Int64, _ sign: Character, flags: [String]) throws(KampagneError) {
        _ = try command("UID STORE \(uid) \(sign)FLAGS (\(flags.joined(separator: " ")))", url: folderURL)
    }

    /// Moves `uid` to `folder` (RFC 6851 MOVE).
    public func move(uid: Int64, to folder: String) throws(KampagneError) {
        _ = try command("UID MOVE \(uid) \(Self.quoted(folder))", url: folderURL)
    }

    /// Creates `folder` unless it exists.
    public func ensureFolder(_ folder: String) throws(KampagneError) {
        let listing = try command("LIST \"\" \(Self.quoted(folder))", url: account.server + "/")
        if listing.contains("* LIST") { return }
        _ = try command("CREATE \(Self.quoted(folder))", url: account.server + "/")
    }

    private var folderURL: String {
        let encoded = account.folder.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? account.folder
        return account.server + "/" + encoded
    }

    /// An IMAP quoted string.
    static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    private func command(_ request: String, url: String) throws(KampagneError) -> String {
        let data = try perform(url: url, request: request)
        return String(decoding: data, as: UTF8.self)
    }

    /// One libcurl transfer on the shared connection; its body is what the server sent back.
    private func perform(url: String, request: String?) throws(KampagneError) -> Data {
        sink.reset(limit: fetchLimit + 64 * 1024)
        curl_easy_reset(handle)
        kc_setopt_string(handle, CURLOPT_URL, url)
        kc_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        kc_setopt_long(handle, CURLOPT_CONNECTTIMEOUT, 15)
        kc_setopt_long(handle, CURLOPT_TIMEOUT, 120)
        kc_setopt_long(handle, CURLOPT_LOW_SPEED_LIMIT, 1)
        kc_setopt_long(handle, CURLOPT_LOW_SPEED_TIME, 60)
        if account.url.lowercased().hasPrefix("imap://") { kc_setopt_long(handle, CURLOPT_USE_SSL, account.startTLS.curlLevel) }
        if let caFile = account.caFile { kc_setopt_string(handle, CURLOPT_CAINFO, caFile) }
        kc_setopt_string(handle, CURLOPT_USERNAME, account.username)
        if let password = account.password { kc_setopt_string(handle, CURLOPT_PASSWORD, password) }
        if let token = account.oauth2Token {
            kc_setopt_string(handle, CURLOPT_XOAUTH2_BEARER, token)
            kc_setopt_string(handle, CURLOPT_LOGIN_OPTIONS, "AUTH=XOAUTH2")
        }
        if let request { kc_setopt_string(handle, CURLOPT_CUSTOMREQUEST, request) }
        kc_setopt_write_function(handle, imapWriteCallback)
        kc_setopt_pointer(handle, CURLOPT_WRITEDATA, Unmanaged.passUnretained(sink).toOpaque())
        let result = errorBuffer.withUnsafeMutableBufferPointer { buffer -> CURLcode in
            buffer[0] = 0
            kc_setopt_pointer(handle, CURLOPT_ERRORBUFFER, buffer.baseAddress)
            let result = curl_easy_perform(handle)
            kc_setopt_pointer(handle, CURLOPT_ERRORBUFFER, nil)
            return result
        }
        guard result == CURLE_OK else {
            let detail = String(decoding: errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw Self.error(result, detail: detail, overflow: sink.overflowed)
        }
        return sink.data
    }

    /// A Danish message for a failed transfer.
    static func error(_ result: CURLcode, detail: String, overflow: Bool) -> KampagneError {
        let reason = detail.isEmpty ? String(cString: curl_easy_strerror(result)) : detail
        switch result {
        case CURLE_LOGIN_DENIED:
            return .io("Postkassen afviste login (tjek brugernavn og adgangskode i [bounces]): \(reason)")
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_OPERATION_TIMEDOUT:
            return .io("Kan ikke nå IMAP-serveren: \(reason)")
        case CURLE_USE_SSL_FAILED, CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE:
            return .io("TLS til IMAP-serveren mislykkedes (STARTTLS kræves; se [bounces] starttls og ca_file): \(reason)")
        case CURLE_WRITE_ERROR where overflow:
            return .io("IMAP-serveren sendte mere end ventet; kørslen er stoppet")
        case CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE, CURLE_WEIRD_SERVER_REPLY:
            return .io("Forbindelsen til IMAP-serveren blev afbrudt undervejs; intet er gået tabt, kør igen senere (\(reason))")
        case CURLE_QUOTE_ERROR, CURLE_REMOTE_FILE_NOT_FOUND:
            return .io("IMAP-serveren afviste kommandoen: \(reason)")
        default:
            return .io("IMAP-fejl: \(reason)")
        }
    }
}

/// The bytes of one transfer's response, capped so a hostile server cannot fill memory.
final class ResponseSink {
    private(set) var data = Data()
    private(set) var overflowed = false
    private var limit = 0

    func reset(limit: Int) {
        data.removeAll(keepingCapacity: true)
        overflowed = false
        self.limit = limit
    }

    /// False when the response would pass the cap: libcurl then stops the transfer.
    func append(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard data.count + bytes.count <= limit else {
            overflowed = true
            return false
        }
        data.append(contentsOf: bytes)
        return true
    }
}

private let imapWriteCallback: kc_write_callback = { buffer, size, count, userdata in
    let length = size * count
    guard let buffer, let userdata else { return length }
    let sink = Unmanaged<ResponseSink>.fromOpaque(userdata).takeUnretainedValue()
    return sink.append(UnsafeRawBufferPointer(start: buffer, count: length)) ? length : 0
}

extension StartTLS {
    /// The `CURLOPT_USE_SSL` level for a plain-text URL (smtp://, imap://).
    var curlLevel: Int {
        switch self {
        case .required: return Int(CURLUSESSL_ALL.rawValue)
        case .opportunistic: return Int(CURLUSESSL_TRY.rawValue)
        case .off: return Int(CURLUSESSL_NONE.rawValue)
        }
    }
}
