import Foundation
import GRDB
import MailTemplates

/// A sign-up as someone gives it: by phone, by e-mail, on the web form or at the door.
public struct SignUp: Sendable {
    public var email: String
    public var firstName = ""
    public var lastName = ""
    public var organisation = ""
    public var municipality = ""
    public var answers: [String: String] = [:]
    public var walkIn = false
    public var source = RegistrationSource.commandLine
    /// The campaign the sign-up came through (the link's `kilde`); nil: what `source` says
    /// (the page, the door, the organiser).
    public var origin: SignupSource?
    /// The organiser accepts it although the deadline has passed.
    public var afterDeadline = false

    public init(email: String) { self.email = email }

    /// The `origin` stored on the registration.
    var originKey: String { (origin ?? (walkIn ? .door : SignupSource.of(origin: "", source: source))).key }

    /// Splits "Anne Marie Jensen" into first names and surname.
    public mutating func setName(_ name: String) {
        (firstName, lastName) = Contact.nameParts(name)
    }

}

/// What a sign-up did, with a Danish sentence for the person or the organiser.
public struct SignUpResult: Codable, Sendable {
    public var registrationId: Int64
    public var eventId: Int64
    public var status: RegistrationStatus
    /// Place on the waiting list, when waitlisted.
    public var position: Int?
    /// The person was already signed up: nothing changed.
    public var alreadySignedUp: Bool
    public var contactCreated: Bool
    public var message: String
}

/// One line of a meeting's participant list.
public struct Participant: Codable, Sendable {
    public var registrationId: Int64
    public var name: String
    public var email: String
    public var organisation: String
    public var municipality: String
    public var region: String
    public var roles: [String]
    public var status: RegistrationStatus
    public var statusName: String
    public var walkIn: Bool
    public var position: Int?
    public var answers: [String: String]
    public var signedUpAt: Date
    public var attendedAt: Date?
    /// Where the sign-up came from (`SignupSource.key`: `nyhedsbrev-12`, `invitation-34`, `side`, ...).
    public var origin: String = ""
    /// When a held seat (an offer) lapses.
    public var offerExpiresAt: Date? = nil
}

/// How the door finds a person: by address, by (part of) the name, or by a personal link.
public enum CheckInKey: Sendable {
    case email(String)
    case name(String)
    case token(String)
    /// From the door page, which lists the registrations.
    case registration(Int64)
}

/// Sign-ups for meetings: capacity and the waiting list hold because the check and the
/// write happen in one transaction, which SQLite serialises across processes.
public struct Registrations: Sendable {
    let store: Store
    let settings: EventSettings

    public init(store: Store, settings: EventSettings) {
        self.store = store
        self.settings = settings
    }

    var mail: MeetingMail { MeetingMail(settings: settings) }
    var waitingList: WaitingList { WaitingList(settings: settings) }

    // MARK: Sign up

    /// Signs `signUp` up. `now` is taken inside the write transaction unless given (tests),
    /// so that waiting-list order is commit order even across processes.
    public func register(_ eventId: Int64, _ signUp: SignUp, now givenNow: Date? = nil) throws(KampagneError) -> SignUpResult {
        let (address, input) = try Self.prepared(signUp)
        return try store.write { db in
            try register(Events.find(eventId, in: db), address, input, now: givenNow ?? Date(), in: db)
        }
    }

