"""Template filters for the asset and gap map: amounts in their unit."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.template.defaultfilters import floatformat

register = template.Library()


@register.filter
def gap_amount(value: Decimal | float | None, unit: str) -> str:
    """An estimated value in its unit: "12,000 in money", "40 hours"; "—" when unknown."""
    if value is None:
        return "—"
    number = floatformat(value, "-2g")
    return f"{number} hours" if unit == "hours" else f"{number} in money"


@register.filter
def gap_amounts(amounts: dict[str, Any]) -> str:
    """Totals by unit ({"money": 12000, "hours": 40}) as "12,000 in money · 40 hours"; "—"
    when there are none."""
    if not amounts:
        return "—"
    return " · ".join(gap_amount(amounts[unit], unit) for unit in sorted(amounts, reverse=True))
