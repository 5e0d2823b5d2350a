#!/usr/bin/env python3
"""Write N fictional contacts as a CSV file, for import benchmarks.

    python3 bench/gen-contacts.py N OUT.csv [--seed SEED]

The output is UTF-8 with commas and LF line ends, and has the headers
Fornavn,Efternavn,E-mail,Kommune,Rolle,Organisation,Telefon.
Everyone in it is invented: each person is a random pair of common Danish first
and last names. Every address is unique (ignoring case) and is at an `.example`
domain. The same N and seed always produce the same file. Standard library only.
100,000 rows take well under a second.
"""

import argparse
import csv
import random
import sys

# The 98 municipalities since 2007: (official code, short name).
MUNICIPALITIES = [
    (101, "København"), (147, "Frederiksberg"), (151, "Ballerup"), (153, "Brøndby"),
    (155, "Dragør"), (157, "Gentofte"), (159, "Gladsaxe"), (161, "Glostrup"),
    (163, "Herlev"), (165, "Albertslund"), (167, "Hvidovre"), (169, "Høje-Taastrup"),
    (173, "Lyngby-Taarbæk"), (175, "Rødovre"), (183, "Ishøj"), (185, "Tårnby"),
    (187, "Vallensbæk"), (190, "Furesø"), (201, "Allerød"), (210, "Fredensborg"),
    (217, "Helsingør"), (219, "Hillerød"), (223, "Hørsholm"), (230, "Rudersdal"),
    (240, "Egedal"), (250, "Frederikssund"), (253, "Greve"), (259, "Køge"),
    (260, "Halsnæs"), (265, "Roskilde"), (269, "Solrød"), (270, "Gribskov"),
    (306, "Odsherred"), (316, "Holbæk"), (320, "Faxe"), (326, "Kalundborg"),
    (329, "Ringsted"), (330, "Slagelse"), (336, "Stevns"), (340, "Sorø"),
    (350, "Lejre"), (360, "Lolland"), (370, "Næstved"), (376, "Guldborgsund"),
    (390, "Vordingborg"), (400, "Bornholm"), (410, "Middelfart"), (420, "Assens"),
    (430, "Faaborg-Midtfyn"), (440, "Kerteminde"), (450, "Nyborg"), (461, "Odense"),
    (479, "Svendborg"), (480, "Nordfyns"), (482, "Langeland"), (492, "Ærø"),
    (510, "Haderslev"), (530, "Billund"), (540, "Sønderborg"), (550, "Tønder"),
    (561, "Esbjerg"), (563, "Fanø"), (573, "Varde"), (575, "Vejen"),
    (580, "Aabenraa"), (607, "Fredericia"), (615, "Horsens"), (621, "Kolding"),
    (630, "Vejle"), (657, "Herning"), (661, "Holstebro"), (665, "Lemvig"),
    (671, "Struer"), (706, "Syddjurs"), (707, "Norddjurs"), (710, "Favrskov"),
    (727, "Odder"), (730, "Randers"), (740, "Silkeborg"), (741, "Samsø"),
    (746, "Skanderborg"), (751, "Aarhus"), (756, "Ikast-Brande"), (760, "Ringkøbing-Skjern"),
    (766, "Hedensted"), (773, "Morsø"), (779, "Skive"), (787, "Thisted"),
    (791, "Viborg"), (810, "Brønderslev"), (813, "Frederikshavn"), (820, "Vesthimmerland"),
    (825, "Læsø"), (840, "Rebild"), (846, "Mariagerfjord"), (849, "Jammerbugt"),
    (851, "Aalborg"), (860, "Hjørring"),
]

FIRST_NAMES = [
    "Anne", "Mette", "Kirsten", "Hanne", "Lene", "Susanne", "Marianne", "Lone",
    "Pia", "Helle", "Karen", "Birgitte", "Inge", "Tina", "Camilla", "Louise",
    "Maria", "Charlotte", "Dorthe", "Gitte", "Rikke", "Malene", "Jette", "Bente",
    "Ulla", "Signe", "Ida", "Sanne", "Åse", "Else", "Astrid", "Fatima", "Leila",
    "Jens", "Peter", "Lars", "Søren", "Niels", "Henrik", "Michael", "Thomas",
    "Anders", "Jørgen", "Poul", "Ole", "Martin", "Morten", "Rasmus", "Jesper",
    "Kim", "Torben", "Bent", "Erik", "Kristian", "Christian", "Mads", "Ulrik",
    "Øjvind", "Åge", "Ebbe", "Flemming", "Carsten", "Bo", "Steen", "Jakob",
    "Troels", "Ahmed", "Ali", "Hassan", "Omar",
]

