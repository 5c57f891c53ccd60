"""Stakeholders' names: a key under which two spellings of one name compare equal, the given and
family names of a person, and the key lists sort by.

`name_key("Dr. Alan Brooks")` and `name_key("alan brooks, PhD")` are both "alan brooks";
`name_key("The Riverton Community Foundation, Inc.")` is "riverton community foundation": case,
accents, punctuation, honorific titles, post-nominal letters and legal suffixes go, while every word
that can tell two organisations apart stays ("Foundation", "Trust", "Council", "Fund", "Jr." …).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

#: Honorifics and ranks before a person's name, as `name_key` spells them (no dots, lowercase).
TITLES = frozenset(
    [
        "dr", "doctor", "mr", "mrs", "ms", "miss", "mx", "mme", "mlle", "herr", "frau", "sra", "srta",
        "prof", "professor", "sir", "dame", "rev", "reverend", "revd", "fr", "pastor", "rabbi", "imam",
        "sheikh", "hon", "honourable", "honorable", "rt", "cllr", "councillor", "councilor",
        "alderman", "alderwoman", "mayor", "senator", "sen", "rep", "representative", "gov",
        "governor", "judge", "amb", "ambassador", "capt", "captain", "col", "colonel", "gen", "lt",
        "sgt", "commissioner", "father", "sister", "councilmember", "councilwoman", "councilman",
        "assemblymember", "assemblywoman", "assemblyman", "supervisor", "delegate", "chancellor",
    ]
)  # fmt: skip
#: Letters after a person's name that say nothing about who they are (generational suffixes such
#: as "Jr." and "III" stay: they tell a father from a son).
POST_NOMINALS = frozenset(
    [
        "phd", "md", "dphil", "edd", "jd", "llm", "mba", "msc", "bsc", "cpa", "esq", "obe", "mbe",
        "cbe", "kbe", "dbe", "frs", "qc", "kc",
    ]
)  # fmt: skip
#: Legal forms at the end of an organisation's name. "Foundation", "Trust", "Association",
#: "Company" and the like are not among them: "Riverton Foundation" and "Riverton" are two bodies.
LEGAL_SUFFIXES = frozenset(
    [
        "inc", "incorporated", "llc", "llp", "lp", "lllp", "pllc", "pc", "ltd", "limited", "corp",
        "corporation", "plc", "gmbh", "ag", "sa", "sarl", "sas", "srl", "spa", "nv", "bv", "oy", "ab",
        "as", "aps", "pty", "pte", "bhd", "cic", "gbr", "kg", "ug", "eg", "ev",
    ]
)  # fmt: skip
#: Two-word legal forms, matched before the one-word ones ("co ltd", "pty ltd" …).
LEGAL_PAIRS = frozenset(
    {("co", "inc"), ("co", "ltd"), ("co", "llc"), ("pty", "ltd"), ("and", "co"), ("and", "company")}
)
#: Lowercase words that belong to the family name that follows them: "Ludwig van Beethoven".
FAMILY_PARTICLES = frozenset(
    [
        "van", "von", "der", "den", "de", "del", "della", "di", "da", "dos", "das", "du", "la", "le",
        "st", "ter", "ten", "bin", "ibn", "al", "el", "mac",
    ]
)  # fmt: skip

_SPACES = re.compile(r"\s+")
_NOT_WORD = re.compile(r"[^\w]+")


def fold(text: str) -> str:
    """`text` without case or accents, "&" read as "and", and every run of punctuation or spaces
    as one space, trimmed: "Núñez & Co." → "nunez and co"."""
    bare = text
    # Case folding can make letters that decompose further ("İ" → "i̇"): repeat until stable.
    for _ in range(3):
        decomposed = unicodedata.normalize("NFKD", bare.casefold())
        folded = "".join(c for c in decomposed if not unicodedata.combining(c))
        if folded == bare:
            break
        bare = folded
    bare = bare.replace("&", " and ").replace("'", "").replace("\u2019", "").replace("_", " ")
    return _SPACES.sub(" ", _NOT_WORD.sub(" ", bare)).strip()


#: Two-word offices before a person's name ("State Senator Grace Holloway"), whose first word alone
#: is no title: "City of Riverton" and "State Street Bank" keep theirs.
TITLE_PAIRS = frozenset(
    {
        ("state", "senator"), ("state", "representative"), ("state", "rep"), ("council", "member"),
        ("city", "councillor"), ("city", "councilor"), ("city", "commissioner"),
        ("county", "commissioner"), ("county", "executive"), ("county", "supervisor"),
        ("vice", "mayor"), ("deputy", "mayor"), ("lieutenant", "governor"), ("lt", "governor"),
        ("district", "attorney"), ("police", "chief"), ("fire", "chief"),
    }
)  # fmt: skip


def _titles_end(words: list[str], token: Callable[[str], str] = str) -> int:
    """How many leading words are honorifics or offices (TITLES, TITLE_PAIRS), leaving one word."""
    start = 0
    while start < len(words) - 1:
        if start < len(words) - 2 and (token(words[start]), token(words[start + 1])) in TITLE_PAIRS:
            start += 2
        elif token(words[start]) in TITLES:
            start += 1
        else:
            break
    return start


def _strip_titles(words: list[str]) -> list[str]:
    """Leading honorifics and offices off, keeping at least one word."""
    return words[_titles_end(words) :]


def _strip_trailing(words: list[str]) -> list[str]:
    """Trailing legal forms and post-nominal letters off, keeping at least one word."""
    end = len(words)
    while end > 1:
        if end > 2 and (words[end - 2], words[end - 1]) in LEGAL_PAIRS:
            end -= 2
        elif words[end - 1] in LEGAL_SUFFIXES or words[end - 1] in POST_NOMINALS:
            end -= 1
        else:
            break
    if 1 < end < len(words) and words[end - 1] == "and":  # "Núñez & Co., Ltd."
        end -= 1
    return words[:end]


def name_key(name: str) -> str:
    """The form of `name` under which two spellings of the same stakeholder compare equal: folded
    (`fold`), with a leading "the", honorific titles, post-nominal letters and legal suffixes
    removed; never empty for a name with a letter or digit. At most 200 characters."""
    words = fold(name).split()
    while len(words) > 1 and words[0] == "the":
        words = words[1:]
    return " ".join(_strip_trailing(_strip_titles(words)))[:200].rstrip()


def split_person_name(name: str) -> tuple[str, str]:
    """(given name, family name) of a person's name as written, titles and post-nominal letters
    left out: "Dr. Alan Brooks" → ("Alan", "Brooks"); "Brooks, Alan" → ("Alan", "Brooks");
    "Ludwig van Beethoven" → ("Ludwig", "van Beethoven"); "Madonna" → ("", "Madonna"). The
    family name is the last word with the lowercase particles before it; a generational suffix
    ("Jr.", "III") stays with it. Empty strings for a name without a word."""
    text = _SPACES.sub(" ", name).strip()
    if text.count(",") == 1:
        family, given = (part.strip() for part in text.split(","))
        given_words = given.split()
        # "Brooks, Alan" names the family first; "Alan Brooks, PhD" or "…, Jr." does not.
        if given_words and not all(_is_suffix(w) for w in given_words):
            return " ".join(_drop_titles(given_words)), family
        text = family if all(_is_post_nominal(w) for w in given_words) else text.replace(",", "")
    words = _drop_titles(text.split())
    while len(words) > 1 and _is_post_nominal(words[-1]):
        words.pop()
    if not words:
        return "", ""
    generation: list[str] = []
    if len(words) > 2 and _is_generation(words[-1]):
        generation = [words.pop()]
    start = len(words) - 1
    while start > 1 and words[start - 1].casefold() in FAMILY_PARTICLES:
        start -= 1
    return " ".join(words[:start]), " ".join(words[start:] + generation)


def _token(word: str) -> str:
    return fold(word).replace(" ", "")


def _drop_titles(words: list[str]) -> list[str]:
    return words[_titles_end(words, _token) :]


def _is_post_nominal(word: str) -> bool:
    return _token(word) in POST_NOMINALS


def _is_generation(word: str) -> bool:
    return _token(word) in {"jr", "sr", "ii", "iii", "iv"}


def _is_suffix(word: str) -> bool:
    return _is_post_nominal(word) or _is_generation(word)


def sort_key(name: str, *, given_name: str = "", family_name: str = "") -> str:
    """The key a list sorts a stakeholder by, folded (`fold`): a person's family name then given
    name when either is known ("brooks alan" for "Dr. Alan Brooks"), otherwise the name without
    a leading "the". At most 200 characters."""
    if given_name or family_name:
        return fold(f"{family_name} {given_name}")[:200]
    words = fold(name).split()
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    return " ".join(words)[:200]
