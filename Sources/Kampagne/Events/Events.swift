import Foundation
import GRDB
import MailTemplates

/// A count per name (role, municipality), for the spread of sign-ups.
public struct NamedCount: Codable, Sendable, Equatable {
    public var name: String
    public var count: Int
}

/// Whether a meeting will go ahead, as far as sign-ups tell.
public enum GoNoGo: String, Codable, Sendable {
    /// At or above its minimum, or no minimum set.
    case go
    /// Below the minimum, with time left before the warning period.
    case belowMinimum = "below-minimum"
    /// Below the minimum and close to (or past) the decision date: decide now.
    case atRisk = "at-risk"
    case cancelled
    /// Over: the figures are attendance now.
    case held

    public var danish: String {
        switch self {
        case .go: return "gennemføres"
        case .belowMinimum: return "under minimum"
        case .atRisk: return "I FARE: under minimum tæt på beslutningsdatoen"
        case .cancelled: return "aflyst"
        case .held: return "afholdt"
        }
    }
}

/// A meeting with its sign-up figures: what `events list` and `events show` print.
public struct EventOverview: Codable, Sendable {
    public var id: Int64
    public var publicId: String
    public var kind: EventKind
    public var kindName: String
    public var title: String
    public var startsAt: Date
    public var endsAt: Date
    public var when: String
    public var venue: String
    public var address: String
    public var organiserName: String
    public var organiserEmail: String
    public var series: String?
    public var status: EventStatus
    public var cancelReason: String?
    public var capacity: Int?
    public var minimum: Int?
    public var decisionDate: Date?
    public var signupDeadline: Date?
    /// Seats taken (`RegistrationStatus.seatHolding`): registered, offered or attended, walk-ins included.
    public var registered: Int
    /// Signed up in advance (`Registration.signedUp`), walk-ins not included: what "Tilmeldt" shows.
    public var signedUp: Int
    public var offered: Int
    public var waitlisted: Int
    public var cancelled: Int
    public var attended: Int
    public var noShows: Int
    public var walkIns: Int
    public var seatsLeft: Int?
    /// Whole days from today to the decision date (negative when past).
    public var daysToDecision: Int?
    public var goNoGo: GoNoGo
    /// A Danish sentence for the organiser when the meeting needs a decision.
    public var warning: String?
    public var byRole: [NamedCount]
    public var byMunicipality: [NamedCount]
    public var questions: [EventQuestion]
    public var audience: EventAudience
    public var sequence: Int
    /// `Partner.key` ("DA", "LO", "KL" or a municipality), or nil for the partnership as a whole.
    public var partner: String? = nil
}

/// What `events update` changed and whom it told.
public struct EventUpdateReport: Codable, Sendable {
    public var eventId: Int64
    public var changes: [String]
    public var notified: Int
    public var offered: Int
    public var sequence: Int
}

/// What an invitation run queued.
public struct InvitationReport: Codable, Sendable {
    public var campaignId: Int64
    public var queued: Int
    public var suppressed: Int
    public var duplicates: Int
    public var alreadyRegistered: Int
    public var alreadyInvited: Int
}

/// Meetings: create from a file, list and show with go/no-go figures, change (telling
/// everyone signed up), cancel, and invite.
public struct Events: Sendable {
    let store: Store
    let settings: EventSettings

    public init(store: Store, settings: EventSettings) {
        self.store = store
        self.settings = settings
    }

    var mail: MeetingMail { MeetingMail(settings: settings) }

    // MARK: Create

    /// Reads and checks a meeting file and stores it; returns the new id.
    public func create(file path: String) throws(KampagneError) -> Int64 {
        let draft = try Self.readDraft(path)
        return try create(draft, file: (path as NSString).lastPathComponent)
    }

    public func create(_ draft: EventDraft, file: String = "") throws(KampagneError) -> Int64 {
        try store.write { db in
            try Self.checkAudience(draft.audience, in: db)
            let now = Date()
            var event = Event(id: nil, publicId: Self.newPublicId(), kind: draft.kind, title: draft.title,
                              description: draft.description, startsAt: draft.startsAt, endsAt: draft.endsAt,
                              venue: draft.venue, address: draft.address, organiserName: draft.organiserName,
                              organiserEmail: draft.organiserEmail, capacity: draft.capacity, minimum: draft.minimum,
                              decisionDate: draft.decisionDate, signupDeadline: draft.signupDeadline,
                              audience: draft.audience, questions: draft.questions, series: draft.series,
                              status: .planned, cancelReason: nil, sequence: 0, reminderQueuedAt: nil, file: file,
                              createdAt: now, updatedAt: now, partner: draft.partner)
            try event.insert(db)
            try Self.log(event, "oprettet", file.isEmpty ? "" : "fra \(file)", in: db)
            return event.id ?? 0
        }
    }

