import CCurl
import Foundation

/// How hard to insist on TLS for `smtp://` URLs.
public enum StartTLS: String, Sendable, Codable {
    case required, opportunistic, off
}

/// An SMTP relay reached through libcurl: `smtp://` with STARTTLS, or `smtps://` with implicit
/// TLS; AUTH PLAIN/LOGIN with a password, or XOAUTH2 with a bearer token.
public struct SMTPTransport: MailTransport {
    public var url: String
    public var startTLS: StartTLS
    public var username: String?
    public var password: String?
    public var oauth2Token: String?
    /// A CA bundle to trust (e.g. a test server's self-signed certificate).
    public var caFile: String?
    public var connectTimeout: Int = 15
    public var timeout: Int = 120

    public init(url: String, startTLS: StartTLS = .required, username: String? = nil, password: String? = nil,
                oauth2Token: String? = nil, caFile: String? = nil) {
        self.url = url
        self.startTLS = startTLS
        self.username = username
        self.password = password
        self.oauth2Token = oauth2Token
        self.caFile = caFile
    }

    public var description: String { "SMTP \(url)" }

    /// libcurl's global state, set up once before any thread uses it.
    static let globalInit: Bool = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK

    /// One libcurl multi handle driving an easy handle per connection from the calling thread.
    /// (A thread per easy handle reached about half the rate: see bench/RESULTS.md.)
    public func open(connections: Int) throws(KampagneError) -> any MailSession {
        guard Self.globalInit, let multi = curl_multi_init() else {
            throw .io("libcurl kunne ikke startes")
        }
        var handles: [UnsafeMutableRawPointer] = []
        for _ in 0..<max(connections, 1) {
            guard let handle = curl_easy_init() else {
                handles.forEach { curl_easy_cleanup($0) }
                curl_multi_cleanup(multi)
                throw .io("libcurl kunne ikke startes")
            }
            handles.append(handle)
        }
        return SMTPSession(multi: multi, handles: handles, transport: self)
    }

    /// Whether a login is configured: then a server that offers none is refused.
    var logsIn: Bool { username != nil || oauth2Token != nil }

    /// Sets the options every message on `handle` shares: server, TLS, login, callbacks.
    func configure(_ handle: UnsafeMutableRawPointer, transcript: Transcript) {
        transcript.expectsLogin = logsIn
        transcript.upgradesWithSTARTTLS = url.lowercased().hasPrefix("smtp://") && startTLS != .off
        kc_setopt_string(handle, CURLOPT_URL, url)
        kc_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        kc_setopt_long(handle, CURLOPT_UPLOAD, 1)
        kc_setopt_long(handle, CURLOPT_CONNECTTIMEOUT, connectTimeout)
        kc_setopt_long(handle, CURLOPT_TIMEOUT, timeout)
        // libcurl's smallest upload buffer (16 KB; 64 KB by default) holds a whole newsletter.
        // With the default, the buffers libcurl allocates and frees per SMTP upload are large
        // enough that malloc hands memory back to the kernel and takes it again for every
        // message (measured: ~6,000 brk calls per 10,000 messages; none with 16 KB).
        kc_setopt_long(handle, CURLOPT_UPLOAD_BUFFERSIZE, 16_384)
        if url.lowercased().hasPrefix("smtp://") { kc_setopt_long(handle, CURLOPT_USE_SSL, startTLS.curlLevel) }
        if let caFile { kc_setopt_string(handle, CURLOPT_CAINFO, caFile) }
        if let username { kc_setopt_string(handle, CURLOPT_USERNAME, username) }
        if let password { kc_setopt_string(handle, CURLOPT_PASSWORD, password) }
        if let oauth2Token {
            kc_setopt_string(handle, CURLOPT_XOAUTH2_BEARER, oauth2Token)
            kc_setopt_string(handle, CURLOPT_LOGIN_OPTIONS, "AUTH=XOAUTH2")
        }
        kc_setopt_read_function(handle, smtpReadCallback)
        // libcurl hands every SMTP response line to the header callback.
        kc_setopt_header_function(handle, smtpHeaderCallback)
        kc_setopt_pointer(handle, CURLOPT_HEADERDATA, Unmanaged.passUnretained(transcript).toOpaque())
    }
}

