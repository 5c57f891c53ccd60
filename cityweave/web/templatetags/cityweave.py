"""Template helpers shared by every page: sortable headers, badges, choice labels."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html

from cityweave.vocabulary import PartnerRole, ValueType, labels_for

register = template.Library()


@register.simple_tag(takes_context=True)
def sort_header(context: dict[str, Any], key: str, label: str) -> str:
    """A column header that sorts the list by `key`, toggling direction on a second click."""
    current = context.get("sort", "")
    rest = context.get("querystring_without_sort", "")
    prefix = f"{rest}&" if rest else ""
    # aria-sort belongs to a column header, not a link: say the order in words for screen readers.
    if current == key:
        return format_html(
            '<a href="?{}sort=-{}">{} <span class="visually-hidden">(sorted ascending)</span>'
            '<span aria-hidden="true">▲</span></a>',
            prefix,
            key,
            label,
        )
    if current == f"-{key}":
        return format_html(
            '<a href="?{}sort={}">{} <span class="visually-hidden">(sorted descending)</span>'
            '<span aria-hidden="true">▼</span></a>',
            prefix,
            key,
            label,
        )
    return format_html('<a href="?{}sort={}">{}</a>', prefix, key, label)


@register.filter
def value_type_labels(keys: list[str]) -> str:
    return ", ".join(labels_for(ValueType, keys or []))


@register.filter
def role_labels(keys: list[str]) -> str:
    return ", ".join(labels_for(PartnerRole, keys or []))


@register.inclusion_tag("partials/scale.html")
def scale(value: int | None, top: int = 5) -> dict[str, Any]:
    """A rating shown as filled and empty dots, with its number for screen readers."""
    return {
        "value": value,
        "top": top,
        "filled": range(value or 0),
        "empty": range(top - (value or 0)),
    }