    /// Signs up each of `batch` in one write transaction (group commit), each in a savepoint
    /// of its own so that a refused sign-up leaves the others. The results come in the
    /// batch's order, and none before the commit: a failed commit fails them all. Waiting-list
    /// order is the batch's order, as each sign-up's time is taken when its turn comes. Each
    /// meeting is read once per batch: a sign-up changes none of the fields it reads.
    public func register(batch: [(eventId: Int64, signUp: SignUp)]) -> [Result<SignUpResult, KampagneError>] {
        var results = [Result<SignUpResult, KampagneError>](repeating: .failure(.database("Tilmeldingen blev ikke skrevet")),
                                                            count: batch.count)
        var checked: [(index: Int, eventId: Int64, address: EmailAddress, input: SignUp)] = []
        for (index, item) in batch.enumerated() {
            do throws(KampagneError) {
                let (address, input) = try Self.prepared(item.signUp)
                checked.append((index, item.eventId, address, input))
            } catch {
                results[index] = .failure(error)
            }
        }
        guard !checked.isEmpty else { return results }
        do throws(KampagneError) {
            try store.write { db in
                var events: [Int64: Event] = [:]
                for item in checked {
                    do {
                        var outcome: SignUpResult?
                        try db.inSavepoint {
                            let event = try events[item.eventId] ?? Events.find(item.eventId, in: db)
                            events[item.eventId] = event
                            outcome = try register(event, item.address, item.input, now: Date(), in: db)
                            return .commit
                        }
                        if let outcome { results[item.index] = .success(outcome) }
                    } catch {
                        // SQLite itself ended the transaction (a full disk, an I/O error): the batch fails.
                        guard db.isInsideTransaction else { throw error }
                        results[item.index] = .failure(KampagneError.wrap(error))
                    }
                }
            }
        } catch {
            for item in checked { results[item.index] = .failure(error) }
        }
        return results
    }

    /// One sign-up inside the caller's write transaction; `input` is `checked` already.
    func register(_ event: Event, _ address: EmailAddress, _ input: SignUp, now: Date, in db: Database) throws -> SignUpResult {
        let eventId = event.id ?? 0
        try checkOpen(event, signUp: input, now: now)
        let answers = try Self.checkedAnswers(input.answers, for: event, walkIn: input.walkIn)
        let (contact, created) = try findOrCreateContact(address, input, event: event, now: now, in: db)
        let contactId = contact.id ?? 0
        var registration: Registration
        if var existing = try SignUpStatements.registration(eventId: eventId, contactId: contactId, in: db) {
            if existing.status.isActive && !(input.walkIn && existing.status != .attended) {
                let position = existing.status == .waitlisted ? try waitingList.position(of: existing, in: db) : nil
                return SignUpResult(registrationId: existing.id ?? 0, eventId: eventId, status: existing.status,
                                    position: position, alreadySignedUp: true, contactCreated: false,
                                    message: Self.alreadyMessage(existing.status, position: position,
                                                                 name: input.source == .web ? "" : contact.fullName))
            }
            if !existing.status.isActive { existing.revision += 1 }
            existing.answers = answers.isEmpty ? existing.answers : answers
            existing.queuedAt = now
            existing.cancelReason = nil
            existing.offerExpiresAt = nil
            existing.updatedAt = now
            existing.origin = input.originKey
            registration = existing
        } else {
            registration = Registration(id: nil, eventId: eventId, contactId: contactId, status: .registered,
                                        walkIn: input.walkIn, source: input.source,
                                        organisation: contact.organisation,
                                        municipality: contact.municipality ?? Municipality.of(organisation: contact.organisation)?.name,
                                        answers: answers, queuedAt: now, offerExpiresAt: nil, attendedAt: nil,
                                        cancelReason: nil, revision: 0, createdAt: now, updatedAt: now,
                                        origin: input.originKey)
        }
        if input.walkIn {
            registration.status = .attended
            registration.walkIn = registration.id == nil || registration.walkIn
            registration.attendedAt = now
        } else if try waitingList.hasRoom(event, in: db) {
            registration.status = .registered
        } else {
            registration.status = .waitlisted
        }
        try registration.save(db)
        let id = registration.id ?? 0
        var position: Int?
        switch registration.status {
        case .registered:
            try mail.queue(.confirmation, to: registration, event: event, key: "\(id):\(registration.revision)",
                           contact: contact, in: db)
        case .waitlisted:
            position = try waitingList.position(of: registration, in: db)
            try mail.queue(.waitlisted, to: registration, event: event, key: "\(id):\(registration.revision)",
                           position: position, contact: contact, in: db)
        default:
            break
        }
        return SignUpResult(registrationId: id, eventId: eventId, status: registration.status, position: position,
                            alreadySignedUp: false, contactCreated: created,
                            message: Self.doneMessage(registration.status, position: position, event: event))
    }

