"""What pages derive from a whole workspace, kept between requests: the data version moves after
every committed change, the thread that changed something sees it at once, and the minute bounds
how long a result serves."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from cityweave.accounts.models import User
from cityweave.goals.models import GoalProgress
from cityweave.network.models import NetworkSnapshot
from cityweave.testing import (
    PASSWORD,
    make_goal,
    make_interaction,
    make_member,
    make_stakeholder,
    make_tie,
    make_workspace,
)
from cityweave.workspaces import derived
from cityweave.workspaces.models import DataVersion, Workspace
from cityweave.workspaces.services import move_to_trash, restore

NOW = dt.datetime(2026, 3, 2, 10, 15, 20, tzinfo=dt.UTC)


def committed(workspace: Workspace) -> int:
    return (
        DataVersion.objects.filter(workspace=workspace).values_list("version", flat=True).first()
        or 0
    )


@pytest.fixture(autouse=True)
def forget():
    derived.MEMO.clear()
    derived._uncommitted().clear()
    yield
    derived._uncommitted().clear()


@pytest.mark.django_db(transaction=True)
def test_the_version_moves_with_each_committed_transaction_and_never_for_a_rolled_back_one():
    workspace = make_workspace()
    assert committed(workspace) == 0
    with transaction.atomic():
        for n in range(5):
            make_stakeholder(workspace, f"Partner {n}")
    moved = committed(workspace)
    assert moved >= 1
    if connection.vendor == "postgresql":
        assert moved == 1  # once, after the commit
    assert derived.data_version(workspace) == (moved, 0)

    with pytest.raises(RuntimeError), transaction.atomic():
        make_stakeholder(workspace, "Never saved")
        raise RuntimeError
    assert committed(workspace) == moved
    make_stakeholder(workspace, "Saved outside a transaction")
    assert committed(workspace) > moved


@pytest.mark.django_db(transaction=True)
def test_a_kept_result_serves_until_a_committed_change_or_the_next_minute():
    workspace, other = make_workspace("Riverton"), make_workspace("Lakeside")
    builds: list[str] = []

    def build(label: str) -> str:
        builds.append(label)
        return label

    assert derived.derived(workspace, "x", NOW, lambda: build("first")) == "first"
    assert (
        derived.derived(workspace, "x", NOW + dt.timedelta(seconds=30), lambda: build("no"))
        == "first"
    )
    assert derived.derived(other, "x", NOW, lambda: build("other")) == "other"
    assert derived.derived(workspace, "y", NOW, lambda: build("y")) == "y"

    make_stakeholder(workspace, "A new partner")
    assert (
        derived.derived(workspace, "x", NOW, lambda: build("after the change"))
        == "after the change"
    )
    assert derived.derived(other, "x", NOW, lambda: build("no")) == "other"

    later = NOW + dt.timedelta(seconds=40)  # 10:16:00, the next minute
    assert derived.derived(workspace, "x", later, lambda: build("next minute")) == "next minute"
    assert builds == ["first", "other", "y", "after the change", "next minute"]


@pytest.mark.django_db
def test_the_thread_that_changed_something_sees_it_before_the_commit(riverton):
    before = derived.data_version(riverton)
    kept = derived.derived(riverton, "names", NOW, lambda: ["before"])
    make_stakeholder(riverton, "Riverton Arts Council")
    assert derived.data_version(riverton) != before
    assert derived.derived(riverton, "names", NOW, lambda: ["after"]) == ["after"]
    assert kept == ["before"]


@pytest.mark.django_db
def test_every_kind_of_change_moves_the_version(riverton, alice, alice_member):
    city = make_stakeholder(riverton, "City of Riverton", is_internal=True)
    bank = make_stakeholder(riverton, "Riverton Savings Bank")
    tie = make_tie(city, bank)
    interaction = make_interaction(riverton, [city])
    goal = make_goal(riverton)

    def moves(change) -> bool:
        before = derived.data_version(riverton)
        change()
        return derived.data_version(riverton) != before

    assert moves(lambda: bank.save())
    assert moves(lambda: interaction.participants.add(bank))  # many-to-many
    assert moves(lambda: bank.interactions.remove(interaction))  # from the other side
    assert moves(lambda: GoalProgress.objects.create(goal=goal, recorded_on=NOW.date(), value=3))
    assert moves(lambda: move_to_trash(alice_member, tie))  # bulk update, announced
    entry = riverton.trash_entries.get()
    assert moves(lambda: restore(alice_member, entry.pk))
    assert moves(lambda: User.objects.get(pk=alice.pk).save())  # a member's name shows
    # What changes nothing that pages derive from the records: logging in, the stored analysis.
    assert not moves(lambda: alice.save(update_fields=["last_login"]))
    assert not moves(lambda: NetworkSnapshot.objects.get_or_create(workspace=riverton))
    # Another workspace's change is not this one's.
    lakeside = make_workspace("Lakeside")
    assert not moves(lambda: make_stakeholder(lakeside, "Lakeside Bank"))


@pytest.mark.django_db(transaction=True)
def test_the_dashboard_shows_a_logged_interaction_at_once_though_its_health_is_kept(client):
    workspace = make_workspace("Riverton")
    user = User.objects.create_user(email="officer@riverton.example", password=PASSWORD)
    make_member(workspace, user)
    city = make_stakeholder(workspace, "City of Riverton", is_internal=True)
    bank = make_stakeholder(workspace, "Riverton Savings Bank", influence=3)
    make_tie(
        city, bank, cadence_days=30, started_on=(timezone.now() - dt.timedelta(days=90)).date()
    )
    client.force_login(user)
    zone = zoneinfo.ZoneInfo(workspace.timezone)
    url = reverse("dashboard", args=[workspace.slug])

    assert client.get(url).context["cold_count"] == 1
    assert client.get(url).context["cold_count"] == 1  # kept: served again
    response = client.post(
        reverse("interactions:new", args=[workspace.slug]),
        {
            "occurred_at": f"{timezone.localtime(timezone=zone) - dt.timedelta(hours=1):%Y-%m-%dT%H:%M}",
            "kind": "meeting",
            "summary": "Coffee with the bank",
            "participants": [bank.pk],
        },
    )
    assert response.status_code == 302, response.content
    assert committed(workspace) >= 1
    page = client.get(url).context
    assert (page["cold_count"], page["cooling_count"]) == (0, 0)


@pytest.mark.django_db
def test_a_counter_that_cannot_move_after_the_commit_never_fails_the_request(riverton, monkeypatch):
    """The change is committed already; a busy database only leaves the counter behind, and this
    process drops what it kept for the workspace."""
    from django.db import OperationalError

    derived.MEMO.put(("derived", "x", riverton.pk, riverton.created_at, 0, 0, NOW), "kept")
    derived.MEMO.put(("derived", "x", riverton.pk + 1, riverton.created_at, 0, 0, NOW), "other")
    derived._uncommitted()[riverton.pk] = 1

    def busy(workspace_id: int) -> None:
        raise OperationalError("database is locked")

    monkeypatch.setattr(derived, "_move", busy)
    derived._advance(riverton.pk)  # no exception
    assert derived.MEMO.find(("derived", "x", riverton.pk, riverton.created_at, 0, 0, NOW)) is None
    assert (
        derived.MEMO.find(("derived", "x", riverton.pk + 1, riverton.created_at, 0, 0, NOW))
        == "other"
    )
