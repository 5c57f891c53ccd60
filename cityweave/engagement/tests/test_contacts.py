"""Each tie's stored last contact: right after every kind of change, and health read from it."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.utils import timezone

from cityweave.engagement import contacts
from cityweave.engagement.health import (
    COLD,
    COOLING,
    HEALTHY,
    at_risk_statuses,
    at_risk_summary,
    health_statuses,
    tie_health,
    workspace_health,
)
from cityweave.engagement.models import Interaction
from cityweave.engagement.services import save_interaction, trash_interaction
from cityweave.stakeholders.models import Tie
from cityweave.stakeholders.services import save_stakeholder, save_tie
from cityweave.testing import make_interaction, make_stakeholder, make_tie
from cityweave.workspaces.services import purge, restore
from cityweave.workspaces.transfer import export_workspace, import_workspace

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def ago(days: int) -> dt.datetime:
    return NOW - dt.timedelta(days=days)


def stored(tie: Tie) -> dt.datetime | None:
    return Tie.all_objects.get(pk=tie.pk).last_contact_at


def assert_nothing_stale(workspace) -> None:
    """A rebuild from the whole history changes nothing: every stored value was right."""
    assert contacts.refresh_workspace(workspace) == 0


@pytest.fixture
def city(riverton):
    return make_stakeholder(riverton, "City of Riverton", is_internal=True)


@pytest.fixture
def foundation(riverton):
    return make_stakeholder(riverton, "Riverton Community Foundation")


@pytest.fixture
def bank(riverton):
    return make_stakeholder(riverton, "Riverton Savings Bank")


def test_a_new_interaction_warms_the_ties_of_its_external_participants(
    riverton, alice_member, city, foundation, bank
):
    city_tie = make_tie(city, foundation, cadence_days=30)
    outsiders = make_tie(foundation, bank, cadence_days=30)
    save_interaction(
        alice_member, {"occurred_at": ago(3), "summary": "Lunch", "participants": [foundation.pk]}
    )
    assert stored(city_tie) == ago(3)
    assert stored(outsiders) is None  # the bank wasn't there
    save_interaction(
        alice_member,
        {"occurred_at": ago(2), "summary": "Board", "participants": [foundation.pk, bank.pk]},
    )
    assert (stored(city_tie), stored(outsiders)) == (ago(2), ago(2))
    assert_nothing_stale(riverton)


def test_editing_the_time_or_the_participants_moves_the_last_contact(
    riverton, alice_member, city, foundation, bank
):
    tie = make_tie(city, foundation, cadence_days=30)
    older = make_interaction(riverton, [foundation], when=ago(40))
    newer = save_interaction(
        alice_member, {"occurred_at": ago(5), "summary": "Call", "participants": [foundation.pk]}
    )
    assert stored(tie) == ago(5)
    save_interaction(alice_member, {"occurred_at": ago(10)}, instance=newer)
    assert stored(tie) == ago(10)
    save_interaction(alice_member, {"participants": [bank.pk]}, instance=newer)
    assert stored(tie) == older.occurred_at
    assert_nothing_stale(riverton)


def test_the_trash_restore_and_purge_move_it_too(riverton, alice_member, city, foundation):
    tie = make_tie(city, foundation, cadence_days=30)
    make_interaction(riverton, [foundation], when=ago(40))
    latest = make_interaction(riverton, [foundation], when=ago(5))
    entry = trash_interaction(alice_member, latest)
    assert stored(tie) == ago(40)
    restore(alice_member, entry.pk)
    assert stored(tie) == ago(5)
    entry = trash_interaction(alice_member, Interaction.objects.get(pk=latest.pk))
    purge(alice_member, entry.pk)
    assert stored(tie) == ago(40)
    assert_nothing_stale(riverton)


def test_changes_through_the_other_side_of_the_relation_count(riverton, city, foundation, bank):
    tie = make_tie(city, foundation, cadence_days=30)
    meeting = make_interaction(riverton, [bank], when=ago(4))
    foundation.interactions.add(meeting)
    assert stored(tie) == ago(4)
    foundation.interactions.clear()
    assert stored(tie) is None
    meeting.participants.add(foundation)
    meeting.participants.clear()
    assert stored(tie) is None
    meeting.participants.add(foundation)
    meeting.delete()
    assert stored(tie) is None
    assert_nothing_stale(riverton)


def test_moving_a_tie_or_making_its_end_internal_recomputes_it(
    riverton, alice_member, city, foundation, bank
):
    make_interaction(riverton, [foundation], when=ago(9))
    make_interaction(riverton, [bank], when=ago(3))
    tie = save_tie(alice_member, {"source": city.pk, "target": foundation.pk, "cadence_days": 30})
    assert stored(tie) == ago(9)
    save_tie(alice_member, {"target": bank.pk}, instance=tie)
    assert stored(tie) == ago(3)
    # The bank joins the city: the tie is now internal, kept warm by meetings of both ends.
    save_stakeholder(alice_member, {"is_internal": True}, instance=bank)
    assert stored(tie) is None
    assert_nothing_stale(riverton)


def test_an_import_computes_every_last_contact(riverton, alice_member, city, foundation):
    make_tie(city, foundation, cadence_days=30)
    make_interaction(riverton, [foundation], when=ago(6))
    copy = import_workspace(export_workspace(riverton), slug="riverton-copy")
    assert Tie.objects.get(workspace=copy).last_contact_at == ago(6)


def test_a_planned_interaction_is_stored_but_health_waits_for_it(riverton, city, foundation):
    tie = make_tie(city, foundation, cadence_days=30, started_on=ago(100).date())
    make_interaction(riverton, [foundation], when=ago(45))
    make_interaction(riverton, [foundation], when=NOW + dt.timedelta(days=3))
    assert stored(tie) == NOW + dt.timedelta(days=3)
    (health,) = tie_health([tie], now=NOW)
    assert (health.status, health.last_contact) == ("cooling", ago(45))
    assert workspace_health(Tie.objects.all(), NOW)[tie.pk].last_contact == ago(45)


@pytest.mark.parametrize("seed", [7, 8, 9])
def test_the_database_classifies_every_tie_as_the_reading_does(riverton, seed):
    """Random ties, cadences, start dates, recording times and histories (planned meetings too),
    read at several moments: the cooling and cold ties the database finds are exactly those the
    full reading finds, and the dashboard's summary is the full reading's head."""
    rng = random.Random(seed)
    people = [
        make_stakeholder(riverton, is_internal=i < 3, influence=rng.choice([None, 1, 3, 5]))
        for i in range(30)
    ]
    for _ in range(120):
        a, b = rng.sample(people, 2)
        started = ago(rng.randrange(-5, 200)).date() if rng.random() < 0.5 else None
        tie = make_tie(a, b, cadence_days=rng.choice([1, 7, 30, 90, None]), started_on=started)
        if rng.random() < 0.3:
            Tie.all_objects.filter(pk=tie.pk).update(created_at=ago(rng.randrange(0, 200)))
    for _ in range(150):
        make_interaction(
            riverton, rng.sample(people, rng.choice([1, 2, 3])), when=ago(rng.randrange(-20, 300))
        )
    ties = Tie.objects.filter(workspace=riverton)
    for now in (
        NOW,
        NOW - dt.timedelta(days=3, hours=5),
        NOW.replace(hour=5, minute=0, second=0, microsecond=0),
    ):
        everyone = workspace_health(ties, now)
        at_risk = {pk: r.status for pk, r in everyone.items() if r.status != HEALTHY}
        assert at_risk_statuses(ties, now) == at_risk
        assert health_statuses(ties, now) == {pk: r.status for pk, r in everyone.items()}
        summary = at_risk_summary(ties, now, first=10)
        expected = sorted(
            (r for r in everyone.values() if r.status != HEALTHY), key=lambda r: -r.importance
        )
        assert (summary.cold, summary.cooling) == (
            sum(1 for s in at_risk.values() if s == COLD),
            sum(1 for s in at_risk.values() if s == COOLING),
        )
        assert [r.tie_id for r in summary.first] == [r.tie_id for r in expected[:10]]
    assert at_risk  # the data has some, so the check means something
    by_model = {
        h.tie.pk: (h.status, h.days_since)
        for h in tie_health(ties.select_related("workspace", "source", "target"), NOW)
    }
    assert by_model == {
        pk: (r.status, r.days_since) for pk, r in workspace_health(ties, NOW).items()
    }
    assert_nothing_stale(riverton)


def test_workspace_health_costs_the_same_queries_for_any_history(
    riverton, city, django_assert_num_queries
):
    outsiders = [make_stakeholder(riverton) for _ in range(6)]
    for number, person in enumerate(outsiders):
        make_tie(city, person, cadence_days=30)
        for days in (3, 50, 400)[number % 2 :]:  # half of them cold
            make_interaction(riverton, [person], when=ago(days))
    ties = Tie.objects.filter(workspace=riverton)
    with django_assert_num_queries(1):
        workspace_health(ties, NOW)
    with django_assert_num_queries(2):
        at_risk_statuses(ties, NOW)
    with django_assert_num_queries(3):
        at_risk_summary(ties, NOW)


def test_a_cadence_saved_before_the_limit_does_not_break_the_at_risk_reading(
    riverton, city, foundation
):
    tie = make_tie(city, foundation, cadence_days=30)
    Tie.objects.filter(pk=tie.pk).update(cadence_days=2_000_000_000)
    assert at_risk_statuses(Tie.objects.all(), NOW) == {}
    assert workspace_health(Tie.objects.all(), NOW)[tie.pk].status == HEALTHY


def test_gaps_saved_outside_the_limits_are_read_as_the_reading_does(
    riverton, city, foundation, bank
):
    tie = make_tie(city, foundation, cadence_days=30)
    usual = make_tie(city, bank, cadence_days=30)
    make_interaction(riverton, [foundation, bank], when=ago(0))
    for cadence, maximum in ((0, None), (30, 5000), (0, 0)):
        Tie.objects.filter(pk=tie.pk).update(cadence_days=cadence, max_cadence_days=maximum)
        ties = Tie.objects.all()
        expected = {pk: r.status for pk, r in workspace_health(ties, NOW).items()}
        assert health_statuses(ties, NOW) == expected
        assert set(expected) == {tie.pk, usual.pk}


def test_a_rebuild_writes_many_ties_at_once(riverton, city):
    outsiders = [make_stakeholder(riverton) for _ in range(30)]
    ties = Tie.objects.bulk_create(
        Tie(workspace=riverton, source=city, target=person, cadence_days=30) for person in outsiders
    )
    meetings = Interaction.objects.bulk_create(
        Interaction(workspace=riverton, occurred_at=ago(n), summary=f"Met {n}")
        for n in range(len(outsiders))
    )
    Interaction.participants.through.objects.bulk_create(
        Interaction.participants.through(interaction_id=meeting.pk, stakeholder_id=person.pk)
        for meeting, person in zip(meetings, outsiders, strict=True)
    )
    assert contacts.refresh_workspace(riverton) == 30
    assert [stored(tie) for tie in ties] == [ago(n) for n in range(30)]
    assert_nothing_stale(riverton)
