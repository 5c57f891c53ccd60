"""`{% url %}` with its answers remembered.

Django's `reverse` takes about 50 µs; a list page links each row to a few records, so 25 rows
spent ~5 ms (a tenth of the page) building links that the next request builds again. The same
view name, arguments, namespace, script prefix and URLconf always give the same path, so
`cached_reverse` keeps the most recent answers (least recently used out first). Only `str` and
`int` arguments (and their subclasses: template literals, choices) are remembered: a model
instance reverses through its `__str__`, which can change while its hash (the primary key) does
not.

Installed as a template builtin (settings.TEMPLATES "builtins"), so this `url` tag replaces
Django's own in every template, with the same syntax and errors.
"""

from __future__ import annotations

import functools
from typing import Any

from django import template
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape

register = template.Library()

#: How many distinct links are remembered per process (a few MB at most).
REMEMBERED = 20_000


@functools.lru_cache(maxsize=REMEMBERED)
def _reverse(
    viewname: str,
    args: tuple[str | int, ...],
    kwargs: tuple[tuple[str, str | int], ...],
    current_app: str | None,
    prefix: str,
    urlconf: str | None,
) -> str:
    # `prefix` and `urlconf` are part of the key only: reverse() reads both for itself.
    return reverse(viewname, args=args, kwargs=dict(kwargs), current_app=current_app)


def cached_reverse(
    viewname: str,
    args: list[Any] | tuple[Any, ...] = (),
    kwargs: dict[str, Any] | None = None,
    current_app: str | None = None,
) -> str:
    """`django.urls.reverse(viewname, args=args, kwargs=kwargs, current_app=current_app)`, the
    answer remembered when every argument is a str or an int. Raises NoReverseMatch as reverse
    does (a failure is not remembered)."""
    kwargs = kwargs or {}
    plain = all(isinstance(a, str | int) for a in args) and all(
        isinstance(v, str | int) for v in kwargs.values()
    )
    if not plain or not isinstance(viewname, str):
        return reverse(viewname, args=args, kwargs=kwargs, current_app=current_app)
    return _reverse(
        viewname,
        tuple(args),
        tuple(sorted(kwargs.items())),
        current_app,
        get_script_prefix(),
        get_urlconf(),
    )


class CachedURLNode(URLNode):
    """Django's URLNode, reversing through `cached_reverse`."""

    def render(self, context: template.Context) -> str:
        args = [arg.resolve(context) for arg in self.args]
        kwargs = {k: v.resolve(context) for k, v in self.kwargs.items()}
        view_name = self.view_name.resolve(context)
        try:
            current_app = context.request.current_app  # type: ignore[attr-defined]
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace  # type: ignore[attr-defined]
            except AttributeError:
                current_app = None
        url = ""
        try:
            url = cached_reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        return str(conditional_escape(url)) if context.autoescape else url


@register.tag
def url(parser: template.base.Parser, token: template.base.Token) -> CachedURLNode:
    """`{% url "name" arg … [as var] %}`, as Django's, answers remembered (see the module)."""
    node = django_url(parser, token)
    return CachedURLNode(node.view_name, node.args, node.kwargs, node.asvar)
