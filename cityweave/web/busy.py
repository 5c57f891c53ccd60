"""A database too busy to take a write in time answers 503 with Retry-After, never 500.

SQLite lets one writer at a time; a write waits up to the busy timeout (settings: 20 s) for the
lock, and if it still can't have it the transaction is rolled back whole. PostgreSQL reports a
deadlock it broke the same way. Either way nothing was half-written, and trying again shortly
succeeds, which is what 503 + Retry-After tells a browser, a script or a proxy.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.utils import OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

#: Seconds a client is asked to wait before trying again.
RETRY_AFTER_SECONDS = 2

_BUSY_MESSAGES = ("database is locked", "database table is locked", "deadlock detected")


def is_busy(error: BaseException) -> bool:
    """Whether `error` says the database was too busy for this write, not that it is broken."""
    return isinstance(error, OperationalError) and any(
        message in str(error).lower() for message in _BUSY_MESSAGES
    )


def busy_response(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After: JSON for the API, a short page for people."""
    detail = "The database is busy with other changes; nothing was saved. Please try again."
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": detail}, status=503)
    else:
        response = HttpResponse(
            render_to_string("notice.html", {"detail": detail}, request=request), status=503
        )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseBusyMiddleware:
    """Turns a busy database during a page into 503 + Retry-After (the API has its own handler)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        return busy_response(request) if is_busy(exception) else None
