"""List exports: one column definition per entity, written as CSV or XLSX.

An app declares its columns once (`Column`: a header and how to read the value from a row) and
an `ExportView` subclass; its URLs serve the same view as `export.csv` and `export.xlsx`, so the
two formats can never list different columns. Both guard against spreadsheet formula injection:
text starting with `=`, `+`, `-`, `@`, a tab or a carriage return is written with a leading
apostrophe in CSV (which has no cell types) and as a text cell in XLSX (which has), so a
spreadsheet never runs it and the XLSX keeps the value exactly.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import zoneinfo
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any, ClassVar

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponseBase
from django.utils import timezone

from cityweave.spreadsheets import guarded
from cityweave.web.filtering import ListFilters, apply, bad_filters, csv_lines, csv_response
from cityweave.web.mixins import WorkspaceView

#: Rows read from the database at a time.
CHUNK_SIZE = 500
#: The widest column set in an XLSX, in characters (long notes are not measured).
MAX_WIDTH = 60
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    """One column of an export: its `header` and `value(row)`, which gives a str, int, Decimal,
    float, bool, date, datetime or None (empty). Datetimes are written in the workspace's time
    zone; `width` is the XLSX column width in characters."""

    header: str
    value: Callable[[Any], Any]
    width: int = 14


def local_time(value: dt.datetime, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    """`value` in `zone`, without its offset (spreadsheets hold wall-clock times), to the second."""
    return timezone.localtime(value, zone).replace(tzinfo=None, microsecond=0)


def csv_value(value: Any, zone: zoneinfo.ZoneInfo) -> Any:
    """A cell as CSV writes it: "" for None, yes/no for a bool, ISO 8601 for dates and times
    (local to `zone`, no offset), guarded text; numbers as they are."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        return local_time(value, zone).isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return guarded(value)
    return value


def write_csv(
    filename: str, columns: Sequence[Column], rows: Iterable[Any], zone: zoneinfo.ZoneInfo
) -> HttpResponseBase:
    """A streamed CSV download of `rows`, one line per row, `columns` in order."""
    return csv_response(filename, *_csv_parts(columns, rows, zone))


def _csv_parts(
    columns: Sequence[Column], rows: Iterable[Any], zone: zoneinfo.ZoneInfo
) -> tuple[list[str], Iterable[Any], Callable[[Any], list[Any]]]:
    return (
        [column.header for column in columns],
        rows,
        lambda row: [csv_value(column.value(row), zone) for column in columns],
    )


def export_csv_lines(
    columns: Sequence[Column], rows: Iterable[Any], zone: zoneinfo.ZoneInfo
) -> Iterator[str]:
    """The text `write_csv` downloads, a line at a time, for writing to a file."""
    return csv_lines(*_csv_parts(columns, rows, zone))


def xlsx_row(sheet: Any, values: Iterable[Any], zone: zoneinfo.ZoneInfo) -> list[Any]:
    """One XLSX row: numbers and dates as themselves (openpyxl gives dates a date format), bools
    as yes/no, None empty, and text as text: a value openpyxl would take for a formula (a leading
    "=") goes in a cell made text. Plain values, not a cell each, keep 20,000 rows quick."""
    from openpyxl.cell import WriteOnlyCell

    row: list[Any] = []
    for value in values:
        if isinstance(value, bool):
            value = "yes" if value else "no"
        elif isinstance(value, dt.datetime):
            value = local_time(value, zone)
        elif isinstance(value, str) and value.startswith("="):
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"
            value = cell
        row.append(value)
    return row


def xlsx_header(sheet: Any, headers: Iterable[str]) -> list[Any]:
    """The header row's cells, bold."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = Font(bold=True)
        cells.append(cell)
    return cells


def xlsx_file(
    title: str, columns: Sequence[Column], rows: Iterable[Any], zone: zoneinfo.ZoneInfo
) -> IO[bytes]:
    """An XLSX workbook of `rows` on one sheet called `title` (at most 31 characters): a bold,
    frozen header row, then a row per record. Written with openpyxl's write-only workbook, which
    keeps rows in a temporary file rather than in memory, into a spooled temporary file, returned
    at its start (the caller closes it)."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.freeze_panes = "A2"
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(column.width, MAX_WIDTH)
    sheet.append(xlsx_header(sheet, (column.header for column in columns)))
    for row in rows:
        sheet.append(xlsx_row(sheet, (column.value(row) for column in columns), zone))
    output = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 (the caller closes it)
    workbook.save(output)
    output.seek(0)
    return output  # type: ignore[return-value]


def write_xlsx(
    filename: str,
    title: str,
    columns: Sequence[Column],
    rows: Iterable[Any],
    zone: zoneinfo.ZoneInfo,
) -> HttpResponseBase:
    """An XLSX download of `rows` (see `xlsx_file`), named `filename`."""
    output = xlsx_file(title, columns, rows, zone)
    return FileResponse(output, as_attachment=True, filename=filename, content_type=XLSX_TYPE)


class ExportView(WorkspaceView):
    """A list exported whole, filtered as its list page is; served as `export.csv` and
    `export.xlsx` (`as_view(format=…)`). Any member may export (reading); a bad filter answers
    422 naming it. Subclasses set `filters`, `name` (the file name's stem) and `sheet_title`, and
    define `queryset()` (the member's records), `rows()` (the filtered records loaded and
    ordered) and `columns()` (the entity's one column definition)."""

    format: str = "csv"
    filters: ClassVar[type[ListFilters]]
    name: ClassVar[str]
    sheet_title: ClassVar[str]

    def queryset(self) -> QuerySet:
        """The records the member may export, before filtering."""
        raise NotImplementedError

    def rows(self, queryset: QuerySet) -> QuerySet:
        """The filtered `queryset` with what the columns read loaded, in export order."""
        raise NotImplementedError

    def columns(self) -> Sequence[Column]:
        """The columns, in order; called once per export after the filters are read."""
        raise NotImplementedError

    def get(self, request: HttpRequest) -> HttpResponseBase:
        try:
            queryset = apply(self.filters, request.GET, self.member, self.queryset())
        except ValidationError as error:
            return bad_filters(error)
        columns = self.columns()
        zone = zoneinfo.ZoneInfo(self.workspace.timezone)
        rows = self.records(queryset)
        filename = f"{self.workspace.slug}-{self.name}.{self.format}"
        if self.format == "xlsx":
            return write_xlsx(filename, self.sheet_title, columns, rows, zone)
        return write_csv(filename, columns, rows, zone)

    def records(self, queryset: QuerySet) -> Iterator[Any]:
        """The rows, read from the database in chunks."""
        return self.rows(queryset).iterator(chunk_size=CHUNK_SIZE)
