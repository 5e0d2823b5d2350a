import Foundation
import Testing
@testable import Kampagne

@Suite struct DanishDateTests {
    /// The hand-built formats must say exactly what Foundation's Danish formatter says.
    @Test func matchesFoundationsDanishFormats() {
        func foundation(_ pattern: String, _ date: Date) -> String {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "da_DK")
            formatter.timeZone = DanishDate.timeZone
            formatter.dateFormat = pattern
            return formatter.string(from: date)
        }
        var date = Date(timeIntervalSince1970: 1_262_304_000) // 2010-01-01
        for _ in 0..<60 {
            #expect(DanishDate.long(date) == foundation("EEEE 'den' d. MMMM yyyy 'kl.' HH.mm", date))
            #expect(DanishDate.short(date) == foundation("d. MMM yyyy HH.mm", date))
            #expect(DanishDate.numeric(date) == foundation("dd.MM.yyyy", date))
            date = date.addingTimeInterval(6 * 86_400 + 3_917) // every weekday, month and hour comes by
        }
        #expect(DanishDate.long(Date(timeIntervalSince1970: 1_282_226_400)) == "torsdag den 19. august 2010 kl. 16.00")
    }
}
