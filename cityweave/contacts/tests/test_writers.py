"""The vCard 4.0 writer, read back by vobject and by our reader."""

import pytest
import vobject

from cityweave.contacts.readers import ContactRecord
from cityweave.contacts.readers.vcard import read_vcards
from cityweave.contacts.writers import write_vcard, write_vcards

PEOPLE = [
    ContactRecord(
        row=1,
        full_name="Zoë O'Brien; Jr.",
        given_name="Zoë",
        family_name="O'Brien",
        emails=["zoe@example.org", "z.obrien@city.example"],
        phones=["+353 1 222 3333", "+353 87 000 0000"],
        organisations=["Dublin City Council, International Relations", "Sister Cities; Ireland"],
        title="Head of Partnerships",
        url="https://example.org/zoe",
        notes="Line one\nLine two: with a colon, a comma; and a very long sentence " * 3,
    ),
    ContactRecord(row=2, full_name="山田 太郎", given_name="太郎", family_name="山田"),
    ContactRecord(
        row=3, full_name="Riverton Chamber", organisations=["Riverton Chamber"], kind="org"
    ),
]


def test_vobject_reads_back_the_same_names_emails_phones_and_organisations():
    text = write_vcards(PEOPLE)
    cards = list(vobject.readComponents(text))
    assert len(cards) == 3
    for person, card in zip(PEOPLE, cards, strict=True):
        assert card.version.value == "4.0"
        assert card.fn.value == person.full_name
        assert (card.n.value.given, card.n.value.family) == (person.given_name, person.family_name)
        assert [line.value for line in card.contents.get("email", [])] == person.emails
        assert [line.value for line in card.contents.get("tel", [])] == person.phones
        assert [line.value[0] for line in card.contents.get("org", [])] == person.organisations
    assert cards[0].title.value == "Head of Partnerships"
    assert cards[0].note.value == PEOPLE[0].notes.strip()
    assert cards[2].kind.value == "org"
    assert all(len(line.encode()) <= 75 for line in text.splitlines())


def test_our_reader_reads_back_what_we_write():
    result = read_vcards(write_vcards(PEOPLE).encode())
    assert result.errors == []
    for person, read in zip(PEOPLE, result.records, strict=True):
        assert (read.full_name, read.given_name, read.family_name) == (
            person.full_name,
            person.given_name,
            person.family_name,
        )
        assert (read.emails, read.phones, read.organisations, read.kind) == (
            person.emails,
            person.phones,
            person.organisations,
            person.kind,
        )


def test_a_uid_is_written_and_a_card_needs_a_name():
    assert "UID:urn:uuid:1234" in write_vcard(PEOPLE[1], uid="urn:uuid:1234")
    with pytest.raises(ValueError, match="a vCard needs a full name"):
        write_vcard(ContactRecord(row=1, full_name=" "))
