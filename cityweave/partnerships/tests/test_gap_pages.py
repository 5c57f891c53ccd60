"""The "Assets and needs" and "Risks" sections of the partnership page and their forms: what
they show, the forms naming bad fields, viewers reading without writing, other workspaces not
found, and the sections' queries fixed whatever the number of records."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cityweave.partnerships import gaps, risks
from cityweave.partnerships.models import Asset, Need, Risk
from cityweave.partnerships.testing import make_partner, make_partnership
from cityweave.testing import make_stakeholder, make_tie


@pytest.fixture
def partnership(alice_member):
    return make_partnership(alice_member)


@pytest.fixture
def city(riverton):
    return make_stakeholder(riverton, "City Hall", is_internal=True)


def url(name, partnership, *args):
    return reverse(f"partnerships:{name}", args=["riverton", partnership.pk, *args])


def test_the_page_shows_the_gap_map_suggestions_and_register(
    alice_client, alice_member, partnership, city
):
    bank = make_stakeholder(alice_member.workspace, "First Riverton Bank")
    make_partner(alice_member, partnership, bank, "funder")
    fund = make_stakeholder(alice_member.workspace, "Riverton Community Fund", offers=["funding"])
    make_tie(bank, fund, trust=3)
    gaps.save_need(
        alice_member, partnership, {"value_type": "funding", "description": "Seed", "amount": 9000}
    )
    gaps.save_need(
        alice_member,
        partnership,
        {"value_type": "data", "description": "Counts", "amount": 10, "amount_unit": "hours"},
    )
    gaps.save_asset(
        alice_member,
        partnership,
        {
            "kind": "data",
            "holder": city.pk,
            "description": "Open data",
            "amount": 4,
            "amount_unit": "hours",
        },
    )
    risks.save_risk(alice_member, partnership, {"title": "Turnover", "likelihood": 2, "impact": 2})
    risks.save_risk(
        alice_member, partnership, {"title": "Budget cut", "likelihood": 4, "impact": 5}
    )

    page = alice_client.get(partnership.get_absolute_url()).content.decode()

    assert "The asset and gap map" in page
    assert "Uncovered" in page and "Partly covered" in page and "Short by 6 hours" in page
    assert "Riverton Community Fund" in page and "Could be introduced by" in page
    assert "Ranked by trust first" in page
    assert page.index("Budget cut") < page.index("Turnover")
    assert "Heat grid" in page
    assert url("asset-new", partnership) in page and url("risk-new", partnership) in page


def test_an_editor_adds_and_edits_an_asset_its_type_from_its_kind(alice_client, partnership, city):
    answer = alice_client.post(
        url("asset-new", partnership),
        {
            "description": "Old depot",
            "kind": "infrastructure",
            "value_type": "",
            "holder": city.pk,
            "amount_unit": "money",
        },
    )
    assert answer.status_code == 302 and answer["Location"].endswith("#assets")
    asset = Asset.objects.get()
    assert asset.value_type == "facilities"
    answer = alice_client.post(
        url("asset-edit", partnership, asset.pk),
        {
            "description": "Old depot",
            "kind": "infrastructure",
            "value_type": "in-kind",
            "holder": city.pk,
            "amount": "1500",
            "amount_unit": "hours",
        },
    )
    assert answer.status_code == 302
    asset.refresh_from_db()
    assert (asset.value_type, asset.amount, asset.amount_unit) == ("in-kind", 1500, "hours")


def test_the_forms_name_the_bad_fields_and_write_nothing(alice_client, partnership, lakeside):
    elsewhere = make_stakeholder(lakeside, "Elsewhere")
    answer = alice_client.post(
        url("asset-new", partnership),
        {
            "description": "",
            "kind": "land",
            "holder": elsewhere.pk,
            "amount": "-1",
            "amount_unit": "money",
        },
    )
    assert answer.status_code == 422
    assert set(answer.context["form"].errors) == {"description", "holder", "amount"}
    answer = alice_client.post(
        url("need-new", partnership),
        {"description": "Seed", "value_type": "funding", "amount": "0", "amount_unit": "money"},
    )
    assert answer.status_code == 422 and "amount" in answer.context["form"].errors
    answer = alice_client.post(
        url("risk-new", partnership),
        {
            "title": "Turnover",
            "category": "capacity",
            "likelihood": "9",
            "impact": "2",
            "status": "open",
        },
    )
    assert answer.status_code == 422 and "likelihood" in answer.context["form"].errors
    assert not (
        Asset.all_objects.exists() or Need.all_objects.exists() or Risk.all_objects.exists()
    )


def test_a_risk_is_added_edited_and_trashed(alice_client, alice_member, partnership):
    answer = alice_client.post(
        url("risk-new", partnership),
        {
            "title": "Turnover",
            "category": "capacity",
            "likelihood": "3",
            "impact": "4",
            "status": "open",
            "owner": alice_member.pk,
        },
    )
    assert answer.status_code == 302 and answer["Location"].endswith("#risks")
    risk = Risk.objects.get()
    assert (risk.score, risk.owner) == (12, alice_member)
    assert alice_client.get(url("risk-edit", partnership, risk.pk)).status_code == 200
    assert alice_client.get(url("risk-delete", partnership, risk.pk)).status_code == 200
    answer = alice_client.post(url("risk-delete", partnership, risk.pk))
    assert answer.status_code == 302 and answer["Location"].endswith("#risks")
    assert Risk.all_objects.get().in_trash


def test_a_viewer_reads_without_edit_links_and_cannot_write(
    bob_client, alice_member, partnership, city
):
    asset = gaps.save_asset(
        alice_member, partnership, {"kind": "land", "holder": city.pk, "description": "Lot 7"}
    )
    page = bob_client.get(partnership.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert "Lot 7" in html
    assert url("asset-new", partnership) not in html
    assert url("asset-edit", partnership, asset.pk) not in html
    assert bob_client.get(url("asset-new", partnership)).status_code == 403
    assert bob_client.post(url("asset-delete", partnership, asset.pk)).status_code == 403
    assert bob_client.post(url("risk-new", partnership), {"title": "x"}).status_code == 403
    assert not Asset.objects.get().in_trash


def test_another_workspace_and_another_partnership_are_not_found(
    carol_client, alice_client, alice_member, partnership, city
):
    asset = gaps.save_asset(
        alice_member, partnership, {"kind": "land", "holder": city.pk, "description": "Lot 7"}
    )
    theirs = reverse("partnerships:asset-edit", args=["lakeside", partnership.pk, asset.pk])
    assert carol_client.get(theirs).status_code == 404
    assert carol_client.get(url("asset-edit", partnership, asset.pk)).status_code == 404
    other = make_partnership(alice_member, "Other")
    assert alice_client.get(url("asset-edit", other, asset.pk)).status_code == 404
    assert alice_client.post(url("asset-delete", other, asset.pk)).status_code == 404


def fill(member, partnership, city, n):
    for i in range(n):
        fund = make_stakeholder(member.workspace, f"Fund {i}", offers=["funding", "data"])
        partner = make_stakeholder(member.workspace, f"Partner {i}")
        make_partner(member, partnership, partner, "advisor")
        make_tie(partner, fund, trust=(i % 4) + 1, owner=member)
        make_tie(city, fund, trust=2)
        gaps.save_need(
            member, partnership, {"value_type": "funding", "description": f"N{i}", "amount": 100}
        )
        gaps.save_need(member, partnership, {"value_type": "data", "description": f"D{i}"})
        gaps.save_asset(
            member,
            partnership,
            {"kind": "financial", "holder": partner.pk, "description": f"A{i}", "amount": 10},
        )
        risks.save_risk(
            member,
            partnership,
            {"title": f"R{i}", "likelihood": i % 5 + 1, "impact": 2, "owner": member.pk},
        )


def test_the_page_costs_the_same_with_more_records(alice_client, alice_member, city):
    small = make_partnership(alice_member, "Small")
    large = make_partnership(alice_member, "Large")
    fill(alice_member, small, city, 1)
    fill(alice_member, large, city, 6)
    alice_client.get(small.get_absolute_url())  # warm process caches

    def queries(partnership):
        with CaptureQueriesContext(connection) as captured:
            assert alice_client.get(partnership.get_absolute_url()).status_code == 200
        return len(captured)

    assert queries(small) == queries(large)
