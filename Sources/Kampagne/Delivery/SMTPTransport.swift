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

    public func connect() throws(KampagneError) -> any MailConnection {
        guard Self.globalInit, let handle = curl_easy_init() else {
            throw .io("libcurl kunne ikke startes")
        }
        return SMTPConnection(handle: handle, transport: self)
    }
}

/// One libcurl easy handle: libcurl keeps its SMTP connection open between messages.
final class SMTPConnection: MailConnection {
    private let handle: UnsafeMutableRawPointer
    private let transport: SMTPTransport
    private let transcript = Transcript()

    init(handle: UnsafeMutableRawPointer, transport: SMTPTransport) {
        self.handle = handle
        self.transport = transport
        kc_setopt_string(handle, CURLOPT_URL, transport.url)
        kc_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        kc_setopt_long(handle, CURLOPT_UPLOAD, 1)
        kc_setopt_long(handle, CURLOPT_CONNECTTIMEOUT, transport.connectTimeout)
        kc_setopt_long(handle, CURLOPT_TIMEOUT, transport.timeout)
        if transport.url.lowercased().hasPrefix("smtp://") {
            let level: curl_usessl
            switch transport.startTLS {
            case .required: level = CURLUSESSL_ALL
            case .opportunistic: level = CURLUSESSL_TRY
            case .off: level = CURLUSESSL_NONE
            }
            kc_setopt_long(handle, CURLOPT_USE_SSL, Int(level.rawValue))
        }
        if let caFile = transport.caFile { kc_setopt_string(handle, CURLOPT_CAINFO, caFile) }
        if let username = transport.username { kc_setopt_string(handle, CURLOPT_USERNAME, username) }
        if let password = transport.password { kc_setopt_string(handle, CURLOPT_PASSWORD, password) }
        if let token = transport.oauth2Token {
            kc_setopt_string(handle, CURLOPT_XOAUTH2_BEARER, token)
            kc_setopt_string(handle, CURLOPT_LOGIN_OPTIONS, "AUTH=XOAUTH2")
        }
        kc_setopt_read_function(handle, smtpReadCallback)
        // libcurl hands every SMTP response line to the header callback.
        kc_setopt_header_function(handle, smtpHeaderCallback)
        kc_setopt_pointer(handle, CURLOPT_HEADERDATA, Unmanaged.passUnretained(transcript).toOpaque())
    }

    func send(_ message: Data, from: String, to: String) -> DeliveryOutcome {
        let source = ReadSource(data: message)
        transcript.reset()
        kc_setopt_string(handle, CURLOPT_MAIL_FROM, "<\(from)>")
        let recipients = curl_slist_append(nil, "<\(to)>")
        defer { curl_slist_free_all(recipients) }
        kc_setopt_pointer(handle, CURLOPT_MAIL_RCPT, UnsafeMutableRawPointer(recipients))
        let unmanaged = Unmanaged.passRetained(source)
        defer { unmanaged.release() }
        kc_setopt_pointer(handle, CURLOPT_READDATA, unmanaged.toOpaque())
        let result = curl_easy_perform(handle)
        var code = 0
        kc_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &code)
        let reply = transcript.lastReply ?? ""
        if result == CURLE_OK {
            return .accepted(reply: reply.isEmpty ? "250" : reply)
        }
        let curlMessage = String(cString: curl_easy_strerror(result))
        // Failures of the connection itself (login, TLS, no route) say nothing about the
        // recipient: the run stops and the row stays due.
        let connectionLevel: Set<CURLcode> = [
            CURLE_LOGIN_DENIED, CURLE_USE_SSL_FAILED, CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION,
            CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_SSL_CACERT_BADFILE, CURLE_UNSUPPORTED_PROTOCOL,
        ]
        if connectionLevel.contains(result) {
            return .unreachable(reason: reply.isEmpty ? curlMessage : "\(curlMessage): \(reply)")
        }
        switch code {
        case 500...599: return .permanent(code: code, reply: reply.isEmpty ? "\(code) \(curlMessage)" : reply)
        case 400...499: return .temporary(code: code, reply: reply.isEmpty ? "\(code) \(curlMessage)" : reply)
        default: return .unreachable(reason: reply.isEmpty ? curlMessage : "\(curlMessage): \(reply)")
        }
    }

    func close() {
        curl_easy_cleanup(handle)
    }
}

/// The message bytes libcurl reads as the DATA of a transfer.
private final class ReadSource {
    let data: Data
    var offset = 0
    init(data: Data) { self.data = data }
}

/// The server's replies during one transfer; the last complete one is what gets recorded.
private final class Transcript {
    /// Bytes of a reply line that has not ended yet (libcurl normally hands over whole lines).
    private var pending: [UInt8] = []
    private var last: String?
    private var firstRefusal: String?

    /// The reply that decided the transfer: the first refusal (4xx/5xx), else the last reply.
    var lastReply: String? { firstRefusal ?? last }

    func reset() {
        pending.removeAll(keepingCapacity: true)
        last = nil
        firstRefusal = nil
    }

    /// Reads reply lines from raw bytes: a String is made only for a final line ("NNN text"),
    /// not for continuation lines ("NNN-text") or per character. This runs for every reply of
    /// every message.
    func received(_ bytes: UnsafeRawBufferPointer) {
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
    }

    private func line(_ raw: UnsafeRawBufferPointer) {
        var end = raw.count
        while end > 0, raw[end - 1] == 13 || raw[end - 1] == 32 || raw[end - 1] == 9 { end -= 1 }
        func isDigit(_ byte: UInt8) -> Bool { byte >= 48 && byte <= 57 }
        guard end >= 3, isDigit(raw[0]), isDigit(raw[1]), isDigit(raw[2]) else { return }
        guard end == 3 || raw[3] == 32 else { return }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: raw[0..<end]), as: UTF8.self)
        last = text
        if firstRefusal == nil, raw[0] == 52 || raw[0] == 53 { firstRefusal = text }
    }
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
    transcript.received(UnsafeRawBufferPointer(start: buffer, count: length))
    return length
}