LAST_NAMES = [
    "Hansen", "Nielsen", "Jensen", "Pedersen", "Andersen", "Christensen",
    "Larsen", "Sørensen", "Rasmussen", "Jørgensen", "Petersen", "Madsen",
    "Kristensen", "Olsen", "Thomsen", "Christiansen", "Poulsen", "Johansen",
    "Møller", "Mortensen", "Knudsen", "Jakobsen", "Lauridsen", "Frederiksen",
    "Mikkelsen", "Henriksen", "Laursen", "Schmidt", "Clausen", "Dahl", "Lund",
    "Holm", "Bach", "Vestergaard", "Kjær", "Iversen", "Friis", "Skov", "Bruun",
    "Damgaard", "Højgaard", "Brandt", "Krogh", "Winther", "Nygaard", "Juhl",
    "Østergaard", "Aagaard", "Ærbøl", "Øberg", "Ørum", "Åkjær", "Ågesen",
    "Hussein", "Yilmaz", "Ahmadi", "Nguyen", "Khan", "Mohammed",
]

# (role, organisation pattern, domain pattern); {m} = municipality, {s} = its slug.
ROLES = [
    ("Jobcenterchef", "Jobcenter {m}", "jobcenter-{s}.example"),
    ("Jobkonsulent", "Jobcenter {m}", "jobcenter-{s}.example"),
    ("Virksomhedskonsulent", "Jobcenter {m}", "jobcenter-{s}.example"),
    ("Sagsbehandler", "Jobcenter {m}", "jobcenter-{s}.example"),
    ("LBR-medlem", "LBR {m}", "lbr-{s}.example"),
    ("Politiker", "Kommunalbestyrelsen, {m}", "byraad-{s}.example"),
    ("Sprogcenterleder", "Sprogcenter {m}", "sprogcenter-{s}.example"),
    ("Mentor", "Mentornetværk {m}", "mentor-{s}.example"),
    ("Jobpakkeambassadør", "Jobcenter {m}", "jobcenter-{s}.example"),
    ("Virksomhedskontakt", "Virksomhedsnetværk {m}", "virk-{s}.example"),
    ("Journalist", "Lokalavisen {m}", "avis-{s}.example"),
]
ROLE_WEIGHTS = [1, 6, 6, 8, 3, 2, 1, 3, 1, 8, 1]

HEADER = ["Fornavn", "Efternavn", "E-mail", "Kommune", "Rolle", "Organisation", "Telefon"]


def ascii_slug(text):
    text = text.lower()
    for src, dst in (("æ", "ae"), ("ø", "oe"), ("å", "aa")):
        text = text.replace(src, dst)
    return "".join(ch if ("a" <= ch <= "z" or "0" <= ch <= "9") else "-" for ch in text).strip("-")


def generate(n, seed):
    """Yields n rows. The output depends only on n and seed."""
    rng = random.Random(seed)
    firsts = [(f, ascii_slug(f).replace("-", "")) for f in FIRST_NAMES]
    lasts = [(l, ascii_slug(l).replace("-", "")) for l in LAST_NAMES]
    munis = [(name, ascii_slug(name)) for _code, name in MUNICIPALITIES]
    # Draw everything up front in bulk: much faster than a call per field.
    fi = rng.choices(range(len(firsts)), k=n)
    li = rng.choices(range(len(lasts)), k=n)
    mi = rng.choices(range(len(munis)), k=n)
    ri = rng.choices(range(len(ROLES)), weights=ROLE_WEIGHTS, k=n)
    if n > 80_000_000:
        raise SystemExit("N is too large for unique 8-digit phone numbers")
    phones = rng.sample(range(20_000_000, 100_000_000), n)
    seen = {}
    for k in range(n):
        first, first_s = firsts[fi[k]]
        last, last_s = lasts[li[k]]
        muni, muni_s = munis[mi[k]]
        role, org, domain = ROLES[ri[k]]
        domain = domain.format(s=muni_s)
        local = f"{first_s}.{last_s}"
        key = f"{local}@{domain}"
        count = seen.get(key, 0) + 1
        seen[key] = count
        mail = key if count == 1 else f"{local}{count}@{domain}"
        # Repeats get a number ("anne.hansen2"); a base local part never ends in a
        # digit, so a numbered address cannot collide with a base one.
        p = phones[k]
        phone = f"{p // 1000000:02d} {p // 10000 % 100:02d} {p // 100 % 100:02d} {p % 100:02d}"
        yield [first, last, mail, muni, role, org.format(m=muni), phone]


def main(argv=None):
    parser = argparse.ArgumentParser(description="Write N fictional contacts as a UTF-8 comma CSV.")
    parser.add_argument("n", type=int, help="number of contacts")
    parser.add_argument("out", help="output CSV file ('-' for stdout)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    args = parser.parse_args(argv)
    if args.n < 0:
        parser.error("N must not be negative")
    if args.out == "-":
        out = sys.stdout
        sys.stdout.reconfigure(encoding="utf-8", newline="")
    else:
        out = open(args.out, "w", encoding="utf-8", newline="")
    with out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(generate(args.n, args.seed))


if __name__ == "__main__":
    main()
