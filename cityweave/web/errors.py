"""Error pages in the app's own layout: what happened and where to go next.

Django's handlers (400, 403, 404, 500), the CSRF failure view, and a middleware that gives a
page to the bodiless 405 a page view answers to a method it doesn't take (a GET to a POST-only
address). Under /api/ every error stays JSON.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

#: Per status: the page's title, and what happened in plain words.
ERRORS: dict[int, tuple[str, str]] = {
    400: ("Bad request", "The browser sent something this page could not read."),
    403: ("Not allowed", "Your role in this workspace does not let you do this."),
    404: ("Page not found", "There is no page at this address, or it is not yours to see."),
    405: (
        "This address takes a form, not a visit",
        "It changes something, so it only answers a form's button; opening it as a link does nothing.",
    ),
    500: ("Something went wrong", "cityweave hit an error it did not expect; nothing was saved."),
}


def _api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def error_page(
    request: HttpRequest | None, status: int, detail: str = "", **context: Any
) -> HttpResponse:
    """The error page for `status` (a key of ERRORS), with `detail` as its explanation when given.

    Rendered with the request (its workspace's menu, the user) except for a 500, which renders
    without it: whatever broke the page may break the context too.
    """
    title, default = ERRORS[status]
    context = {"status": status, "title": title, "detail": detail or default, **context}
    # `title` in **context (a page's own wording) wins over the status's.
    html = render_to_string(
        "errors/error.html", context, request=request if status != 500 else None
    )
    return HttpResponse(html, status=status)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler400."""
    if _api(request):
        return JsonResponse({"detail": "Bad request"}, status=400)
    return error_page(request, 400)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler403: the reason the view gave (e.g. viewers read but do not change), when it gave one."""
    if _api(request):
        return JsonResponse({"detail": str(exception) or "Forbidden"}, status=403)
    return error_page(request, 403, str(exception))


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler404: JSON under /api/ (an address no route matches, e.g. a text where an id goes),
    like every other API error; the page elsewhere."""
    if _api(request):
        return JsonResponse({"detail": "Not Found"}, status=404)
    return error_page(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500."""
    if _api(request):
        return JsonResponse({"detail": "Internal server error"}, status=500)
    return error_page(None, 500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a form sent from an old or another site's page (403)."""
    return error_page(
        request,
        403,
        "The form was sent from a page that has expired (for example after logging in again in "
        "another tab), so nothing was saved. Go back, reload the page and send it again.",
        title="The form has expired",
    )


class MethodNotAllowedPageMiddleware:
    """Gives the bodiless 405 of a page view (Django's http_method_not_allowed) the error page,
    for a visit to a form's address and a form sent to a page that takes none, keeping its Allow
    header; the API's and htmx's 405s pass through."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code == 405
            and not getattr(response, "streaming", False)
            and not response.content
            and not _api(request)
            and request.method in ("GET", "HEAD", "POST")
            and not request.headers.get("HX-Request")
        ):
            page = (
                error_page(
                    request,
                    405,
                    "This page is for reading: it takes no form, so nothing was changed.",
                    title="This page takes no form",
                )
                if request.method == "POST"
                else error_page(request, 405)
            )
            if response.has_header("Allow"):
                page["Allow"] = response["Allow"]
            return page
        return response
