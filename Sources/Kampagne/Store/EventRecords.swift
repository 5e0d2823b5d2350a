import Foundation
import GRDB

/// The kinds of meeting the partnership runs.
public enum EventKind: String, Codable, Sendable, CaseIterable, DanishNamed {
    case themeMeeting = "theme-meeting"
    case afterWorkMeeting = "after-work-meeting"
    case course
    case networkMeeting = "network-meeting"
    case conference

    /// Reads "temamøde", "fyraftensmøde", "kursus", "netværksmøde", "konference" or the English key.
    public init(parsing text: String) throws(KampagneError) {
        guard let value = Self.named(text) else {
            throw .invalidInput("Ukendt mødetype '\(text)': brug temamøde, fyraftensmøde, kursus, netværksmøde eller konference")
        }
        self = value
    }

    public var danish: String {
        switch self {
        case .themeMeeting: return "Temamøde"
        case .afterWorkMeeting: return "Fyraftensmøde"
        case .course: return "Kursus"
        case .networkMeeting: return "Netværksmøde"
        case .conference: return "Konference"
        }
    }
}

/// Whether a meeting is still going ahead.
public enum EventStatus: String, Codable, Sendable {
    case planned
    case cancelled
}

/// Who a meeting is for: used as the default audience of its invitation.
public struct EventAudience: Codable, Sendable, Equatable {
    public var roles: [String] = []
    public var lists: [String] = []
    public var segments: [String] = []

    public init(roles: [String] = [], lists: [String] = [], segments: [String] = []) {
        self.roles = roles
        self.lists = lists
        self.segments = segments
    }

    public var isEmpty: Bool { roles.isEmpty && lists.isEmpty && segments.isEmpty }
}

/// An extra question on the sign-up form (diet, accessibility, workplace, free text).
public struct EventQuestion: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable {
        case text
        case choice
        case yesNo = "yes-no"
    }

    /// The answer's key (`--answer kost=vegetar`).
    public var key: String
    /// The question as the form shows it, in Danish.
    public var label: String
    public var kind: Kind
    public var options: [String]
    public var required: Bool
}

/// A meeting: a theme meeting, after-work meeting, course, network meeting or conference.
public struct Event: Codable, Sendable, Identifiable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "event"
    public var id: Int64?
    /// Random and unguessable: the only id public pages and links show.
    public var publicId: String
    public var kind: EventKind
    public var title: String
    /// Markdown.
    public var description: String
    public var startsAt: Date
    public var endsAt: Date
    public var venue: String
    public var address: String
    public var organiserName: String
    public var organiserEmail: String
    /// Seats; nil for no limit.
    public var capacity: Int?
    /// Fewest participants for the meeting to go ahead, decided by `decisionDate`.
    public var minimum: Int?
    public var decisionDate: Date?
    public var signupDeadline: Date?
    public var audience: EventAudience
    public var questions: [EventQuestion]
    public var series: String?
    public var status: EventStatus
    public var cancelReason: String?
    /// Calendar SEQUENCE, raised whenever time or place changes.
    public var sequence: Int
    public var reminderQueuedAt: Date?
    /// The file the event was created from.
    public var file: String
    public var createdAt: Date
    public var updatedAt: Date
    /// The partner the meeting belongs to (`Partner.key`: "DA", "LO", "KL" or a municipality),
    /// for the activity report's overview per partner; nil for the partnership as a whole.
    public var partner: String? = nil

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    public enum Columns {
        static let id = Column(CodingKeys.id)
        static let publicId = Column(CodingKeys.publicId)
        static let startsAt = Column(CodingKeys.startsAt)
        static let status = Column(CodingKeys.status)
        static let series = Column(CodingKeys.series)
    }
}

/// Where one person stands with one meeting.
public enum RegistrationStatus: String, Codable, Sendable, CaseIterable {
    case registered
    case waitlisted
    /// A freed seat is held for them until `offerExpiresAt`.
    case offered
    case cancelled
    case attended
    case noShow = "no-show"

