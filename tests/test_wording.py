"""The demo city's pages read as sentences: no stray comma ending a list ("with Alice Reyes,"),
no unit said twice ("3 of 5 institutions anchor institutions met"), and no broker called "the
only tie" between two groups that several ties join."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client
from django.urls import reverse

from cityweave.accounts.models import User
from cityweave.demo import DEMO_SLUG, DEMO_USERS, build_demo
from cityweave.goals.models import Goal
from cityweave.network.services import refresh_snapshot
from cityweave.stakeholders.models import Stakeholder
from cityweave.web.templatetags.cityweave import goal_amount
from cityweave.workspaces.models import Workspace

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """Riverton, analysed, built once for the module and removed after it."""
    import datetime as dt

    with django_db_blocker.unblock():
        workspace = build_demo(dt.date(2025, 3, 14))
        refresh_snapshot(workspace)
    yield workspace
    with django_db_blocker.unblock():
        Workspace.objects.filter(slug=DEMO_SLUG).delete()
        User.objects.filter(email__in=[user.email for user in DEMO_USERS]).delete()


def text_of(content: bytes) -> str:
    """A page's visible text, one space between words; <script> and <style> left out."""
    page = content.decode()
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r"<[^>]+>", " ", page)
    return re.sub(r"\s+", " ", html.unescape(page))


#: A comma with nothing after it in its sentence: at the end, or before "·", ")" or ".".
STRAY_COMMA = re.compile(r"\w,\s*(?=[·).]|$)")
#: A unit said twice: "3 of 5 institutions anchor institutions".
DOUBLED_UNIT = re.compile(r"\b\d[\d,.]* of \d[\d,.]* ([A-Za-z]{3,}) (?:[A-Za-z]+ ){0,3}\1\b", re.I)


def demo_pages(workspace: Workspace) -> list[str]:
    slug = workspace.slug
    busiest = sorted(
        Stakeholder.objects.filter(workspace=workspace),
        key=lambda s: (-s.interactions.count(), s.pk),
    )[:6]
    goals = Goal.objects.filter(workspace=workspace)
    return [
        reverse("dashboard", args=[slug]),
        reverse("network:map", args=[slug]),
        reverse("goals:list", args=[slug]),
        reverse("interactions:list", args=[slug]),
        reverse("ties:list", args=[slug]),
        *(reverse("stakeholders:detail", args=[slug, s.pk]) for s in busiest),
        *(reverse("goals:detail", args=[slug, g.pk]) for g in goals),
    ]


@pytest.fixture
def alice_demo(demo) -> Client:
    client = Client()
    client.force_login(User.objects.get(email=DEMO_USERS[0].email))
    return client


def test_the_demo_pages_end_no_list_with_a_comma_and_say_no_unit_twice(demo, alice_demo):
    problems = []
    for address in demo_pages(demo):
        response = alice_demo.get(address)
        assert response.status_code == 200, address
        text = text_of(response.content)
        for pattern in (STRAY_COMMA, DOUBLED_UNIT):
            for found in pattern.finditer(text):
                start = max(0, found.start() - 60)
                problems.append(
                    f"{address}: {found.group()!r} in …{text[start : found.end() + 20]}…"
                )
    assert problems == [], "\n".join(problems)


def test_no_broker_of_the_demo_is_called_the_only_tie_where_several_ties_run(demo, alice_demo):
    text = text_of(alice_demo.get(reverse("network:map", args=[demo.slug])).content)
    assert "Brokers" in text
    assert " is the only tie between " not in text
    for sentence in re.findall(r"[^.]*hold the only tie between[^.]*\.", text):
        assert " and " in sentence.split(" hold ")[0]  # two named ends of the one tie


def test_a_goal_says_its_unit_once():
    class Goal:  # the fields goal_amount reads
        def __init__(self, unit: str, metric: str, current: int, target: int) -> None:
            self.unit, self.metric, self.current_value, self.target = unit, metric, current, target

    said_in_metric = Goal("institutions", "anchor institutions met this quarter", 3, 5)
    assert goal_amount(said_in_metric) == "3 of 5 anchor institutions met this quarter"
    singular = Goal("tie", "active ties with philanthropic funders", 5, 8)
    assert goal_amount(singular) == "5 of 8 active ties with philanthropic funders"
    not_said = Goal("USD", "outside funding committed", 1150000, 2500000)
    assert goal_amount(not_said) == "1,150,000 of 2,500,000 USD · outside funding committed"
    assert goal_amount(Goal("", "placements", 1, 2)) == "1 of 2 placements"
