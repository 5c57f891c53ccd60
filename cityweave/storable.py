"""What both databases can store, checked in `full_clean` before anything is written.

Every record cityweave writes passes its model's `full_clean` (the forms, the services behind the
API and the CLI, and `cityweave import`), so these checks, run there by `StorableModel`, refuse bad
input wherever it comes from, naming the field:

- text: no NUL character (PostgreSQL cannot store one; SQLite stores it and the exports then break
  other tools), no lone surrogate (text that is not Unicode and cannot be encoded as UTF-8), and a
  required text is not only spaces or invisible characters (zero-width spaces and joiners, the
  byte-order mark);
- free text (notes and the like, with no length of their own): at most TEXT_MAX_LENGTH
  characters;
- dates and times: between EARLIEST_YEAR and LATEST_YEAR, in UTC for a time with a time zone (so
  that "9999-12-31T23:59:59-12:00" cannot become year 10000 once stored, which Python cannot read).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

EARLIEST_YEAR, LATEST_YEAR = 1900, 2200
#: The same range as dates, for date filters.
EARLIEST_DATE, LATEST_DATE = dt.date(EARLIEST_YEAR, 1, 1), dt.date(LATEST_YEAR, 12, 31)
#: Form validators keeping a day within that range.
SUPPORTED_DAYS = [
    MinValueValidator(EARLIEST_DATE, f"Choose a day in {EARLIEST_YEAR} or later."),
    MaxValueValidator(LATEST_DATE, f"Choose a day in {LATEST_YEAR} or earlier."),
]
#: The longest free text (a note) kept: about ten pages.
TEXT_MAX_LENGTH = 20_000
#: The largest id either database can hold (a signed 64-bit integer).
MAX_ID = 2**63 - 1
DATE_RANGE_MESSAGE = f"Give a date between {EARLIEST_YEAR} and {LATEST_YEAR}."
#: Characters that show nothing: a required text made only of these is blank.
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_SURROGATE = re.compile("[\ud800-\udfff]")


def is_blank(value: str) -> bool:
    """Whether a text shows nothing: only spaces and invisible characters, in any order."""
    return all(char.isspace() or char in INVISIBLE for char in value)


def text_problem(value: str, *, required: bool) -> str | None:
    """Why a text cannot be stored, or None when it can."""
    if "\x00" in value:
        return "Remove the NUL character (\\u0000): it cannot be stored."
    if _SURROGATE.search(value):
        return "This text is not valid Unicode (it holds a lone surrogate, e.g. \\udfff)."
    if required and is_blank(value):
        return "This field cannot be blank."
    if len(value) > TEXT_MAX_LENGTH:
        return f"Keep it to {TEXT_MAX_LENGTH:,} characters (this has {len(value):,})."
    return None


def moment_problem(value: dt.date) -> str | None:
    """Why a date or time is out of range, or None."""
    try:
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            value = value.astimezone(dt.UTC)
    except OverflowError:
        return DATE_RANGE_MESSAGE
    return None if EARLIEST_YEAR <= value.year <= LATEST_YEAR else DATE_RANGE_MESSAGE


def storable_problems(instance: models.Model, exclude: set[str]) -> dict[str, list[str]]:
    """Each field of `instance` whose value cannot be stored, with why."""
    problems: dict[str, list[str]] = {}
    for field in instance._meta.concrete_fields:
        if field.name in exclude or field.primary_key:
            continue
        value: Any = getattr(instance, field.attname, None)
        problem = None
        if isinstance(field, models.CharField | models.TextField) and isinstance(value, str):
            problem = text_problem(value, required=not field.blank)
        elif isinstance(field, models.DateField) and isinstance(value, dt.date):
            problem = moment_problem(value)
        if problem:
            problems[field.name] = [problem]
    return problems


class StorableModel(models.Model):
    """A model whose `full_clean` refuses what the databases cannot store (see the module)."""

    class Meta:
        abstract = True

    def clean_fields(self, exclude: Any = None) -> None:
        skipped = set(exclude or ())
        problems = storable_problems(self, skipped)
        try:
            super().clean_fields(exclude=skipped | set(problems))
        except ValidationError as error:
            problems.update(error.message_dict)
        if problems:
            raise ValidationError(problems)
