"""vCard 4.0 out: stakeholders (or anything shaped like a ContactRecord) as cards that vobject and
address books read back with the same names, emails, phones and organisations."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol


class VCardContact(Protocol):
    """What a card is written from: a ContactRecord has these, a stakeholder can be adapted."""

    @property
    def full_name(self) -> str: ...

    @property
    def given_name(self) -> str: ...

    @property
    def family_name(self) -> str: ...

    @property
    def emails(self) -> Sequence[str]: ...

    @property
    def phones(self) -> Sequence[str]: ...

    @property
    def organisations(self) -> Sequence[str]: ...

    @property
    def title(self) -> str: ...

    @property
    def url(self) -> str: ...

    @property
    def notes(self) -> str: ...

    @property
    def kind(self) -> str: ...


def write_vcard(contact: VCardContact, uid: str | None = None) -> str:
    """One vCard 4.0 card (CRLF lines, folded at 75 octets by vobject) for a person, or for an
    organisation when `contact.kind == "org"`; `uid` (e.g. `urn:uuid:...`) becomes its UID.

    Raises ValueError when the contact has no full name (FN is required by RFC 6350).
    """
    import vobject

    if not contact.full_name.strip():
        raise ValueError("a vCard needs a full name (FN)")
    card = vobject.vCard()
    card.add("version").value = "4.0"
    if contact.kind == "org":
        card.add("kind").value = "org"
    card.add("fn").value = contact.full_name.strip()
    card.add("n").value = vobject.vcard.Name(
        family=contact.family_name.strip(), given=contact.given_name.strip()
    )
    for organisation in contact.organisations:
        if organisation.strip():
            card.add("org").value = [organisation.strip()]
    for email in contact.emails:
        if email.strip():
            card.add("email").value = email.strip()
    for phone in contact.phones:
        if phone.strip():
            card.add("tel").value = phone.strip()
    if contact.title.strip():
        card.add("title").value = contact.title.strip()
    if contact.url.strip():
        card.add("url").value = contact.url.strip()
    if contact.notes.strip():
        card.add("note").value = contact.notes.strip()
    if uid:
        card.add("uid").value = uid
    text: str = card.serialize()
    return text


def write_vcards(contacts: Iterable[VCardContact]) -> str:
    """A vCard 4.0 file: one card per contact, in the order given (see write_vcard)."""
    return "".join(write_vcard(contact) for contact in contacts)
