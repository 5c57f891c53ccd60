"""Tie services: scoping, validation naming the field, duplicates, trash and restore, health helpers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from cityweave.engagement.health import filter_by_health
from cityweave.engagement.services import tie_interactions, trash_stakeholder
from cityweave.stakeholders import services
from cityweave.stakeholders.models import Tie
from cityweave.testing import make_interaction, make_member, make_stakeholder, make_tie
from cityweave.workspaces.models import Membership, TrashEntry
from cityweave.workspaces.services import restore

pytestmark = pytest.mark.django_db


@pytest.fixture
def city(riverton):
    return make_stakeholder(
        riverton, "City of Riverton", sector="local-government", is_internal=True
    )


@pytest.fixture
def foundation(riverton):
    return make_stakeholder(riverton, "Riverton Community Foundation", sector="philanthropy")


def error_fields(excinfo: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    return set(excinfo.value.message_dict)


def test_it_creates_a_tie_from_ids(alice_member, city, foundation):
    tie = services.save_tie(
        alice_member,
        {"source": city.pk, "target": foundation.pk, "kind": "funder", "roles": ["funder", "champion"],
         "owner": alice_member.pk, "trust": 3, "cadence_days": 30},
    )  # fmt: skip
    assert (tie.source, tie.target, tie.kind, tie.owner) == (
        city,
        foundation,
        "funder",
        alice_member,
    )
    assert tie.roles == ["funder", "champion"]
    assert tie.workspace == alice_member.workspace


def test_it_accepts_stakeholder_and_member_objects(alice_member, city, foundation):
    tie = services.save_tie(
        alice_member, {"source": city, "target": foundation, "owner": alice_member}
    )
    assert (tie.source_id, tie.target_id, tie.owner_id) == (city.pk, foundation.pk, alice_member.pk)


def test_it_drops_repeated_roles(alice_member, city, foundation):
    tie = services.save_tie(
        alice_member, {"source": city, "target": foundation, "roles": ["funder", "funder"]}
    )
    assert tie.roles == ["funder"]


def test_it_updates_only_the_fields_given(alice_member, city, foundation):
    tie = make_tie(city, foundation, kind="funder", notes="Annual grant", trust=2)
    services.save_tie(alice_member, {"status": "dormant", "trust": None}, tie)
    tie.refresh_from_db()
    assert (tie.status, tie.trust, tie.kind, tie.notes) == (
        "dormant",
        None,
        "funder",
        "Annual grant",
    )


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"target": "FOUNDATION"}, "source"),
        ({"source": None, "target": "FOUNDATION"}, "source"),
        ({"source": "CITY"}, "target"),
        ({"source": "CITY", "target": "CITY"}, "target"),
        ({"source": "CITY", "target": "FOUNDATION", "status": "married"}, "status"),
        ({"source": "CITY", "target": "FOUNDATION", "kind": "rival"}, "kind"),
        ({"source": "CITY", "target": "FOUNDATION", "trust": 5}, "trust"),
        ({"source": "CITY", "target": "FOUNDATION", "value": 0}, "value"),
        ({"source": "CITY", "target": "FOUNDATION", "cadence_days": 0}, "cadence_days"),
        ({"source": "CITY", "target": "FOUNDATION", "roles": ["villain"]}, "roles"),
        ({"source": "CITY", "target": "FOUNDATION", "started_on": dt.date(2024, 5, 1),
          "ended_on": dt.date(2024, 4, 1)}, "ended_on"),
        ({"source": "CITY", "target": 999_999}, "target"),
        ({"source": "CITY", "target": "FOUNDATION", "owner": 999_999}, "owner"),
    ],
)  # fmt: skip
def test_bad_input_names_the_field_and_writes_nothing(alice_member, city, foundation, data, field):
    named = {"CITY": city.pk, "FOUNDATION": foundation.pk}
    resolved = {k: named.get(v, v) if isinstance(v, str) else v for k, v in data.items()}
    with pytest.raises(ValidationError) as excinfo:
        services.save_tie(alice_member, resolved)
    assert field in error_fields(excinfo)
    assert not Tie.all_objects.exists()


def test_it_reports_every_bad_field_at_once(alice_member, city):
    with pytest.raises(ValidationError) as excinfo:
        services.save_tie(alice_member, {"source": city.pk, "target": 999_999, "trust": 9})
    assert {"target", "trust"} <= error_fields(excinfo)


def test_a_stakeholder_of_another_workspace_is_no_such_stakeholder(alice_member, city, lakeside):
    elsewhere = make_stakeholder(lakeside, "Lakeside Bank", sector="business")
    with pytest.raises(ValidationError) as excinfo:
        services.save_tie(alice_member, {"source": city.pk, "target": elsewhere.pk})
    assert excinfo.value.message_dict["target"] == [
        f"No such stakeholder in this workspace: {elsewhere.pk}."
    ]


def test_a_member_of_another_workspace_cannot_own_the_tie(alice_member, city, foundation, lakeside):
    outsider = make_member(lakeside)
    with pytest.raises(ValidationError) as excinfo:
        services.save_tie(
            alice_member, {"source": city, "target": foundation, "owner": outsider.pk}
        )
    assert error_fields(excinfo) == {"owner"}


def test_a_trashed_stakeholder_cannot_be_tied(alice_member, city, foundation):
    trash_stakeholder(alice_member, foundation)
    with pytest.raises(ValidationError) as excinfo:
        services.save_tie(alice_member, {"source": city.pk, "target": foundation.pk})
    assert error_fields(excinfo) == {"target"}


def test_a_second_live_tie_of_the_same_kind_is_a_duplicate(alice_member, city, foundation):
    make_tie(city, foundation, kind="funder")
    with pytest.raises(ValidationError) as excinfo:
        services.save_tie(
            alice_member, {"source": foundation.pk, "target": city.pk, "kind": "funder"}
        )
    assert excinfo.value.message_dict["target"] == [
        "There is already a funder tie between City of Riverton and Riverton Community Foundation"
        " (active); change that one instead."
    ]
    assert Tie.objects.count() == 1


def test_a_tie_of_another_kind_between_the_same_pair_is_fine(alice_member, city, foundation):
    make_tie(city, foundation, kind="funder")
    services.save_tie(alice_member, {"source": city.pk, "target": foundation.pk, "kind": "advisor"})
    assert Tie.objects.count() == 2


def test_two_directed_ties_running_opposite_ways_are_two_relationships(
    alice_member, city, foundation
):
    make_tie(city, foundation, kind="funder", directed=True)
    services.save_tie(
        alice_member, {"source": foundation, "target": city, "kind": "funder", "directed": True}
    )
    with pytest.raises(ValidationError):
        services.save_tie(
            alice_member,
            {"source": foundation, "target": city, "kind": "funder", "directed": False},
        )


def test_a_trashed_tie_is_no_duplicate(alice_member, city, foundation):
    old = make_tie(city, foundation, kind="funder")
    services.trash_tie(alice_member, old)
    services.save_tie(alice_member, {"source": city, "target": foundation, "kind": "funder"})
    assert Tie.objects.count() == 1


def test_editing_a_tie_is_no_duplicate_of_itself(alice_member, city, foundation):
    tie = make_tie(city, foundation, kind="funder")
    services.save_tie(alice_member, {"notes": "Renewed", "kind": "funder"}, tie)
    tie.refresh_from_db()
    assert tie.notes == "Renewed"


def test_a_viewer_cannot_save_or_trash(bob_member, city, foundation):
    tie = make_tie(city, foundation)
    with pytest.raises(PermissionDenied):
        services.save_tie(bob_member, {"source": city, "target": foundation, "kind": "peer"})
    with pytest.raises(PermissionDenied):
        services.save_tie(bob_member, {"notes": "x"}, tie)
    with pytest.raises(PermissionDenied):
        services.trash_tie(bob_member, tie)


def test_another_workspaces_tie_is_404(carol, lakeside, city, foundation):
    tie = make_tie(city, foundation)
    carol_member = Membership.objects.get(user=carol, workspace=lakeside)
    with pytest.raises(Http404):
        services.get_tie(carol_member, tie.pk)
    with pytest.raises(Http404):
        services.save_tie(carol_member, {"notes": "mine now"}, tie)
    assert services.ties(carol_member).count() == 0


def test_trash_hides_the_tie_and_restore_brings_it_back(alice_member, city, foundation):
    tie = make_tie(city, foundation)
    entry = services.trash_tie(alice_member, tie)
    assert entry.label == "City of Riverton — Riverton Community Foundation"
    with pytest.raises(Http404):
        services.get_tie(alice_member, tie.pk)
    restored = restore(alice_member, entry.pk)
    assert restored == tie
    assert services.get_tie(alice_member, tie.pk) == tie
    assert not TrashEntry.objects.exists()


def test_a_tie_whose_stakeholder_is_in_the_trash_is_hidden(alice_member, city, foundation):
    tie = make_tie(city, foundation)
    other = make_stakeholder(city.workspace, "Riverton Bank", sector="business")
    kept = make_tie(city, other)
    entry = services.trash_tie(alice_member, tie)
    trash_stakeholder(alice_member, foundation)
    restore(alice_member, entry.pk)
    assert list(services.ties(alice_member)) == [kept]


def test_filter_by_health_sorts_ties_into_healthy_cooling_and_cold(riverton, alice_member, city):
    now = timezone.now()
    fresh, fading, silent = (make_stakeholder(riverton, n) for n in ("Fresh", "Fading", "Silent"))
    fresh_tie = make_tie(city, fresh, cadence_days=30)
    fading_tie = make_tie(city, fading, cadence_days=30)
    silent_tie = make_tie(city, silent, cadence_days=30)
    make_tie(city, make_stakeholder(riverton, "No cadence"))
    make_interaction(riverton, [fresh], when=now - dt.timedelta(days=3))
    make_interaction(riverton, [fading], when=now - dt.timedelta(days=45))
    make_interaction(riverton, [silent], when=now - dt.timedelta(days=90))
    everything = services.ties(alice_member)
    assert list(filter_by_health(riverton, everything, "healthy")) == [fresh_tie]
    assert list(filter_by_health(riverton, everything, "cooling")) == [fading_tie]
    assert list(filter_by_health(riverton, everything, "cold")) == [silent_tie]


def test_tie_interactions_follow_the_external_end_and_hide_private_ones(
    riverton, alice_member, bob_member, city, foundation
):
    tie = make_tie(city, foundation)
    make_interaction(riverton, [foundation], summary="Site visit")
    make_interaction(riverton, [foundation], summary="Budget", private=True, author=alice_member)
    make_interaction(riverton, [city], summary="Council meeting")
    assert [i.summary for i in tie_interactions(bob_member, tie)] == ["Site visit"]
    assert {i.summary for i in tie_interactions(alice_member, tie)} == {
        "Site visit",
        "Budget",
    }


def test_tie_interactions_between_two_external_ends_need_both(riverton, alice_member, foundation):
    bank = make_stakeholder(riverton, "Riverton Bank", sector="business")
    tie = make_tie(foundation, bank)
    make_interaction(riverton, [foundation, bank], summary="Joint briefing")
    make_interaction(riverton, [bank], summary="Bank only")
    assert [i.summary for i in tie_interactions(alice_member, tie)] == ["Joint briefing"]
