"""Text decoding, CSV and XLSX tables, column mappings and rows into contacts."""

import datetime as dt
import io

import pytest
from openpyxl import Workbook

from cityweave.contacts.readers import (
    MappingError,
    ReadError,
    RowError,
    detect_format,
    guess_mapping,
    parse_mapping,
    read_contacts,
)
from cityweave.contacts.readers.fields import parse_date
from cityweave.contacts.readers.tabular import read_csv, read_xlsx
from cityweave.contacts.readers.text import decode

OUTLOOK_CSV = (
    "First Name,Last Name,Company,Job Title,E-mail Address,E-mail 2 Address,"
    "E-mail Display Name,Business Phone,Mobile Phone,Notes\r\n"
    "Zoë,Økland,Bergen Kommune,Rådgiver,zoe@bergen.example,,Zoë Økland (zoe@bergen.example),"
    "+47 55 00 00 00,,Met at the summit\r\n"
    "Bob,,,,bob@example.org,bob2@example.org,,,+1 555 0100,\r\n"
)


@pytest.mark.parametrize(
    ("encoded", "how"),
    [
        (OUTLOOK_CSV.encode("utf-8"), "UTF-8"),
        (b"\xef\xbb\xbf" + OUTLOOK_CSV.encode("utf-8"), "UTF-8 with BOM"),
        (OUTLOOK_CSV.encode("utf-16"), "UTF-16 with BOM (Excel's Unicode text)"),
        (OUTLOOK_CSV.encode("utf-16-le"), "UTF-16 LE without BOM"),
        (OUTLOOK_CSV.encode("cp1252"), "Windows-1252"),
        (OUTLOOK_CSV.replace("\r\n", "\n").encode("utf-8"), "LF"),
        (OUTLOOK_CSV.replace("\r\n", "\r").encode("latin-1"), "Latin-1 with CR"),
    ],
)
def test_it_decodes_every_encoding_excel_and_outlook_write(encoded, how):
    assert decode(encoded) == OUTLOOK_CSV.replace("\r\n", "\n"), how


def test_a_broken_utf16_file_is_a_read_error_naming_the_line():
    data = "a,b\nc,d\n".encode("utf-16") + b"\x00\xd8"  # a lone surrogate on line 3
    with pytest.raises(ReadError, match=r"^line 3: the file starts as UTF-16-LE"):
        decode(data)


def test_it_reads_an_outlook_csv_with_a_guessed_mapping():
    result = read_contacts(OUTLOOK_CSV.encode("utf-16"))
    assert result.errors == []
    zoe, bob = result.records
    assert (zoe.row, zoe.full_name, zoe.given_name, zoe.family_name) == (
        2,
        "Zoë Økland",
        "Zoë",
        "Økland",
    )
    assert zoe.emails == ["zoe@bergen.example"]  # the display name column is not an address
    assert zoe.organisations == ["Bergen Kommune"]
    assert zoe.title == "Rådgiver"
    assert zoe.phones == ["+47 55 00 00 00"]
    assert zoe.notes == "Met at the summit"
    assert (bob.full_name, bob.emails, bob.phones) == (
        "Bob",
        ["bob@example.org", "bob2@example.org"],
        ["+1 555 0100"],
    )


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_it_sniffs_the_delimiter(delimiter):
    text = delimiter.join(["Name", "Email", "Organization"]) + "\n"
    text += delimiter.join(["Ada Lovelace", "ada@example.org", '"Analytical, Ltd"']) + "\n"
    table = read_csv(text.encode())
    assert table.headers == ["Name", "Email", "Organization"]
    assert table.rows == [
        (2, {"Name": "Ada Lovelace", "Email": "ada@example.org", "Organization": "Analytical, Ltd"})
    ]


def test_excels_sep_line_names_the_delimiter():
    table = read_csv(b"sep=;\r\nName;Notes\r\nAnn, the first;a,b\r\n")
    assert table.headers == ["Name", "Notes"]
    assert table.rows == [(3, {"Name": "Ann, the first", "Notes": "a,b"})]


def test_rows_are_numbered_by_the_line_they_start_on():
    text = 'Name,Notes\n"Ann","two\nlines"\n\nBen,x\n'
    assert [number for number, _ in read_csv(text.encode()).rows] == [2, 5]


def test_bad_rows_are_row_errors_naming_the_field_and_the_rest_still_reads():
    text = (
        "Full Name,E-mail,Connected On\n"
        "Ann Able,ann@example.org,2024-02-29\n"
        ",nobody@example.org,\n"
        "Ben Bell,not-an-address,\n"
        "Cy Cole,,31/02/2024\n"
        "Di Dale,,30 Feb 2024\n"
        "Ed Eng,,07 Nov 2023\n"
    )
    result = read_contacts(text.encode())
    assert [(r.full_name, r.connected_on) for r in result.records] == [
        ("Ann Able", dt.date(2024, 2, 29)),
        ("Ed Eng", dt.date(2023, 11, 7)),
    ]
    assert result.errors == [
        RowError(3, "name", "no name"),
        RowError(4, "email", "'not-an-address' is not an email address"),
        RowError(
            5, "connected_on", "'31/02/2024' is not a date (write it as 2023-11-07 or 07 Nov 2023)"
        ),
        RowError(6, "connected_on", "'30 Feb 2024' is not a date on the calendar"),
    ]
    assert str(result.errors[0]) == "row 3, name: no name"


