"""Contact and calendar file readers: bytes in, records and row errors out, no database.

`read_contacts` picks the reader for a contact file (XLSX, LinkedIn's Connections.csv, vCard,
generic CSV); `read_calendar` reads .ics files. Each returns a ReadResult (records and RowErrors)
and raises only ReadError, for a file that can't be read at all.
"""

from __future__ import annotations

from .calendar import read_calendar
from .fields import FIELDS, Mapping, MappingError, guess_mapping, parse_mapping, table_to_contacts
from .linkedin import looks_like_linkedin, read_linkedin
from .records import Attendee, ContactRecord, EventRecord, ReadError, ReadResult, RowError
from .tabular import XLSX_MAGIC, read_csv, read_xlsx
from .text import decode
from .vcard import looks_like_vcard, read_vcards

#: The contact formats `read_contacts` knows.
FORMATS = ("csv", "xlsx", "linkedin", "vcard")

__all__ = [
    "FIELDS",
    "FORMATS",
    "Attendee",
    "ContactRecord",
    "EventRecord",
    "Mapping",
    "MappingError",
    "ReadError",
    "ReadResult",
    "RowError",
    "detect_format",
    "guess_mapping",
    "parse_mapping",
    "read_calendar",
    "read_contacts",
]


def detect_format(data: bytes) -> str:
    """Which contact format the bytes are: "xlsx", "vcard", "linkedin" or "csv" (the default)."""
    if data.startswith(XLSX_MAGIC):
        return "xlsx"
    text = decode(data[:8192])
    if looks_like_vcard(text):
        return "vcard"
    if looks_like_linkedin(text):
        return "linkedin"
    return "csv"


def read_contacts(
    data: bytes, *, format: str | None = None, mapping: Mapping | None = None
) -> ReadResult[ContactRecord]:
    """Read a contact file: `format` is one of FORMATS, detected from the bytes when None;
    `mapping` ({field: [column]}, see parse_mapping) applies to CSV and XLSX and is guessed from
    their headers when None. Raises ReadError (MappingError for a mapping that doesn't fit)."""
    format = format or detect_format(data)
    if format == "vcard":
        return read_vcards(data)
    if format == "linkedin":
        return read_linkedin(data)
    if format == "xlsx":
        return table_to_contacts(read_xlsx(data), mapping)
    if format == "csv":
        return table_to_contacts(read_csv(data), mapping)
    raise ReadError(f"unknown contact format {format!r}; the formats are {', '.join(FORMATS)}")
