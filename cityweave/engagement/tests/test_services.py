"""Engagement services: saving interactions and commitments, quick capture, filters, kept rates."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from cityweave.engagement import services
from cityweave.engagement.health import COOLING, HEALTHY, tie_health
from cityweave.engagement.models import Commitment, Interaction
from cityweave.testing import (
    make_commitment,
    make_goal,
    make_interaction,
    make_member,
    make_stakeholder,
    make_tie,
    make_user,
)
from cityweave.workspaces.services import move_to_trash

pytestmark = pytest.mark.django_db

NOON = dt.datetime(2025, 3, 14, 17, 0, tzinfo=dt.UTC)


@pytest.fixture
def dave_member(riverton):
    """Dave edits Riverton alongside Alice."""
    return make_member(riverton, make_user("dave@riverton.example", "Dave Mensah"), "editor")


@pytest.fixture
def foundation(riverton):
    return make_stakeholder(riverton, "Riverton Community Foundation", sector="philanthropy")


def interaction_data(*participants, **fields):
    return {
        "occurred_at": NOON,
        "kind": "call",
        "summary": "Budget call",
        "participants": list(participants),
        **fields,
    }


def field_errors(excinfo) -> dict[str, list[str]]:
    return excinfo.value.message_dict


def test_saving_an_interaction_sets_its_author_participants_members_and_goal(
    alice_member, dave_member, riverton, foundation
):
    goal = make_goal(riverton)
    interaction = services.save_interaction(
        alice_member,
        interaction_data(
            foundation.pk, members_present=[alice_member.pk, dave_member.pk], goal=goal.pk
        ),
    )
    assert interaction.author == alice_member
    assert list(interaction.participants.all()) == [foundation]
    assert set(interaction.members_present.all()) == {alice_member, dave_member}
    assert interaction.goal == goal


def test_an_interaction_needs_a_participant(alice_member):
    with pytest.raises(ValidationError) as excinfo:
        services.save_interaction(alice_member, interaction_data())
    assert "participants" in field_errors(excinfo)
    assert not Interaction.objects.exists()


def test_another_workspaces_stakeholder_is_rejected_naming_participants(alice_member, lakeside):
    foreign = make_stakeholder(lakeside, "Lakeside Corp")
    with pytest.raises(ValidationError) as excinfo:
        services.save_interaction(alice_member, interaction_data(foreign.pk))
    assert "participants" in field_errors(excinfo)
    assert not Interaction.objects.exists()


def test_members_present_and_goal_must_belong_to_the_workspace(
    alice_member, carol, lakeside, foundation
):
    carol_member = carol.memberships.get()
    foreign_goal = make_goal(lakeside)
    with pytest.raises(ValidationError) as excinfo:
        services.save_interaction(
            alice_member,
            interaction_data(foundation, members_present=[carol_member.pk], goal=foreign_goal.pk),
        )
    assert {"members_present", "goal"} <= set(field_errors(excinfo))


def test_a_goal_in_the_trash_cannot_be_chosen(alice_member, riverton, foundation):
    goal = make_goal(riverton)
    move_to_trash(alice_member, goal)
    with pytest.raises(ValidationError) as excinfo:
        services.save_interaction(alice_member, interaction_data(foundation, goal=goal.pk))
    assert "goal" in field_errors(excinfo)


def test_a_time_without_an_offset_is_read_in_the_workspace_time_zone(alice_member, foundation):
    interaction = services.save_interaction(
        alice_member, interaction_data(foundation, occurred_at=dt.datetime(2025, 3, 14, 9, 30))
    )
    # Riverton is on America/Chicago, five hours behind UTC in mid-March.
    assert interaction.occurred_at == dt.datetime(2025, 3, 14, 14, 30, tzinfo=dt.UTC)


def test_time_given_as_text_is_read_in_the_workspace_time_zone_too(alice_member, foundation):
    interaction = services.save_interaction(
        alice_member, interaction_data(foundation, occurred_at="2025-03-14T09:30")
    )
    interaction.refresh_from_db()
    assert interaction.occurred_at == dt.datetime(2025, 3, 14, 14, 30, tzinfo=dt.UTC)
    with pytest.raises(ValidationError) as excinfo:
        services.save_interaction(
            alice_member, interaction_data(foundation, occurred_at="2025-02-30T09:30")
        )
    assert "occurred_at" in field_errors(excinfo)


def test_bad_fields_are_all_reported_at_once(alice_member):
    with pytest.raises(ValidationError) as excinfo:
        services.save_interaction(
            alice_member,
            {"occurred_at": None, "kind": "telegram", "summary": "", "participants": []},
        )
    assert {"occurred_at", "kind", "summary", "participants"} <= set(field_errors(excinfo))


def test_a_viewer_cannot_save_an_interaction(bob_member, foundation):
    with pytest.raises(PermissionDenied):
        services.save_interaction(bob_member, interaction_data(foundation))


def test_only_the_author_sees_or_edits_a_private_interaction(
    alice_member, dave_member, riverton, foundation
):
    secret = make_interaction(riverton, [foundation], private=True, author=alice_member)
    assert services.get_interaction(alice_member, secret.pk) == secret
    with pytest.raises(Http404):
        services.get_interaction(dave_member, secret.pk)
    with pytest.raises(Http404):
        services.save_interaction(dave_member, {"summary": "Peek"}, secret)
    with pytest.raises(Http404):
        services.trash_interaction(dave_member, secret)
    secret.refresh_from_db()
    assert secret.summary != "Peek" and not secret.in_trash


def test_only_the_author_can_make_an_interaction_private(
    alice_member, dave_member, riverton, foundation
):
    shared = make_interaction(riverton, [foundation], author=alice_member)
    with pytest.raises(ValidationError) as excinfo:
        services.save_interaction(dave_member, {"private": True}, shared)
    assert "private" in field_errors(excinfo)
    services.save_interaction(alice_member, {"private": True}, shared)
    assert Interaction.objects.get(pk=shared.pk).private


def test_editing_keeps_what_is_not_given(alice_member, riverton, foundation):
    other = make_stakeholder(riverton, "Chamber of Commerce")
    interaction = services.save_interaction(alice_member, interaction_data(foundation, other))
    services.save_interaction(alice_member, {"summary": "Budget call, second round"}, interaction)
    interaction.refresh_from_db()
    assert interaction.summary == "Budget call, second round"
    assert set(interaction.participants.all()) == {foundation, other}


def test_trashing_an_interaction_keeps_its_follow_ups(alice_member, foundation):
    interaction, follow_up = services.log_interaction_with_follow_up(
        alice_member,
        foundation,
        interaction_data(),
        {"description": "Send the budget", "owed_by": "us", "due_on": dt.date(2025, 3, 21)},
    )
    assert follow_up is not None
    services.trash_interaction(alice_member, interaction)
    assert Interaction.all_objects.get(pk=interaction.pk).in_trash
    assert Commitment.objects.filter(pk=follow_up.pk).exists()


def test_closing_a_commitment_stamps_closed_at_and_reopening_clears_it(alice_member, foundation):
    commitment = make_commitment(foundation)
    services.close_commitment(alice_member, commitment, "done")
    commitment.refresh_from_db()
    assert commitment.status == "done" and commitment.closed_at is not None
    stamped = commitment.closed_at
    services.save_commitment(alice_member, {"description": "Send the signed report"}, commitment)
    commitment.refresh_from_db()
    assert commitment.closed_at == stamped
    services.save_commitment(alice_member, {"status": "open"}, commitment)
    commitment.refresh_from_db()
    assert commitment.status == "open" and commitment.closed_at is None


@pytest.mark.parametrize("status", ["missed", "cancelled"])
def test_missed_and_cancelled_also_close_a_commitment(alice_member, foundation, status):
    commitment = services.close_commitment(alice_member, make_commitment(foundation), status)
    assert commitment.closed_at is not None


def test_a_commitment_cannot_be_closed_as_open(alice_member, foundation):
    with pytest.raises(ValidationError) as excinfo:
        services.close_commitment(alice_member, make_commitment(foundation), "open")
    assert "status" in field_errors(excinfo)


def test_a_commitment_checks_its_stakeholder_owner_and_interaction(
    alice_member, carol, lakeside, riverton
):
    foreign = make_stakeholder(lakeside, "Lakeside Corp")
    foreign_interaction = make_interaction(lakeside, [foreign])
    with pytest.raises(ValidationError) as excinfo:
        services.save_commitment(
            alice_member,
            {
                "description": "Call back",
                "due_on": dt.date(2025, 4, 1),
                "stakeholder": foreign.pk,
                "owner": carol.memberships.get().pk,
                "interaction": foreign_interaction.pk,
            },
        )
    assert {"stakeholder", "owner", "interaction"} <= set(field_errors(excinfo))
    with pytest.raises(ValidationError) as excinfo:
        services.save_commitment(
            alice_member, {"description": "Call back", "due_on": dt.date(2025, 4, 1)}
        )
    assert "stakeholder" in field_errors(excinfo)
    assert not Commitment.objects.exists()


def test_quick_capture_writes_the_interaction_and_its_follow_up(alice_member, riverton, foundation):
    chamber = make_stakeholder(riverton, "Chamber of Commerce")
    interaction, follow_up = services.log_interaction_with_follow_up(
        alice_member,
        foundation,
        interaction_data(chamber.pk),
        {"description": "Send the budget", "owed_by": "us", "due_on": dt.date(2025, 3, 21)},
    )
    assert set(interaction.participants.all()) == {foundation, chamber}
    assert interaction.author == alice_member
    assert follow_up is not None
    assert (follow_up.interaction, follow_up.stakeholder, follow_up.owner) == (
        interaction,
        foundation,
        alice_member,
    )


def test_quick_capture_without_a_follow_up_writes_only_the_interaction(alice_member, foundation):
    _, follow_up = services.log_interaction_with_follow_up(
        alice_member, foundation, interaction_data(), None
    )
    assert follow_up is None
    assert Interaction.objects.count() == 1 and not Commitment.objects.exists()


def test_quick_capture_writes_nothing_when_the_follow_up_is_invalid(alice_member, foundation):
    with pytest.raises(ValidationError) as excinfo:
        services.log_interaction_with_follow_up(
            alice_member,
            foundation,
            interaction_data(),
            {"description": "Send the budget", "owed_by": "us", "due_on": "next Friday-ish"},
        )
    assert "follow_up_due_on" in field_errors(excinfo)
    assert not Interaction.objects.exists() and not Commitment.objects.exists()


def test_quick_capture_reports_both_records_errors_and_writes_nothing(alice_member, foundation):
    with pytest.raises(ValidationError) as excinfo:
        services.log_interaction_with_follow_up(
            alice_member,
            foundation,
            interaction_data(summary=""),
            {"description": "", "owed_by": "us", "due_on": dt.date(2025, 3, 21)},
        )
    assert {"summary", "follow_up_description"} <= set(field_errors(excinfo))
    assert not Interaction.objects.exists() and not Commitment.objects.exists()


def test_quick_capture_refuses_another_workspaces_stakeholder(alice_member, lakeside):
    with pytest.raises(Http404):
        services.log_interaction_with_follow_up(
            alice_member, make_stakeholder(lakeside, "Lakeside Corp"), interaction_data(), None
        )


def test_logging_an_interaction_resets_a_cooling_tie_to_healthy(alice_member, riverton, foundation):
    city = make_stakeholder(
        riverton, "City of Riverton", sector="local-government", is_internal=True
    )
    tie = make_tie(
        city, foundation, cadence_days=30, started_on=timezone.localdate() - dt.timedelta(days=45)
    )
    assert tie_health([tie])[0].status == COOLING
    services.log_interaction_with_follow_up(
        alice_member, foundation, interaction_data(occurred_at=timezone.now()), None
    )
    assert tie_health([tie])[0].status == HEALTHY


def test_interaction_dates_filter_by_whole_days_in_the_workspace_time_zone(
    alice_member, riverton, foundation
):
    # 03:00 UTC on the 15th is still the evening of the 14th in Riverton (America/Chicago).
    late = make_interaction(
        riverton, [foundation], when=dt.datetime(2025, 3, 15, 3, 0, tzinfo=dt.UTC)
    )
    make_interaction(riverton, [foundation], when=dt.datetime(2025, 3, 16, 12, 0, tzinfo=dt.UTC))
    found = services.filter_interactions(
        Interaction.objects.all(),
        riverton,
        occurred_from=dt.date(2025, 3, 14),
        occurred_to=dt.date(2025, 3, 14),
    )
    assert list(found) == [late]


def test_commitments_filter_by_due_window(alice_member, riverton, foundation):
    today = dt.date(2025, 3, 14)
    overdue = make_commitment(foundation, today - dt.timedelta(days=1))
    make_commitment(foundation, today - dt.timedelta(days=1), status="done")
    this_week = make_commitment(foundation, today + dt.timedelta(days=7))
    later = make_commitment(foundation, today + dt.timedelta(days=8))
    base = services.commitments(alice_member)
    for window, expected in [("overdue", overdue), ("this-week", this_week), ("later", later)]:
        assert list(services.filter_commitments(base, riverton, due=window, today=today)) == [
            expected
        ]


def test_promises_kept_counts_only_what_we_owed_and_closed(alice_member, dave_member, foundation):
    make_commitment(foundation, status="done", owner=alice_member)
    make_commitment(foundation, status="done", owner=dave_member)
    make_commitment(foundation, status="missed", owner=dave_member)
    make_commitment(foundation, status="cancelled", owner=dave_member)
    make_commitment(foundation, owner=dave_member)
    make_commitment(foundation, status="missed", owed_by="them")
    kept = services.promises_kept(services.commitments(alice_member))
    assert (kept.kept, kept.missed, kept.percent) == (2, 1, 67)
    by_member = {m.pk: rate for m, rate in services.promises_kept_by_member(alice_member)}
    assert by_member[alice_member.pk].percent == 100
    assert by_member[dave_member.pk].percent == 50
