"""List pages: search, filters, sorting and pagination from the query string."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.db.models import F, OrderBy, Q, QuerySet
from django.http import HttpRequest

PAGE_SIZE = 25


@dataclass
class Listing:
    """How one list page searches, filters and sorts its queryset."""

    search_fields: list[str]
    sorts: dict[str, str]  # URL value → order_by expression ("-" prefix allowed in the URL)
    default_sort: str
    filter_form: type[forms.Form] | None = None
    form_kwargs: dict[str, Any] = field(default_factory=dict)
    #: Orderings applied before the chosen sort, whatever it is (e.g. open items first).
    first_by: tuple[str, ...] = ()
    #: Number columns (influence, ties, progress): their header's first click puts the highest first.
    descending_first: frozenset[str] = frozenset()

    def order_by(self, sort: str) -> OrderBy:
        """The ordering for a URL `sort` value ("-influence"), empty values last either way.

        Both databases then agree: SQLite alone would put NULLs first when ascending.
        Raises KeyError for a key not in `sorts`.
        """
        expression = self.sorts[sort.lstrip("-")]
        descending = sort.startswith("-") != expression.startswith("-")
        column = F(expression.lstrip("-"))
        return column.desc(nulls_last=True) if descending else column.asc(nulls_last=True)

    def apply(self, request: HttpRequest, queryset: QuerySet) -> dict[str, Any]:
        """Filter, sort and paginate `queryset`; returns the template context for a list page."""
        params = request.GET
        form = self.filter_form(params or None, **self.form_kwargs) if self.filter_form else None
        base = queryset
        q = params.get("q", "").strip()
        if q:
            condition = Q()
            for name in self.search_fields:
                condition |= Q(**{f"{name}__icontains": q})
            queryset = queryset.filter(condition)
        filtered = (
            form is not None
            and form.is_bound
            and form.is_valid()
            and any(form.cleaned_data.get(name) not in (None, "", []) for name in form.fields)
        )
        if form is not None and filtered:
            queryset = form.filter(queryset)  # type: ignore[attr-defined]
        if q or filtered:
            # Searching and filtering may join many-valued relations (participants, tags) and
            # repeat rows; choosing by id keeps each once without a DISTINCT over whole rows.
            queryset = base.filter(pk__in=queryset.values("pk"))
        sort = params.get("sort", self.default_sort)
        key = sort.lstrip("-")
        if key not in self.sorts:
            sort, key = self.default_sort, self.default_sort.lstrip("-")
        queryset = queryset.order_by(*self.first_by, self.order_by(sort), "pk")
        # Sort and count ids alone, then load the page's rows: a late page sorts narrow rows, not
        # thousands of whole records with everything they join.
        page_obj = Paginator(queryset.values_list("pk", flat=True), PAGE_SIZE).get_page(
            params.get("page")
        )
        ids = list(page_obj.object_list)
        rows = {row.pk: row for row in queryset.filter(pk__in=ids)}
        page_obj.object_list = [rows[pk] for pk in ids if pk in rows]
        rest = params.copy()
        rest.pop("page", None)
        encoded = rest.urlencode()
        without_sort = params.copy()
        without_sort.pop("page", None)
        without_sort.pop("sort", None)
        return {
            "page_obj": page_obj,
            "object_list": page_obj.object_list,
            "filter_form": form,
            "q": q,
            "sort": sort,
            "sort_descending_first": self.descending_first,
            "querystring_without_page": f"{encoded}&" if encoded else "",
            "querystring_without_sort": without_sort.urlencode(),
            "filtered": bool(q)
            or (form is not None and form.is_bound and any(form.data.get(f) for f in form.fields)),
        }
