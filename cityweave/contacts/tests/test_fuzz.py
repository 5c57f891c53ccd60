"""Whatever bytes come in, the readers raise nothing but ReadError, and every row error names a
row or line of the file."""

import datetime as dt
import os
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cityweave.contacts.readers import ReadError, ReadResult, read_calendar, read_contacts
from cityweave.contacts.readers.vcard import read_vcards

SAMPLES = Path(__file__).parent / "samples"
FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "150")),
    suppress_health_check=[HealthCheck.too_slow],
)


def _lines(*names: str) -> list[bytes]:
    return [line for name in names for line in (SAMPLES / name).read_bytes().splitlines()]


VCARD_LINES = _lines(
    "made_up_vcard21_qp.vcf", "vobject_vcard40_full.vcf", "rfc2426_sec7_dawson.vcf"
)
ICS_LINES = _lines(
    "made_up_outlook_windows_tzid.ics",
    "made_up_google_x_wr_timezone.ics",
    "rfc5545_sec4_example2.ics",
)
CSV_LINES = _lines("Connections_LF.csv", "Connections_legacy_no_preamble_no_url.csv")
NOISE = st.binary(max_size=40) | st.text(max_size=40).map(lambda t: t.encode("utf-8", "replace"))


def _mutated(lines: list[bytes]) -> st.SearchStrategy[bytes]:
    """A file of real lines, shuffled, cut, duplicated and salted with random bytes."""
    line = st.sampled_from(lines) | NOISE
    ending = st.sampled_from([b"\r\n", b"\n", b"\r"])
    return st.tuples(st.lists(line, max_size=40), ending).map(lambda p: p[1].join(p[0]))


def _check(read, data: bytes) -> None:
    try:
        result = read(data)
    except ReadError as error:
        assert str(error)
        return
    assert isinstance(result, ReadResult)
    lines = data.count(b"\n") + data.count(b"\r") + 2
    for row_error in result.errors:
        assert 1 <= row_error.row <= lines, row_error
        assert row_error.reason
    for record in result.records:
        assert record.row >= 1


@FUZZ
@given(st.binary(max_size=600) | _mutated(CSV_LINES))
def test_csv_bytes_never_raise_but_read_error(data):
    _check(lambda d: read_contacts(d, format="csv"), data)
    _check(read_contacts, data)


@FUZZ
@given(st.binary(max_size=600) | _mutated(VCARD_LINES))
def test_vcard_bytes_never_raise_but_read_error(data):
    _check(read_vcards, data)


@FUZZ
@given(st.binary(max_size=600) | _mutated(ICS_LINES))
def test_ics_bytes_never_raise_but_read_error(data):
    _check(read_calendar, data)
    _check(lambda d: read_calendar(d, period=(dt.date(2024, 1, 1), dt.date(2024, 12, 31))), data)


@FUZZ
@given(st.lists(st.sampled_from(VCARD_LINES) | NOISE, max_size=30))
def test_a_card_of_random_lines_never_raises(lines):
    _check(
        read_vcards, b"BEGIN:VCARD\r\nVERSION:2.1\r\n" + b"\r\n".join(lines) + b"\r\nEND:VCARD\r\n"
    )


@FUZZ
@given(st.lists(st.sampled_from(ICS_LINES) | NOISE, max_size=30))
def test_an_event_of_random_lines_never_raises(lines):
    data = (
        b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n"
        + b"\r\n".join(lines)
        + b"\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    _check(read_calendar, data)
    _check(lambda d: read_calendar(d, period=(dt.date(2024, 1, 1), dt.date(2024, 12, 31))), data)
