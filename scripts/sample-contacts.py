#!/usr/bin/env python3
"""Generate Kampagne's fictional sample contact lists in Contacts/.

Everything written here is invented: people are random combinations of common
Danish first and last names, organisations and companies are made up, and every
e-mail address is at a reserved domain (*.example, *.test, example.org).

The lists imitate what the secretariat receives from the field, including the
awkward parts an importer has to cope with: a Windows-1252 Excel export with
semicolons, UTF-8 with and without a byte-order mark, CRLF and LF line ends,
quoted fields, municipality names written the way offices write them, and a few
people who turn up in two lists with small differences.

Standard library only. The random seed is fixed, so re-running the script gives
byte-identical files:

    python3 scripts/sample-contacts.py            # writes into ./Contacts
    python3 scripts/sample-contacts.py OUTDIR     # writes into OUTDIR
"""

import csv
import io
import os
import random
import sys

SEED = 20080512

# The 98 municipalities since 2007: (official code, short name, region key).
MUNICIPALITIES = [
    (101, "København", "hovedstaden"),
    (147, "Frederiksberg", "hovedstaden"),
    (151, "Ballerup", "hovedstaden"),
    (153, "Brøndby", "hovedstaden"),
    (155, "Dragør", "hovedstaden"),
    (157, "Gentofte", "hovedstaden"),
    (159, "Gladsaxe", "hovedstaden"),
    (161, "Glostrup", "hovedstaden"),
    (163, "Herlev", "hovedstaden"),
    (165, "Albertslund", "hovedstaden"),
    (167, "Hvidovre", "hovedstaden"),
    (169, "Høje-Taastrup", "hovedstaden"),
    (173, "Lyngby-Taarbæk", "hovedstaden"),
    (175, "Rødovre", "hovedstaden"),
    (183, "Ishøj", "hovedstaden"),
    (185, "Tårnby", "hovedstaden"),
    (187, "Vallensbæk", "hovedstaden"),
    (190, "Furesø", "hovedstaden"),
    (201, "Allerød", "hovedstaden"),
    (210, "Fredensborg", "hovedstaden"),
    (217, "Helsingør", "hovedstaden"),
    (219, "Hillerød", "hovedstaden"),
    (223, "Hørsholm", "hovedstaden"),
    (230, "Rudersdal", "hovedstaden"),
    (240, "Egedal", "hovedstaden"),
    (250, "Frederikssund", "hovedstaden"),
    (253, "Greve", "sjaelland"),
    (259, "Køge", "sjaelland"),
    (260, "Halsnæs", "hovedstaden"),
    (265, "Roskilde", "sjaelland"),
    (269, "Solrød", "sjaelland"),
    (270, "Gribskov", "hovedstaden"),
    (306, "Odsherred", "sjaelland"),
    (316, "Holbæk", "sjaelland"),
    (320, "Faxe", "sjaelland"),
    (326, "Kalundborg", "sjaelland"),
    (329, "Ringsted", "sjaelland"),
    (330, "Slagelse", "sjaelland"),
    (336, "Stevns", "sjaelland"),
    (340, "Sorø", "sjaelland"),
    (350, "Lejre", "sjaelland"),
    (360, "Lolland", "sjaelland"),
    (370, "Næstved", "sjaelland"),
    (376, "Guldborgsund", "sjaelland"),
    (390, "Vordingborg", "sjaelland"),
    (400, "Bornholm", "hovedstaden"),
    (410, "Middelfart", "syddanmark"),
    (420, "Assens", "syddanmark"),
    (430, "Faaborg-Midtfyn", "syddanmark"),
    (440, "Kerteminde", "syddanmark"),
    (450, "Nyborg", "syddanmark"),
    (461, "Odense", "syddanmark"),
    (479, "Svendborg", "syddanmark"),
    (480, "Nordfyns", "syddanmark"),
    (482, "Langeland", "syddanmark"),
    (492, "Ærø", "syddanmark"),
    (510, "Haderslev", "syddanmark"),
    (530, "Billund", "syddanmark"),
    (540, "Sønderborg", "syddanmark"),
    (550, "Tønder", "syddanmark"),
    (561, "Esbjerg", "syddanmark"),
    (563, "Fanø", "syddanmark"),
    (573, "Varde", "syddanmark"),
    (575, "Vejen", "syddanmark"),
    (580, "Aabenraa", "syddanmark"),
    (607, "Fredericia", "syddanmark"),
    (615, "Horsens", "midtjylland"),
    (621, "Kolding", "syddanmark"),
    (630, "Vejle", "syddanmark"),
    (657, "Herning", "midtjylland"),
    (661, "Holstebro", "midtjylland"),
    (665, "Lemvig", "midtjylland"),
    (671, "Struer", "midtjylland"),
    (706, "Syddjurs", "midtjylland"),
    (707, "Norddjurs", "midtjylland"),
    (710, "Favrskov", "midtjylland"),
    (727, "Odder", "midtjylland"),
    (730, "Randers", "midtjylland"),
    (740, "Silkeborg", "midtjylland"),
    (741, "Samsø", "midtjylland"),
    (746, "Skanderborg", "midtjylland"),
    (751, "Aarhus", "midtjylland"),
    (756, "Ikast-Brande", "midtjylland"),
    (760, "Ringkøbing-Skjern", "midtjylland"),
    (766, "Hedensted", "midtjylland"),
    (773, "Morsø", "nordjylland"),
    (779, "Skive", "midtjylland"),
    (787, "Thisted", "nordjylland"),
    (791, "Viborg", "midtjylland"),
    (810, "Brønderslev", "nordjylland"),
    (813, "Frederikshavn", "nordjylland"),
    (820, "Vesthimmerland", "nordjylland"),
    (825, "Læsø", "nordjylland"),
    (840, "Rebild", "nordjylland"),
    (846, "Mariagerfjord", "nordjylland"),
    (849, "Jammerbugt", "nordjylland"),
    (851, "Aalborg", "nordjylland"),
    (860, "Hjørring", "nordjylland"),
]