/// Up to N SMTP transfers at once on one thread: libcurl's multi interface with one easy
/// handle per connection. libcurl keeps the connections open in the multi handle's cache
/// between messages and gives each new transfer an idle one, so at most N connections exist
/// and none carries two messages at once.
final class SMTPSession: MailSession {
    /// One connection's easy handle and what its current transfer needs to stay alive.
    private final class Slot {
        let handle: UnsafeMutableRawPointer
        let transcript = Transcript()
        var source: ReadSource?
        var recipients: UnsafeMutablePointer<curl_slist>?

        init(handle: UnsafeMutableRawPointer) { self.handle = handle }

        /// Frees what the finished transfer held.
        func reset() {
            source = nil
            curl_slist_free_all(recipients)
            recipients = nil
        }
    }

    private let multi: UnsafeMutableRawPointer
    private let slots: [Slot]
    private let slotByHandle: [UnsafeMutableRawPointer: Int]
    /// Transfers libcurl refused to start: reported by the next `wait`.
    private var refused: [FinishedTransfer] = []
    private var connectionLimit: Int
    /// Connections libcurl actually opened for the transfers so far (CURLINFO_NUM_CONNECTS).
    private(set) var connectionsOpened = 0

    init(multi: UnsafeMutableRawPointer, handles: [UnsafeMutableRawPointer], transport: SMTPTransport) {
        self.multi = multi
        slots = handles.map(Slot.init)
        slotByHandle = Dictionary(uniqueKeysWithValues: handles.enumerated().map { ($1, $0) })
        connectionLimit = handles.count
        for slot in slots { transport.configure(slot.handle, transcript: slot.transcript) }
        kc_multi_setopt_long(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, connectionLimit)
        kc_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, connectionLimit)
    }

    func start(_ message: Data, from: String, to: String, on index: Int) {
        let slot = slots[index]
        slot.transcript.reset()
        let source = ReadSource(data: message)
        slot.source = source
        kc_setopt_pointer(slot.handle, CURLOPT_READDATA, Unmanaged.passUnretained(source).toOpaque())
        kc_setopt_string(slot.handle, CURLOPT_MAIL_FROM, "<\(from)>")
        curl_slist_free_all(slot.recipients)
        slot.recipients = curl_slist_append(nil, "<\(to)>")
        kc_setopt_pointer(slot.handle, CURLOPT_MAIL_RCPT, UnsafeMutableRawPointer(slot.recipients))
        let added = curl_multi_add_handle(multi, slot.handle)
        if added != CURLM_OK {
            slot.reset()
            let reason = String(cString: curl_multi_strerror(added))
            refused.append(FinishedTransfer(slot: index, outcome: .unreachable(reason: reason)))
        }
    }

    func wait(timeout: TimeInterval, doorbell: Int32) -> [FinishedTransfer] {
        var running: Int32 = 0
        curl_multi_perform(multi, &running)
        var finished = collect()
        if finished.isEmpty && refused.isEmpty && timeout > 0 {
            kc_multi_poll(multi, doorbell, Int32(min(timeout, 60) * 1_000))
            curl_multi_perform(multi, &running)
            finished = collect()
        }
        if !refused.isEmpty {
            finished += refused
            refused.removeAll()
        }
        return finished
    }

    /// The transfers libcurl has finished since the last call, with the server's verdict.
    private func collect() -> [FinishedTransfer] {
        var finished: [FinishedTransfer] = []
        var easy: UnsafeMutableRawPointer?
        var result = CURLE_OK
        while kc_multi_next_done(multi, &easy, &result) == 1 {
            guard let handle = easy, let index = slotByHandle[handle] else { continue }
            curl_multi_remove_handle(multi, handle)
            let slot = slots[index]
            var code = 0
            kc_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &code)
            var opened = 0
            kc_getinfo_long(handle, CURLINFO_NUM_CONNECTS, &opened)
            connectionsOpened += opened
            finished.append(FinishedTransfer(slot: index, outcome: Self.outcome(result, code: code, transcript: slot.transcript)))
            slot.reset()
        }
        return finished
    }

    /// libcurl's result code and the server's last reply as a delivery outcome.
    static func outcome(_ result: CURLcode, code: Int, transcript: Transcript) -> DeliveryOutcome {
        let reply = transcript.lastReply ?? ""
        if result == CURLE_OK {
            return .accepted(reply: reply.isEmpty ? "250" : reply)
        }
        let curlMessage = String(cString: curl_easy_strerror(result))
        if transcript.loginMissing {
            return .unreachable(reason: SMTPFailure.loginNotOffered.message(detail: "serveren nævner ikke AUTH i sit EHLO-svar"))
        }
        // Failures of the connection itself (login, TLS, no route) say nothing about the
        // recipient: the run stops and the row stays due.
        // A refusal with a reply code (libcurl says "send error" after a refused RCPT) is the
        // server's verdict on the recipient, unless the connection itself failed before it.
        let failure = SMTPFailure(result, transcript: transcript)
        if let failure, failure.isConnectionLevel || !(400...599).contains(code) {
            return .unreachable(reason: failure.message(detail: reply.isEmpty ? curlMessage : "\(curlMessage); serveren: \(reply)"))
        }
        switch code {
        case 500...599: return .permanent(code: code, reply: reply.isEmpty ? "\(code) \(curlMessage)" : reply)
        case 400...499: return .temporary(code: code, reply: reply.isEmpty ? "\(code) \(curlMessage)" : reply)
        default:
            return .unreachable(reason: SMTPFailure.other.message(detail: reply.isEmpty ? curlMessage : "\(curlMessage); serveren: \(reply)"))
        }
    }

    /// Lowers the connection limit by one; libcurl closes the surplus connection as soon as
    /// one goes back to its cache.
    func closeOne() {
        guard connectionLimit > 1 else { return }
        connectionLimit -= 1
        kc_multi_setopt_long(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, connectionLimit)
        kc_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, connectionLimit)
    }

    /// Ends every transfer and connection (libcurl says QUIT on the open ones).
    func close() {
        for slot in slots {
            curl_multi_remove_handle(multi, slot.handle)
            slot.reset()
        }
        curl_multi_cleanup(multi)
        for slot in slots { curl_easy_cleanup(slot.handle) }
    }
}

