"""Timing of the contact and calendar file readers on generated files (no database, no server).

Generates, seeded, a 10,000-row Outlook-style CSV (UTF-8 and UTF-16), the same rows as an XLSX
workbook, a LinkedIn Connections.csv, a vCard 2.1/3.0 file and an .ics file with a weekly series,
reads each with cityweave.contacts.readers and prints a markdown table: rows, records, row errors
and the best wall time of --repeats runs. Figures, not assertions: a shared machine is noisy.

    .venv/bin/python bench/readers.py [--rows 10000] [--repeats 3] [--seed 1]
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import io
import os
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cityweave.settings")

GIVEN = ["Ann", "Zoë", "José", "Mei", "Olu", "Sven", "Priya", "Łukasz", "Aiko", "Omar", "Jürgen"]
FAMILY = ["Able", "Økland", "García", "Chen", "Adeyemi", "Berg", "Rao", "Nowak", "Sato", "Haddad"]
ORGS = ["Riverton Chamber", "Contoso, Ltd.", "Stadtwerke Köln", "City of Lyon", "Harbour Trust"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def people(rows: int, seed: int) -> list[dict[str, str]]:
    """`rows` made-up people; about one in a hundred has no name, one in a hundred a bad date."""
    rng = random.Random(seed)
    out = []
    for index in range(rows):
        given, family = rng.choice(GIVEN), rng.choice(FAMILY)
        day = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(4000))
        out.append(
            {
                "given": "" if index % 100 == 99 else given,
                "family": "" if index % 100 == 99 else family,
                "email": f"{given.lower()}.{index}@example.org".encode("ascii", "ignore").decode(),
                "org": rng.choice(ORGS),
                "title": rng.choice(["Director", "Analyst", "Head of Partnerships", ""]),
                "phone": f"+1 555 {index:07d}",
                "date": "31 Feb 2020"
                if index % 100 == 50
                else f"{day.day:02d} {MONTHS[day.month - 1]} {day.year}",
            }
        )
    return out


def outlook_csv(rows: list[dict[str, str]]) -> str:
    lines = ["First Name,Last Name,Company,Job Title,E-mail Address,Business Phone,Connected On"]
    for p in rows:
        org = f'"{p["org"]}"' if "," in p["org"] else p["org"]
        lines.append(
            f"{p['given']},{p['family']},{org},{p['title']},{p['email']},{p['phone']},{p['date']}"
        )
    return "\r\n".join(lines) + "\r\n"


def linkedin_csv(rows: list[dict[str, str]]) -> bytes:
    head = 'Notes:\n"When exporting your connection data, you may notice ..."\n\n'
    lines = ["First Name,Last Name,URL,Email Address,Company,Position,Connected On"]
    for i, p in enumerate(rows):
        org = f'"{p["org"]}"' if "," in p["org"] else p["org"]
        url = f"https://www.linkedin.com/in/p{i}"
        lines.append(
            f"{p['given']},{p['family']},{url},{p['email']},{org},{p['title']},{p['date']}"
        )
    return (head + "\n".join(lines) + "\n").encode()


def xlsx(rows: list[dict[str, str]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Contacts")
    sheet.append(["First Name", "Last Name", "Company", "Job Title", "E-mail Address", "Phone"])
    for p in rows:
        sheet.append([p["given"], p["family"], p["org"], p["title"], p["email"], p["phone"]])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def vcards(rows: list[dict[str, str]]) -> bytes:
    cards = []
    for i, p in enumerate(rows):
        if i % 2:
            name = f"{p['given']} {p['family']}".encode()
            qp = "".join(f"={b:02X}" if b > 127 or b == 61 else chr(b) for b in name)
            fn = f"FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:{qp}"
            cards.append(
                f"BEGIN:VCARD\r\nVERSION:2.1\r\n{fn}\r\nEMAIL;INTERNET:{p['email']}\r\n"
                f"ORG:{p['org'].replace(',', '')}\r\nEND:VCARD\r\n"
            )
        else:
            cards.append(
                f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:{p['given']} {p['family']}\r\n"
                f"N:{p['family']};{p['given']};;;\r\nEMAIL;TYPE=INTERNET:{p['email']}\r\n"
                f"TEL;TYPE=WORK:{p['phone']}\r\nORG:{p['org'].replace(',', '')}\r\nEND:VCARD\r\n"
            )
    return "".join(cards).encode()


def ics(events: int) -> bytes:
    out = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//bench//EN", "X-WR-TIMEZONE:Europe/Berlin"]
    start = dt.datetime(2024, 1, 1, 9, 0)
    for i in range(events):
        when = start + dt.timedelta(hours=7 * i)
        out += [
            "BEGIN:VEVENT",
            f"UID:bench-{i}@example.org",
            "DTSTAMP:20240101T000000Z",
            f"DTSTART:{when:%Y%m%dT%H%M%S}",
            f"DTEND:{when + dt.timedelta(hours=1):%Y%m%dT%H%M%S}",
            f"SUMMARY:Meeting {i}",
            f"ATTENDEE;CN=Guest {i}:mailto:guest{i}@example.org",
            *(["RRULE:FREQ=WEEKLY;COUNT=20"] if i % 50 == 0 else []),
            "END:VEVENT",
        ]
    out.append("END:VCALENDAR")
    return ("\r\n".join(out) + "\r\n").encode()


def best_of(repeats: int, read: Callable[[], object]) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeats):
        began = time.perf_counter()
        result = read()
        best = min(best, time.perf_counter() - began)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    import django

    django.setup()
    from cityweave.contacts.readers import read_calendar, read_contacts

    rows = people(args.rows, args.seed)
    csv_text = outlook_csv(rows)
    year = (dt.date(2024, 1, 1), dt.date(2025, 1, 1))
    cases: list[tuple[str, bytes, Callable[[bytes], object]]] = [
        ("Outlook CSV, UTF-8", csv_text.encode(), read_contacts),
        ("Outlook CSV, UTF-16 (Excel)", csv_text.encode("utf-16"), read_contacts),
        ("XLSX", xlsx(rows), read_contacts),
        ("LinkedIn Connections.csv", linkedin_csv(rows), read_contacts),
        ("vCard 2.1 (QP) and 3.0", vcards(rows), read_contacts),
        (".ics, whole file as written", ics(args.rows // 10), read_calendar),
        (".ics, a year expanded", ics(args.rows // 10), lambda d: read_calendar(d, period=year)),
    ]
    print(f"{args.rows:,} rows (people) or {args.rows // 10:,} events, best of {args.repeats}\n")
    print("| file | size | records | row errors | seconds | rows/s |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, data, read in cases:
        seconds, result = best_of(args.repeats, functools.partial(read, data))
        records = len(result.records)  # type: ignore[attr-defined]
        errors = len(result.errors)  # type: ignore[attr-defined]
        rate = (records + errors) / seconds if seconds else 0
        print(
            f"| {name} | {len(data) / 1e6:.1f} MB | {records:,} | {errors:,} | "
            f"{seconds:.2f} | {rate:,.0f} |"
        )


if __name__ == "__main__":
    main()