def test_parse_mapping_reads_fields_and_columns():
    mapping = parse_mapping("name=Full Name, email=E-mail, email=E-mail 2,organization=Company")
    assert mapping == {
        "name": ["Full Name"],
        "email": ["E-mail", "E-mail 2"],
        "organisation": ["Company"],
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("nmae=Full Name", "unknown field 'nmae' in the mapping; the fields are name, given_name"),
        ("name", "'name' in the mapping is not field=Column"),
        ("name=", "the field 'name' in the mapping has no column name"),
        ("title=A,title=B", "the field 'title' is mapped twice; it takes one column"),
        (" , ", "the mapping is empty"),
    ],
)
def test_parse_mapping_names_what_is_wrong(text, message):
    with pytest.raises(MappingError, match="^" + message):
        parse_mapping(text)


def test_a_mapping_naming_a_missing_column_is_refused_before_any_row():
    with pytest.raises(
        MappingError, match="the column 'E-mail' mapped to email is not in the file"
    ):
        read_contacts(
            b"Name,Mail\nAnn,a@example.org\n", mapping=parse_mapping("name=Name,email=E-mail")
        )
    with pytest.raises(MappingError, match="no column is mapped to name"):
        read_contacts(b"Colour,Size\nred,2\n")


def test_an_explicit_mapping_reads_any_columns():
    data = "Nom;Courriel;Organisme\nJeanne Roux;jeanne@mairie.example;Mairie de Lyon\n".encode(
        "cp1252"
    )
    result = read_contacts(
        data, mapping=parse_mapping("name=Nom,email=Courriel,organisation=Organisme")
    )
    assert [(r.full_name, r.emails, r.organisations) for r in result.records] == [
        ("Jeanne Roux", ["jeanne@mairie.example"], ["Mairie de Lyon"])
    ]


def test_guess_mapping_knows_common_english_headers():
    headers = [
        "Title",
        "First Name",
        "Last Name",
        "Company",
        "Job Title",
        "E-mail Address",
        "E-mail 1 - Type",
        "Phone",
        "Home Phone",
        "Web Page",
        "Notes",
        "Shoe size",
    ]
    assert guess_mapping(headers) == {
        "given_name": ["First Name"],
        "family_name": ["Last Name"],
        "title": ["Job Title"],
        "url": ["Web Page"],
        "email": ["E-mail Address"],
        "phone": ["Phone", "Home Phone"],
        "organisation": ["Company"],
        "notes": ["Notes"],
    }


@pytest.mark.parametrize(
    "headers",
    [
        # Google Contacts, older and newer exports
        [
            "Name",
            "Given Name",
            "Family Name",
            "E-mail 1 - Type",
            "E-mail 1 - Value",
            "Phone 1 - Type",
            "Phone 1 - Value",
            "Organization 1 - Name",
            "Organization 1 - Title",
        ],
        [
            "First Name",
            "Middle Name",
            "Last Name",
            "Organization Name",
            "Organization Title",
            "E-mail 1 - Label",
            "E-mail 1 - Value",
            "Phone 1 - Label",
            "Phone 1 - Value",
        ],
    ],
)
def test_guess_mapping_knows_google_contacts(headers):
    mapping = guess_mapping(headers)
    assert mapping["email"] == ["E-mail 1 - Value"]
    assert mapping["phone"] == ["Phone 1 - Value"]
    assert mapping["organisation"] == [
        h for h in headers if h.startswith("Organization") and "Name" in h
    ]
    assert mapping["title"] == [h for h in headers if h.startswith("Organization") and "Title" in h]
    assert {"name", "given_name"} & mapping.keys()


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("2023-11-07", dt.date(2023, 11, 7)),
        ("2023-11-07T10:00:00", dt.date(2023, 11, 7)),
        ("07 Nov 2023", dt.date(2023, 11, 7)),
        ("1 January 2026", dt.date(2026, 1, 1)),
        ("Sep 4, 2026", dt.date(2026, 9, 4)),
        ("07.11.2023", dt.date(2023, 11, 7)),
    ],
)
def test_parse_date_reads_the_usual_spellings(text, date):
    assert parse_date(text) == date


def _xlsx(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.create_sheet("Contacts", 0)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_it_reads_the_first_sheet_of_a_workbook():
    data = _xlsx(
        [
            [],
            ["Name", "Email", "Phone", "Connected On"],
            ["Ann Able", "ann@example.org", 5550100, dt.datetime(2024, 3, 1)],
            [None, None, None, None],
            ["Ben Bell", None, None, None],
            ["", "x@example.org", None, None],
        ]
    )
    assert detect_format(data) == "xlsx"
    result = read_contacts(data)
    assert [(r.row, r.full_name, r.emails, r.phones, r.connected_on) for r in result.records] == [
        (3, "Ann Able", ["ann@example.org"], ["5550100"], dt.date(2024, 3, 1)),
        (5, "Ben Bell", [], [], None),
    ]
    assert result.errors == [RowError(6, "name", "no name")]


@pytest.mark.parametrize("data", [b"PK\x03\x04 not really a zip", b"Name\nAnn\n", _xlsx([])[:200]])
def test_a_file_that_is_not_a_workbook_is_a_read_error(data):
    with pytest.raises(ReadError, match="XLSX"):
        read_xlsx(data)


def test_an_empty_csv_is_a_read_error():
    with pytest.raises(ReadError, match="the CSV file is empty: no header row"):
        read_contacts(b"\n\n")
    with pytest.raises(ReadError, match="unknown contact format 'pdf'"):
        read_contacts(b"Name\nAnn\n", format="pdf")
