import Foundation

/// Danish abbreviations and number patterns whose point does not end a sentence, for LIX
/// (`Readability`). The lists are tested in ReadabilityTests and described in docs/stories.md.
public enum DanishAbbreviations {
    /// Never end a sentence: what follows belongs to the same one ("kl. 10.00", "bl.a. Odense").
    public static let neverFinal: Set<String> = [
        "kl.", "bl.a.", "f.eks.", "fx.", "dvs.", "ca.", "nr.", "jf.", "evt.", "inkl.", "ekskl.", "pga.", "vedr.",
        "tlf.", "hhv.", "mht.", "iht.", "ift.", "vha.", "bl.", "el.", "st.", "hr.", "fr.", "dr.", "prof.",
        "cand.", "stud.", "mag.", "merc.", "polit.", "jur.", "ang.", "att.", "d.", "dav.", "ml.",
        "jan.", "feb.", "aug.", "sep.", "sept.", "okt.", "nov.", "dec.", "man.", "tirs.", "ons.", "tors.",
        "fre.", "lør.", "søn.", "s.", "pkt.", "stk.", "ff.", "vol.", "gl.",
    ]
    /// May end a sentence: a point after them ends one only when a capital letter follows
    /// ("3.000 kr. om måneden" goes on; "Det koster 3.000 kr. Det er billigt." does not).
    public static let maybeFinal: Set<String> = [
        "kr.", "osv.", "etc.", "mv.", "m.m.", "m.v.", "m.fl.", "o.l.", "o.a.", "pct.", "mio.", "mia.", "mill.",
        "t.", "min.", "sek.", "km.", "cm.", "mm.", "kg.", "årg.", "fhv.",
    ]

    /// Whether a point right after `word` (the word before it, without the point) ends the
    /// sentence, given the `rest` of the text after the point.
    public static func endsSentence(after word: Substring, before rest: Substring) -> Bool {
        let key = word.lowercased() + "."
        let following = rest.first { !$0.isWhitespace }
        guard let following else { return true }
        if neverFinal.contains(key) { return false }
        // "17. februar", "kl. 10", "3.000 kr. om måneden", "i 2008. det": a new sentence starts
        // with a capital letter (or a quotation mark, a dash, a bracket).
        if following.isLowercase || following.isNumber { return false }
        if maybeFinal.contains(key) { return following.isUppercase || !following.isLetter }
        return true
    }
}
