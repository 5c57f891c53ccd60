"""Notifications: what needs a member's attention, kept once per item and state."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cityweave.engagement.models import Commitment
from cityweave.engagement.services import workspace_today
from cityweave.reminders import services
from cityweave.reminders.models import Notification
from cityweave.testing import (
    make_commitment,
    make_goal,
    make_interaction,
    make_member,
    make_stakeholder,
    make_tie,
    make_user,
)
from cityweave.workspaces.models import Workspace

pytestmark = pytest.mark.django_db


def today():
    """Today where Riverton is, as the services count."""
    return workspace_today(Workspace.objects.get(slug="riverton"))


def test_it_notices_an_overdue_commitment_once(riverton, alice_member):
    funder = make_stakeholder(riverton, "Riverton Community Foundation")
    promise = make_commitment(
        funder, today() - dt.timedelta(days=3), owner=alice_member, description="Send the budget"
    )
    assert services.refresh_notifications(riverton).created == 1
    assert services.refresh_notifications(riverton).created == 0
    (row,) = Notification.objects.filter(member=alice_member)
    assert (row.kind, row.object_id, row.state) == ("commitment", promise.pk, "overdue")
    assert row.title.startswith(
        "Send the budget (for Riverton Community Foundation): overdue since"
    )
    assert row.url == f"/w/riverton/commitments/{promise.pk}/"


def test_a_commitment_kept_resolves_its_notification(riverton, alice_member):
    promise = make_commitment(make_stakeholder(riverton), today(), owner=alice_member)
    services.refresh_notifications(riverton)
    promise.status = Commitment.Status.DONE
    promise.save()
    assert services.refresh_notifications(riverton).resolved == 1
    assert services.unread_count(alice_member) == 0


def test_due_soon_then_overdue_is_two_notifications(riverton, alice_member):
    promise = make_commitment(
        make_stakeholder(riverton), today() + dt.timedelta(days=2), owner=alice_member
    )
    services.refresh_notifications(riverton)
    promise.due_on = today() - dt.timedelta(days=1)
    promise.save()
    services.refresh_notifications(riverton)
    states = dict(Notification.objects.values_list("state", "resolved_at"))
    assert set(states) == {"due-soon", "overdue"}
    assert states["due-soon"] is not None and states["overdue"] is None


def test_far_off_and_closed_commitments_are_quiet(riverton, alice_member):
    make_commitment(make_stakeholder(riverton), today() + dt.timedelta(days=30), owner=alice_member)
    make_commitment(
        make_stakeholder(riverton), today(), owner=alice_member, status=Commitment.Status.DONE
    )
    assert services.refresh_notifications(riverton).created == 0


def test_what_nobody_owns_goes_to_the_owners_only(riverton, alice_member, bob_member):
    make_commitment(make_stakeholder(riverton), today() - dt.timedelta(days=1))
    services.refresh_notifications(riverton)
    assert list(Notification.objects.values_list("member", flat=True)) == [alice_member.pk]


def test_what_them_owe_says_so(riverton, alice_member):
    funder = make_stakeholder(riverton, "Harbor Bank")
    make_commitment(funder, today(), owner=alice_member, owed_by="them", description="A reply")
    services.refresh_notifications(riverton)
    assert Notification.objects.get().title.startswith("A reply (owed to us by Harbor Bank): due ")


def test_a_promise_that_names_its_stakeholder_is_not_named_twice(riverton, alice_member):
    bank = make_stakeholder(riverton, "Harbor Bank")
    make_commitment(bank, today(), owner=alice_member, description="Send Harbor Bank the lease")
    make_commitment(
        bank, today(), owner=alice_member, owed_by="them", description="Harbor Bank to reply"
    )
    services.refresh_notifications(riverton)
    titles = sorted(Notification.objects.values_list("title", flat=True))
    assert titles[0].startswith("Harbor Bank to reply (owed to us): due ")
    assert titles[1].startswith("Send Harbor Bank the lease: due ")


def test_the_list_puts_unread_and_most_overdue_first(riverton, alice_member):
    city = make_stakeholder(riverton, "City of Riverton", is_internal=True)
    _cold_tie(riverton, city, make_stakeholder(riverton, "Harbor Bank"), owner=alice_member)
    late = make_commitment(city, today() - dt.timedelta(days=9), owner=alice_member)
    soon = make_commitment(city, today() + dt.timedelta(days=1), owner=alice_member)
    later = make_commitment(city, today() - dt.timedelta(days=2), owner=alice_member)
    services.refresh_notifications(riverton)
    services.mark_read(
        alice_member,
        Notification.objects.filter(object_id=late.pk, kind="commitment").values_list(
            "pk", flat=True
        ),
    )
    order = [(row.kind, row.object_id) for row in services.notifications_of(alice_member)]
    assert order[:3] == [("commitment", later.pk), ("commitment", soon.pk), ("tie", order[2][1])]
    assert order[2][0] == "tie" and order[3] == ("commitment", late.pk)


def test_a_goal_deadline_near_and_passed(riverton, alice_member):
    make_goal(riverton, owner=alice_member, deadline=today() + dt.timedelta(days=10))
    make_goal(riverton, owner=alice_member, deadline=today() - dt.timedelta(days=1))
    make_goal(riverton, owner=alice_member, deadline=today() + dt.timedelta(days=60))
    services.refresh_notifications(riverton)
    assert sorted(Notification.objects.values_list("state", flat=True)) == [
        "deadline-passed",
        "deadline-soon",
    ]


def _cold_tie(workspace, source, target, owner=None, days=40, cadence=14):
    tie = make_tie(source, target, cadence_days=cadence, owner=owner)
    make_interaction(workspace, [source, target], timezone.now() - dt.timedelta(days=days))
    return tie


def test_a_cold_relationship_names_both_ends_and_no_date(riverton, alice_member):
    city = make_stakeholder(riverton, "City of Riverton", is_internal=True)
    bank = make_stakeholder(riverton, "Harbor Bank")
    tie = _cold_tie(riverton, city, bank, owner=alice_member)
    services.refresh_notifications(riverton)
    row = Notification.objects.get()
    assert (row.kind, row.object_id, row.state) == ("tie", tie.pk, "cold")
    assert row.title == (
        "Gone cold: City of Riverton and Harbor Bank; contact wanted every 14 days, at most every 28"
    )


def test_a_relationship_past_its_own_maximum_is_cold_and_says_so(riverton, alice_member):
    city = make_stakeholder(riverton, "City of Riverton", is_internal=True)
    bank = make_stakeholder(riverton, "Harbor Bank")
    college = make_stakeholder(riverton, "Riverton College")
    # 20 days without contact: past the explicit maximum of 18, short of the default 28.
    tie = make_tie(city, bank, cadence_days=14, max_cadence_days=18, owner=alice_member)
    make_tie(city, college, cadence_days=14, owner=alice_member)
    make_interaction(riverton, [bank, college], timezone.now() - dt.timedelta(days=20))
    services.refresh_notifications(riverton)
    row = Notification.objects.get()
    assert (row.kind, row.object_id, row.state) == ("tie", tie.pk, "cold")
    assert row.title == (
        "Gone cold: City of Riverton and Harbor Bank; contact wanted every 14 days, at most every 18"
    )
    assert [i.title for i in services.current_items(riverton)] == [row.title]


def test_cooling_is_not_cold(riverton, alice_member):
    _cold_tie(
        riverton,
        make_stakeholder(riverton),
        make_stakeholder(riverton),
        owner=alice_member,
        days=20,
    )
    assert services.refresh_notifications(riverton).created == 0


def test_only_the_cold_relationships_that_matter_most(riverton, alice_member):
    city = make_stakeholder(riverton, "City of Riverton", is_internal=True)
    ties = {}
    for influence in (1, 2, 3, 4, 5, 5, 1):
        other = make_stakeholder(riverton, influence=influence)
        ties[other.pk] = (influence, _cold_tie(riverton, city, other, owner=alice_member))
    services.refresh_notifications(riverton)
    chosen = set(Notification.objects.values_list("object_id", flat=True))
    assert len(chosen) == services.COLD_TIES_PER_MEMBER
    left_out = {tie.pk for influence, tie in ties.values()} - chosen
    assert {influence for influence, tie in ties.values() if tie.pk in left_out} == {1}


def test_marking_read_touches_only_ones_own(riverton, alice_member, bob_member):
    promise_owner = make_member(riverton, make_user("dana@riverton.example"), "editor")
    make_commitment(make_stakeholder(riverton), today(), owner=promise_owner)
    services.refresh_notifications(riverton)
    theirs = Notification.objects.get()
    assert services.mark_read(alice_member, [theirs.pk]) == 0
    assert services.mark_read(promise_owner, [theirs.pk]) == 1
    assert services.unread_count(promise_owner) == 0


def test_a_claimed_round_is_claimed_once():
    now = dt.datetime(2026, 12, 1, 9, 10, tzinfo=dt.UTC)
    assert services.claim_round(now) is True
    assert services.claim_round(now + dt.timedelta(minutes=5)) is False
    assert services.claim_round(now + dt.timedelta(hours=1)) is True
