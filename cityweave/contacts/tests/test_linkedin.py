"""LinkedIn's Connections.csv, both layouts."""

import datetime as dt

import pytest

from cityweave.contacts.readers import ReadError, RowError, detect_format, read_contacts
from cityweave.contacts.readers.linkedin import read_linkedin


def test_it_reads_the_current_layout_after_its_notes_preamble(sample):
    data = sample("Connections_LF.csv")
    assert detect_format(data) == "linkedin"
    result = read_contacts(data)
    assert result.errors == []
    names = [record.full_name for record in result.records]
    assert names == [
        "Jeffrey Goldberg",
        "Sarah Looper, DipWSET",
        'Rohan Mehta "RM"',
        "Theo Grant",
        "Le Morette - Az. Agr. Valerio Zenato",
        "Christoph Rosenhammer",
        "Sam Chen",
    ]
    first = result.records[0]
    assert first.row == 5  # the line in the file: the preamble, a blank line and the header first
    assert first.url == "https://www.linkedin.com/in/goldbergjeffrey"
    assert first.organisations == ["Qlik"]
    assert first.title.startswith("Director of Product Management - Cloud Platform, Integration")
    assert first.connected_on == dt.date(2026, 9, 4)
    theo = result.records[3]
    assert (theo.emails, theo.organisations, theo.connected_on) == (
        ["theo.grant@example.com"],
        ["Contoso, Ltd."],
        dt.date(2025, 3, 14),
    )
    assert result.records[-1].connected_on == dt.date(2026, 1, 1)  # "1 Jan 2026"


def test_it_reads_the_older_layout_without_preamble_or_url(sample):
    data = sample("Connections_legacy_no_preamble_no_url.csv")
    assert detect_format(data) == "linkedin"
    result = read_contacts(data)
    assert result.errors == []
    assert [
        (r.row, r.full_name, r.emails, r.organisations, r.title, r.url, r.connected_on)
        for r in result.records
    ] == [
        (
            2,
            "John Doe",
            ["john@example.com"],
            ["Acme Corp"],
            "Software Engineer",
            "",
            dt.date(2023, 10, 15),
        ),
        (3, "Alice Johnson", [], ["Google"], "Senior Developer", "", dt.date(2021, 5, 20)),
    ]


def test_bad_rows_are_reported_with_their_line(sample):
    data = sample("Connections_LF.csv").replace(b"14 Mar 2025", b"14 Mrz 2025")
    data += b",,https://www.linkedin.com/in/ghost,,,,01 Jan 2026\n"
    result = read_linkedin(data.replace(b"\n", b"\r\n"))
    assert len(result.records) == 6
    assert result.errors == [
        RowError(
            8, "connected_on", "'14 Mrz 2025' is not a date (write it as 2023-11-07 or 07 Nov 2023)"
        ),
        RowError(12, "name", "no name"),
    ]


def test_a_file_without_the_linkedin_header_is_a_read_error():
    with pytest.raises(ReadError, match=r"^line 1: no LinkedIn header"):
        read_linkedin(b'Notes:\n"Something else"\n\nName,Email\n')
