"""Merging two stakeholders moves their partnership records; restoring the merged one moves them
back."""

from __future__ import annotations

import datetime as dt

from cityweave.partnerships import activities, gaps
from cityweave.partnerships.models import Asset, Partner
from cityweave.partnerships.testing import make_partner, make_partnership
from cityweave.stakeholders.merging import merge_stakeholders, plan_merge
from cityweave.testing import make_stakeholder
from cityweave.workspaces.models import TrashEntry
from cityweave.workspaces.services import restore


def test_a_merge_moves_partners_assets_and_consultations_and_a_restore_moves_them_back(
    alice_member,
):
    riverton = alice_member.workspace
    bank = make_stakeholder(riverton, "First Bank")
    bank_again = make_stakeholder(riverton, "The First Bank")
    housing = make_partnership(alice_member, "Housing", consulted=[bank_again])
    jobs = make_partnership(alice_member, "Jobs", consulted=[bank, bank_again])
    moved = make_partner(alice_member, housing, bank_again, "funder", responsibility="Loans")
    # Both are partners of Jobs: the kept one's row stays, the merged one's goes with it.
    kept_row = make_partner(alice_member, jobs, bank, "advisor")
    doubled = make_partner(alice_member, jobs, bank_again, "funder")
    forum = activities.save_activity(
        alice_member, jobs, {"name": "Forum", "held_on": dt.date(2026, 5, 1), "partners": [doubled]}
    )
    asset = gaps.save_asset(
        alice_member,
        housing,
        {"kind": "financial", "holder": bank_again, "description": "Loan fund", "amount": 5},
    )

    assert plan_merge(alice_member, bank, bank_again).summary()["partnerships"] == 2
    merge_stakeholders(alice_member, bank, bank_again)

    moved.refresh_from_db()
    assert (moved.stakeholder, moved.roles, moved.responsibility) == (bank, ["funder"], "Loans")
    assert Asset.objects.get(pk=asset.pk).holder == bank
    assert list(housing.consulted.all()) == [bank] and list(jobs.consulted.all()) == [bank]
    assert [
        p.pk for p in Partner.objects.filter(partnership=jobs, stakeholder__deleted_at=None)
    ] == [kept_row.pk]
    assert Partner.all_objects.get(pk=doubled.pk).stakeholder == bank_again
    # The kept row now stands for both: its roles and the activity the merged row was in.
    kept_row.refresh_from_db()
    assert kept_row.roles == ["advisor", "funder"]
    assert list(forum.partners.all()) == [kept_row]

    restore(alice_member, TrashEntry.objects.get(workspace=riverton).pk)

    moved.refresh_from_db()
    assert moved.stakeholder == bank_again
    assert Asset.objects.get(pk=asset.pk).holder == bank_again
    assert list(housing.consulted.all()) == [bank_again]
    assert set(jobs.consulted.all()) == {bank, bank_again}
    kept_row.refresh_from_db()
    assert kept_row.roles == ["advisor"]
    assert list(forum.partners.all()) == [doubled]
    assert set(Partner.objects.filter(partnership=jobs).values_list("stakeholder", flat=True)) == {
        bank.pk,
        bank_again.pk,
    }
