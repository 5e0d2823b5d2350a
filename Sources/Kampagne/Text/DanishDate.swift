import Foundation

/// Dates as Danish readers expect them, in Europe/Copenhagen time:
/// "torsdag den 19. august 2010 kl. 16.00".
public enum DanishDate {
    public static let timeZone = TimeZone(identifier: "Europe/Copenhagen") ?? .current

    private static func formatter(_ pattern: String) -> DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = DanishText.locale
        formatter.timeZone = timeZone
        formatter.dateFormat = pattern
        return formatter
    }

    /// "torsdag den 19. august 2010 kl. 16.00"
    public static func long(_ date: Date) -> String {
        formatter("EEEE 'den' d. MMMM yyyy 'kl.' HH.mm").string(from: date)
    }

    /// "19. aug. 2010 16.00"
    public static func short(_ date: Date) -> String {
        formatter("d. MMM yyyy HH.mm").string(from: date)
    }
}
