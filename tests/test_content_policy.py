"""A Content-Security-Policy on every response, and pages that keep it: no inline script, no
inline event handler, no style attribute or element anywhere in cityweave's templates or in the
pages they render from a whole city's data."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from cityweave.accounts.models import User
from cityweave.demo import DEMO_SLUG, DEMO_USERS, build_demo
from cityweave.engagement.models import Commitment, Interaction
from cityweave.goals.models import Goal
from cityweave.stakeholders.models import Stakeholder, Tie
from cityweave.web.policy import header_value
from cityweave.workspaces.models import Workspace

TEMPLATES = sorted(Path(__file__).resolve().parents[1].joinpath("cityweave").rglob("*.html"))
#: What a strict policy refuses: style attributes and elements, inline handlers, inline scripts
#: (a <script> without src that is not a JSON data block), javascript: URLs.
REFUSED = [
    re.compile(r"\sstyle\s*="),
    re.compile(r"<style[\s>]"),
    re.compile(r"\son[a-z]+\s*=", re.IGNORECASE),
    re.compile(r"\shx-on[:-]"),
    re.compile(r"<script(?![^>]*\ssrc=)(?![^>]*type=\"application/json\")[^>]*>"),
    re.compile(r"javascript:", re.IGNORECASE),
]


def refused(html: str) -> list[str]:
    return [match.group(0) for pattern in REFUSED for match in pattern.finditer(html)]


def test_the_header_allows_only_the_sites_own_files(client, db):
    for path in (reverse("login"), "/api/v1/openapi.json", "/static/cityweave/app.css"):
        response = client.get(path)
        response.close()
        policy = response["Content-Security-Policy"]
        directives = dict(part.split(" ", 1) for part in policy.split("; "))
        assert directives["script-src"] == "'self'"
        assert directives["style-src"] == "'self'"
        assert directives["object-src"] == "'none'"
        assert directives["frame-ancestors"] == "'none'"
        assert "unsafe" not in policy


def test_header_value_joins_directives_in_order():
    assert (
        header_value({"default-src": ["'self'"], "img-src": ["'self'", "data:"], "x": []})
        == "default-src 'self'; img-src 'self' data:; x"
    )


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(p.parents[2])))
def test_no_template_needs_inline_script_or_style(template):
    assert refused(template.read_text()) == []


@pytest.fixture(scope="module")
def city(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        workspace = build_demo(dt.date.today())
    yield workspace
    with django_db_blocker.unblock():
        Workspace.objects.filter(slug=DEMO_SLUG).delete()
        User.objects.filter(email__in=[user.email for user in DEMO_USERS]).delete()


def test_every_page_of_a_whole_city_keeps_the_policy(db, city):
    client = Client()
    client.force_login(User.objects.get(email=DEMO_USERS[0].email))
    slug = city.slug
    first = {
        model: model.objects.filter(workspace=city).order_by("pk").first()
        for model in (Stakeholder, Tie, Interaction, Commitment, Goal)
    }
    paths = [
        reverse("dashboard", args=[slug]),
        reverse("network:map", args=[slug]),
        reverse("settings:index", args=[slug]),
        reverse("trash:list", args=[slug]),
        reverse("account:index"),
        "/api/v1/docs",
    ]
    for name in ("stakeholders", "ties", "interactions", "commitments", "goals"):
        paths += [reverse(f"{name}:list", args=[slug]), reverse(f"{name}:new", args=[slug])]
    for namespace, record in zip(
        ("stakeholders", "ties", "interactions", "commitments", "goals"),
        first.values(),
        strict=True,
    ):
        paths.append(reverse(f"{namespace}:detail", args=[slug, record.pk]))
    paths.append(reverse("interactions:capture", args=[slug, first[Stakeholder].pk]))
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        assert refused(response.content.decode()) == [], path
        assert "Content-Security-Policy" in response


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(p.parents[2])))
def test_no_template_comment_spans_lines(template):
    """Django's {# #} comments end at the line's end: a longer one would show on the page."""
    opened = [
        line for line in template.read_text().splitlines() if "{#" in line and "#}" not in line
    ]
    assert opened == []
