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
import importlib.util
import pathlib
import random
import sys

# The 98 municipalities since 2007: (official code, short name).
# The names and municipalities of the bundled sample lists, in one place.
_spec = importlib.util.spec_from_file_location(
    "sample_contacts", pathlib.Path(__file__).resolve().parent.parent / "scripts" / "sample-contacts.py")
_sample = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_sample)
MUNICIPALITIES = [(code, name) for code, name, _region in _sample.MUNICIPALITIES]
FIRST_NAMES = _sample.WOMEN + _sample.MEN
LAST_NAMES = _sample.LAST_NAMES

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