/// The message bytes libcurl reads as the DATA of a transfer.
final class ReadSource {
    let data: Data
    var offset = 0
    init(data: Data) { self.data = data }
}

/// The server's replies during one transfer; the last complete one is what gets recorded.
final class Transcript {
    /// Bytes of a reply line that has not ended yet (libcurl normally hands over whole lines).
    private var pending: [UInt8] = []
    private var last: String?
    private var firstRefusal: String?

    /// The reply that decided the transfer: the first refusal (4xx/5xx), else the last reply.
    var lastReply: String? { firstRefusal ?? last }

    /// A login is configured (set once per connection handle).
    var expectsLogin = false
    /// Between a greeting (220) and the end of the EHLO reply that follows it.
    private var inGreeting = false
    private var offersLogin = false
    /// The server's EHLO reply offered no AUTH although a login is configured: the transfer
    /// was stopped before MAIL FROM.
    private(set) var loginMissing = false
    /// The last reply was a login challenge (334): a time-out now means the login failed.
    private(set) var inLogin = false

    func reset() {
        pending.removeAll(keepingCapacity: true)
        last = nil
        firstRefusal = nil
        loginMissing = false
        inLogin = false
    }

    /// Reads reply lines from raw bytes: a String is made only for a final line ("NNN text"),
    /// not for continuation lines ("NNN-text") or per character. This runs for every reply of
    /// every message.
    /// Returns false when the transfer must stop (a login is configured, the server offers none).
    @discardableResult
    func received(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var start = 0
        for index in 0..<bytes.count where bytes[index] == 10 {
            if pending.isEmpty {
                line(UnsafeRawBufferPointer(rebasing: bytes[start..<index]))
            } else {
                pending.append(contentsOf: bytes[start..<index])
                pending.withUnsafeBytes { line($0) }
                pending.removeAll(keepingCapacity: true)
            }
            start = index + 1
        }
        if start < bytes.count { pending.append(contentsOf: bytes[start...]) }
        return !loginMissing
    }

