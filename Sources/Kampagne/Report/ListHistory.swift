import Foundation
import GRDB

/// How many people a mailing list reached on a past day, reconstructed from what the database
/// keeps: each membership's `consentAt` (when the person joined), the journal of memberships
/// that ended (`listMembershipEnded`, kept by triggers since schema v6), and when each
/// address went on and off the suppression list (`suppression`, `suppressionEnded`).
///
/// A person counts on day *t* when a membership covered *t* and the address was not
/// suppressed at *t*: the number of people a newsletter sent at *t* would have reached.
/// Limits, said plainly in docs/report.md: memberships that ended before v6 was installed left
/// no trace, so figures before that day can be too low; a person who unsubscribed and was
/// later erased counts as reachable until the erasure.
struct ListHistory {
    /// One stretch of time a contact was on a list.
    struct Stretch {
        var contactId: Int64
        var from: Date
        var until: Date?
    }

    private var stretches: [Int64: [Stretch]] = [:]
    /// Suppression stretches per contact (matched through the keyed address hash).
    private var suppressed: [Int64: [(from: Date, until: Date?)]] = [:]
    /// Every suppression stretch with its reason, for counting unsubscribes in a period.
    private(set) var suppressionStarts: [(hash: String, reason: SuppressionReason, at: Date)] = []

    init(db: Database) throws {
        for membership in try ListMembership.fetchAll(db) {
            stretches[membership.mailingListId, default: []].append(
                Stretch(contactId: membership.contactId, from: membership.consentAt, until: nil))
        }
        for ended in try ListMembershipEnded.fetchAll(db) {
            stretches[ended.mailingListId, default: []].append(
                Stretch(contactId: ended.contactId, from: ended.joinedAt, until: ended.endedAt))
        }
        let secret = try InstallationSecret.load(db)
        var contactByHash: [String: Int64] = [:]
        let addresses = try Row.fetchAll(db, Contact.select(Contact.Columns.id, Contact.Columns.email))
        for row in addresses {
            let email: String = row[Contact.Columns.email]
            contactByHash[SuppressionList.hash(email, secret: secret)] = row[Contact.Columns.id]
        }
        var intervals: [(hash: String, reason: SuppressionReason, from: Date, until: Date?)] = []
        for entry in try Suppression.fetchAll(db) {
            intervals.append((entry.emailHash, entry.reason, entry.createdAt, nil))
        }
        for ended in try SuppressionEnded.fetchAll(db) {
            intervals.append((ended.emailHash, ended.reason, ended.since, ended.endedAt))
        }
        for interval in intervals {
            suppressionStarts.append((interval.hash, interval.reason, interval.from))
            if let contactId = contactByHash[interval.hash] {
                suppressed[contactId, default: []].append((interval.from, interval.until))
            }
        }
    }

    /// Every moment at which the reach of `lists` may have changed (someone joined or left,
    /// an address was suppressed or lifted), in `start ..< end`, sorted.
    func changes(of lists: [Int64], from start: Date, to end: Date) -> [Date] {
        var moments: Set<Date> = []
        var members: Set<Int64> = []
        for list in lists {
            for stretch in stretches[list] ?? [] {
                members.insert(stretch.contactId)
                moments.insert(stretch.from)
                if let until = stretch.until { moments.insert(until) }
            }
        }
        for contactId in members {
            for interval in suppressed[contactId] ?? [] {
                moments.insert(interval.from)
                if let until = interval.until { moments.insert(until) }
            }
        }
        return moments.filter { $0 >= start && $0 < end }.sorted()
    }

    /// Distinct people reachable through any of `lists` at `moment` (exclusive: a member who
    /// joined exactly at `moment` counts from then on, so the end of a period includes its last day).
    func reach(of lists: [Int64], at moment: Date) -> Int {
        var people: Set<Int64> = []
        for list in lists {
            for stretch in stretches[list] ?? [] where stretch.from < moment && (stretch.until.map { $0 >= moment } ?? true) {
                people.insert(stretch.contactId)
            }
        }
        return people.filter { !isSuppressed($0, at: moment) }.count
    }

    private func isSuppressed(_ contactId: Int64, at moment: Date) -> Bool {
        (suppressed[contactId] ?? []).contains { $0.from < moment && ($0.until.map { $0 >= moment } ?? true) }
    }

    /// Addresses that went on the suppression list for `reason` within the period.
    func suppressions(_ reason: SuppressionReason, in period: ReportPeriod) -> Int {
        Set(suppressionStarts.filter { $0.reason == reason && period.contains($0.at) }.map(\.hash)).count
    }
}
