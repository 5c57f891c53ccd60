"""LinkedIn's Connections.csv: the current layout (a `Notes:` preamble before the header) and the
older one (no preamble, no URL column)."""

from __future__ import annotations

from .fields import Mapping, table_to_contacts
from .records import ContactRecord, ReadError, ReadResult
from .tabular import read_csv_text
from .text import decode

#: LinkedIn's columns, and the contact field each gives.
LINKEDIN_MAPPING: Mapping = {
    "given_name": ["First Name"],
    "family_name": ["Last Name"],
    "url": ["URL"],
    "email": ["Email Address"],
    "organisation": ["Company"],
    "title": ["Position"],
    "connected_on": ["Connected On"],
}
_HEADER_START = "first name,last name,"


def looks_like_linkedin(text: str) -> bool:
    """Whether decoded text is a LinkedIn connections export (either layout)."""
    head = text.lstrip("\ufeff")[:4096].lower()
    return head.startswith("notes:") or (
        head.startswith(_HEADER_START) and "connected on" in head.split("\n", 1)[0]
    )


def read_linkedin(data: bytes) -> ReadResult[ContactRecord]:
    """Read a LinkedIn Connections.csv: one ContactRecord per connection, `connected_on` from
    "Connected On" (`07 Nov 2023`); rows are numbered by file line, preamble included.

    Raises ReadError when no LinkedIn header (`First Name,Last Name,...`) is found.
    """
    text = decode(data).lstrip("\ufeff")
    lines = text.split("\n")
    header_at = next(
        (i for i, line in enumerate(lines[:50]) if line.strip().lower().startswith(_HEADER_START)),
        None,
    )
    if header_at is None:
        raise ReadError(
            "no LinkedIn header (First Name,Last Name,...) in the first 50 lines", line=1
        )
    table = read_csv_text("\n".join(lines[header_at:]), first_line=header_at + 1, delimiter=",")
    mapping = {
        field: columns
        for field, columns in LINKEDIN_MAPPING.items()
        if all(column in table.headers for column in columns)
    }
    return table_to_contacts(table, mapping)