    private func line(_ raw: UnsafeRawBufferPointer) {
        var end = raw.count
        while end > 0, raw[end - 1] == 13 || raw[end - 1] == 32 || raw[end - 1] == 9 { end -= 1 }
        func isDigit(_ byte: UInt8) -> Bool { byte >= 48 && byte <= 57 }
        guard end >= 3, isDigit(raw[0]), isDigit(raw[1]), isDigit(raw[2]) else { return }
        if expectsLogin { watchLogin(raw, end: end) }
        guard end == 3 || raw[3] == 32 else { return }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: raw[0..<end]), as: UTF8.self)
        last = text
        if firstRefusal == nil, raw[0] == 52 || raw[0] == 53 { firstRefusal = text }
    }

    /// Follows the greeting and EHLO reply of each new connection for an AUTH offer; when
    /// libcurl is going to upgrade with STARTTLS, the EHLO after the upgrade is the one that
    /// counts. Only reply lines are looked at, and only their first word.
    private func watchLogin(_ raw: UnsafeRawBufferPointer, end: Int) {
        let final = end == 3 || raw[3] == 32
        let code = (Int(raw[0]) - 48) * 100 + (Int(raw[1]) - 48) * 10 + Int(raw[2]) - 48
        inLogin = code == 334
        if code == 220 {
            // A greeting, or the go-ahead for STARTTLS when one was asked for.
            inGreeting = true
            offersLogin = false
            offersSTARTTLS = false
            return
        }
        guard inGreeting, code == 250 else { return }
        if end >= 12 {
            let word = String(decoding: UnsafeRawBufferPointer(rebasing: raw[4..<min(end, 12)]), as: UTF8.self).uppercased()
            if word.hasPrefix("AUTH") { offersLogin = true }
            if word == "STARTTLS" { offersSTARTTLS = true }
        } else if end >= 8, String(decoding: UnsafeRawBufferPointer(rebasing: raw[4..<8]), as: UTF8.self).uppercased() == "AUTH" {
            offersLogin = true
        }
        guard final else { return }
        inGreeting = false
        if offersLogin { return }
        // libcurl upgrades first when it is told to and the server offers it; the server's
        // second EHLO reply (after its 220) decides.
        if upgradesWithSTARTTLS && offersSTARTTLS { return }
        loginMissing = true
    }

    /// libcurl will send STARTTLS when the server offers it (`smtp://` with starttls not off).
    var upgradesWithSTARTTLS = false
    private var offersSTARTTLS = false
}

private let smtpReadCallback: kc_read_callback = { buffer, size, count, userdata in
    guard let buffer, let userdata else { return 0 }
    let source = Unmanaged<ReadSource>.fromOpaque(userdata).takeUnretainedValue()
    let room = size * count
    let remaining = source.data.count - source.offset
    let length = min(room, remaining)
    guard length > 0 else { return 0 }
    source.data.withUnsafeBytes { bytes in
        guard let base = bytes.baseAddress else { return }
        memcpy(buffer, base + source.offset, length)
    }
    source.offset += length
    return length
}

private let smtpHeaderCallback: kc_header_callback = { buffer, size, count, userdata in
    let length = size * count
    guard let buffer, let userdata else { return length }
    let transcript = Unmanaged<Transcript>.fromOpaque(userdata).takeUnretainedValue()
    // A length other than the one given aborts the transfer (before MAIL FROM).
    return transcript.received(UnsafeRawBufferPointer(start: buffer, count: length)) ? length : 0
}