    static func readDraft(_ path: String) throws(KampagneError) -> EventDraft {
        guard let data = FileManager.default.contents(atPath: path) else { throw .io("Kan ikke læse \(path)") }
        guard let source = String(data: data, encoding: .utf8) else {
            throw .invalidInput("\(path): mødefilen skal være UTF-8")
        }
        return try EventDraft(markdown: source, file: path)
    }

    static func checkAudience(_ audience: EventAudience, in db: Database) throws {
        for list in audience.lists { _ = try MailingLists.find(list, in: db) }
        for segment in audience.segments { _ = try Segments.find(segment, in: db) }
    }

    /// 16 random characters: a public id nobody can count through.
    static func newPublicId() -> String {
        let alphabet = Array("abcdefghijkmnpqrstuvwxyz23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<16).map { _ in alphabet[Int(generator.next(upperBound: UInt32(alphabet.count)))] })
    }

    static func log(_ event: Event, _ action: String, _ detail: String, in db: Database) throws {
        var entry = EventLogEntry(id: nil, eventId: event.id ?? 0, action: action, detail: detail, at: Date())
        try entry.insert(db)
    }

    static func find(_ id: Int64, in db: Database) throws -> Event {
        guard let event = try SignUpStatements.event(id: id, in: db) else {
            throw KampagneError.unknown(.meeting, id)
        }
        return event
    }

    // MARK: Read

    /// Meetings in time order; by default those not yet over.
    public func list(includePast: Bool = false, series: String? = nil, now: Date = Date()) throws(KampagneError) -> [EventOverview] {
        try store.read { db in
            var request = Event.order(Event.Columns.startsAt, Column("id"))
            if !includePast { request = request.filter(Column("endsAt") >= now) }
            if let series { request = request.filter(Event.Columns.series.collating(.nocase) == series) }
            return try request.fetchAll(db).map { try overview($0, spread: false, now: now, in: db) }
        }
    }

    public func show(_ id: Int64, now: Date = Date()) throws(KampagneError) -> EventOverview {
        try store.read { db in try overview(try Self.find(id, in: db), spread: true, now: now, in: db) }
    }

    /// The decision log, oldest first.
    public func log(_ id: Int64) throws(KampagneError) -> [EventLogEntry] {
        try store.read { db in
            _ = try Self.find(id, in: db)
            return try EventLogEntry.filter(Column("eventId") == id).order(Column("id")).fetchAll(db)
        }
    }

    func overview(_ event: Event, spread: Bool, now: Date, in db: Database) throws -> EventOverview {
        let eventId = event.id ?? 0
        var counts: [RegistrationStatus: Int] = [:]
        var walkIns = 0
        var signedUp = 0
        for row in try Row.fetchAll(db, sql: """
            SELECT status, walkIn, COUNT(*) AS n FROM registration WHERE eventId = ? GROUP BY status, walkIn
            """, arguments: [eventId]) {
            guard let status = RegistrationStatus(rawValue: row["status"]) else { continue }
            let n: Int = row["n"]
            let walkIn: Bool = row["walkIn"]
            counts[status, default: 0] += n
            if walkIn && status == .attended { walkIns += n }
            if Registration.signedUp(status, walkIn: walkIn) { signedUp += n }
        }
        let seats = RegistrationStatus.seatHolding.map { counts[$0] ?? 0 }.reduce(0, +)
        let decision = event.decisionDate ?? event.startsAt
        let days = Calendar.danish.dateComponents([.day], from: Calendar.danish.startOfDay(for: now),
                                                   to: Calendar.danish.startOfDay(for: decision)).day
        var goNoGo = GoNoGo.go
        var warning: String?
        if event.status == .cancelled {
            goNoGo = .cancelled
        } else if event.endsAt < now {
            goNoGo = .held
        } else if let minimum = event.minimum, seats < minimum {
            let daysLeft = days ?? 0
            if daysLeft <= settings.warnDays {
                goNoGo = .atRisk
                let when = daysLeft < 0 ? "beslutningsdatoen var \(DanishDate.day(decision))"
                    : daysLeft == 0 ? "beslutningsdatoen er i dag"
                    : "beslutningsdatoen er om \(daysLeft) \(daysLeft == 1 ? "dag" : "dage")"
                warning = "Kun \(seats) af minimum \(minimum) tilmeldt, og \(when). Beslut, om mødet gennemføres eller aflyses."
            } else {
                goNoGo = .belowMinimum
            }
        }
        var byRole: [NamedCount] = []
        var byMunicipality: [NamedCount] = []
        if spread {
            let seatHolding = RegistrationStatus.seatHoldingValues
            byRole = try SQLRequest<Row>(literal: """
                SELECT r.role AS name, COUNT(DISTINCT g.id) AS n FROM registration g
                JOIN contactRole r ON r.contactId = g.contactId
                WHERE g.eventId = \(eventId) AND g.status IN \(seatHolding)
                GROUP BY r.roleKey ORDER BY n DESC
                """).fetchAll(db).map { NamedCount(name: $0["name"], count: $0["n"]) }
            byMunicipality = try SQLRequest<Row>(literal: """
                SELECT COALESCE(municipality, '') AS name, COUNT(*) AS n FROM registration
                WHERE eventId = \(eventId) AND status IN \(seatHolding)
                GROUP BY municipality
                """).fetchAll(db).map { NamedCount(name: $0["name"], count: $0["n"]) }
            byMunicipality = DanishText.sorted(byMunicipality) { [$0.name] }
        }
        return EventOverview(
            id: eventId, publicId: event.publicId, kind: event.kind, kindName: event.kind.danish, title: event.title,
            startsAt: event.startsAt, endsAt: event.endsAt, when: DanishDate.span(event.startsAt, event.endsAt),
            venue: event.venue, address: event.address, organiserName: event.organiserName,
            organiserEmail: event.organiserEmail, series: event.series, status: event.status,
            cancelReason: event.cancelReason, capacity: event.capacity, minimum: event.minimum,
            decisionDate: event.decisionDate, signupDeadline: event.signupDeadline, registered: seats, signedUp: signedUp,
            offered: counts[.offered] ?? 0, waitlisted: counts[.waitlisted] ?? 0, cancelled: counts[.cancelled] ?? 0,
            attended: counts[.attended] ?? 0, noShows: counts[.noShow] ?? 0, walkIns: walkIns,
            seatsLeft: event.capacity.map { max(0, $0 - seats) }, daysToDecision: event.status == .planned ? days : nil,
            goNoGo: goNoGo, warning: warning, byRole: byRole, byMunicipality: byMunicipality,
            questions: event.questions, audience: event.audience, sequence: event.sequence, partner: event.partner)
    }

    // MARK: Change

    /// Fields `events update` can change; nil leaves a field as it is.
    public struct Changes: Sendable {
        public var title: String?
        public var start: String?
        public var end: String?
        public var venue: String?
        public var address: String?
        public var capacity: String?
        public var minimum: String?
        public var decisionDate: String?
        public var deadline: String?
        public var series: String?
        /// `DA`, `LO`, `KL`, a municipality, or empty for none.
        public var partner: String?
        /// A whole new version of the meeting file.
        public var file: String?
        /// A whole new version of the meeting from the staff area's form (`EventForm.draft()`).
        public var draft: EventDraft?

        public init() {}
    }

    /// Applies `changes`. A new time or place raises the calendar SEQUENCE and queues a change
    /// notice to everyone signed up or waiting; more seats go to the waiting list at once.
    public func update(_ id: Int64, _ changes: Changes) throws(KampagneError) -> EventUpdateReport {
        let fromFile = try changes.file.map { (path: String) throws(KampagneError) -> EventDraft in try Self.readDraft(path) }
        return try store.write { db in
            var event = try Self.find(id, in: db)
            guard event.status == .planned else { throw KampagneError.conflict("Mødet er aflyst og kan ikke ændres") }
            let before = event
            var draft = fromFile ?? changes.draft ?? EventDraft(event)
            try Self.apply(changes, to: &draft)
            try draft.validate(file: "møde \(id)")
            try Self.checkAudience(draft.audience, in: db)
            if let capacity = draft.capacity {
                let seats = try Registration.filter(Registration.Columns.eventId == id
                    && RegistrationStatus.seatHoldingValues.contains(Registration.Columns.status)).fetchCount(db)
                if capacity < seats {
                    throw KampagneError.conflict("Der er allerede \(seats) tilmeldte; antal pladser kan ikke sættes til \(capacity). Afmeld nogen først.")
                }
            }
            event.apply(draft)
            if let file = changes.file { event.file = (file as NSString).lastPathComponent }
            let lines = Self.describeChanges(from: before, to: event)
            let material = before.startsAt != event.startsAt || before.endsAt != event.endsAt
                || before.venue != event.venue || before.address != event.address || before.title != event.title
            guard !lines.isEmpty || before.description != event.description || before.questions != event.questions
                || before.audience != event.audience || before.series != event.series || before.partner != event.partner else {
                return EventUpdateReport(eventId: id, changes: [], notified: 0, offered: 0, sequence: event.sequence)
            }
            var notified = 0
            if material {
                event.sequence += 1
                if before.startsAt != event.startsAt { event.reminderQueuedAt = nil }
            }
            event.updatedAt = Date()
            try event.update(db)
            try Self.log(event, "ændret", lines.joined(separator: "; "), in: db)
            // Nobody is told about a meeting that is already over (a correction of the record).
            if material && event.endsAt > Date() {
                // Someone checked in early still has the seat and needs the new time or place.
                for registration in try Registration.filter(Registration.Columns.eventId == id
                    && RegistrationStatus.toldOfChanges.map(\.rawValue).contains(Registration.Columns.status)).fetchAll(db) {
                    let kind: MeetingNotice.Kind = registration.status.hasCalendarEntry ? .changed : .changedWhileWaiting
                    if try mail.queue(kind, to: registration, event: event, key: "\(registration.id ?? 0):\(event.sequence)",
                                      changes: lines, in: db) {
                        notified += 1
                    }
                }
            }
            let offered = try WaitingList(settings: settings).fill(event, now: Date(), in: db)
            return EventUpdateReport(eventId: id, changes: lines, notified: notified, offered: offered, sequence: event.sequence)
        }
    }

    static func apply(_ changes: Changes, to draft: inout EventDraft) throws(KampagneError) {
        func date(_ text: String, _ field: String, defaultTime: String) throws(KampagneError) -> Date {
            guard let date = DanishDate.parse(text, defaultTime: defaultTime) else {
                throw .field(field, "'\(text)' er ikke en dato (skriv fx 2027-02-04 09:30)")
            }
            return date
        }
        if let title = changes.title { draft.title = DanishText.singleLine(title) }
        if let start = changes.start {
            let duration = draft.endsAt.timeIntervalSince(draft.startsAt)
            draft.startsAt = try date(start, "start", defaultTime: "")
            if changes.end == nil { draft.endsAt = draft.startsAt.addingTimeInterval(duration) }
        }
        if let end = changes.end {
            guard let parsed = EventDraft.end(end, startingAt: draft.startsAt) else {
                throw .field("end", "'\(end)' skal være et klokkeslæt (12:00) eller dato og klokkeslæt")
            }
            draft.endsAt = parsed
        }
        if let venue = changes.venue { draft.venue = DanishText.singleLine(venue) }
        if let address = changes.address { draft.address = DanishText.singleLine(address) }
        if let capacity = changes.capacity { draft.capacity = try EventDraft.count(capacity, field: "capacity") }
        if let minimum = changes.minimum { draft.minimum = try EventDraft.count(minimum, field: "minimum") }
        if let decision = changes.decisionDate { draft.decisionDate = try date(decision, "decision-date", defaultTime: "23:59") }
        if let deadline = changes.deadline { draft.signupDeadline = try date(deadline, "deadline", defaultTime: "23:59") }
        if let series = changes.series { draft.series = series.isEmpty ? nil : DanishText.singleLine(series) }
        if let partner = changes.partner {
            let text = DanishText.singleLine(partner)
            draft.partner = text.isEmpty ? nil : try Partner(parsing: text).key
        }
    }

    /// Danish lines for what a participant needs to know changed.
    static func describeChanges(from old: Event, to new: Event) -> [String] {
        var lines: [String] = []
        if old.title != new.title { lines.append("Titel: \(new.title) (før: \(old.title))") }
        if old.startsAt != new.startsAt || old.endsAt != new.endsAt {
            lines.append("Tidspunkt: \(DanishDate.span(new.startsAt, new.endsAt)) (før: \(DanishDate.span(old.startsAt, old.endsAt)))")
        }
        if old.venue != new.venue { lines.append("Sted: \(new.venue) (før: \(old.venue))") }
        if old.address != new.address { lines.append("Adresse: \(new.address) (før: \(old.address))") }
        if old.capacity != new.capacity {
            lines.append("Pladser: \(new.capacity.map(String.init) ?? "ubegrænset") (før: \(old.capacity.map(String.init) ?? "ubegrænset"))")
        }
        if old.minimum != new.minimum {
            lines.append("Minimum: \(new.minimum.map(String.init) ?? "intet") (før: \(old.minimum.map(String.init) ?? "intet"))")
        }
        if old.signupDeadline != new.signupDeadline {
            lines.append("Tilmeldingsfrist: \(new.signupDeadline.map(DanishDate.day) ?? "ingen")")
        }
        if old.decisionDate != new.decisionDate {
            lines.append("Beslutningsdato: \(new.decisionDate.map(DanishDate.day) ?? "ingen")")
        }
        return lines
    }

    // MARK: Decide

    /// Cancels the meeting, logs why, and queues a cancellation (with a calendar CANCEL) to
    /// everyone registered, offered or waiting. Returns how many were notified.
    public func cancel(_ id: Int64, reason: String) throws(KampagneError) -> Int {
        let reason = DanishText.singleLine(reason)
        guard !reason.isEmpty else { throw .field("reason", "Skriv en begrundelse for aflysningen") }
        guard reason.count <= 1000 else { throw .invalidInput("Begrundelsen er for lang (højst 1000 tegn)") }
        return try store.write { db in
            var event = try Self.find(id, in: db)
            guard event.status == .planned else { throw KampagneError.conflict("Mødet er allerede aflyst") }
            event.status = .cancelled
            event.cancelReason = reason
            event.sequence += 1
            event.updatedAt = Date()
            try event.update(db)
            try Self.log(event, "aflyst", reason, in: db)
            var notified = 0
            for registration in try Registration.filter(Registration.Columns.eventId == id
                && RegistrationStatus.toldOfChanges.map(\.rawValue).contains(Registration.Columns.status)).fetchAll(db) {
                // Only those who had the meeting in their calendar get a calendar CANCEL.
                let kind: MeetingNotice.Kind = registration.status.hasCalendarEntry ? .eventCancelled : .eventCancelledWhileWaiting
                if try mail.queue(kind, to: registration, event: event, key: "\(registration.id ?? 0)",
                                  reason: reason, in: db) {
                    notified += 1
                }
            }
            // Open offers end with the meeting: nothing is left to lapse later.
            try Registration.filter(Registration.Columns.eventId == id && Registration.Columns.status == RegistrationStatus.offered.rawValue)
                .updateAll(db, Registration.Columns.offerExpiresAt.set(to: nil))
            return notified
        }
    }

    /// Records the decision to go ahead, with a note, in the meeting's log.
    public func confirm(_ id: Int64, note: String) throws(KampagneError) {
        try store.write { db in
            let event = try Self.find(id, in: db)
            guard event.status == .planned else { throw KampagneError.conflict("Mødet er aflyst") }
            try Self.log(event, "gennemføres", DanishText.singleLine(note), in: db)
        }
    }

    // MARK: Invite

    /// Queues an invitation with a personal sign-up link to everyone on `audience` (or the
    /// meeting's own audience), leaving out suppressed addresses, people already signed up,
    /// and people invited before unless `again`.
    /// With `dryRun` nothing is queued: the report counts whom it would reach (the count the
    /// staff area shows before it asks to send).
    public func invite(_ id: Int64, audience: Audience, again: Bool = false, dryRun: Bool = false) throws(KampagneError) -> InvitationReport {
        try store.write { db in
            let event = try Self.find(id, in: db)
            guard event.status == .planned else { throw KampagneError.conflict("Mødet er aflyst; der kan ikke inviteres") }
            guard event.endsAt > Date() else { throw KampagneError.conflict("Mødet er afholdt; der kan ikke inviteres") }
            var audience = audience
            if audience.isEmpty {
                audience = Audience(lists: event.audience.lists, segments: event.audience.segments, roles: event.audience.roles)
            }
            guard !audience.isEmpty else {
                throw KampagneError.choice("audience", "Vælg hvem der inviteres (en liste, et segment eller en rolle), eller skriv en målgruppe i mødefilen",
                                           among: ["list", "segment", "role"])
            }
            let members = try audience.members(in: db)
            let suppressions = try SuppressionList(db: db)
            let registered = Set(try String.fetchAll(db, sql: """
                SELECT c.emailKey FROM registration r JOIN contact c ON c.id = r.contactId
                WHERE r.eventId = ? AND r.status NOT IN ('cancelled')
                """, arguments: [id]))
            let invited = again ? [] : Set(try String.fetchAll(db, sql: """
                SELECT o.emailKey FROM outbox o JOIN campaign c ON c.id = o.campaignId
                WHERE c.eventId = ? AND c.kind = 'invitation' AND o.state != 'failed'
                """, arguments: [id]))
            /// Counts a recipient left out; true for one to invite.
            func isNew(_ key: String, _ report: inout InvitationReport) -> Bool {
                if suppressions.reason(for: key) != nil { report.suppressed += 1 }
                else if registered.contains(key) { report.alreadyRegistered += 1 }
                else if invited.contains(key) { report.alreadyInvited += 1 }
                else { return true }
                return false
            }
            if dryRun {
                var report = InvitationReport(campaignId: 0, queued: 0, suppressed: 0, duplicates: members.duplicates,
                                              alreadyRegistered: 0, alreadyInvited: 0)
                for (member, _) in members.recipients where isNew(member.emailKey, &report) { report.queued += 1 }
                return report
            }
            var campaign = Campaign(id: nil, kind: .invitation, editionId: nil, eventId: id,
                                    name: "Invitation: \(event.title)", audience: audience, suppressed: 0,
                                    duplicates: members.duplicates, createdAt: Date())
            try campaign.insert(db)
            let campaignId = campaign.id ?? 0
            var report = InvitationReport(campaignId: campaignId, queued: 0, suppressed: 0, duplicates: members.duplicates,
                                          alreadyRegistered: 0, alreadyInvited: 0)
            let notice = QueuedNotice(notice: MeetingNotice(kind: .invitation, meeting: MeetingMail.details(event, domain: settings.senderDomain)),
                                      eventPublicId: event.publicId, registrationId: nil)
            for (member, _) in members.recipients where isNew(member.emailKey, &report) {
                if try mail.insert(notice, campaignId: campaignId, contact: member.contact, key: "", in: db) { report.queued += 1 }
            }
            if report.queued == 0 {
                // Nothing new to send: leave no empty campaign behind.
                try campaign.delete(db)
                report.campaignId = 0
                return report
            }
            campaign.suppressed = report.suppressed
            try campaign.update(db)
            try Self.log(event, "inviteret", "\(report.queued) invitationer (\(audience.summary))", in: db)
            return report
        }
    }
}

extension EventDraft {
    /// The draft a stored meeting would have been written as.
    init(_ event: Event) {
        kind = event.kind
        title = event.title
        description = event.description
        startsAt = event.startsAt
        endsAt = event.endsAt
        venue = event.venue
        address = event.address
        organiserName = event.organiserName
        organiserEmail = event.organiserEmail
        capacity = event.capacity
        minimum = event.minimum
        decisionDate = event.decisionDate
        signupDeadline = event.signupDeadline
        audience = event.audience
        questions = event.questions
        series = event.series
        partner = event.partner
    }
}

extension Event {
    mutating func apply(_ draft: EventDraft) {
        kind = draft.kind
        title = draft.title
        description = draft.description
        startsAt = draft.startsAt
        endsAt = draft.endsAt
        venue = draft.venue
        address = draft.address
        organiserName = draft.organiserName
        organiserEmail = draft.organiserEmail
        capacity = draft.capacity
        minimum = draft.minimum
        decisionDate = draft.decisionDate
        signupDeadline = draft.signupDeadline
        audience = draft.audience
        questions = draft.questions
        series = draft.series
        partner = draft.partner
    }
}
