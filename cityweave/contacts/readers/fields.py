"""Columns to contact fields: the mapping (`name=Full Name,email=E-mail`), guessed from headers or
given, and rows turned into ContactRecords."""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from .records import ContactRecord, ReadError, ReadResult, RowError
from .tabular import Table

#: The contact fields a column can be mapped to, in the order they are shown.
FIELDS = (
    "name",
    "given_name",
    "family_name",
    "email",
    "phone",
    "organisation",
    "title",
    "url",
    "notes",
    "connected_on",
)
#: Fields that take several columns (each column adds values); the others take one.
MULTI_FIELDS = frozenset({"email", "phone", "organisation", "notes"})
_ALIASES = {
    "full_name": "name",
    "first_name": "given_name",
    "last_name": "family_name",
    "surname": "family_name",
    "emails": "email",
    "e_mail": "email",
    "phones": "phone",
    "telephone": "phone",
    "organization": "organisation",
    "organisations": "organisation",
    "organizations": "organisation",
    "company": "organisation",
    "job_title": "title",
    "position": "title",
    "note": "notes",
    "website": "url",
}

Mapping = dict[str, list[str]]


class MappingError(ReadError):
    """A column mapping that can't be used; the message names the field or column at fault."""


def _field_key(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.strip().lower()).strip("_")


def parse_mapping(text: str) -> Mapping:
    """Parse `field=Column,field=Column,...` into {field: [column, ...]}.

    Fields are those of FIELDS (a few aliases such as `organization`, `first_name` are accepted);
    email, phone, organisation and notes may be given more than once. Column names are taken as
    written, stripped; a column name holding a comma can't be given here. Raises MappingError
    naming the unknown field, the pair without `=`, or the field given twice.
    """
    mapping: Mapping = {}
    for part in text.split(","):
        if not part.strip():
            continue
        if "=" not in part:
            raise MappingError(f"{part.strip()!r} in the mapping is not field=Column")
        key, column = (piece.strip() for piece in part.split("=", 1))
        field = _ALIASES.get(_field_key(key), _field_key(key))
        if field not in FIELDS:
            raise MappingError(
                f"unknown field {key!r} in the mapping; the fields are {', '.join(FIELDS)}"
            )
        if not column:
            raise MappingError(f"the field {key!r} in the mapping has no column name")
        if field in mapping and field not in MULTI_FIELDS:
            raise MappingError(f"the field {key!r} is mapped twice; it takes one column")
        mapping.setdefault(field, []).append(column)
    if not mapping:
        raise MappingError("the mapping is empty; give field=Column pairs")
    return mapping


def check_mapping(mapping: Mapping, headers: list[str]) -> None:
    """Raise MappingError naming a mapped column the file doesn't have, or when no column gives a name."""
    known = set(headers)
    for field, columns in mapping.items():
        for column in columns:
            if column not in known:
                raise MappingError(
                    f"the column {column!r} mapped to {field} is not in the file; "
                    f"its columns are {', '.join(repr(h) for h in headers if h)}"
                )
    if not ({"name", "given_name", "family_name"} & mapping.keys()):
        raise MappingError("no column is mapped to name, given_name or family_name")


# Header spellings, normalised (lower case, runs of other characters as one space), best first.
_GUESSES: dict[str, tuple[str, ...]] = {
    "name": ("name", "full name", "display name", "contact name", "fullname", "contact"),
    "given_name": ("first name", "given name", "firstname", "forename", "given"),
    "family_name": ("last name", "family name", "surname", "lastname", "family"),
    "title": (
        "job title",
        "position",
        "organization title",
        "organization 1 title",
        "role",
        "title",
    ),
    "url": ("url", "profile url", "linkedin url", "web page", "website", "web site", "homepage"),
    "connected_on": ("connected on", "date added", "connected"),
}
_EXCLUDED_WORDS = {"type", "label", "display", "kind", "status", "department"}


def _norm_header(header: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", header.lower()).strip()


def _multi_field(norm: str) -> str | None:
    words = set(norm.split())
    if words & _EXCLUDED_WORDS:
        return None
    if "email" in words or norm.startswith("e mail") or " e mail" in norm:
        return "email"
    if words & {"phone", "telephone", "mobile", "cell", "tel"}:
        return "phone"
    if words & {"company", "organization", "organisation", "employer"} and "title" not in words:
        return "organisation"
    if norm in ("notes", "note", "comments"):
        return "notes"
    return None


def guess_mapping(headers: list[str]) -> Mapping:
    """Guess a mapping from header names (English spellings of Outlook, Google, LinkedIn and most
    CRMs: "First Name", "E-mail Address", "Company", "Job Title", "Business Phone", ...).

    Each single field takes its best-matching header; every email, phone, organisation and notes
    column is taken. Headers it doesn't know are left out. Returns {field: [header, ...]}.
    """
    normed = [(header, _norm_header(header)) for header in headers if header.strip()]
    mapping: Mapping = {}
    taken: set[str] = set()
    for field, spellings in _GUESSES.items():
        for spelling in spellings:
            match = next((h for h, n in normed if n == spelling and h not in taken), None)
            if match:
                mapping[field] = [match]
                taken.add(match)
                break
    for header, norm in normed:
        if header in taken:
            continue
        multi = _multi_field(norm)
        if multi:
            mapping.setdefault(multi, []).append(header)
            taken.add(header)
    return mapping


_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}


