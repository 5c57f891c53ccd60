"""Assets, needs and the asset and gap map: coverage by value type with hand-made data, and the
suggestions for a gap against an order computed by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from cityweave.network.models import RECORDED, NetworkSnapshot
from cityweave.partnerships import gaps
from cityweave.partnerships.models import Asset, Need
from cityweave.partnerships.testing import make_partner, make_partnership
from cityweave.stakeholders.models import Tie
from cityweave.surveys.testing import make_respondent, make_response, make_survey, make_wave
from cityweave.testing import make_interaction, make_member, make_stakeholder, make_tie
from cityweave.workspaces.services import move_to_trash, restore


@pytest.fixture
def partnership(alice_member):
    return make_partnership(alice_member)


@pytest.fixture
def city(alice_member):
    return make_stakeholder(alice_member.workspace, "City Hall", is_internal=True)


def asset(member, partnership, holder, kind, amount=None, unit="money", **fields):
    data = {"kind": kind, "holder": holder.pk, "description": f"{kind} asset", **fields}
    if amount is not None:
        data.update(amount=amount, amount_unit=unit)
    return gaps.save_asset(member, partnership, data)


def need(member, partnership, value_type, amount=None, unit="money"):
    data = {"value_type": value_type, "description": f"{value_type} need"}
    if amount is not None:
        data.update(amount=amount, amount_unit=unit)
    return gaps.save_need(member, partnership, data)


# == Assets and needs =============================================================================


def test_an_assets_value_type_defaults_from_its_kind_and_can_be_changed(
    alice_member, partnership, city
):
    land = asset(alice_member, partnership, city, "land", 250_000)
    assert land.value_type == "land"
    staff = asset(alice_member, partnership, city, "staff", 40, "hours", value_type="volunteers")
    assert staff.value_type == "volunteers"
    moved = gaps.save_asset(alice_member, partnership, {"kind": "data"}, land)
    assert moved.value_type == "data"  # a new kind without a type takes the kind's default
    kept = gaps.save_asset(alice_member, partnership, {"description": "Lot 7"}, staff)
    assert kept.value_type == "volunteers"


def test_every_bad_asset_field_is_named_and_nothing_is_written(alice_member, partnership, lakeside):
    elsewhere = make_stakeholder(lakeside, "Elsewhere")
    with pytest.raises(ValidationError) as raised:
        gaps.save_asset(
            alice_member,
            partnership,
            {
                "kind": "castle",
                "holder": elsewhere.pk,
                "description": "",
                "amount": "-5",
                "amount_unit": "gold",
            },
        )
    assert {"kind", "holder", "description", "amount", "amount_unit"} <= set(
        raised.value.message_dict
    )
    with pytest.raises(ValidationError) as raised:
        gaps.save_asset(
            alice_member,
            partnership,
            {"kind": "land", "holder": 0, "description": "x", "amount": "lots"},
        )
    assert {"holder", "amount"} <= set(raised.value.message_dict)
    assert not Asset.all_objects.exists()


def test_a_need_names_its_bad_fields(alice_member, partnership):
    with pytest.raises(ValidationError) as raised:
        gaps.save_need(
            alice_member,
            partnership,
            {"value_type": "gold", "description": "", "amount": 0, "amount_unit": "money"},
        )
    assert {"value_type", "description", "amount"} <= set(raised.value.message_dict)
    assert not Need.all_objects.exists()


def test_viewers_cannot_write_and_other_workspaces_are_not_found(
    alice_member, bob_member, partnership, city, lakeside
):
    land = asset(alice_member, partnership, city, "land")
    gap = need(alice_member, partnership, "funding", 100)
    with pytest.raises(PermissionDenied):
        gaps.save_asset(bob_member, partnership, {"description": "Mine"}, land)
    with pytest.raises(PermissionDenied):
        gaps.trash_need(bob_member, gap)
    assert gaps.get_asset(bob_member, partnership, land.pk) == land
    carol = make_member(lakeside)
    with pytest.raises(Http404):
        gaps.get_asset(carol, partnership, land.pk)
    with pytest.raises(Http404):
        gaps.get_need(carol, partnership, gap.pk)
    with pytest.raises(Http404):
        gaps.gap_map(carol, partnership)
    other = make_partnership(alice_member, "Other")
    with pytest.raises(Http404):
        gaps.get_asset(alice_member, other, land.pk)
    with pytest.raises(Http404):
        gaps.save_need(alice_member, other, {"description": "Moved"}, gap)


def test_assets_and_needs_go_to_the_trash_and_come_back(alice_member, partnership, city):
    land = asset(alice_member, partnership, city, "land")
    entry = gaps.trash_asset(alice_member, land)
    assert not gaps.assets(partnership).exists()
    restore(alice_member, entry.pk)
    assert list(gaps.assets(partnership)) == [land]


# == Coverage =====================================================================================


def test_the_map_sets_what_is_needed_against_what_is_offered(alice_member, partnership, city):
    bank = make_stakeholder(alice_member.workspace, "First Riverton Bank")
    make_partner(alice_member, partnership, bank, "funder")
    need(alice_member, partnership, "funding", 10_000)  # nothing offered
    need(alice_member, partnership, "data", 100, "hours")
    asset(alice_member, partnership, city, "data", 40, "hours")  # 60 hours short
    need(alice_member, partnership, "facilities")  # no amount: met by any asset of its type
    asset(alice_member, partnership, city, "infrastructure")
    need(alice_member, partnership, "expertise", 30, "hours")
    need(alice_member, partnership, "expertise", 20, "hours")
    asset(alice_member, partnership, bank, "expertise", 60, "hours")
    need(alice_member, partnership, "paid-staff", 500)  # offered in hours, needed in money
    asset(alice_member, partnership, city, "staff", 80, "hours")
    asset(alice_member, partnership, city, "land", 1_000_000)  # offered, not needed

    found = gaps.gap_map(alice_member, partnership, suggest=False)

    rows = {row.value_type: row for row in found.rows}
    assert [row.status for row in found.rows] == [
        "uncovered",
        "partly",
        "partly",
        "covered",
        "covered",
    ]
    assert rows["funding"].status == gaps.UNCOVERED
    assert rows["funding"].shortfall == {"money": Decimal(10_000)}
    assert rows["data"].status == gaps.PARTLY
    assert rows["data"].needed == {"hours": Decimal(100)}
    assert rows["data"].offered == {"hours": Decimal(40)}
    assert rows["data"].shortfall == {"hours": Decimal(60)}
    assert rows["paid-staff"].status == gaps.PARTLY
    assert rows["paid-staff"].shortfall == {"money": Decimal(500)}
    assert rows["facilities"].status == gaps.COVERED
    assert rows["expertise"].status == gaps.COVERED
    assert rows["expertise"].needed == {"hours": Decimal(50)}
    assert [row.value_type for row in found.unneeded] == ["land"]
    assert found.counts == {"covered": 2, "partly": 2, "uncovered": 1}


def test_an_asset_whose_holder_is_in_the_trash_offers_nothing(alice_member, partnership):
    donor = make_stakeholder(alice_member.workspace, "Donor")
    need(alice_member, partnership, "funding", 100)
    asset(alice_member, partnership, donor, "financial", 500)
    assert gaps.gap_map(alice_member, partnership).rows[0].status == gaps.COVERED
    move_to_trash(alice_member, donor)
    assert gaps.gap_map(alice_member, partnership).rows[0].status == gaps.UNCOVERED


# == Suggestions ==================================================================================


def snapshot(workspace, positions):
    """A finished analysis storing (betweenness_normalized, degree) per stakeholder."""
    NetworkSnapshot.objects.update_or_create(
        workspace=workspace,
        view=RECORDED,
        defaults={
            "version": f"test-{len(positions)}-{timezone.now().timestamp()}",
            "computed_at": timezone.now(),
            "result": {
                "nodes": [
                    {"id": s.pk, "betweenness_normalized": b, "degree": d}
                    for s, (b, d) in positions.items()
                ]
            },
        },
    )


def rate(member, wave, rater, ratings):
    """`rater` rates each partner on the three trust items (a list of three values)."""
    respondent = make_respondent(wave, rater)
    make_response(
        wave,
        respondent,
        ties={
            partner: dict(zip(("reliability", "mission", "openness"), values, strict=True))
            for partner, values in ratings.items()
        },
    )


def test_suggestions_follow_the_hand_computed_order(alice_member, partnership, city, monkeypatch):
    riverton = alice_member.workspace
    monkeypatch.setattr(gaps, "SUGGESTIONS_PER_GAP", 10)

    def offering(name, *offers, **fields):
        return make_stakeholder(riverton, name, offers=list(offers) or ["funding"], **fields)

    bank = offering("Bank")  # a partner already: never suggested
    make_partner(alice_member, partnership, bank, "funder")
    need(alice_member, partnership, "funding", 10_000)
    a = offering("Anchor Foundation")  # survey trust 3.5
    b = offering("Bluebird Fund")  # tie trust 4 from the city, no survey
    g = offering("Grove Trust")  # survey 3.5 beats its tie of 4; higher betweenness than A
    c = offering("Cedar Co")  # no trust; betweenness 0.5, degree 4, no load
    d = offering("Delta Corp")  # as C, but a partner in another active partnership
    e = offering("Elm Giving")  # no trust; betweenness 0.2, degree 2
    e2 = offering("Aspen Giving")  # as E, but with two recent interactions (E2 sorts first by name)
    f = offering("Fir Fund")  # as E, but in a closed partnership only: no load
    offering("Data House", "data")  # offers another type
    gone = offering("Gone Fund")
    move_to_trash(alice_member, gone)
    rater = make_stakeholder(riverton, "Rater Org")
    wave = make_wave(make_survey(alice_member), roster=[a, g, rater])
    rate(alice_member, wave, rater, {a: [4, 3, None], g: [3, 4, 4]})
    # A: mean(4, 3) = 3.5; G: mean(3, 4, 4) = 3.666…: G above A on trust
    make_tie(city, b, trust=4)
    make_tie(city, g, trust=4)
    make_tie(city, a, trust=2)  # the survey wins for A
    make_tie(city, e, trust=4, status=Tie.Status.ENDED)  # ended: no trust from it
    other = make_partnership(alice_member, "Other")
    make_partner(alice_member, other, d, "implementer")
    closed = make_partnership(alice_member, "Closed one", status="closed")
    make_partner(alice_member, closed, f, "implementer")
    make_interaction(riverton, [e2])
    make_interaction(riverton, [e2])
    make_interaction(riverton, [e], when=timezone.now() - dt.timedelta(days=200))  # too old
    snapshot(
        riverton,
        {
            a: (0.1, 1),
            g: (0.3, 1),
            c: (0.5, 4),
            d: (0.5, 4),
            e: (0.2, 2),
            e2: (0.2, 2),
            f: (0.2, 2),
        },
    )

    row = gaps.gap_map(alice_member, partnership).rows[0]

    order = [s.stakeholder for s in row.suggestions]
    # Trust: B 4 (tie), G 3.67 (survey), A 3.5 (survey); then no trust by betweenness: C and D
    # (0.5, D busier), then E, E2, F (0.2, degree 2): E and F carry no load, F after E by name,
    # E2 has two interactions.
    assert order == [b, g, a, c, d, e, f, e2]
    by = {s.stakeholder: s for s in row.suggestions}
    assert (by[b].trust, by[b].trust_source) == (4.0, "tie")
    assert by[g].trust == pytest.approx(11 / 3) and by[g].trust_source == "survey"
    assert (by[a].trust, by[a].trust_source) == (3.5, "survey")
    assert by[e].trust is None
    assert (by[d].partnerships, by[f].partnerships, by[e2].interactions) == (1, 0, 2)
    assert by[c].betweenness == 0.5 and by[c].degree == 4


def test_at_most_five_suggestions_per_gap(alice_member, partnership):
    for n in range(7):
        make_stakeholder(alice_member.workspace, f"Fund {n}", offers=["funding"])
    need(alice_member, partnership, "funding")
    row = gaps.gap_map(alice_member, partnership).rows[0]
    assert [s.stakeholder.name for s in row.suggestions] == [f"Fund {n}" for n in range(5)]


def test_a_covered_need_gets_no_suggestions(alice_member, partnership, city):
    make_stakeholder(alice_member.workspace, "Fund", offers=["funding"])
    need(alice_member, partnership, "funding", 100)
    asset(alice_member, partnership, city, "financial", 100)
    assert gaps.gap_map(alice_member, partnership).rows[0].suggestions == []


def test_introducers_are_partners_and_the_citys_own_strongest_tie_first(
    alice_member, partnership, city
):
    riverton = alice_member.workspace
    bank = make_stakeholder(riverton, "Bank")
    make_partner(alice_member, partnership, bank, "funder")
    mayor = make_stakeholder(riverton, "Mayor's Office", is_internal=True)
    stranger = make_stakeholder(riverton, "Stranger")
    fund = make_stakeholder(riverton, "Fund", offers=["funding"])
    need(alice_member, partnership, "funding")
    make_tie(bank, fund, trust=3, value=4)
    make_tie(fund, city, trust=4, owner=alice_member)  # either direction counts
    make_tie(mayor, fund, trust=3, value=2)
    make_tie(stranger, fund, trust=4)  # neither a partner nor the city's
    ended = make_stakeholder(riverton, "Old Ally", is_internal=True)
    make_tie(ended, fund, trust=4, status=Tie.Status.ENDED)

    suggestion = gaps.gap_map(alice_member, partnership).rows[0].suggestions[0]

    assert [(i.stakeholder, i.via) for i in suggestion.introducers] == [
        (city, "city"),
        (bank, "partner"),
        (mayor, "city"),
    ]
    assert suggestion.introducers[0].owner == alice_member
