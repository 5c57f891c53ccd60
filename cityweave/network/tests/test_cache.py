"""The network analysis is cached per workspace and recomputed only after the network changes."""

from __future__ import annotations

from unittest import mock

import pytest

from cityweave.analytics import analyze
from cityweave.engagement.services import trash_stakeholder
from cityweave.network import services
from cityweave.network.models import NetworkSnapshot
from cityweave.stakeholders import services as stakeholder_services
from cityweave.stakeholders.models import Stakeholder, Tie
from cityweave.testing import make_stakeholder, make_tie
from cityweave.workspaces import services as workspace_services
from cityweave.workspaces.models import TrashEntry


@pytest.fixture
def counted_analyze():
    """`analyze` as the service calls it, counting calls."""
    with mock.patch.object(services, "analyze", wraps=analyze) as spy:
        yield spy


@pytest.fixture
def pair(riverton):
    first = make_stakeholder(riverton, "First", sector="business")
    second = make_stakeholder(riverton, "Second", sector="nonprofit")
    return first, second, make_tie(first, second)


def test_a_second_report_does_not_recompute(alice_member, pair, counted_analyze):
    first_report = services.network_report(alice_member)
    second_report = services.network_report(alice_member)

    assert counted_analyze.call_count == 1
    assert second_report == first_report
    assert NetworkSnapshot.objects.count() == 1


def test_viewers_share_the_workspace_snapshot(alice_member, bob_member, pair, counted_analyze):
    services.network_report(alice_member)
    services.network_report(bob_member)

    assert counted_analyze.call_count == 1


def test_a_current_snapshot_costs_a_few_queries(
    alice_member, pair, counted_analyze, django_assert_max_num_queries
):
    services.network_report(alice_member)

    with django_assert_max_num_queries(5):
        services.network_report(alice_member)


def test_editing_a_stakeholder_recomputes(alice_member, pair, counted_analyze):
    first, _, _ = pair
    services.network_report(alice_member)

    stakeholder_services.save_stakeholder(alice_member, {"name": "First Bank"}, first)
    report = services.network_report(alice_member)

    assert counted_analyze.call_count == 2
    assert "First Bank" in {node["label"] for node in report["nodes"]}


def test_adding_a_stakeholder_recomputes(alice_member, riverton, pair, counted_analyze):
    services.network_report(alice_member)

    make_stakeholder(riverton, "Newcomer")
    services.network_report(alice_member)

    assert counted_analyze.call_count == 2


def test_editing_a_tie_recomputes(alice_member, pair, counted_analyze):
    _, _, tie = pair
    services.network_report(alice_member)

    tie.trust = 4
    tie.save()
    services.network_report(alice_member)

    assert counted_analyze.call_count == 2


def test_trashing_and_restoring_a_stakeholder_recomputes_each_time(
    alice_member, pair, counted_analyze
):
    first, _, _ = pair
    assert services.network_report(alice_member)["network"]["ties"] == 1

    entry = trash_stakeholder(alice_member, first)
    after_trash = services.network_report(alice_member)
    workspace_services.restore(alice_member, entry.pk)
    after_restore = services.network_report(alice_member)

    assert counted_analyze.call_count == 3
    assert after_trash["network"]["nodes"] == 1
    assert after_trash["network"]["ties"] == 0
    assert after_restore["network"]["nodes"] == 2
    assert after_restore["network"]["ties"] == 1


def test_trashing_a_tie_alone_recomputes(alice_member, pair, counted_analyze):
    _, _, tie = pair
    services.network_report(alice_member)

    stakeholder_services.trash_tie(alice_member, tie)
    report = services.network_report(alice_member)

    assert counted_analyze.call_count == 2
    assert report["network"]["ties"] == 0


def test_purging_the_trash_recomputes(alice_member, riverton, pair, counted_analyze):
    extra = make_stakeholder(riverton, "Extra")
    entry = trash_stakeholder(alice_member, extra)
    services.network_report(alice_member)

    workspace_services.purge(alice_member, entry.pk)
    services.network_report(alice_member)

    assert counted_analyze.call_count == 2
    assert not Stakeholder.all_objects.filter(pk=extra.pk).exists()
    assert not TrashEntry.objects.exists()


def test_ending_a_tie_recomputes_without_it(alice_member, pair, counted_analyze):
    _, _, tie = pair
    services.network_report(alice_member)

    tie.status = Tie.Status.ENDED
    tie.save(update_fields=["status", "updated_at"])
    report = services.network_report(alice_member)

    assert counted_analyze.call_count == 2
    assert report["network"]["ties"] == 0


def test_another_workspace_changing_does_not_recompute(
    alice_member, lakeside, pair, counted_analyze
):
    services.network_report(alice_member)

    make_stakeholder(lakeside, "Lakeside partner")
    services.network_report(alice_member)

    assert counted_analyze.call_count == 1


def test_a_stale_snapshot_is_replaced_not_duplicated(alice_member, riverton, pair):
    services.network_report(alice_member)
    make_stakeholder(riverton, "Newcomer")

    report = services.network_report(alice_member)

    snapshot = NetworkSnapshot.objects.get()
    assert snapshot.version == report["version"]
    assert len(snapshot.result["nodes"]) == 3
