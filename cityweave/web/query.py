"""An address whose query string holds a NUL character answers 400 naming the parameter.

Searches and filters read the query string (`?q=…`, `?sector=…`); PostgreSQL refuses a NUL in
any text it is given, so such a search would fail inside the database. No search, filter or
page number has a use for one: it is refused before any view runs, as JSON for the API and a
short page for people.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string


def nul_parameter(request: HttpRequest) -> str | None:
    """The first query parameter whose name or value holds a NUL, or None."""
    for name, values in request.GET.lists():
        if "\x00" in name or any("\x00" in value for value in values):
            return name.replace("\x00", "\\u0000")
    return None


class QueryStringMiddleware:
    """Refuses a query string holding a NUL character with 400, before any view runs."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        name = nul_parameter(request)
        if name is None:
            return self.get_response(request)
        message = f"The “{name}” in the address holds a NUL character (%00), which no search or filter takes."
        if request.path.startswith("/api/"):
            detail = [{"loc": ["query", name], "field": name, "msg": message}]
            return JsonResponse({"detail": detail}, status=400)
        page = render_to_string(
            "notice.html",
            {
                "title": "Not an address cityweave reads",
                "detail": message,
                "advice": "Remove it and try again.",
            },
            request=request,
        )
        return HttpResponse(page, status=400)
