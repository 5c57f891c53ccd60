"""List pages: search, filters, sorting and pagination from the query string."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Paginator
from django.db.models import F, OrderBy, Q, QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.template.loader import render_to_string

from cityweave.web.filtering import ListFilters

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

    def order_by(self, sort: str, model: Any = None) -> OrderBy:
        """The ordering for a URL `sort` value ("-influence"), empty values last either way.

        Both databases then agree: SQLite alone would put NULLs first when ascending. A column of
        `model` that cannot be empty is ordered plainly, so its index still serves the sort
        (SQLite reads no index for NULLS LAST). Raises KeyError for a key not in `sorts`.
        """
        expression = self.sorts[sort.lstrip("-")]
        descending = sort.startswith("-") != expression.startswith("-")
        name = expression.lstrip("-")
        column = F(name)
        if model is not None and not _nullable(model, name):
            return column.desc() if descending else column.asc()
        return column.desc(nulls_last=True) if descending else column.asc(nulls_last=True)

    def apply(self, request: HttpRequest, queryset: QuerySet) -> dict[str, Any]:
        """Filter, sort and paginate `queryset`; returns the template context for a list page."""
        params = request.GET
        form = self.filter_form(params or None, **self.form_kwargs) if self.filter_form else None
        if isinstance(form, ListFilters):
            return self._finish(request, *self._filter(form, queryset))
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
        context = self._finish(request, queryset, form, 200)
        context["filtered"] = bool(q) or (
            form is not None and form.is_bound and any(form.data.get(f) for f in form.fields)
        )
        return context

    @staticmethod
    def _filter(form: ListFilters, queryset: QuerySet) -> tuple[QuerySet, ListFilters, int]:
        """The entity's one filter definition applied; no rows and 400 when a value is bad."""
        if not form.is_bound:
            return queryset, form, 200
        if not form.is_valid():
            return queryset.none(), form, 400
        return form.filter(queryset), form, 200

    def _finish(
        self, request: HttpRequest, queryset: QuerySet, form: forms.Form | None, status: int
    ) -> dict[str, Any]:
        """Sort and paginate the filtered `queryset`: the list page's context (`status` the
        HTTP status the page answers with: 400 for a bad filter)."""
        params = request.GET
        sort = params.get("sort", self.default_sort)
        key = sort.lstrip("-")
        if key not in self.sorts:
            sort, key = self.default_sort, self.default_sort.lstrip("-")
        queryset = queryset.order_by(*self.first_by, self.order_by(sort, queryset.model), "pk")
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
        # The downloads and the JSON link take the filters and search given (an empty field is no
        # filter, and the API refuses an empty number); they keep their own documented order.
        exported = QueryDict(mutable=True)
        for name, values in without_sort.lists():
            exported.setlist(name, [value for value in values if value.strip()])
        exported_query = exported.urlencode()
        return {
            "page_obj": page_obj,
            "object_list": page_obj.object_list,
            "filter_form": form,
            "q": params.get("q", "").strip(),
            "status": status,
            "filter_errors": (
                form.validation_error().message_dict
                if isinstance(form, ListFilters) and status == 400
                else {}
            ),
            "export_query": f"?{exported_query}" if exported_query else "",
            "sort": sort,
            "sort_descending_first": self.descending_first,
            "querystring_without_page": f"{encoded}&" if encoded else "",
            "querystring_without_sort": without_sort.urlencode(),
            "filtered": isinstance(form, ListFilters) and form.active,
        }


def _nullable(model: Any, name: str) -> bool:
    """Whether `name` may be empty: a nullable column, or an annotation (a count, a sum) that
    is not a column of `model` at all."""
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return True
    return bool(getattr(field, "null", True))


def render_list(
    request: HttpRequest,
    page_template: str,
    table_template: str,
    context: dict[str, Any],
    *,
    json_url: str,
    csv_url: str,
    xlsx_url: str,
    vcf_url: str = "",
) -> HttpResponse:
    """A list page, or only its table for htmx; the download links (partials/list_exports.html:
    CSV, Excel, vCard when `vcf_url` is given, and JSON) carry the query string shown and, for
    htmx, are swapped in beside the table (out of band). Answers with the context's `status`
    (400 for a bad filter)."""
    context = {
        **context,
        "json_url": json_url,
        "csv_url": csv_url,
        "xlsx_url": xlsx_url,
        "vcf_url": vcf_url,
    }
    status = context.get("status", 200)
    if not request.headers.get("HX-Request"):
        return render(request, page_template, context, status=status)
    table = render_to_string(table_template, context, request=request)
    links = render_to_string("partials/list_exports.html", {**context, "oob": True}, request)
    return HttpResponse(table + links, status=status)
