import Foundation

/// How long a send will take under the configured rate and daily limit.
public struct SendEstimate: Codable, Sendable {
    public var messages: Int
    /// Messages per second the pacing allows (nil: as fast as the server takes them).
    public var ratePerSecond: Double?
    public var dailyLimit: Int?
    /// Calendar days the daily limit spreads the send over.
    public var days: Int
    /// Sending time under the rate alone, in seconds (nil without a rate).
    public var seconds: Double?

    public init(messages: Int, settings: DispatchSettings) {
        self.messages = messages
        ratePerSecond = settings.rate.map { Double($0.count) / $0.seconds }
        dailyLimit = settings.dailyLimit
        days = settings.dailyLimit.map { max(1, Int((Double(messages) / Double(max($0, 1))).rounded(.up))) } ?? 1
        seconds = ratePerSecond.map { Double(messages) / $0 }
    }

    public var danish: String {
        var parts: [String] = []
        if let seconds {
            parts.append("med \(Self.rateText(ratePerSecond ?? 0)) tager det ca. \(Self.duration(seconds))")
        } else {
            parts.append("ingen hastighedsgrænse; så hurtigt som serveren tager imod")
        }
        if let dailyLimit, days > 1 {
            parts.append("dagsgrænsen på \(dailyLimit) fordeler det over \(days) dage (fortsætter selv, når `outbox run` køres)")
        }
        return parts.joined(separator: "; ")
    }

    static func rateText(_ perSecond: Double) -> String {
        perSecond >= 1 ? "\(Int(perSecond.rounded())) pr. sekund" : "\(Int((perSecond * 60).rounded())) pr. minut"
    }

    /// "45 sekunder", "12 minutter", "2,5 timer".
    public static func danishDuration(_ seconds: Double) -> String { duration(seconds) }

    static func duration(_ seconds: Double) -> String {
        if seconds < 90 { return "\(Int(seconds.rounded())) sekunder" }
        if seconds < 5_400 { return "\(Int((seconds / 60).rounded())) minutter" }
        return DanishNumber.decimal(seconds / 3_600) + " timer"
    }
}

extension DispatchSummary {
    public func danishSummary(via transport: String) -> String {
        let opened = connections == 0 ? "" : "\(connections) forbindelse\(connections == 1 ? "" : "r"), "
        var lines = ["Sendt: \(sent), udskudt: \(deferred), fejlet: \(failed) (\(transport), \(opened)\(DanishNumber.decimal(seconds)) s)"]
        if hardBounces > 0 { lines.append("\(hardBounces) adresser findes ikke og er sat på spærrelisten") }
        if recoveredInFlight > 0 {
            lines.append("\(recoveredInFlight) beskeder var undervejs, da en tidligere kørsel stoppede; de er sendt igen")
        }
        if let stoppedBecause { lines.append("Standset: \(stoppedBecause)") }
        if remaining > 0 { lines.append("\(remaining) venter stadig") }
        return lines.joined(separator: "\n")
    }
}