REGION_NAMES = {
    "hovedstaden": "Region Hovedstaden",
    "sjaelland": "Region Sjælland",
    "syddanmark": "Region Syddanmark",
    "midtjylland": "Region Midtjylland",
    "nordjylland": "Region Nordjylland",
}

BY_CODE = {code: (code, name, region) for code, name, region in MUNICIPALITIES}

WOMEN = [
    "Anne", "Mette", "Kirsten", "Hanne", "Lene", "Susanne", "Marianne", "Lone",
    "Pia", "Helle", "Karen", "Birgitte", "Inge", "Tina", "Camilla", "Louise",
    "Maria", "Charlotte", "Dorthe", "Gitte", "Rikke", "Malene", "Jette", "Bente",
    "Ulla", "Signe", "Ida", "Sanne", "Åse", "Aase", "Else", "Astrid", "Fatima",
    "Leila", "Amina",
]
MEN = [
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
    # initials that show Danish sorting (Æ, Ø, Å and Aa after Z)
    "Østergaard", "Aagaard", "Ærbøl", "Øberg", "Ørum", "Åkjær", "Ågesen",
    "Aagesen", "Ærenlund", "Østrup",
    # Danes with roots elsewhere
    "Hussein", "Yilmaz", "Ahmadi", "Nguyen", "Khan", "Mohammed",
]

# Second given names (by gender) and middle family names for some people.
WOMEN_SECOND = ["Marie", "Louise", "Kristine", "Margrethe", "Sofie"]
MEN_SECOND = ["Christian", "Erik", "Peter", "Henrik", "Emil"]
FAMILY_MIDDLE = ["Kjær", "Bach", "Holm", "Skov", "Dam", "Lykke", "Munk", "Berg", "Vang"]