    public var danish: String {
        switch self {
        case .registered: return "tilmeldt"
        case .waitlisted: return "på venteliste"
        case .offered: return "tilbudt plads"
        case .cancelled: return "afmeldt"
        case .attended: return "mødt"
        case .noShow: return "udeblevet"
        }
    }

    /// The statuses that hold a seat (count against capacity): the one definition that every
    /// count, filter and SQL query uses.
    public static let seatHolding: [RegistrationStatus] = [.registered, .offered, .attended]
    /// Their stored values, for GRDB filters (`seatHoldingValues.contains(column)`) and SQL
    /// interpolation (`status IN \(seatHoldingValues)`).
    public static let seatHoldingValues: [String] = seatHolding.map(\.rawValue)
    /// People who hear about changes to the meeting: everyone with a seat, and everyone waiting.
    public static let toldOfChanges: [RegistrationStatus] = seatHolding + [.waitlisted]

    /// Holds a seat (counts against capacity).
    public var holdsSeat: Bool { Self.seatHolding.contains(self) }
    /// Was sent the meeting as a calendar entry (a confirmation): registered, or checked in.
    /// Someone waiting or holding an offer has no entry, so gets no calendar update or CANCEL.
    public var hasCalendarEntry: Bool { self == .registered || self == .attended }
    /// Still expected to hear from us about the meeting.
    public var isActive: Bool { self != .cancelled && self != .noShow }
}

/// Where a sign-up came from.
public enum RegistrationSource: String, Codable, Sendable {
    case commandLine = "cli"
    case web
    case walkIn = "walk-in"
}

/// One person's sign-up for one meeting. The organisation and municipality are copied at
/// sign-up so attendance figures stay right when a contact later moves.
public struct Registration: Codable, Sendable, Identifiable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "registration"
    public var id: Int64?
    public var eventId: Int64
    public var contactId: Int64?
    public var status: RegistrationStatus
    public var walkIn: Bool
    public var source: RegistrationSource
    public var organisation: String
    public var municipality: String?
    public var answers: [String: String]
    /// Arrival order on the waiting list: the time of the (latest) sign-up.
    public var queuedAt: Date
    public var offerExpiresAt: Date?
    public var attendedAt: Date?
    public var cancelReason: String?
    /// Raised each time the sign-up is made again after a cancellation.
    public var revision: Int
    public var createdAt: Date
    public var updatedAt: Date
    /// Where the sign-up came from: a `SignupSource` key (`nyhedsbrev-12`, `invitation-34`, `side`,
    /// `doer`, ...); empty for sign-ups made before v15 (`SignupSource.of` reads `source` then).
    public var origin: String = ""

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// Signed up in advance, with a seat now or at the meeting: registered, offered, no-show,
    /// or attended without being a walk-in. "Tilmeldt" everywhere (`events list`, the
    /// attendance report, the activity report) counts this; walk-ins are counted apart.
    public static func signedUp(_ status: RegistrationStatus, walkIn: Bool) -> Bool {
        switch status {
        case .registered, .offered, .noShow: return true
        case .attended: return !walkIn
        case .waitlisted, .cancelled: return false
        }
    }

    public var signedUp: Bool { Self.signedUp(status, walkIn: walkIn) }

    public enum Columns {
        static let eventId = Column(CodingKeys.eventId)
        static let contactId = Column(CodingKeys.contactId)
        static let status = Column(CodingKeys.status)
        static let queuedAt = Column(CodingKeys.queuedAt)
        static let offerExpiresAt = Column(CodingKeys.offerExpiresAt)
    }
}

/// A decision or change to a meeting, with when: the record behind go/no-go.
public struct EventLogEntry: Codable, Sendable, Identifiable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "eventLog"
    public var id: Int64?
    public var eventId: Int64
    public var action: String
    public var detail: String
    public var at: Date

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
