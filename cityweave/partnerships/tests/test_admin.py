"""The admin of partnerships and their parts: an owner sees and edits her workspace's rows only."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from cityweave.partnerships import benchmarks
from cityweave.partnerships.testing import make_partner, make_partnership
from cityweave.testing import make_stakeholder

pytestmark = pytest.mark.django_db


def test_an_owner_sees_her_partnerships_with_their_parts(alice_client, alice_member, carol):
    riverton = alice_member.workspace
    partnership = make_partnership(alice_member, "Safe Routes")
    partner = make_partner(alice_member, partnership, make_stakeholder(riverton, "PTA"), "funder")
    benchmark = benchmarks.save_benchmark(
        alice_member,
        partnership,
        {
            "statement": "Walkers",
            "metric": "m",
            "target": Decimal(5),
            "due_on": dt.date(2030, 1, 1),
        },
    )
    benchmarks.record_progress(alice_member, benchmark, "2")
    theirs = make_partnership(carol.memberships.get(), "Lakeside Greens")
    listing = alice_client.get("/admin/partnerships/partnership/").content.decode()
    assert "Safe Routes" in listing and "Lakeside Greens" not in listing
    page = alice_client.get(f"/admin/partnerships/partnership/{partnership.pk}/change/")
    assert page.status_code == 200 and "PTA" in page.content.decode()
    page = alice_client.get(f"/admin/partnerships/benchmark/{benchmark.pk}/change/")
    assert page.status_code == 200
    assert alice_client.get(f"/admin/partnerships/partner/{partner.pk}/change/").status_code == 200
    theirs_url = f"/admin/partnerships/partnership/{theirs.pk}/change/"
    assert alice_client.get(theirs_url).status_code == 404