# Clearly invented employer bodies (DA side) and unions (LO side).
EMPLOYER_BODIES = [
    "Arbejdsgiverlauget Kystlinjen", "Erhvervskredsen Lindely",
    "Arbejdsgiverringen Hedeland", "Erhvervsforum Bøgeskoven",
    "Arbejdsgiverkredsen Havnefronten", "Erhvervslauget Lærkevang",
]
UNIONS = [
    "Fagforeningen Spiren", "Lønmodtagerlauget Fjordkysten",
    "Fagklubben Ravnsborg", "Lønmodtagerringen Nordlys",
    "Arbejderforeningen Kløverbladet", "Fagforeningen Møllestenen",
]

# Invented place-like names for companies and centres.
PLACES = [
    "Lyngholt", "Bøgelunde", "Kildemark", "Søndervang", "Fjordhøj", "Mølleå",
    "Tjørnelund", "Rønnebo", "Hasselkær", "Skovkrogen", "Engelsholt", "Sivkær",
    "Lærkehøj", "Ravnebjerg", "Kløvermark", "Bakkely", "Strandlyst", "Ålykke",
    "Ørnekær", "Æblegården", "Pileholm", "Hyldebo", "Solsikkevang", "Tranedal",
]

BRANCHES = ["rengøring", "detailhandel", "køkken", "pleje", "mejeri", "lager",
            "transport", "hotel", "byggeri", "landbrug"]

COMPANY_PATTERNS = {
    "rengøring": ["{last}s Rengøring ApS", "Rengøringsfirmaet {place}", "{place} Service & Rengøring"],
    "detailhandel": ["{place} Købmandsgård", "Butik {place}", "{last}s Isenkram"],
    "køkken": ["Kantinen {place}", "Café {place}", "{place} Storkøkken ApS"],
    "pleje": ["Plejehjemmet {place}", "{place} Private Hjemmepleje", "Bostedet {place}"],
    "mejeri": ["Mejeriet {place}", "{place} Ostehus", "Andelsmejeriet {place}"],
    "lager": ["{place} Lager & Logistik A/S", "Lagerhuset {place}", "{last} Distribution ApS"],
    "transport": ["{last}s Vognmandsforretning", "{place} Transport ApS", "Fragtcentralen {place}"],
    "hotel": ["Hotel {place}", "{place} Kro", "Feriecenter {place}"],
    "byggeri": ["{last} Byg ApS", "Tømrerfirmaet {last} & Søn", "{place} Murerforretning"],
    "landbrug": ["{place}gård", "Gartneriet {place}", "Planteskolen {place}"],
}

FUNCTIONS = {
    "rengøring": ["Indehaver", "Driftsleder", "Områdeleder"],
    "detailhandel": ["Butikschef", "Indehaver", "Souschef"],
    "køkken": ["Køkkenchef", "Kantineleder", "Indehaver"],
    "pleje": ["Plejehjemsleder", "Afdelingssygeplejerske", "Personalechef"],
    "mejeri": ["Mejeribestyrer", "Produktionsleder", "HR-konsulent"],
    "lager": ["Lagerchef", "HR-konsulent", "Driftsleder"],
    "transport": ["Vognmand", "Trafikleder", "Indehaver"],
    "hotel": ["Hotelchef", "Housekeeping-ansvarlig", "Direktør"],
    "byggeri": ["Indehaver", "Værkfører", "Byggeleder"],
    "landbrug": ["Gårdejer", "Driftsleder", "Gartner"],
}

