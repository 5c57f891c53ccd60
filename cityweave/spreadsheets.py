"""What every CSV cityweave writes shares: text a spreadsheet would run as a formula is disarmed.

Spreadsheets read a cell starting with `=`, `+`, `-` or `@` (and a tab or carriage return before
one) as a formula (OWASP, "CSV Injection"); a leading apostrophe makes it text, shown as written.
"""

from __future__ import annotations

import re
from typing import Any

#: The first characters that make a spreadsheet read a cell as a formula (OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: A signed number or phone number ("+1 (555) 010-0100", "-12.5"): no name, reference or call,
#: so nothing a spreadsheet could run; it is written as it is.
_HARMLESS = re.compile(r"[+-][0-9 ().\-/]*")


def guarded(value: str) -> str:
    """`value` with a leading apostrophe when a spreadsheet would read it as a formula, unless
    it is only a signed number or phone number."""
    if value.startswith(FORMULA_STARTS) and not _HARMLESS.fullmatch(value):
        return f"'{value}"
    return value


def guarded_row(values: list[Any]) -> list[Any]:
    """A CSV row with each text cell guarded; other values as they are."""
    return [guarded(value) if isinstance(value, str) else value for value in values]
