"""One filter definition per entity, read by its list page, its API list route and its CSV export.

Each app's `filters.py` declares a `ListFilters` subclass: its form fields (the page shows them),
the text fields `?q=` searches and `narrow()`, the queryset filter. `parse()` reads a query string
into it, so the three give the same rows for the same address, and a bad value is refused the
same way: 400 on the page, 422 in the API and the export, each naming the field.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
from typing import Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import JsonResponse, QueryDict, StreamingHttpResponse

from cityweave.workspaces.models import Membership

#: The longest search text taken (a longer one is refused, naming `q`).
SEARCH_MAX_LENGTH = 200


class ListFilters(forms.Form):
    """An entity's filters. Subclasses set `search_fields` (text fields `q` searches, either of
    them containing it, case-insensitively) and override `narrow()`.

    Bound to a query string (`QueryDict`) with `member=` the reader's membership; parameters it
    does not declare (`sort`, `page`, `limit`, `offset`) are ignored.
    """

    search_fields: ClassVar[tuple[str, ...]] = ()
    #: Whether the search or `narrow()` may join many-valued relations (and so repeat rows).
    joins_many: ClassVar[bool] = False

    def __init__(
        self, data: QueryDict | dict[str, Any] | None = None, *, member: Membership
    ) -> None:
        super().__init__(data)
        self.member = member
        self.workspace = member.workspace

    @property
    def q(self) -> str:
        """The search text, stripped ("" for none)."""
        return str(self.data.get("q", "") or "").strip() if self.is_bound else ""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if len(self.q) > SEARCH_MAX_LENGTH:
            # Not a form field (the page shows its own search box): reported as `q`.
            raise ValidationError(f"The search (q) takes at most {SEARCH_MAX_LENGTH} characters.")
        return cleaned

    @property
    def active(self) -> bool:
        """Whether any filter or a search is given (valid or not)."""
        return bool(self.q) or (self.is_bound and any(self.data.get(name) for name in self.fields))

    def narrow(self, queryset: QuerySet, data: dict[str, Any]) -> QuerySet:
        """The rows of `queryset` that the cleaned `data` selects; override per entity."""
        return queryset

    def filter(self, queryset: QuerySet) -> QuerySet:
        """`queryset` searched and narrowed; each row once. The form must be valid."""
        given = queryset
        if self.q and self.search_fields:
            condition = Q()
            for name in self.search_fields:
                condition |= Q(**{f"{name}__icontains": self.q})
            queryset = queryset.filter(condition)
        queryset = self.narrow(queryset, self.cleaned_data)
        if queryset is given or not self.repeats_rows(self.cleaned_data):
            return queryset
        # Searching and filtering may join many-valued relations (participants, tags) and repeat
        # rows; choosing by id keeps each once without a DISTINCT over whole rows.
        return given.filter(pk__in=queryset.values("pk"))

    def repeats_rows(self, data: dict[str, Any]) -> bool:
        """Whether the search and the cleaned `data` may join a many-valued relation and so
        repeat a row (`joins_many` unless a subclass knows which filters do). A plain filter
        stays a plain WHERE, which the database plans better than a subquery of ids."""
        return self.joins_many

    def validation_error(self) -> ValidationError:
        """The form's errors as one ValidationError keyed by field (`q` for the search)."""
        errors: dict[str, list[str]] = {}
        for name, messages in self.errors.items():
            errors.setdefault(name if name != "__all__" else "q", []).extend(
                str(message) for message in messages
            )
        return ValidationError(errors)


def once(choices: Callable[[], list[tuple[str, str]]]) -> Callable[[], list[tuple[str, str]]]:
    """`choices` read at most once, when first needed: to check a given value or to show the
    field (Django calls a callable's choices each time they are iterated)."""
    found: list[list[tuple[str, str]]] = []

    def read() -> list[tuple[str, str]]:
        if not found:
            found.append(choices())
        return found[0]

    return read


def parse(
    filters: type[ListFilters], params: QueryDict | dict[str, Any], member: Membership
) -> ListFilters:
    """`filters` bound to `params` and valid; ValidationError naming each bad field otherwise."""
    form = filters(params, member=member)
    if not form.is_valid():
        raise form.validation_error()
    return form


def apply(
    filters: type[ListFilters],
    params: QueryDict | dict[str, Any],
    member: Membership,
    queryset: QuerySet,
) -> QuerySet:
    """`queryset` filtered by `params` read with `filters`; ValidationError for a bad field."""
    return parse(filters, params, member).filter(queryset)


class Echo:
    """A file-like object whose write returns what it is given (for streaming CSV rows)."""

    def write(self, value: str) -> str:
        return value


def csv_lines(
    header: list[str], rows: Iterable[Any], line: Callable[[Any], list[Any]]
) -> Iterator[str]:
    """CSV text a line at a time (ending "\\r\\n"): `header`, then `line(row)` for each of `rows`,
    None written as an empty cell."""
    writer = csv.writer(Echo())
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow(["" if value is None else value for value in line(row)])


def csv_response(
    filename: str,
    header: list[str],
    rows: Iterable[Any],
    line: Callable[[Any], list[Any]],
) -> StreamingHttpResponse:
    """A streamed CSV download: `header`, then `line(row)` for each of `rows` (read in chunks)."""
    response = StreamingHttpResponse(
        csv_lines(header, rows, line), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def bad_filters(error: ValidationError) -> JsonResponse:
    """422 for an export's bad filter, in the API's shape: `{"detail": [{"loc": ["query", f],
    "field": f, "msg": …}]}`, one entry per message."""
    detail = [
        {"loc": ["query", field], "field": field, "msg": message}
        for field, messages in error.message_dict.items()
        for message in messages
    ]
    return JsonResponse({"detail": detail}, status=422)