PACKAGE_NAMES = {
    "rengøring": "Jobpakke Rengøring", "detailhandel": "Jobpakke Detailhandel",
    "køkken": "Jobpakke Køkken", "pleje": "Jobpakke Pleje", "mejeri": "Jobpakke Mejeri",
    "lager": "Jobpakke Lager", "transport": "Jobpakke Transport", "hotel": "Jobpakke Hotel",
    "byggeri": "Jobpakke Byggeri", "landbrug": "Jobpakke Landbrug",
}
# Local job packages outside the original types, by industry.
LOCAL_PACKAGES = {
    "rengøring": ["Lokal jobpakke: Vaskeri", "Lokal jobpakke: Vinduespudsning"],
    "detailhandel": ["Lokal jobpakke: Bageri", "Lokal jobpakke: Tankstation"],
    "køkken": ["Lokal jobpakke: Kantine", "Lokal jobpakke: Catering"],
    "pleje": ["Lokal jobpakke: Pedel", "Lokal jobpakke: Servicemedarbejder"],
    "mejeri": ["Lokal jobpakke: Fødevareproduktion", "Lokal jobpakke: Pakkeri"],
    "lager": ["Lokal jobpakke: Pakkeri", "Lokal jobpakke: Flytning"],
    "transport": ["Lokal jobpakke: Flytning", "Lokal jobpakke: Autoværksted"],
    "hotel": ["Lokal jobpakke: Vaskeri", "Lokal jobpakke: Catering"],
    "byggeri": ["Lokal jobpakke: Stilladsmontør", "Lokal jobpakke: Nedrivning"],
    "landbrug": ["Lokal jobpakke: Gartneri", "Lokal jobpakke: Grøn pleje"],
}

# How some offices write their municipality in the jobcentre list.
JOBCENTRE_KOMMUNE_SPELLINGS = {
    101: "Københavns Kommune",
    147: "Frederiksberg Kommune",
    169: "Høje Taastrup",
    173: "Lyngby-Tårbæk",
    430: "Faaborg-Midtfyn Kommune",
    480: "Nordfyns Kommune",
    580: "Aabenraa Kommune",
    751: "Århus",
    756: "Ikast-Brande ",
    820: "Vesthimmerlands Kommune",
    400: "Bornholms Regionskommune",
}

# People planted in two lists with small differences, so duplicate detection has work.
# key -> details used by the writers below.
PLANTED = {
    "samsoe": {  # jobcentre manager who also heads the language centre
        "code": 741,
        "role": "Forstander",
        "jobcenter": ("Åse Vestergaard", "Aase.Vestergaard@jobcenter-samsoe.example"),
        "sprog": ("Aase Vestergaard", "aase.vestergaard@jobcenter-samsoe.example"),
    },
    "morsoe": {  # jobcentre manager who also heads the language centre
        "code": 773,
        "role": "Forstander",
        "jobcenter": ("Søren Ågesen", "soeren.aagesen@jobcenter-morsoe.example"),
        "sprog": ("Søren Aagesen", "Soeren.Aagesen@jobcenter-morsoe.example"),
    },
    "aerboel": {  # company owner on the employers' side of the LBR
        "code": 621,
        "seat": "Arbejdsgiverside (DA)",
        "lbr": ("Kristian", "Ærbøl", "kristian@aerboel-rengoering.test"),
        "firm": ("Christian Ærbøl", "Kristian@Aerboel-Rengoering.test"),
    },
    "oestergaard": {  # local politician who runs a dairy
        "code": 787,
        "seat": "Politiker",
        "lbr": ("Mette", "Østergaard", "mette@oestergaard-mejeri.test"),
        "firm": ("Mette Østergård", "Mette@Oestergaard-Mejeri.test"),
    },
    "kjaerlund": {  # language teacher on the employees' side of the LBR
        "code": 851,
        "seat": "Lønmodtagerside (LO)",
        "role": "Dansklærer",
        "lbr": ("Henrik", "Kjær Lund", "henrik.kjaer.lund@sprogcenter-aalborg.example"),
        "sprog": ("Henrik Kjær-Lund", "Henrik.Kjaer.Lund@sprogcenter-aalborg.example"),
    },
}

PLANTED_NAMES = {
    "Åse Vestergaard", "Aase Vestergaard", "Søren Ågesen", "Søren Aagesen",
    "Kristian Ærbøl", "Christian Ærbøl", "Mette Østergaard", "Mette Østergård",
    "Henrik Kjær Lund", "Henrik Kjær-Lund",
}


