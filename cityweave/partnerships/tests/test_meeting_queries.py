"""Query counts of the activities, channels and meetings sections, the planner and their API
lists: the same with one partner and record of each kind as with three (no N+1), and the
counts written down here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cityweave.partnerships import activities, channels, meetings
from cityweave.partnerships.meeting_sections import (
    activities_section,
    channels_section,
    meetings_section,
)
from cityweave.partnerships.models import MeetingPlan, Partnership
from cityweave.partnerships.testing import make_partner, make_partnership
from cityweave.testing import make_interaction, make_stakeholder
from cityweave.workspaces.models import Membership

pytestmark = pytest.mark.django_db


def build(member: Membership, size: int) -> tuple[Partnership, MeetingPlan]:
    """A partnership with `size` partners, activities, channels and plans (one confirmed), and
    `size` past meetings per partner."""
    workspace = member.workspace
    partnership = make_partnership(member, f"Partnership of {size}")
    everyone = []
    for n in range(size):
        stakeholder = make_stakeholder(workspace, f"Partner {size}.{n}", offers=["data"])
        everyone.append(make_partner(member, partnership, stakeholder, "funder", "advisor"))
        for days in range(size):
            make_interaction(workspace, [stakeholder], timezone.now() - dt.timedelta(days=days + 1))
    plan = None
    for n in range(size + 1):  # the last one is never confirmed
        if n == size:
            plan = meetings.save_plan(
                member,
                partnership,
                {
                    "title": "Open meeting",
                    "starts_at": timezone.now() + dt.timedelta(days=30),
                    "agenda": [{"text": f"Item {k}", "roles": ["funder"]} for k in range(size)],
                },
            )
            break
        activities.save_activity(
            member,
            partnership,
            {"name": f"Day {n}", "held_on": dt.date(2026, 5, n + 1), "partners": everyone},
        )
        channels.save_channel(
            member,
            partnership,
            {"kind": "email-list", "name": f"List {n}", "every_days": 7, "last_used_on": None},
        )
        plan = meetings.save_plan(
            member,
            partnership,
            {
                "title": f"Meeting {n}",
                "starts_at": timezone.now() + dt.timedelta(days=n + 2),
                "agenda": [
                    {"text": f"Item {k}", "roles": ["funder"], "value_types": ["data"]}
                    for k in range(size)
                ],
            },
        )
    assert plan is not None
    first = MeetingPlan.objects.filter(partnership=partnership).order_by("pk")[0]
    meetings.confirm_plan(member, first)
    for n in range(size):
        meetings.add_follow_up(
            member,
            first,
            {
                "description": f"Follow-up {n}",
                "stakeholder": everyone[n].stakeholder,
                "due_on": dt.date(2030, 1, 1),
            },
        )
    return partnership, plan


def count(action: Callable[..., Any], *args: Any) -> int:
    """How many queries `action(*args)` makes."""
    with CaptureQueriesContext(connection) as captured:
        action(*args)
    return len(captured.captured_queries)


EXPECTED = {
    "activities_section": 2,
    "channels_section": 1,
    "meetings_section": 2,
    "planner": 3,
}


def test_sections_and_the_planner_cost_the_same_at_any_size(alice_member):
    counts = {}
    for size in (1, 3):
        partnership, plan = build(alice_member, size)
        partnership = Partnership.objects.get(pk=partnership.pk)
        plan = MeetingPlan.objects.select_related("partnership").get(pk=plan.pk)
        counts[size] = {
            "activities_section": count(activities_section, alice_member, partnership),
            "channels_section": count(channels_section, alice_member, partnership),
            "meetings_section": count(meetings_section, alice_member, partnership),
            "planner": count(meetings.planner, alice_member, plan),
        }
    assert counts[1] == counts[3] == EXPECTED


PAGES = {"plan": 12, "plan_confirmed": 12, "api_activities": 7, "api_channels": 6, "api_plans": 8}


def test_the_planner_page_and_the_api_lists_cost_the_same_at_any_size(
    alice_member, alice_client, alice_api
):
    counts: dict[int, dict[str, int]] = {}
    for size in (1, 3):
        partnership, plan = build(alice_member, size)
        confirmed = MeetingPlan.objects.filter(partnership=partnership).order_by("pk").first()
        assert confirmed is not None
        base = f"/api/v1/workspaces/riverton/partnerships/{partnership.pk}"
        pages = {
            "plan": f"/w/riverton/partnerships/{partnership.pk}/meetings/{plan.pk}/",
            "plan_confirmed": f"/w/riverton/partnerships/{partnership.pk}/meetings/{confirmed.pk}/",
        }
        counts[size] = {}
        for name, path in pages.items():
            alice_client.get(path)
            counts[size][name] = count(alice_client.get, path)
        for name, path in {
            "api_activities": f"{base}/activities",
            "api_channels": f"{base}/channels",
            "api_plans": f"{base}/meeting-plans",
        }.items():
            alice_api.get(path)
            counts[size][name] = count(alice_api.get, path)
    assert counts[1] == counts[3] == PAGES