def parse_date(text: str) -> dt.date:
    """A date as contact files write it: `2023-11-07` (ISO 8601, a time after it ignored),
    `07 Nov 2023` / `7 November 2023` (LinkedIn), `Nov 7, 2023`, `07.11.2023` (day first).

    Slashed dates (`07/11/2023`) are refused: day and month order can't be told.
    Raises ValueError with a message for the user.
    """
    value = text.strip()
    iso = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?", value)
    day_month = re.fullmatch(r"(\d{1,2})[ -]([A-Za-z]+)\.?,?[ -](\d{4})", value)
    month_day = re.fullmatch(r"([A-Za-z]+)\.? (\d{1,2}),? (\d{4})", value)
    dotted = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", value)
    try:
        if iso:
            return dt.date(int(iso[1]), int(iso[2]), int(iso[3]))
        if day_month and day_month[2].lower() in _MONTHS:
            return dt.date(int(day_month[3]), _MONTHS[day_month[2].lower()], int(day_month[1]))
        if month_day and month_day[1].lower() in _MONTHS:
            return dt.date(int(month_day[3]), _MONTHS[month_day[1].lower()], int(month_day[2]))
        if dotted:
            return dt.date(int(dotted[3]), int(dotted[2]), int(dotted[1]))
    except ValueError:
        raise ValueError(f"{value!r} is not a date on the calendar") from None
    raise ValueError(f"{value!r} is not a date (write it as 2023-11-07 or 07 Nov 2023)")


def split_values(text: str) -> list[str]:
    """Several values in one cell (`a@x.org; b@y.org`): split on semicolons, newlines, commas."""
    return [piece.strip() for piece in re.split(r"[;\n,]", text) if piece.strip()]


def _dedupe(values: list[str]) -> list[str]:
    seen: set[str] = set()
    kept = []
    for value in values:
        key = value.casefold()
        if key not in seen:
            seen.add(key)
            kept.append(value)
    return kept


def row_to_contact(number: int, row: dict[str, str], mapping: Mapping) -> ContactRecord | RowError:
    """One row read through a mapping: a ContactRecord, or a RowError naming the field at fault
    (no name, an email address that isn't one, a malformed date)."""

    def one(field: str) -> str:
        columns = mapping.get(field) or [""]
        return row.get(columns[0], "").strip()

    def many(field: str) -> list[str]:
        return [row.get(column, "").strip() for column in mapping.get(field, [])]

    given, family = one("given_name"), one("family_name")
    full_name = one("name") or " ".join(part for part in (given, family) if part)
    if not full_name:
        return RowError(number, "name", "no name")
    emails: list[str] = []
    for cell in many("email"):
        for address in split_values(cell):
            address = address.removeprefix("mailto:")
            try:
                validate_email(address)
            except ValidationError:
                return RowError(number, "email", f"{address!r} is not an email address")
            emails.append(address)
    phones = [
        phone for cell in many("phone") for phone in re.split(r"[;\n]", cell) if phone.strip()
    ]
    connected_on = None
    if one("connected_on"):
        try:
            connected_on = parse_date(one("connected_on"))
        except ValueError as error:
            return RowError(number, "connected_on", str(error))
    return ContactRecord(
        row=number,
        full_name=full_name,
        given_name=given,
        family_name=family,
        emails=_dedupe(emails),
        phones=_dedupe([phone.strip() for phone in phones]),
        organisations=_dedupe([cell for cell in many("organisation") if cell]),
        title=one("title"),
        url=one("url"),
        notes="\n\n".join(cell for cell in many("notes") if cell),
        connected_on=connected_on,
    )


def table_to_contacts(table: Table, mapping: Mapping | None = None) -> ReadResult[ContactRecord]:
    """Every row of a table read through `mapping` (guessed from the headers when None).

    Raises MappingError when the mapping names a column the table lacks or maps no name column.
    """
    mapping = mapping if mapping is not None else guess_mapping(table.headers)
    check_mapping(mapping, table.headers)
    result: ReadResult[ContactRecord] = ReadResult()
    for number, row in table.rows:
        read = row_to_contact(number, row, mapping)
        if isinstance(read, RowError):
            result.errors.append(read)
        else:
            result.records.append(read)
    return result
