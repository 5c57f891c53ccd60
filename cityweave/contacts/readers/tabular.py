"""Spreadsheets into rows: CSV (comma, semicolon or tab, sniffed) and XLSX (openpyxl, read-only)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from .records import ReadError
from .text import decode

XLSX_MAGIC = b"PK\x03\x04"


@dataclass
class Table:
    """A sheet read as text: its header names, and each row as (row number, {header: value}).

    Row numbers are 1-based lines of the file (CSV, where a row starts) or rows of the sheet
    (XLSX). Values are stripped strings; dates from XLSX cells are ISO 8601 (`2023-11-07`).
    Columns without a header are dropped; a short row lacks the keys of its missing cells.
    """

    headers: list[str]
    rows: list[tuple[int, dict[str, str]]]


def _sniff_delimiter(sample: str) -> str:
    """The delimiter of a CSV text: comma, semicolon or tab; comma when it can't tell."""
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        first = sample.split("\n", 1)[0]
        counts = {d: first.count(d) for d in ",;\t"}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","


def _unique_headers(raw: list[str]) -> list[str]:
    """Header names stripped, a repeated name given a ` (2)` suffix so every column keeps a key."""
    seen: dict[str, int] = {}
    headers = []
    for name in raw:
        name = name.strip()
        if name and name in seen:
            seen[name] += 1
            name = f"{name} ({seen[name]})"
        else:
            seen[name] = 1
        headers.append(name)
    return headers


def _table(records: Iterator[tuple[int, list[str]]], what: str) -> Table:
    """Build a Table from numbered records: the first non-blank record is the header."""
    headers: list[str] = []
    rows: list[tuple[int, dict[str, str]]] = []
    for number, cells in records:
        if not headers:
            if any(cell.strip() for cell in cells):
                headers = _unique_headers(cells)
            continue
        if not any(cell.strip() for cell in cells):
            continue
        row = {header: cell.strip() for header, cell in zip(headers, cells, strict=False) if header}
        rows.append((number, row))
    if not headers:
        raise ReadError(f"the {what} is empty: no header row")
    return Table(headers=headers, rows=rows)


def read_csv_text(text: str, *, first_line: int = 1, delimiter: str | None = None) -> Table:
    """Read CSV text (already decoded) into a Table; `first_line` is the file line `text` starts on,
    `delimiter` is sniffed (comma, semicolon or tab) unless given or named by Excel's `sep=;`
    first line.

    Raises ReadError naming the line for a CSV the csv module refuses.
    """
    text = text.replace("\x00", "")
    hint = re.match(r"sep=(.)\n", text, re.IGNORECASE)  # Excel's "sep=;" first line
    if hint:
        delimiter = delimiter or hint[1]
        text = text[hint.end() :]
        first_line += 1
    delimiter = delimiter or _sniff_delimiter(text[:8192])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)

    def numbered() -> Iterator[tuple[int, list[str]]]:
        start = 1
        try:
            for cells in reader:
                yield start + first_line - 1, cells
                start = reader.line_num + 1
        except csv.Error as error:
            raise ReadError(f"not readable as CSV ({error})", line=start + first_line - 1) from None

    return _table(numbered(), "CSV file")


def read_csv(data: bytes) -> Table:
    """Read CSV bytes in any encoding `text.decode` knows into a Table (see read_csv_text)."""
    return read_csv_text(decode(data))


def _cell_text(value: object) -> str:
    """An XLSX cell as text: dates as ISO 8601, whole floats without `.0`, empty for None."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_xlsx(data: bytes) -> Table:
    """Read the first sheet of an XLSX workbook into a Table (openpyxl in read-only mode).

    Raises ReadError when the bytes are not a workbook openpyxl can open.
    """
    from openpyxl import load_workbook

    if not data.startswith(XLSX_MAGIC):
        raise ReadError("not an XLSX workbook (an .xlsx file is a ZIP archive)", line=1)
    try:
        with warnings.catch_warnings():
            # openpyxl warns about styles and extensions it doesn't read; they don't matter here.
            warnings.simplefilter("ignore")
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError, AttributeError) as error:
        raise ReadError(f"not a readable XLSX workbook ({error})") from None
    except Exception as error:  # openpyxl raises many kinds on a damaged archive
        raise ReadError(f"not a readable XLSX workbook ({type(error).__name__})") from None
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise ReadError("the workbook has no sheet")
        try:
            records = [
                (number, [_cell_text(value) for value in values])
                for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
            ]
        except ReadError:
            raise
        except Exception as error:
            raise ReadError(f"the workbook's first sheet is damaged ({error})") from None
        return _table(iter(records), "first sheet")
    finally:
        workbook.close()
