"""The Content-Security-Policy header on every response.

Django 5.2 has none of its own (Django 6.0 adds `SECURE_CSP` and a middleware); this one reads
the same setting, a dict of directive → sources, so moving to Django's is a change of
middleware. cityweave's pages run no inline script and carry no style attribute (bars and legend
marks are SVG, handlers live in the static scripts), so the policy allows the site's own files
and nothing else.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


def header_value(directives: dict[str, list[str]]) -> str:
    """`{"default-src": ["'self'"], "upgrade-insecure-requests": []}` →
    `default-src 'self'; upgrade-insecure-requests`."""
    return "; ".join(" ".join([name, *sources]) for name, sources in directives.items())


class ContentSecurityPolicyMiddleware:
    """Adds `Content-Security-Policy` from `settings.SECURE_CSP` unless the response set one."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.value = header_value(settings.SECURE_CSP)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.value:
            response.headers.setdefault("Content-Security-Policy", self.value)
        return response
