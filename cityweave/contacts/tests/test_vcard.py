"""vCard 2.1, 3.0 and 4.0 files."""

import pytest

from cityweave.contacts.readers import ReadError, RowError, detect_format, read_contacts
from cityweave.contacts.readers.vcard import read_vcards


def test_it_reads_the_rfc_examples(sample):
    dawson = read_vcards(sample("rfc2426_sec7_dawson.vcf")).records[0]
    assert dawson.full_name == "Frank Dawson"
    assert dawson.emails == ["Frank_Dawson@Lotus.com", "fdawson@earthlink.net"]
    assert dawson.phones == ["+1-919-676-9515", "+1-919-676-9564"]
    assert dawson.organisations == ["Lotus Development Corporation"]
    assert dawson.url == "http://home.earthlink.net/~fdawson"
    howes = read_vcards(sample("rfc2426_sec7_howes.vcf")).records[0]
    assert (howes.full_name, howes.emails) == ("Tim Howes", ["howes@netscape.com"])
    author = read_vcards(sample("rfc6350_sec8_author.vcf")).records[0]
    assert (author.full_name, author.given_name, author.family_name) == (
        "Simon Perreault",
        "Simon",
        "Perreault",
    )
    assert author.phones == ["+1-418-656-9254;ext=102", "+1-418-262-6501"]  # tel: URIs
    assert author.organisations == ["Viagenie"]


def test_it_reads_the_vobject_examples(sample):
    full = read_vcards(sample("vobject_vcard40_full.vcf")).records[0]
    assert full.full_name == "Dr. John Q. Public, III"
    assert (full.given_name, full.family_name) == ("John", "Public")
    assert full.emails == ["john.public@example.com", "johnny@personal.example.org"]
    assert full.organisations == ["Example Corp."]
    assert (full.title, full.url) == ("CEO", "http://www.example.com/~jqpublic")
    assert full.notes == "This is a note about John.\nHe likes vCards."
    simple = read_vcards(sample("vobject_vcard40_simple.vcf")).records[0]
    assert (simple.full_name, simple.emails) == ("John Doe", [])
    three = read_vcards(sample("vobject_tests_simple_3_0_test.vcf")).records[0]
    assert three.organisations == ["University of Novosibirsk"]
    assert len(three.phones) == 3
    grouped = read_vcards(sample("vobject_tests_vcard_with_groups.vcf"))
    assert grouped.errors == []
    berger = grouped.records[0]
    assert (berger.full_name, berger.emails, berger.phones, berger.title) == (
        "Meister Berger",
        ["mb@goerlitz.de"],
        ["+49 3581 123456"],
        "Mayor",
    )
    assert berger.notes.startswith("The Mayor of the great city of Goerlitz")


def test_an_organisation_card_is_an_organisation(sample):
    org = read_vcards(sample("vobject_vcard40_org.vcf")).records[0]
    assert (org.kind, org.full_name, org.organisations, org.emails) == (
        "org",
        "ABC Marketing",
        ["ABC, Inc."],
        ["marketing@abc.example.com"],
    )


def test_group_and_location_cards_are_reported_and_skipped(sample):
    group = read_vcards(sample("vobject_vcard40_group.vcf"))
    assert group.records == []
    assert group.errors == [
        RowError(1, "KIND", "a group card (KIND:group) lists other cards; skipped")
    ]
    location = read_vcards(sample("vobject_vcard40_location.vcf"))
    assert location.records == []
    assert location.errors == [
        RowError(1, "KIND", "a location card, not a person or organisation; skipped")
    ]


def test_it_reads_quoted_printable_across_a_soft_break_inside_a_character(sample):
    data = sample("made_up_vcard21_qp.vcf")
    assert detect_format(data) == "vcard"
    result = read_contacts(data)
    juergen, maria, taro = result.records
    assert (juergen.row, juergen.full_name, juergen.given_name, juergen.family_name) == (
        1,
        "Jürgen Müller",
        "Jürgen",
        "Müller",
    )
    assert juergen.organisations == ["Stadtwerke Köln", "Partnerschaftsbüro"]
    assert juergen.emails == ["juergen@stadtwerke.example", "j.mueller@example.de"]
    assert juergen.phones == ["+49 221 123456", "+49 171 555 0101"]
    assert juergen.notes == "Erste Zeile\nZweite Zeile"
    assert (maria.row, maria.full_name, maria.family_name) == (20, "María García", "García")
    assert (taro.full_name, taro.given_name, taro.family_name) == ("山田 太郎", "太郎", "山田")
    assert taro.emails == ["taro@city.example.jp", "yamada@example.jp"]  # item1., item2. groups
    assert taro.organisations == ["京都市"]
    assert result.errors == [
        RowError(26, None, "line 29 is not a property (NAME:value)"),
        RowError(31, "KIND", "a group card (KIND:group) lists other cards; skipped"),
    ]


CARD = "BEGIN:VCARD\r\nVERSION:3.0\r\n{body}END:VCARD\r\n"


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ("N:;;;;\r\n", RowError(1, "FN", "no name (FN or N)")),
        (
            "FN:Ann\r\nEMAIL:ann at example\r\n",
            RowError(1, "EMAIL", "'ann at example' is not an email address"),
        ),
        (
            "FN;CHARSET=klingon;ENCODING=QUOTED-PRINTABLE:A=C3=BC\r\n",
            RowError(1, "FN", "unknown CHARSET 'klingon'"),
        ),
        (
            "FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:A=C3\r\n",
            RowError(1, "FN", "line 3: the value is not valid UTF-8 text"),
        ),
    ],
)
def test_a_broken_card_is_a_row_error_and_the_next_card_still_reads(body, error):
    data = (CARD.format(body=body) + CARD.format(body="FN:Next One\r\n")).encode()
    result = read_vcards(data)
    assert result.errors == [error]
    assert [(r.row, r.full_name) for r in result.records] == [
        (error.row + 4 + body.count("\r\n") - 1, "Next One")
    ]


def test_a_card_vobject_refuses_is_a_row_error_naming_its_line():
    first = CARD.format(body="FN:First\r\n")
    data = (first + CARD.format(body="FN;=x:Bad\r\n") + first).encode()
    result = read_vcards(data)
    assert [(r.row, r.full_name) for r in result.records] == [(1, "First"), (9, "First")]
    assert result.errors == [
        RowError(5, None, "could not read this card: Failed to parse line: FN;=x:Bad")
    ]


def test_a_card_without_end_is_reported():
    data = b"BEGIN:VCARD\nVERSION:3.0\nFN:Lost\nBEGIN:VCARD\nVERSION:3.0\nFN:Kept\nEND:VCARD\nBEGIN:VCARD\nFN:Tail\n"
    result = read_vcards(data)
    assert [r.full_name for r in result.records] == ["Kept"]
    assert result.errors == [
        RowError(1, None, "this card has no END:VCARD before the next card"),
        RowError(8, None, "this card has no END:VCARD"),
    ]


def test_a_file_without_cards_is_a_read_error():
    with pytest.raises(ReadError, match=r"^line 1: not a vCard file: no BEGIN:VCARD line"):
        read_vcards(b"Name,Email\n")