def ascii_slug(text):
    """'Ringkøbing-Skjern' -> 'ringkoebing-skjern' (for addresses and domains)."""
    text = text.lower()
    for src, dst in (("æ", "ae"), ("ø", "oe"), ("å", "aa"), ("é", "e"), ("ü", "ue"), ("ö", "oe")):
        text = text.replace(src, dst)
    out = []
    for ch in text:
        if "a" <= ch <= "z" or "0" <= ch <= "9":
            out.append(ch)
        elif ch in " -&/." and out and out[-1] != "-":
            out.append("-")
    return "".join(out).strip("-")


def name_key(first, last):
    """Key under which near-identical names collide (Kristian/Christian, Åse/Aase),
    so the only near-duplicates in the lists are the planted ones."""
    key = f"{first.split()[0]} {last.split()[-1]}".lower()
    return key.replace("ch", "k").replace("aa", "å").replace("oe", "ø")


def local_part(*words):
    return ".".join(ascii_slug(w).replace("-", "") for w in words if w)


class Generator:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.used_names = set(name_key(*n.split(" ", 1)) for n in PLANTED_NAMES)
        self.used_addresses = set()
        self.used_phones = set()
        for person in PLANTED.values():
            for key in ("jobcenter", "sprog", "lbr", "firm"):
                if key in person:
                    self.used_addresses.add(person[key][-1].lower())

    def phone(self):
        while True:
            digits = str(self.rng.randint(2, 9)) + "".join(str(self.rng.randint(0, 9)) for _ in range(7))
            if digits not in self.used_phones:
                self.used_phones.add(digits)
                return " ".join(digits[i:i + 2] for i in range(0, 8, 2))

    def person(self, middle_chance=0.2):
        """Returns (given, family): given may hold a second given name ("Anne Marie"),
        family may hold a middle name ("Kjær Hansen"). The first+last combination is new."""
        rng = self.rng
        while True:
            woman = rng.random() < 0.5
            first = rng.choice(WOMEN if woman else MEN)
            last = rng.choice(LAST_NAMES)
            key = name_key(first, last)
            if key in self.used_names:
                continue
            self.used_names.add(key)
            given, family = first, last
            if rng.random() < middle_chance:
                if rng.random() < 0.5:
                    second = rng.choice(WOMEN_SECOND if woman else MEN_SECOND)
                    if second != first:
                        given = f"{first} {second}"
                else:
                    middle = rng.choice(FAMILY_MIDDLE)
                    if middle != last:
                        family = f"{middle} {last}"
            return given, family

    def address(self, local, domain):
        candidate = f"{local}@{domain}"
        n = 2
        while candidate.lower() in self.used_addresses:
            candidate = f"{local}{n}@{domain}"
            n += 1
        self.used_addresses.add(candidate.lower())
        return candidate


def write_csv(path, header, rows, *, delimiter, encoding, newline, bom=False):
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator=newline, quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    writer.writerows(rows)
    data = buf.getvalue().encode(encoding)
    if bom:
        data = b"\xef\xbb\xbf" + data
    with open(path, "wb") as f:
        f.write(data)
    return len(rows)


def danish_sort_key(text):
    """Rough Danish alphabetical order: Æ, Ø, Å (and Aa) after Z."""
    key = text.lower().replace("aa", "å")
    return key.replace("æ", "{").replace("ø", "|").replace("å", "}")


def full_name(person):
    return f"{person[0]} {person[1]}"


def std_local(person):
    """'Anne Marie', 'Kjær Hansen' -> 'anne.hansen'."""
    return local_part(person[0].split()[0], person[1].split()[-1])


