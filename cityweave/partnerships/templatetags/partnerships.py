"""Template tags of the partnership pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag(takes_context=True)
def render_section(context: template.Context, block: dict[str, Any]) -> SafeString:
    """Draw one section of the page (a `build_sections` item) with the page's context and its own."""
    section = block["section"]
    engine = context.template.engine  # type: ignore[union-attr]
    included = engine.get_template(section.template)
    with context.push(section=section, **block["context"]):
        return SafeString(included.render(context))
