"""vCard 2.1, 3.0 and 4.0 files with many cards, read with vobject after our own pass over each
card: folded lines joined, QUOTED-PRINTABLE values decoded by their CHARSET (vobject 0.9.9 raises
when a soft line break falls inside a multi-byte character), inline photos and keys dropped."""

from __future__ import annotations

import quopri
import re
import warnings
from collections.abc import Iterator

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from .records import ContactRecord, ReadError, ReadResult, RowError
from .text import decode

_BEGIN = re.compile(r"^(?:[\w-]+\.)?BEGIN:VCARD\s*$", re.IGNORECASE)
_END = re.compile(r"^(?:[\w-]+\.)?END:VCARD\s*$", re.IGNORECASE)
_PROPERTY_START = re.compile(r"^[A-Za-z0-9_.-]+[;:]")
_DROPPED = {"PHOTO", "LOGO", "SOUND", "KEY"}  # binary payloads an import has no use for


def _split_property(line: str) -> tuple[str, list[str], str] | None:
    """A content line as (name with its group, parameters, value); None when it has no `:`.

    Parameters are split on `;` outside double quotes, so `TYPE="work,voice"` stays whole.
    """
    quoted = False
    for index, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif char == ":" and not quoted:
            head, value = line[:index], line[index + 1 :]
            break
    else:
        return None
    parts = re.split(r';(?=(?:[^"]*"[^"]*")*[^"]*$)', head)
    return parts[0], parts[1:], value


def _is_qp(params: list[str]) -> bool:
    return any(
        p.strip().upper() in ("ENCODING=QUOTED-PRINTABLE", "QUOTED-PRINTABLE") for p in params
    )


def _charset(params: list[str]) -> str:
    for param in params:
        key, _, value = param.partition("=")
        if key.strip().upper() == "CHARSET" and value.strip():
            return value.strip().strip('"')
    return "utf-8"


class _CardError(Exception):
    """A card our own pass can't read: the line and property at fault, and why."""

    def __init__(self, line: int, field: str | None, reason: str) -> None:
        self.line, self.field, self.reason = line, field, reason
        super().__init__(reason)


def _logical_lines(card: list[tuple[int, str]]) -> Iterator[tuple[int, str]]:
    """Join folded lines (a line starting with a space or tab continues the one before) and
    QUOTED-PRINTABLE soft line breaks (a value line ending in `=`). Yields (first line, text)."""
    index = 0
    while index < len(card):
        number, line = card[index]
        index += 1
        while index < len(card) and card[index][1][:1] in (" ", "\t"):
            line += card[index][1][1:]
            index += 1
        split = _split_property(line)
        if split and _is_qp(split[1]):
            while line.endswith("=") and index < len(card):
                line += "\n" + card[index][1].lstrip(" \t")
                index += 1
        yield number, line


def _prepare(card: list[tuple[int, str]]) -> str:
    """A card's text for vobject: QP values decoded, binary properties dropped, lines unfolded."""
    out = []
    dropping = False
    for number, line in _logical_lines(card):
        if dropping and not _PROPERTY_START.match(line):
            continue  # a vCard 2.1 BASE64 photo goes on over unmarked lines
        dropping = False
        if not line.strip():
            continue
        split = _split_property(line)
        if split is None:
            raise _CardError(number, None, f"line {number} is not a property (NAME:value)")
        name, params, value = split
        if name.split(".")[-1].upper() in _DROPPED:
            dropping = True
            continue
        if _is_qp(params):
            charset = _charset(params)
            raw = quopri.decodestring(value.replace("=\n", "=\r\n").encode("utf-8"))
            try:
                value = raw.decode(charset)
            except LookupError:
                raise _CardError(number, name, f"unknown CHARSET {charset!r}") from None
            except UnicodeDecodeError:
                raise _CardError(
                    number, name, f"line {number}: the value is not valid {charset} text"
                ) from None
            value = value.replace("\r\n", "\n").replace("\n", "\\n")
            params = [
                p
                for p in params
                if not _is_qp([p]) and p.partition("=")[0].strip().upper() != "CHARSET"
            ]
        out.append(";".join([name, *params]) + ":" + value)
    return "\r\n".join(out) + "\r\n"


def _cards(text: str) -> Iterator[tuple[int, list[tuple[int, str]]] | RowError]:
    """Each card as (line of its BEGIN, its numbered lines from BEGIN to END), or a RowError
    for a card without an END."""
    start: int | None = None
    lines: list[tuple[int, str]] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if _BEGIN.match(line.strip()):
            if start is not None:
                yield RowError(start, None, "this card has no END:VCARD before the next card")
            start, lines = number, [(number, line.strip())]
        elif start is not None:
            lines.append((number, line))
            if _END.match(line.strip()):
                yield start, lines
                start, lines = None, []
    if start is not None:
        yield RowError(start, None, "this card has no END:VCARD")