def jobcentre_managers(gen):
    rng = gen.rng
    planted_by_code = {p["code"]: p["jobcenter"] for p in PLANTED.values() if "jobcenter" in p}
    acting_codes = {461, 376}  # acting managers, with a ';' in the title
    rows = []
    for code, name, _region in MUNICIPALITIES:
        slug = ascii_slug(name)
        domain = f"jobcenter-{slug}.example"
        if code in planted_by_code:
            navn, mail = planted_by_code[code]
            titel = "Jobcenterchef"
        else:
            person = gen.person()
            navn = full_name(person)
            style = rng.random()
            if style < 0.6:
                local = std_local(person)
            elif style < 0.8:
                local = std_local(person).title()  # Outlook-style capitals
            else:  # initials
                local = "".join(ascii_slug(w)[0] for w in navn.split())
            if rng.random() < 0.25:
                domain = f"{slug}.kommune.example"
            mail = gen.address(local, domain)
            if code in acting_codes:
                titel = "Jobcenterchef; konstitueret"
            else:
                titel = rng.choices(
                    ["Jobcenterchef", "Arbejdsmarkedschef", "Beskæftigelseschef", "Centerchef, Jobcenter"],
                    weights=[12, 2, 2, 1])[0]
        kommune = JOBCENTRE_KOMMUNE_SPELLINGS.get(code, name)
        jobcenter = f"Jobcenter {name}"
        phone = gen.phone()
        if rng.random() < 0.1:
            phone = "+45 " + phone
        rows.append([navn, titel, jobcenter, kommune, mail, phone])
    return rows


def lbr_members(gen):
    rng = gen.rng
    planted_by_code = {p["code"]: p for p in PLANTED.values() if "lbr" in p}
    rows = []
    for code, name, _region in MUNICIPALITIES:
        slug = ascii_slug(name)
        n = rng.randint(3, 5)
        seats = ["Formand", "Arbejdsgiverside (DA)", "Lønmodtagerside (LO)"]
        if n >= 4:
            seats.append("Politiker")
        if n == 5:
            seats.append(rng.choice(["Arbejdsgiverside (DA)", "Lønmodtagerside (LO)", "Politiker"]))
        employer = EMPLOYER_BODIES[(code * 7) % len(EMPLOYER_BODIES)]
        union = UNIONS[(code * 5) % len(UNIONS)]
        planted = planted_by_code.get(code)
        if planted and planted["seat"] not in seats:
            seats.append(planted["seat"])
        for seat in seats:
            if seat == "Arbejdsgiverside (DA)":
                org, domain = employer, ascii_slug(employer) + ".test"
            elif seat == "Lønmodtagerside (LO)":
                org, domain = union, ascii_slug(union) + ".test"
            else:
                org = f"LBR {name}"
                roll = rng.random()
                domain = "example.org" if roll < 0.15 else "mail.example" if roll < 0.3 else f"byraad-{slug}.example"
            if planted and seat == planted["seat"]:
                fornavn, efternavn, mail = planted["lbr"]
                planted = None
            else:
                fornavn, efternavn = gen.person(middle_chance=0.15)
                mail = gen.address(std_local((fornavn, efternavn)), domain)
            rows.append([fornavn, efternavn, mail, name, seat, org])
    return rows


def companies(gen, count=60):
    rng = gen.rng
    rows = []
    # planted: owner on the LBR employers' side, politician running a dairy
    a = PLANTED["aerboel"]["firm"]
    rows.append(["Ærbøl Rengøring ApS", "rengøring", a[0], "Indehaver", a[1], gen.phone(),
                 "Kolding", "Jobpakke Rengøring"])
    o = PLANTED["oestergaard"]["firm"]
    rows.append(["Mejeriet Østergaard", "mejeri", o[0], "Indehaver", o[1], gen.phone(),
                 "Thisted", "Jobpakke Mejeri"])
    # a name with a comma and quotes inside, so the writer has to quote it
    person = gen.person()
    rows.append(['Bageriet "Den Gyldne Kringle", Vejle', "detailhandel", full_name(person), "Indehaver",
                 gen.address(local_part(person[0].split()[0]), "den-gyldne-kringle.test"), gen.phone(),
                 "Vejle", "Lokal jobpakke: Bageri"])
    used_companies = set(r[0] for r in rows)
    while len(rows) < count:
        branche = BRANCHES[len(rows) % len(BRANCHES)]
        code, kommune, _region = rng.choice(MUNICIPALITIES)
        pattern = rng.choice(COMPANY_PATTERNS[branche])
        company = pattern.format(last=rng.choice(LAST_NAMES), place=rng.choice(PLACES))
        if company in used_companies:
            continue
        used_companies.add(company)
        person = gen.person()
        base = company.replace(" ApS", "").replace(" A/S", "")
        domain = ascii_slug(base) + rng.choice([".test", ".example"])
        roll = rng.random()
        if roll < 0.25:
            mail = gen.address("info", domain)
        elif roll < 0.6:
            mail = gen.address(local_part(person[0].split()[0]), domain)
        else:
            mail = gen.address(std_local(person), domain)
        if code == 751 and rng.random() < 0.5:
            kommune = "Aarhus Kommune"
        jobpakke = PACKAGE_NAMES[branche] if rng.random() < 0.45 else rng.choice(LOCAL_PACKAGES[branche])
        rows.append([company, branche, full_name(person), rng.choice(FUNCTIONS[branche]),
                     mail, gen.phone(), kommune, jobpakke])
    # the planted rows should not sit at the top: order as a spreadsheet sorted on the name
    rows.sort(key=lambda r: danish_sort_key(r[0]))
    return rows