    /// The sign-up's address and its cleaned fields, checked before any transaction.
    static func prepared(_ signUp: SignUp) throws(KampagneError) -> (EmailAddress, SignUp) {
        (try EmailAddress(parsing: signUp.email), try checked(signUp))
    }

    static func checked(_ signUp: SignUp) throws(KampagneError) -> SignUp {
        var clean = signUp
        clean.firstName = DanishText.singleLine(signUp.firstName)
        clean.lastName = DanishText.singleLine(signUp.lastName)
        clean.organisation = DanishText.singleLine(signUp.organisation)
        clean.municipality = DanishText.singleLine(signUp.municipality)
        var errors: [FieldError] = []
        if clean.firstName.count + clean.lastName.count > InputLimits.name {
            errors.append(FieldError("name", "Navnet er for langt (højst \(InputLimits.name) tegn)."))
        }
        if clean.organisation.count > InputLimits.organisation {
            errors.append(FieldError("organisation", "Organisationen er for lang (højst \(InputLimits.organisation) tegn)."))
        }
        if !clean.municipality.isEmpty {
            if let municipality = Municipality.lookup(clean.municipality) {
                clean.municipality = municipality.name
            } else {
                errors.append(FieldError("municipality", "Ukendt kommune: '\(clean.municipality)'."))
            }
        }
        guard errors.isEmpty else { throw .fields(errors) }
        return clean
    }

    func checkOpen(_ event: Event, signUp: SignUp, now: Date) throws(KampagneError) {
        guard event.status == .planned else {
            throw .conflict("Mødet «\(event.title)» er aflyst\(event.cancelReason.map { ": \($0)" } ?? ""). Tilmelding er ikke mulig.")
        }
        if signUp.walkIn {
            try settings.checkDoorOpen(event, now: now)
            return
        }
        guard now < event.startsAt else {
            throw .conflict("Mødet «\(event.title)» er begyndt eller afholdt (\(DanishDate.span(event.startsAt, event.endsAt))). Tilmelding er lukket.")
        }
        if let deadline = event.signupDeadline, now > deadline, !signUp.afterDeadline {
            throw .conflict("Tilmeldingsfristen var \(DanishDate.long(deadline)). Kontakt arrangøren\(event.organiserEmail.isEmpty ? "" : " (\(event.organiserEmail))"), hvis du stadig gerne vil deltage.")
        }
    }

    /// Answers must be to the meeting's questions, choices among its options, and required
    /// questions answered (not at the door).
    static func checkedAnswers(_ answers: [String: String], for event: Event, walkIn: Bool) throws(KampagneError) -> [String: String] {
        var result: [String: String] = [:]
        for (rawKey, rawValue) in answers {
            let key = DanishText.identifierKey(rawKey)
            guard let question = event.questions.first(where: { $0.key == key }) else {
                let known = event.questions.map(\.key).joined(separator: ", ")
                throw .invalidInput("Mødet har intet spørgsmål '\(rawKey)'\(known.isEmpty ? "" : " (spørgsmålene er: \(known))")")
            }
            let value = DanishText.trimmed(rawValue.replacingOccurrences(of: "\r\n", with: "\n"))
                .unicodeScalars.filter { $0 == "\n" || !CharacterSet.controlCharacters.contains($0) }
            let text = String(String.UnicodeScalarView(value))
            guard text.count <= InputLimits.answer else {
                throw .field("q-" + question.key, "Svaret på '\(question.label)' er for langt (højst \(InputLimits.answer) tegn).")
            }
            switch question.kind {
            case .text:
                if !text.isEmpty { result[key] = text }
            case .choice, .yesNo:
                guard !text.isEmpty else { continue }
                guard let option = question.options.first(where: { DanishText.searchKey($0) == DanishText.searchKey(text) }) else {
                    throw .field("q-" + question.key, "'\(text)' er ikke et svar på '\(question.label)' (vælg: \(question.options.joined(separator: ", "))).")
                }
                result[key] = option
            }
        }
        if !walkIn, let missing = event.questions.first(where: { $0.required && result[$0.key] == nil }) {
            throw .field("q-" + missing.key, "Besvar venligst: \(missing.label)")
        }
        return result
    }

