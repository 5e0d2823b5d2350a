import Foundation

/// One of the partnership's partners: the employers (DA), the unions (LO), the municipalities'
/// association (KL) or a municipality. Meetings and hand-entered activities may name one, and
/// the activity report can show its figures per partner. What belongs to no partner is the
/// partnership's own (the secretariat's).
public enum Partner: Hashable, Sendable {
    case da
    case lo
    case kl
    case municipality(Municipality)

    /// Reads what people write: "DA", "Dansk Arbejdsgiverforening", "LO", "KL",
    /// "Kommunernes Landsforening", a municipality ("Vejle", "Vejle Kommune", "Jobcenter Vejle").
    /// Errors name `field`.
    public init(parsing text: String, field: String = "partner") throws(KampagneError) {
        let clean = DanishText.singleLine(text)
        switch DanishText.identifierKey(clean) {
        case "da", "danskarbejdsgiverforening": self = .da
        case "lo", "landsorganisationen", "landsorganisationenidanmark": self = .lo
        case "kl", "kommunerneslandsforening", "kommunernelandsforening": self = .kl
        default:
            if let municipality = Municipality.lookup(clean) ?? Municipality.of(organisation: clean) {
                self = .municipality(municipality)
            } else {
                let shown = clean.count > 60 ? String(clean.prefix(60)) + "…" : clean
                throw .field(field, "ukendt partner '\(shown)': brug DA, LO, KL eller en af de 98 kommuner")
            }
        }
    }

    /// The stored form: "DA", "LO", "KL" or the municipality's canonical name.
    public var key: String {
        switch self {
        case .da: return "DA"
        case .lo: return "LO"
        case .kl: return "KL"
        case .municipality(let m): return m.name
        }
    }

    /// A stored key back to a partner; nil for none or an unknown key.
    public init?(key: String?) {
        guard let key, !key.isEmpty else { return nil }
        switch key {
        case "DA": self = .da
        case "LO": self = .lo
        case "KL": self = .kl
        default:
            guard let municipality = Municipality.named(key) else { return nil }
            self = .municipality(municipality)
        }
    }

    /// The Danish name as a report prints it: "DA", "LO", "KL", "Vejle Kommune".
    public var name: String { Self.name(ofKey: key) }

    /// The name of a stored key, or of the partnership itself for none.
    public static func name(ofKey key: String?) -> String {
        guard let key, !key.isEmpty else { return shared }
        switch key {
        case "DA", "LO", "KL": return key
        case "København": return "Københavns Kommune"
        case "Bornholm": return "Bornholms Regionskommune"
        default: return "\(key) Kommune"
        }
    }

    /// What a report calls activities no single partner owns.
    public static let shared = "Fælles (sekretariatet)"

    /// Report order: DA, LO, KL, then municipalities in Danish order.
    var sortKeys: [String] {
        switch self {
        case .da: return ["0"]
        case .lo: return ["1"]
        case .kl: return ["2"]
        case .municipality(let m): return ["3", m.name]
        }
    }
}