def language_centres(gen):
    rng = gen.rng
    rows = []
    planted = {p["code"]: p for p in PLANTED.values() if "sprog" in p}
    others = [m for m in MUNICIPALITIES if m[0] not in planted]
    centres = sorted(rng.sample(others, 14) + [BY_CODE[c] for c in sorted(planted)])
    extra = set(c for c, _, _ in rng.sample(centres, 3))
    for code, name, _region in centres:
        org = f"Sprogcenter {name}"
        domain = f"sprogcenter-{ascii_slug(name)}.example"
        head = planted.get(code)
        if head and head["role"] == "Forstander":
            pname, mail = head["sprog"]
            rows.append([pname, mail, org, name, "Forstander", gen.phone()])
        else:
            person = gen.person()
            rows.append([full_name(person), gen.address(std_local(person), domain), org, name,
                         rng.choice(["Forstander", "Afdelingsleder"]), gen.phone()])
        if head and head["role"] != "Forstander":
            pname, mail = head["sprog"]
            rows.append([pname, mail, org, name, head["role"], gen.phone()])
        if code in extra:
            person = gen.person()
            rows.append([full_name(person), gen.address(std_local(person), domain), org, name,
                         rng.choice(["Studievejleder", "Virksomhedskonsulent", "Dansklærer"]), gen.phone()])
    return rows


def main(argv):
    outdir = argv[1] if len(argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Contacts")
    os.makedirs(outdir, exist_ok=True)
    gen = Generator(SEED)
    counts = {}
    counts["jobcenterchefer.csv"] = write_csv(
        os.path.join(outdir, "jobcenterchefer.csv"),
        ["Navn", "Titel", "Jobcenter", "Kommune", "E-mail", "Telefon", "Roller"],
        # The role the sample meeting's audience (examples/temamoede-vejle.md) names.
        [row + ["jobcenterchef"] for row in jobcentre_managers(gen)], delimiter=";", encoding="cp1252", newline="\r\n")
    counts["lbr-medlemmer.csv"] = write_csv(
        os.path.join(outdir, "lbr-medlemmer.csv"),
        ["Fornavn", "Efternavn", "E-mail", "Kommune", "Plads", "Organisation"],
        lbr_members(gen), delimiter=",", encoding="utf-8", newline="\n", bom=True)
    counts["virksomheder.csv"] = write_csv(
        os.path.join(outdir, "virksomheder.csv"),
        ["Virksomhed", "Branche", "Kontaktperson", "Funktion", "Mail", "Telefon", "Kommune", "Jobpakke"],
        companies(gen), delimiter=";", encoding="utf-8", newline="\r\n")
    counts["sprogcentre.csv"] = write_csv(
        os.path.join(outdir, "sprogcentre.csv"),
        ["Name", "Email", "Organisation", "Municipality", "Role", "Phone"],
        language_centres(gen), delimiter=",", encoding="utf-8", newline="\n")
    for name, n in counts.items():
        print(f"{name}: {n} rows")


if __name__ == "__main__":
    main(sys.argv)