    func findOrCreateContact(_ address: EmailAddress, _ signUp: SignUp, event: Event, now: Date,
                             in db: Database) throws -> (Contact, Bool) {
        if var contact = try SignUpStatements.contact(emailKey: address.key, in: db) {
            // Fill in what we did not know; never overwrite what is stored. An anonymous web
            // form writes nothing onto an existing contact.
            guard signUp.source != .web else { return (contact, false) }
            var changed = false
            if contact.firstName.isEmpty && !signUp.firstName.isEmpty { contact.firstName = signUp.firstName; changed = true }
            if contact.lastName.isEmpty && !signUp.lastName.isEmpty { contact.lastName = signUp.lastName; changed = true }
            if contact.organisation.isEmpty && !signUp.organisation.isEmpty { contact.organisation = signUp.organisation; changed = true }
            if (contact.municipality ?? "").isEmpty && !signUp.municipality.isEmpty { contact.municipality = signUp.municipality; changed = true }
            if changed {
                contact.updatedAt = now
                try contact.update(db)
            }
            return (contact, false)
        }
        if try SuppressionList.reason(for: address.key, in: db) == .erased {
            throw KampagneError.conflict("Tilmelding med denne adresse er ikke mulig. Kontakt arrangøren.")
        }
        var contact = Contact(address: address, firstName: signUp.firstName, lastName: signUp.lastName,
                              organisation: signUp.organisation,
                              municipality: signUp.municipality.isEmpty ? nil : signUp.municipality, at: now)
        try contact.insert(db)
        let how = signUp.source == .web ? "på hjemmesiden" : signUp.source == .walkIn ? "ved døren" : "via arrangøren"
        var source = DataSource(id: nil, description: "Tilmelding \(how) til «\(event.title)» (\(DanishDate.numeric(event.startsAt)))",
                                file: nil, recordedAt: now)
        try source.insert(db)
        try ContactSource(contactId: contact.id ?? 0, dataSourceId: source.id ?? 0, line: nil).insert(db)
        return (contact, true)
    }

    /// What to say when someone signs up twice. Without a name (the public web form) it says
    /// only that the address is already signed up, never the stored name or status.
    static func alreadyMessage(_ status: RegistrationStatus, position: Int?, name: String) -> String {
        guard !name.isEmpty else {
            return "Denne e-mailadresse er allerede tilmeldt mødet. Se mailen, vi sendte ved tilmeldingen, eller kontakt arrangøren."
        }
        switch status {
        case .waitlisted: return "\(name) står allerede på ventelisten som nummer \(position ?? 0)."
        case .offered: return "\(name) har allerede fået tilbudt en plads (se mailen med tilbuddet)."
        case .attended: return "\(name) er allerede registreret som mødt."
        default: return "\(name) er allerede tilmeldt."
        }
    }

    static func doneMessage(_ status: RegistrationStatus, position: Int?, event: Event) -> String {
        switch status {
        case .waitlisted: return "Mødet er fuldt. Du står på ventelisten som nummer \(position ?? 0)."
        case .attended: return "Registreret som mødt."
        default: return "Tak for din tilmelding til «\(event.title)». Du får en bekræftelse på mail."
        }
    }

    // MARK: Cancel, accept, decline

