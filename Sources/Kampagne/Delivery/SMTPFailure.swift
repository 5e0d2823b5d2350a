import CCurl
import Foundation

/// Why a connection to the mail server failed, in words an operator can act on. libcurl's own
/// text is kept as the detail.
enum SMTPFailure: Sendable, Equatable {
    case cannotConnect
    case tlsNotOffered
    case certificateNotTrusted
    case tlsFailed
    case loginRefused
    case loginNotOffered
    case connectionLost
    case timeout
    case other

    /// The class of a libcurl failure that is about the connection, not the recipient; nil
    /// when the server's reply code decides instead.
    init?(_ result: CURLcode, transcript: Transcript) {
        switch result {
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_UNSUPPORTED_PROTOCOL,
             CURLE_URL_MALFORMAT:
            self = .cannotConnect
        case CURLE_USE_SSL_FAILED: self = .tlsNotOffered
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE: self = .certificateNotTrusted
        case CURLE_SSL_CONNECT_ERROR: self = .tlsFailed
        case CURLE_LOGIN_DENIED, CURLE_AUTH_ERROR: self = .loginRefused
        case CURLE_OPERATION_TIMEDOUT: self = transcript.inLogin ? .loginRefused : .timeout
        case CURLE_GOT_NOTHING, CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_PARTIAL_FILE, CURLE_WEIRD_SERVER_REPLY:
            self = .connectionLost
        default: return nil
        }
    }

    /// Whether the failure is about the connection whatever the last reply code says (a
    /// connection lost or timed out after a refusal is the refusal's business).
    var isConnectionLevel: Bool {
        switch self {
        case .connectionLost, .timeout, .other: return false
        default: return true
        }
    }

    /// The Danish message with the technical detail after it.
    func message(detail: String) -> String {
        let text: String
        switch self {
        case .cannotConnect: text = "Kan ikke få forbindelse til mailserveren (tjek url i [smtp] i kampagne.toml, og at serveren kører)"
        case .tlsNotOffered: text = "Mailserveren tilbyder ikke kryptering (STARTTLS), som kampagne.toml kræver"
        case .certificateNotTrusted: text = "Mailserverens certifikat kan ikke godkendes (ukendt udsteder eller forkert navn; se ca_file i [smtp])"
        case .tlsFailed: text = "Den krypterede forbindelse til mailserveren kunne ikke oprettes"
        case .loginRefused: text = "Mailserveren afviste login (login refused): tjek brugernavn og adgangskode"
        case .loginNotOffered: text = "Serveren tilbyder ikke login, men kampagne.toml angiver et brugernavn; intet er sendt"
        case .connectionLost: text = "Forbindelsen til mailserveren blev afbrudt undervejs"
        case .timeout: text = "Mailserveren svarede ikke i tide"
        case .other: text = "Mailserveren kunne ikke bruges"
        }
        return "\(text). Udsendelsen er stoppet; ingen modtager er regnet som fejlet. (Detaljer: \(detail))"
    }
}
