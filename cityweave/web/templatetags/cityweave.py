"""Template helpers shared by every page: sortable headers, badges, choice labels."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html

from cityweave.vocabulary import PartnerRole, ValueType, labels_for

register = template.Library()


@register.simple_tag(takes_context=True)
def sort_header(context: dict[str, Any], key: str, label: str) -> str:
    """A column header that sorts the list by `key`, toggling direction on a second click.

    A number column (in the context's `sort_descending_first`) puts the highest first on the
    first click; any other column sorts ascending first.
    """
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
    first = f"-{key}" if key in context.get("sort_descending_first", ()) else key
    return format_html('<a href="?{}sort={}">{}</a>', prefix, first, label)


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


@register.simple_tag
def bar(percent: Any) -> str:
    """A bar filled to `percent` (0-100) of its box, for progress and share bars.

    Drawn as SVG, whose geometry is markup rather than a style attribute, so pages keep a
    Content-Security-Policy without inline styles. A share above zero shows at least 1%."""
    try:
        value = max(0.0, min(100.0, float(percent)))
    except (TypeError, ValueError):
        value = 0.0
    if 0 < value < 1:
        value = 1.0
    return format_html(
        '<svg class="fill" viewBox="0 0 100 1" preserveAspectRatio="none" aria-hidden="true"'
        ' focusable="false"><rect width="{}" height="1"/></svg>',
        f"{value:g}",
    )


@register.simple_tag
def swatch(colour: str, shape: str = "circle") -> str:
    """A small legend mark in `colour` (a CSS colour from the code, not from users): a circle,
    or a diamond for `shape="diamond"`. SVG, for the same reason as `bar`."""
    mark = (
        '<rect x="2.2" y="2.2" width="5.6" height="5.6" transform="rotate(45 5 5)"/>'
        if shape == "diamond"
        else '<circle cx="5" cy="5" r="4.4"/>'
    )
    return format_html(
        '<svg class="swatch" viewBox="0 0 10 10" aria-hidden="true" focusable="false"'
        ' fill="{}">' + mark + "</svg>",
        colour,
    )


@register.filter
def goal_amount(goal: Any) -> str:
    """A goal's progress as a phrase, its unit said once: "3 of 5 anchor institutions met this
    quarter" (the metric names the unit: "institutions" is not said twice), "1,150,000 of
    2,500,000 USD · outside funding committed" (it doesn't). Numbers as `floatformat:"-2g"`."""
    from django.template.defaultfilters import floatformat

    current = floatformat(goal.current_value, "-2g")
    target = floatformat(goal.target, "-2g")
    unit, metric = (goal.unit or "").strip(), (goal.metric or "").strip()
    words = {word.strip(".,;:()").lower() for word in metric.split()}
    stems = {word.removesuffix("s") for word in words}
    said = not unit or unit.lower() in words or unit.lower().removesuffix("s") in stems
    if said:
        return f"{current} of {target} {metric}".strip()
    return f"{current} of {target} {unit}" + (f" · {metric}" if metric else "")
