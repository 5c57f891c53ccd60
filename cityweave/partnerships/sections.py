"""The sections of a partnership's page: a registry that the parts of the partnerships app plug
into, so the detail page is a list of sections rather than one template that knows them all.

A section is `Section(key, title, template, context)`:

- `key`: a short slug, unique on the page; the section's root element has `id="<key>"` so
  links (`#partners`) and htmx swaps (`hx-target="#partners"`) find it;
- `title`: its heading, also listed in the page's table of contents;
- `template`: the include that draws it (e.g. ``partnerships/_partners.html``); it sees the
  page's context (`workspace`, `member`, `partnership`, `section`) plus its own context;
- `context(member, partnership) -> dict`: the section's own context, built in a fixed number
  of queries whatever the number of partners or records.

Add a section by appending a `Section` to `SECTIONS` (one entry per line keeps merges easy).
A view that changes a section answers an htmx request with `render_section` (the section
alone, its form's errors included) and a plain request with a redirect to `#<key>`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from cityweave.partnerships.gap_sections import gaps_context, risks_context
from cityweave.partnerships.meeting_sections import (
    activities_section,
    channels_section,
    meetings_section,
)
from cityweave.partnerships.models import Partnership
from cityweave.partnerships.network_sections import network_context
from cityweave.partnerships.section_contexts import benchmarks_context, partners_context
from cityweave.workspaces.models import Membership

SectionContext = Callable[[Membership, Partnership], dict[str, Any]]


@dataclass(frozen=True)
class Section:
    """One section of a partnership's page (see the module's docstring)."""

    key: str
    title: str
    template: str
    context: SectionContext


#: The partnership page's sections, in page order.
SECTIONS: list[Section] = [
    Section("partners", "Partners and roles", "partnerships/_partners.html", partners_context),
    Section("network", "Network", "partnerships/_network.html", network_context),
    Section("benchmarks", "Benchmarks", "partnerships/_benchmarks.html", benchmarks_context),
    Section("assets", "Assets and needs", "partnerships/_gaps.html", gaps_context),
    Section("risks", "Risks", "partnerships/_risks.html", risks_context),
    Section("activities", "Activities", "partnerships/_activities.html", activities_section),
    Section("channels", "Channels", "partnerships/_channels.html", channels_section),
    Section("meetings", "Meetings", "partnerships/_meetings.html", meetings_section),
]


def get_section(key: str) -> Section:
    """The registered section called `key`; Http404 when there is none."""
    for section in SECTIONS:
        if section.key == key:
            return section
    raise Http404("No such section")


def build_sections(
    member: Membership, partnership: Partnership, given: dict[str, dict[str, Any]] | None = None
) -> list[dict[str, Any]]:
    """Every section with its context: [{"section": Section, "context": dict}, ...] in page
    order; `given` maps a section's key to a context already built (e.g. with a bound form)."""
    given = given or {}
    return [
        {
            "section": section,
            "context": given[section.key]
            if section.key in given
            else section.context(member, partnership),
        }
        for section in SECTIONS
    ]


def render_section(
    request: HttpRequest,
    member: Membership,
    partnership: Partnership,
    key: str,
    status: int = 200,
    context: dict[str, Any] | None = None,
    **extra: Any,
) -> HttpResponse:
    """The section `key` alone (for htmx to swap in place): its `context` (built anew when not
    given) updated with `extra` (e.g. a bound form with its errors)."""
    section = get_section(key)
    own = section.context(member, partnership) if context is None else context
    page = {"partnership": partnership, "section": section, **own, **extra}
    return render(request, section.template, page, status=status)
