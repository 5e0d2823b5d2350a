import Foundation

extension ReportPeriod {
    /// The half-year `date` falls in (January–June or July–December in Copenhagen): the
    /// period the staff area's report page shows.
    public static func halfYear(containing date: Date = Date()) throws(KampagneError) -> ReportPeriod {
        let year = Calendar.danish.component(.year, from: date)
        return Calendar.danish.component(.month, from: date) <= 6
            ? try ReportPeriod(from: "\(year)-01-01", to: "\(year)-06-30")
            : try ReportPeriod(from: "\(year)-07-01", to: "\(year)-12-31")
    }
}
