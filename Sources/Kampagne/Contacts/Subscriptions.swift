import Foundation
import GRDB

/// A newsletter subscription from the web form: held until the person confirms it from the
/// link in their mail (double opt-in), then a list membership with its consent record.
public struct Subscription: Codable, Sendable, Identifiable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "subscription"
    public var id: Int64?
    public var email: String
    public var emailKey: String
    public var firstName: String
    public var lastName: String
    public var organisation: String
    public var municipality: String?
    public var list: String
    /// The consent text the form showed, word for word.
    public var wording: String
    /// The page the form was on.
    public var sourcePage: String
    public var requestedAt: Date
    public var confirmedAt: Date?

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// Double opt-in: `request` stores the wish and queues the confirmation mail; only `confirm`
/// (from the link) puts anyone on the list.
public struct Subscriptions: Sendable {
    let store: Store
    /// A confirmation link works this long.
    public static let validity: TimeInterval = 7 * 86_400
    /// A second request within this time sends no second mail.
    public static let resendAfter: TimeInterval = 15 * 60

    public init(store: Store) { self.store = store }

    /// Stores the request and queues the confirmation mail; returns the subscription's id.
    /// Asking again within the validity period sends no second mail.
    @discardableResult
    public func request(email: String, name: String, organisation: String, municipality: String, list: String,
                        wording: String, sourcePage: String, senderDomain: String) throws(KampagneError) -> Int64 {
        let address = try EmailAddress(parsing: email)
        var person = SignUp(email: email)
        person.setName(name)
        person.organisation = organisation
        person.municipality = municipality
        let clean = try Registrations.checked(person)
        return try store.write { db in
            _ = try MailingLists.find(list, in: db)
            let now = Date()
            var subscription: Subscription
            if var pending = try Subscription.filter(Column("emailKey") == address.key && Column("list") == list
                && Column("confirmedAt") == nil && Column("requestedAt") > now.addingTimeInterval(-Self.validity)).fetchOne(db) {
                // Asked again soon after: the first mail is on its way. Later: a new mail.
                if now.timeIntervalSince(pending.requestedAt) < Self.resendAfter { return pending.id ?? 0 }
                pending.requestedAt = now
                try pending.update(db)
                subscription = pending
            } else {
                subscription = Subscription(id: nil, email: address.value, emailKey: address.key, firstName: clean.firstName,
                                            lastName: clean.lastName, organisation: clean.organisation,
                                            municipality: clean.municipality.isEmpty ? nil : clean.municipality,
                                            list: list, wording: wording, sourcePage: sourcePage, requestedAt: now)
                try subscription.insert(db)
            }
            let id = subscription.id ?? 0
            let campaignId = try NoticeQueue.campaign(.confirmation, name: "Bekræftelser af tilmelding til nyhedsbrev",
                                                      at: now, in: db)
            let recipient = Contact(address: address, firstName: clean.firstName, lastName: clean.lastName,
                                    organisation: clean.organisation, at: now)
            _ = try NoticeQueue(senderDomain: senderDomain).insert(QueuedNotice(subscriptionId: id, listName: list),
                                                                   campaignId: campaignId, contact: recipient,
                                                                   key: "subscribe:\(id):\(Int(now.timeIntervalSince1970))", in: db)
            return id
        }
    }

    /// The pending subscription behind a confirmation link, if the link is genuine.
    public func find(_ id: Int64) throws(KampagneError) -> Subscription? {
        try store.read { db in try Subscription.fetchOne(db, key: id) }
    }

    /// Puts the person on the list with consent recorded (time, wording, page); a contact is
    /// made if needed. Confirming twice is harmless. An expired link is refused.
    public func confirm(_ id: Int64, now: Date = Date()) throws(KampagneError) -> Subscription {
        try store.write { db in
            guard var subscription = try Subscription.fetchOne(db, key: id) else {
                throw KampagneError.notFound("Tilmeldingen findes ikke")
            }
            if subscription.confirmedAt != nil { return subscription }
            guard now.timeIntervalSince(subscription.requestedAt) <= Self.validity else {
                throw KampagneError.conflict("Linket er udløbet. Tilmeld dig igen på siden, så får du et nyt.")
            }
            let list = try MailingLists.find(subscription.list, in: db)
            var contact: Contact
            if let existing = try Contact.filter(Contact.Columns.emailKey == subscription.emailKey).fetchOne(db) {
                contact = existing
                if contact.firstName.isEmpty { contact.firstName = subscription.firstName }
                if contact.lastName.isEmpty { contact.lastName = subscription.lastName }
                if contact.organisation.isEmpty { contact.organisation = subscription.organisation }
                if contact.municipality == nil { contact.municipality = subscription.municipality }
                contact.updatedAt = now
                try contact.update(db)
            } else {
                contact = Contact(address: EmailAddress(trusted: subscription.email, key: subscription.emailKey),
                                  firstName: subscription.firstName, lastName: subscription.lastName,
                                  organisation: subscription.organisation, municipality: subscription.municipality, at: now)
                try contact.insert(db)
            }
            let source = "tilmeldt på \(subscription.sourcePage) \(DanishDate.short(subscription.requestedAt)), bekræftet \(DanishDate.short(now)) via link i mail; ordlyd: \(subscription.wording)"
            try ListMembership(mailingListId: list.id ?? 0, contactId: contact.id ?? 0, consentBasis: .consent,
                               consentAt: now, source: source).save(db)
            var record = DataSource(id: nil, description: "Tilmelding til \(list.name) med dobbelt bekræftelse", file: nil, recordedAt: now)
            try record.insert(db)
            try ContactSource(contactId: contact.id ?? 0, dataSourceId: record.id ?? 0, line: nil).insert(db, onConflict: .ignore)
            // A new, confirmed wish to receive mail lifts an earlier unsubscription.
            try SuppressionList.lift(subscription.emailKey, unless: [.hardBounce], in: db)
            subscription.confirmedAt = now
            try subscription.update(db)
            return subscription
        }
    }
}
