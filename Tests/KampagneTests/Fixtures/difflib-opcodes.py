"""Writes difflib-opcodes.json: Python difflib's opcodes for line and word pairs, the known-good
answers SequenceAlignment (Sources/Kampagne/Stories/SideBySideDiff.swift) is tested against.
Run: python3 difflib-opcodes.py > difflib-opcodes.json"""
import difflib, json, re

def words(text):
    return re.findall(r"\S+|\s+", text)

line_cases = [
    (["a", "b", "c"], ["a", "b", "c"]),
    ([], ["ny linje"]),
    (["gammel linje"], []),
    (["overskrift: Kok i Vejle", "manchet: Amina fik job", "", "Historien."],
     ["overskrift: Kok i Vejle", "manchet: Amina fik fast job", "kerne: Køkkenet manglede folk", "", "Historien.", "## Virksomhedens motiv", "De manglede en kok."]),
    (["x", "a", "b", "x", "c", "x"], ["a", "x", "b", "c", "x", "x", "d"]),
    (["en", "to", "tre", "fire", "fem"], ["fem", "fire", "tre", "to", "en"]),
    (list("abxcd"), list("abcd")),
    (list("qabxcd"), list("abycdf")),
]
# A long second sequence with a popular element (autojunk: more than 1 % of 200+ lines).
long_a = [("" if i % 3 == 0 else "linje %d" % i) for i in range(240)]
long_b = [("" if i % 3 == 0 else ("linje %d" % i if i % 17 else "ændret %d" % i)) for i in range(250)]
line_cases.append((long_a, long_b))

word_cases = [
    ("Amina fik job i køkkenet.", "Amina fik fast job i køkkenet i Vejle."),
    ("Det gik godt, siger Lars Holm.", "Det gik rigtig godt, siger køkkenchef Lars Holm."),
    ("", "Alt er nyt"),
    ("Alt forsvandt", ""),
    ("a b c d e", "e d c b a"),
]

def opcodes(a, b):
    return [list(op) for op in difflib.SequenceMatcher(None, a, b).get_opcodes()]

out = {
    "lines": [{"a": a, "b": b, "opcodes": opcodes(a, b)} for a, b in line_cases],
    "words": [{"a": a, "b": b, "tokensA": words(a), "tokensB": words(b), "opcodes": opcodes(words(a), words(b))}
              for a, b in word_cases],
}
print(json.dumps(out, ensure_ascii=False, indent=1))
