import Foundation

/// Numbers as Danish readers write them: "3.700", "29,6 %", "+1.000".
public enum DanishNumber {
    /// "3.700"; "-12".
    public static func int(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var grouped = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { grouped += "." }
            grouped.append(digit)
        }
        return (value < 0 ? "-" : "") + grouped
    }

    /// "+1.000", "-12", "0".
    public static func signed(_ value: Int) -> String { value > 0 ? "+" + int(value) : int(value) }

    /// "29,6" with one decimal.
    public static func decimal(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        let whole = int(abs(tenths) / 10)
        return (tenths < 0 ? "-" : "") + whole + "," + String(abs(tenths) % 10)
    }

    /// "+29,6 %" for a change in per cent; "–" when there is none to give.
    public static func change(_ percent: Double?) -> String {
        guard let percent else { return "–" }
        return (percent > 0 ? "+" : "") + decimal(percent) + " %"
    }

    /// "12,5 %" for a share 0–1.
    public static func share(_ value: Double) -> String { decimal(value * 100) + " %" }

    /// The noun for `n`: `singular` for exactly one (and minus one), `plural` otherwise, as
    /// Danish has it ("1 møde", "0 møder", "2 møder").
    public static func noun(_ n: Int, _ singular: String, _ plural: String) -> String {
        n.magnitude == 1 ? singular : plural
    }

    /// "1 møde", "1.200 møder": the number written as `int` and the noun that fits it.
    public static func count(_ n: Int, _ singular: String, _ plural: String) -> String {
        int(n) + " " + noun(n, singular, plural)
    }
}