    /// Cancels a person's sign-up (by address); a freed seat goes to the waiting list at once.
    public func cancel(_ eventId: Int64, email: String, now: Date = Date()) throws(KampagneError) -> RegistrationStatus {
        let address = try EmailAddress(parsing: email)
        return try store.write { db in
            let registration = try Self.find(eventId, emailKey: address.key, in: db)
            return try cancel(registration, reason: "afmeldt", now: now, in: db)
        }
    }

    /// Cancels the sign-up behind a personal link.
    public func cancel(registrationId: Int64, now: Date = Date()) throws(KampagneError) -> RegistrationStatus {
        try store.write { db in
            guard let registration = try Registration.fetchOne(db, key: registrationId) else {
                throw KampagneError.notFound("Tilmeldingen findes ikke længere")
            }
            return try cancel(registration, reason: "afmeldt", now: now, in: db)
        }
    }

    func cancel(_ registration: Registration, reason: String, now: Date, in db: Database) throws -> RegistrationStatus {
        var registration = registration
        let event = try Events.find(registration.eventId, in: db)
        guard registration.status != .cancelled else { return .cancelled }
        guard registration.status != .attended, registration.status != .noShow else {
            throw KampagneError.conflict("Tilmeldingen kan ikke afmeldes efter mødet")
        }
        guard event.endsAt > now else { throw KampagneError.conflict("Mødet er afholdt; tilmeldingen kan ikke længere afmeldes") }
        let heldSeat = registration.status.holdsSeat
        let hadCalendarEntry = registration.status.hasCalendarEntry
        registration.status = .cancelled
        registration.cancelReason = reason
        registration.offerExpiresAt = nil
        registration.updatedAt = now
        try registration.update(db)
        if event.status == .planned && event.endsAt > now {
            try mail.queue(hadCalendarEntry ? .registrationCancelled : .registrationCancelledWhileWaiting, to: registration, event: event,
                           key: "\(registration.id ?? 0):\(registration.revision)", in: db)
            if heldSeat { _ = try waitingList.fill(event, now: now, in: db) }
        }
        return .cancelled
    }

    /// Takes up a waiting-list offer; refused when the offer has lapsed.
    public func accept(registrationId: Int64, now: Date = Date()) throws(KampagneError) -> SignUpResult {
        try store.write { db in
            guard var registration = try Registration.fetchOne(db, key: registrationId) else {
                throw KampagneError.notFound("Tilmeldingen findes ikke længere")
            }
            let event = try Events.find(registration.eventId, in: db)
            if registration.status == .registered || registration.status == .attended {
                return SignUpResult(registrationId: registrationId, eventId: event.id ?? 0, status: registration.status,
                                    position: nil, alreadySignedUp: true, contactCreated: false,
                                    message: "Du har allerede pladsen. Vi glæder os til at se dig.")
            }
            guard event.status == .planned else { throw KampagneError.conflict("Mødet er aflyst") }
            guard event.startsAt > now else { throw KampagneError.conflict("Mødet er begyndt; pladsen kan ikke længere tages") }
            guard registration.status == .offered, let expires = registration.offerExpiresAt, expires > now else {
                throw KampagneError.conflict("Tilbuddet er udløbet, og pladsen er givet videre. Du er velkommen til at tilmelde dig igen.")
            }
            registration.status = .registered
            registration.offerExpiresAt = nil
            registration.updatedAt = now
            try registration.update(db)
            try mail.queue(.confirmation, to: registration, event: event, key: "\(registrationId):\(registration.revision)", in: db)
            return SignUpResult(registrationId: registrationId, eventId: event.id ?? 0, status: .registered, position: nil,
                                alreadySignedUp: false, contactCreated: false,
                                message: "Tak, pladsen er din. Du får en bekræftelse på mail.")
        }
    }

