import Foundation

extension ImportReport {
    /// The report as a Danish summary for the person who ran the import.
    public var danishSummary: String {
        var lines: [String] = []
        for file in files {
            lines.append("\(file.file): \(file.encoding), skilletegn '\(file.delimiter)', \(Self.number(file.rows)) rækker")
        }
        let verb = dryRun ? "Ville importere" : "Importeret"
        lines.append("\(verb): \(Self.number(new)) nye, \(Self.number(updated)) opdaterede, "
            + "\(Self.number(unchanged)) uændrede, \(Self.number(rejected)) afviste")
        if emptyRows > 0 {
            lines.append("Tomme rækker sprunget over: \(Self.number(emptyRows))")
        }
        if duplicateRows > 0 {
            lines.append("Dubletter i filerne: \(Self.number(duplicateRows)) rækker lagt sammen med en tidligere række for samme adresse")
        }
        if suppressed > 0 {
            lines.append("\(Self.number(suppressed)) adresser står på spærrelisten og får ingen mails")
        }
        if skippedErased > 0 {
            lines.append("\(Self.number(skippedErased)) rækker sprunget over: personen er slettet efter anmodning")
        }
        if !listsCreated.isEmpty {
            lines.append("Nye lister: \(listsCreated.joined(separator: ", "))")
        }
        let warningsShown = warnings.prefix(20)
        if !warnings.isEmpty {
            lines.append("Advarsler (\(Self.number(warnings.count))):")
            lines += warningsShown.map { "  " + $0.description }
            if warnings.count > warningsShown.count {
                lines.append("  … og \(Self.number(warnings.count - warningsShown.count)) mere")
            }
        }
        if let rejectsFile, rejected > 0 {
            lines.append("De afviste rækker og årsagerne står i \(rejectsFile)")
        }
        if !sample.isEmpty {
            for file in files {
                lines.append("Kolonner i \(file.file): " + file.columns.map { "\($0.header) → \($0.fieldName)" }.joined(separator: ", "))
            }
            lines.append("De første rækker, som de gemmes:")
            for s in sample {
                var parts = [s.email, [s.firstName, s.lastName].filter { !$0.isEmpty }.joined(separator: " "), s.organisation, s.title,
                             s.municipality, s.phone, s.roles.joined(separator: ", ")]
                parts += s.attributes.keys.sorted().map { "\($0)=\(s.attributes[$0] ?? "")" }
                lines.append("  linje \(s.line): " + parts.filter { !$0.isEmpty }.joined(separator: " · "))
            }
        }
        if dryRun {
            if !errors.isEmpty {
                lines.append("Fejl (\(Self.number(errors.count))):")
                lines += errors.prefix(20).map { "  " + $0.description }
            }
            lines.append("Prøvekørsel: intet er gemt.")
        }
        return lines.joined(separator: "\n")
    }

    static func number(_ n: Int) -> String { n.formatted(.number.locale(DanishText.locale)) }
}
