import Foundation
import GRDB

/// What one pass of the meeting schedule did.
public struct ScheduleReport: Codable, Sendable, Equatable {
    public var remindersQueued = 0
    public var offersLapsed = 0
    public var noShows = 0
}

/// The time-driven part of meetings, run by `outbox run` (and by the web server every
/// minute): reminders that are due, waiting-list offers that lapsed, and no-shows once a
/// meeting is over. Safe to run as often as you like: each step happens once.
public struct EventSchedule: Sendable {
    let store: Store
    let settings: EventSettings

    public init(store: Store, settings: EventSettings) {
        self.store = store
        self.settings = settings
    }

    public func run(now: Date = Date()) throws(KampagneError) -> ScheduleReport {
        try store.write { db in
            var report = ScheduleReport()
            report.offersLapsed = try WaitingList(settings: settings).expireOffers(now: now, in: db)
            report.remindersQueued = try queueReminders(now: now, in: db)
            report.noShows = try markNoShows(now: now, in: db)
            return report
        }
    }

    func queueReminders(now: Date, in db: Database) throws -> Int {
        let horizon = now.addingTimeInterval(TimeInterval(settings.reminderDays) * 86_400)
        let due = try Event.filter(Event.Columns.status == EventStatus.planned.rawValue && Column("reminderQueuedAt") == nil
            && Event.Columns.startsAt > now && Event.Columns.startsAt <= horizon).fetchAll(db)
        let mail = MeetingMail(settings: settings)
        var queued = 0
        for var event in due {
            for registration in try Registration.filter(Registration.Columns.eventId == event.id
                && [RegistrationStatus.registered, .attended].filter(\.hasCalendarEntry).map(\.rawValue)
                    .contains(Registration.Columns.status)).fetchAll(db) {
                // Someone who signed up after the reminder time has just had the confirmation.
                if registration.queuedAt > event.startsAt.addingTimeInterval(-TimeInterval(settings.reminderDays) * 86_400) { continue }
                if try mail.queue(.reminder, to: registration, event: event, key: "\(registration.id ?? 0):\(event.sequence)", in: db) {
                    queued += 1
                }
            }
            event.reminderQueuedAt = now
            try event.update(db)
            try Events.log(event, "påmindelser", "\(queued) påmindelser sat i kø", in: db)
        }
        return queued
    }

    /// Registered people who were not checked in by the end of a meeting become no-shows;
    /// a later check-in (from the signed door list) still turns them into attended.
    func markNoShows(now: Date, in db: Database) throws -> Int {
        try Registration.filter(sql: """
            status = 'registered' AND eventId IN (SELECT id FROM event WHERE status = 'planned' AND endsAt < ?)
            """, arguments: [now]).updateAll(db, Registration.Columns.status.set(to: RegistrationStatus.noShow.rawValue))
    }
}