    /// Declines a waiting-list offer: the seat goes to the next person.
    public func decline(registrationId: Int64, now: Date = Date()) throws(KampagneError) -> RegistrationStatus {
        try store.write { db in
            guard let registration = try Registration.fetchOne(db, key: registrationId) else {
                throw KampagneError.notFound("Tilmeldingen findes ikke længere")
            }
            guard registration.status == .offered || registration.status == .waitlisted else {
                return registration.status
            }
            return try cancel(registration, reason: "takkede nej til tilbud", now: now, in: db)
        }
    }

    /// The registration of `email` for meeting `eventId`.
    public func registrationId(_ eventId: Int64, email: String) throws(KampagneError) -> Int64 {
        let key = try EmailAddress(parsing: email).key
        return try store.read { db in try Self.find(eventId, emailKey: key, in: db).id ?? 0 }
    }

    static func find(_ eventId: Int64, emailKey: String, in db: Database) throws -> Registration {
        _ = try Events.find(eventId, in: db)
        guard let registration = try Registration.filter(sql: """
            eventId = ? AND contactId = (SELECT id FROM contact WHERE emailKey = ?)
            """, arguments: [eventId, emailKey]).fetchOne(db) else {
            throw KampagneError.notFound("\(emailKey) er ikke tilmeldt møde \(eventId)")
        }
        return registration
    }

    // MARK: Door

    /// Marks a person as attended. A name that matches several people is an error that lists them.
    public func checkIn(_ eventId: Int64, _ key: CheckInKey, secret: InstallationSecret, now: Date = Date()) throws(KampagneError) -> Participant {
        try store.write { db in
            let event = try Events.find(eventId, in: db)
            guard event.status == .planned else { throw KampagneError.conflict("Mødet er aflyst") }
            // Who first (a link for another meeting is named as such), then whether the door is open.
            var registration = try find(key, event: event, secret: secret, in: db)
            try settings.checkDoorOpen(event, now: now)
            if registration.status != .attended {
                registration.status = .attended
                registration.attendedAt = now
                registration.offerExpiresAt = nil
                registration.updatedAt = now
                try registration.update(db)
            }
            guard let participant = try participants(of: event, only: registration.id, in: db).first else {
                throw KampagneError.notFound("Tilmeldingen findes ikke længere")
            }
            return participant
        }
    }

    /// Undoes a check-in made by mistake: the person is signed up again (with the seat), and a
    /// walk-in who was never signed up is cancelled. Logged in the meeting's log.
    public func undoCheckIn(_ eventId: Int64, _ key: CheckInKey, secret: InstallationSecret, now: Date = Date()) throws(KampagneError) -> Participant {
        try store.write { db in
            let event = try Events.find(eventId, in: db)
            var registration = try find(key, event: event, secret: secret, in: db)
            guard registration.status == .attended else {
                throw KampagneError.conflict("Personen er ikke registreret som mødt (status: \(registration.status.danish))")
            }
            if registration.walkIn {
                registration.status = .cancelled
                registration.cancelReason = "fremmøde fortrudt"
            } else {
                registration.status = .registered
            }
            registration.attendedAt = nil
            registration.updatedAt = now
            try registration.update(db)
            try Events.log(event, "indtjekning fortrudt", "tilmelding \(registration.id ?? 0)", in: db)
            guard let participant = try participants(of: event, only: registration.id, in: db).first else {
                throw KampagneError.notFound("Tilmeldingen findes ikke længere")
            }
            return participant
        }
    }

