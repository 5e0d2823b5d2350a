import CCurl
import Foundation

/// What logging in to the relay showed: whether AUTH happened, and the last reply.
public struct SMTPLoginOutcome: Sendable, Equatable {
    public var authenticated: Bool
    /// The server offered AUTH in its EHLO reply.
    public var offeredAuth: Bool
    public var lastReply: String?
}

extension SMTPTransport {
    /// Connects, says EHLO, does STARTTLS as configured, logs in, sends NOOP and QUIT: the whole
    /// way to the point where a message would start, and no message. Throws a Danish account of
    /// what failed and how to fix it.
    public func verifyLogin() throws(KampagneError) -> SMTPLoginOutcome {
        guard Self.globalInit, let handle = curl_easy_init() else { throw .io("libcurl kunne ikke startes") }
        defer { curl_easy_cleanup(handle) }
        let transcript = Transcript()
        let lines = ReplyLines()
        configure(handle, transcript: transcript)
        kc_setopt_long(handle, CURLOPT_UPLOAD, 0)
        kc_setopt_long(handle, CURLOPT_CONNECTTIMEOUT, 10)
        kc_setopt_long(handle, CURLOPT_TIMEOUT, 30)
        // No recipient and a custom command: libcurl logs in during the connect phase, then
        // sends this instead of a mail transaction.
        kc_setopt_string(handle, CURLOPT_CUSTOMREQUEST, "NOOP")
        kc_setopt_header_function(handle, replyLineCallback)
        kc_setopt_pointer(handle, CURLOPT_HEADERDATA, Unmanaged.passUnretained(lines).toOpaque())
        // libcurl's default writer prints the command's reply ("250 OK") to stdout: to /dev/null.
        guard let sink = fopen("/dev/null", "w") else { throw .io("Kan ikke åbne /dev/null") }
        defer { fclose(sink) }
        kc_setopt_pointer(handle, CURLOPT_WRITEDATA, UnsafeMutableRawPointer(sink))
        let result = curl_easy_perform(handle)
        let last = lines.all.last
        let outcome = SMTPLoginOutcome(authenticated: lines.all.contains { $0.hasPrefix("235") },
                                       offeredAuth: lines.all.contains { $0.uppercased().hasPrefix("250-AUTH") || $0.uppercased().hasPrefix("250 AUTH") },
                                       lastReply: last)
        guard result != CURLE_OK else { return outcome }
        let reply = lines.all.last { $0.first == "4" || $0.first == "5" }.map { " (serveren svarede: \($0))" } ?? ""
        switch result {
        case CURLE_LOGIN_DENIED:
            throw .config("Relayet \(url) afviste login for '\(username ?? "")'\(reply): forkert brugernavn eller adgangskode. Ret [smtp] username, eller adgangskoden i password_env/password_file")
        case CURLE_COULDNT_RESOLVE_HOST:
            throw .config("Værten i [smtp] url \(url) findes ikke (DNS). Ret adressen")
        case CURLE_COULDNT_CONNECT, CURLE_OPERATION_TIMEDOUT:
            throw .config("Kan ikke forbinde til \(url)\(reply). Tjek værtsnavn og port i [smtp] url, og at en firewall tillader forbindelsen")
        case CURLE_USE_SSL_FAILED:
            throw .config("\(url) tilbyder ikke STARTTLS. Brug smtps:// (port 465), eller sæt [smtp] starttls = \"opportunistic\" kun hvis forbindelsen er beskyttet på anden vis")
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CONNECT_ERROR, CURLE_SSL_CACERT_BADFILE:
            throw .config("TLS til \(url) fejlede: certifikatet kunne ikke godkendes. Sæt [smtp] ca_file til relayets CA, eller ret værtsnavnet, så det passer til certifikatet")
        default:
            let text = curl_easy_strerror(result).map { String(cString: $0) } ?? "fejl \(result.rawValue)"
            throw .config("Login på \(url) fejlede: \(text)\(reply)")
        }
    }
}

/// Every reply line of one short SMTP conversation (the doctor's login check only).
final class ReplyLines {
    var all: [String] = []
}

private let replyLineCallback: kc_header_callback = { buffer, size, count, userdata in
    let length = size * count
    guard let buffer, let userdata else { return length }
    let lines = Unmanaged<ReplyLines>.fromOpaque(userdata).takeUnretainedValue()
    let text = String(decoding: UnsafeRawBufferPointer(start: buffer, count: length), as: UTF8.self)
    lines.all += text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    return length
}