def _texts(component: object, name: str) -> list[object]:
    contents = getattr(component, "contents", {})
    return [line.value for line in contents.get(name, [])]


def _text(value: object) -> str:
    if isinstance(value, list):
        return " ".join(str(v) for v in value if v).strip()
    return str(value or "").strip()


def _contact(start: int, component: object) -> ContactRecord | RowError:
    """A vobject vCard component as a ContactRecord, or a RowError saying why it isn't one."""
    kinds = [_text(v).lower() for v in _texts(component, "kind")]
    kinds += [_text(v).lower() for v in _texts(component, "x-addressbookserver-kind")]
    kind = kinds[0] if kinds else "individual"
    if kind == "group":
        return RowError(start, "KIND", "a group card (KIND:group) lists other cards; skipped")
    if kind not in ("individual", "org", "organization", ""):
        return RowError(start, "KIND", f"a {kind} card, not a person or organisation; skipped")
    if any(_text(v).lower() == "company" for v in _texts(component, "x-abshowas")):
        kind = "org"
    organisations: list[str] = []
    for value in _texts(component, "org"):
        parts = value if isinstance(value, list) else str(value).split(";")
        name = next((str(p).strip() for p in parts if str(p).strip()), "")
        if name and name.casefold() not in {o.casefold() for o in organisations}:
            organisations.append(name)
    given = family = ""
    for value in _texts(component, "n")[:1]:
        given, family = _text(getattr(value, "given", "")), _text(getattr(value, "family", ""))
    full_name = next((_text(v) for v in _texts(component, "fn") if _text(v)), "")
    full_name = full_name or " ".join(part for part in (given, family) if part)
    if kind in ("org", "organization"):
        kind = "org"
        full_name = full_name or (organisations[0] if organisations else "")
    if not full_name:
        return RowError(start, "FN", "no name (FN or N)")
    emails: list[str] = []
    for value in _texts(component, "email"):
        address = _text(value).removeprefix("mailto:").strip()
        if not address:
            continue
        try:
            validate_email(address)
        except ValidationError:
            return RowError(start, "EMAIL", f"{address!r} is not an email address")
        if address.casefold() not in {e.casefold() for e in emails}:
            emails.append(address)
    phones: list[str] = []
    for value in _texts(component, "tel"):
        phone = _text(value).removeprefix("tel:").strip()
        if phone and phone not in phones:
            phones.append(phone)
    titles = [_text(v) for v in _texts(component, "title") if _text(v)]
    urls = [_text(v) for v in _texts(component, "url") if _text(v)]
    notes = [_text(v) for v in _texts(component, "note") if _text(v)]
    return ContactRecord(
        row=start,
        full_name=full_name,
        given_name=given,
        family_name=family,
        emails=emails,
        phones=phones,
        organisations=organisations,
        title=titles[0] if titles else "",
        url=urls[0] if urls else "",
        notes="\n\n".join(notes),
        kind=kind,
    )


def looks_like_vcard(text: str) -> bool:
    """Whether decoded text starts (after blank lines) with a BEGIN:VCARD line."""
    first = next((line for line in text.lstrip("\ufeff").split("\n", 20) if line.strip()), "")
    return bool(_BEGIN.match(first.strip()))


def read_vcards(data: bytes) -> ReadResult[ContactRecord]:
    """Read every card of a vCard file (2.1, 3.0 or 4.0): a ContactRecord per person or
    organisation (KIND:org), numbered by the line of its BEGIN:VCARD.

    Group cards (KIND:group) and other kinds (location, device) are reported as RowErrors and
    skipped, as is a card that can't be read (its line and reason); the other cards still read.
    Raises ReadError when the file holds no BEGIN:VCARD at all.
    """
    import vobject

    text = decode(data).lstrip("\ufeff")
    result: ReadResult[ContactRecord] = ReadResult()
    found = False
    for card in _cards(text):
        found = True
        if isinstance(card, RowError):
            result.errors.append(card)
            continue
        start, lines = card
        try:
            prepared = _prepare(lines)
        except _CardError as error:
            result.errors.append(RowError(start, error.field, error.reason))
            continue
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                component = vobject.readOne(prepared)
        except Exception as error:  # vobject raises many kinds on a malformed card
            # vobject counts lines from the card's start: drop its number, the row names the card.
            reason = re.sub(r"^At line \d+: ", "", str(error).strip()) or type(error).__name__
            result.errors.append(RowError(start, None, f"could not read this card: {reason}"))
            continue
        try:
            read = _contact(start, component)
        except Exception as error:  # a value of an unexpected shape
            read = RowError(start, None, f"could not read this card: {error}")
        if isinstance(read, RowError):
            result.errors.append(read)
        else:
            result.records.append(read)
    if not found:
        raise ReadError("not a vCard file: no BEGIN:VCARD line", line=1)
    return result