    /// The registration the door means by `key`.
    func find(_ key: CheckInKey, event: Event, secret: InstallationSecret, in db: Database) throws -> Registration {
        let eventId = event.id ?? 0
        let registration: Registration
        switch key {
        case .email(let email):
            registration = try Self.find(eventId, emailKey: try EmailAddress(parsing: email).key, in: db)
        case .registration(let id):
            guard let found = try Registration.fetchOne(db, key: id), found.eventId == eventId,
                  found.status != .cancelled else {
                throw KampagneError.notFound("Personen er ikke tilmeldt dette møde")
            }
            registration = found
        case .token(let token):
            let scopes: [LinkToken.Scope] = [.calendar, .cancelRegistration, .acceptOffer, .declineOffer]
            guard let decoded = scopes.lazy.compactMap({ LinkToken.decode(token, scope: $0, with: secret) }).first,
                  let found = try Registration.fetchOne(db, key: decoded.subject), found.eventId == eventId else {
                throw KampagneError.notFound("Koden passer ikke til en tilmelding til dette møde")
            }
            registration = found
        case .name(let name):
            let matches = try participants(of: event, in: db).filter {
                DanishText.searchKey($0.name).contains(DanishText.searchKey(DanishText.singleLine(name)))
            }
            guard let first = matches.first else { throw KampagneError.notFound("Ingen tilmeldt hedder '\(name)'") }
            guard matches.count == 1 else {
                let list = matches.prefix(10).map { "\($0.name) <\($0.email)>" }.joined(separator: "; ")
                throw KampagneError.choice("name", "'\(name)' passer på \(matches.count) personer: \(list). Angiv e-mailadressen i stedet.",
                                           among: ["email"])
            }
            guard let found = try Registration.fetchOne(db, key: first.registrationId) else {
                throw KampagneError.notFound("Tilmeldingen findes ikke længere")
            }
            registration = found
        }
        return registration
    }

    /// Everyone who signed up, in Danish name order.
    public func participants(_ eventId: Int64) throws(KampagneError) -> [Participant] {
        try store.read { db in try participants(of: try Events.find(eventId, in: db), in: db) }
    }

    /// Everyone signed up for `event`, or only the registration `only` (a personal link, the
    /// door) without reading the whole list.
    func participants(of event: Event, only: Int64? = nil, in db: Database) throws -> [Participant] {
        let eventId = event.id ?? 0
        let rows = try Row.fetchAll(db, sql: """
            SELECT r.*, c.firstName, c.lastName, c.email,
                   (SELECT group_concat(role, '|') FROM contactRole WHERE contactId = r.contactId) AS roles
            FROM registration r LEFT JOIN contact c ON c.id = r.contactId
            WHERE r.eventId = ? AND (? IS NULL OR r.id = ?)
            """, arguments: [eventId, only, only])
        var positions: [Int64: Int] = [:]
        if let only {
            if let registration = try Registration.fetchOne(db, key: only), registration.status == .waitlisted {
                positions[only] = try waitingList.position(of: registration, in: db)
            }
        } else {
            let waiting = try Registration.filter(Registration.Columns.eventId == eventId
                && Registration.Columns.status == RegistrationStatus.waitlisted.rawValue)
                .order(Registration.Columns.queuedAt, Column("id")).fetchAll(db)
            for (index, registration) in waiting.enumerated() { positions[registration.id ?? 0] = index + 1 }
        }
        let people = try rows.map { row -> Participant in
            let registration = try Registration(row: row)
            let first: String = row["firstName"] ?? ""
            let last: String = row["lastName"] ?? ""
            let municipality = registration.municipality ?? ""
            let roles: String = row["roles"] ?? ""
            return Participant(registrationId: registration.id ?? 0,
                               name: [first, last].filter { !$0.isEmpty }.joined(separator: " "),
                               email: row["email"] ?? "", organisation: registration.organisation,
                               municipality: municipality,
                               region: Municipality.named(municipality)?.region.name ?? "",
                               roles: roles.split(separator: "|").map(String.init).sorted(),
                               status: registration.status, statusName: registration.status.danish,
                               walkIn: registration.walkIn, position: positions[registration.id ?? 0],
                               answers: registration.answers, signedUpAt: registration.createdAt,
                               attendedAt: registration.attendedAt,
                               origin: SignupSource.of(origin: registration.origin, source: registration.source).key,
                               offerExpiresAt: registration.offerExpiresAt)
        }
        return DanishText.sorted(people) { [$0.name.isEmpty ? $0.email : $0.name, $0.email] }
    }
}
