"""The next best relationship and the diversity check (Alice owns Riverton)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from cityweave.partnerships.models import Need, Partnership
from cityweave.strategy import next_best as nb
from cityweave.testing import make_goal, make_stakeholder, make_tie

pytestmark = pytest.mark.django_db


def test_the_blau_index_by_hand():
    check = nb.sector_diversity(
        ["business", "business", "media"], ["business", "media", "philanthropy"]
    )
    assert check.blau == pytest.approx(1 - (2 / 3) ** 2 - (1 / 3) ** 2)  # 0.444…
    assert check.counts == {"business": 2, "media": 1}
    assert check.present == ["business", "media"]
    assert check.missing == ["philanthropy"]
    assert nb.sector_diversity(["media"] * 3, ["media"]).blau == 0
    empty = nb.sector_diversity([], ["media"])
    assert (empty.blau, empty.missing) == (None, ["media"])


@pytest.fixture
def alices_network(alice_member, riverton):
    """Alice knows two business people, Bill (trust 4) and Bea (trust 2)."""
    city = make_stakeholder(riverton, "City Hall", sector="local-government", is_internal=True)
    bill = make_stakeholder(riverton, "Bill", sector="business")
    bea = make_stakeholder(riverton, "Bea", sector="business")
    make_tie(city, bill, owner=alice_member, trust=4)
    make_tie(city, bea, owner=alice_member, trust=2)
    return city, bill, bea


def test_goals_and_missing_sectors_come_first(alice_member, riverton, alices_network):
    city, bill, bea = alices_network
    nina = make_stakeholder(riverton, "Nina", sector="nonprofit")
    phil = make_stakeholder(riverton, "Phil", sector="philanthropy")
    make_stakeholder(riverton, "Bo", sector="business")  # adds nothing Alice lacks
    make_goal(riverton, statement="Open a youth hub").stakeholders.set([nina])
    served = make_goal(riverton, statement="Grow the chamber")
    served.stakeholders.set([bill])  # Bill serves it already
    make_tie(bill, phil, trust=4)

    found = nb.next_best(alice_member)

    # Nina: 1 goal (scaled 1) + a 2nd sector and Blau 0 → 4/9 (scaled 1) = 2; Phil: the same
    # diversity gain = 1.
    assert [c.name for c in found.candidates] == ["Nina", "Phil"]
    nina_row, phil_row = found.candidates
    assert nina_row.score == pytest.approx(2)
    assert nina_row.goals == ("Open a youth hub",)
    assert nina_row.diversity_gain == pytest.approx(1 + 4 / 9)
    assert (nina_row.blau_before, nina_row.blau_after) == (0, pytest.approx(4 / 9))
    assert nina_row.missing_sector
    assert nina_row.introduction is None
    assert nina_row.reason == (
        "Nina is a stakeholder of 1 open goal nobody you know serves (“Open a youth hub”) and "
        "adds a 2nd sector to your network (Nonprofit)."
    )
    assert phil_row.introduction is not None
    assert phil_row.introduction.broker.name == "Bill"
    assert found.diversity.blau == 0
    assert found.diversity.counts == {"business": 2}
    assert "philanthropy" in found.diversity.missing
    assert found.considered == 3 and found.known == 2

    # Without the goals' weight they tie; Phil, whom Bill can introduce, goes first.
    again = nb.next_best(alice_member, weights={"goals": 0})
    assert [c.name for c in again.candidates] == ["Phil", "Nina"]


def test_needs_and_bridges_count(alice_member, riverton, alices_network):
    city, bill, bea = alices_network
    hub = make_stakeholder(riverton, "Hub", sector="business", offers=["funding", "data"])
    make_tie(hub, make_stakeholder(riverton, "Radio", sector="media"))
    make_tie(hub, make_stakeholder(riverton, "Parish", sector="faith-based"))
    partnership = Partnership.objects.create(workspace=riverton, name="Youth jobs")
    Need.objects.create(
        workspace=riverton, partnership=partnership, value_type="funding", description="Grants"
    )
    found = nb.next_best(alice_member)
    hub_row = next(c for c in found.candidates if c.name == "Hub")
    assert hub_row.needs == ("Funding",)
    assert hub_row.bridges == ("Faith-based", "Media")
    assert found.grouping == "sectors"
    assert "has ties into 2 sectors your network does not reach" in hub_row.reason


def test_a_goal_already_served_counts_the_rise_of_its_coverage(
    alice_member, riverton, alices_network
):
    city, bill, bea = alices_network
    dan = make_stakeholder(riverton, "Dan", sector="business")
    eve = make_stakeholder(riverton, "Eve", sector="business")
    make_goal(riverton, statement="Grow the chamber").stakeholders.set([bill, dan, eve])
    found = nb.next_best(alice_member, weights={"diversity": 0})
    assert [(c.name, c.uncovered_goals) for c in found.candidates] == [("Dan", 0), ("Eve", 0)]
    assert found.candidates[0].goal_gain == pytest.approx(1 / 3)
    assert found.candidates[0].reason == "Dan is a stakeholder of 1 open goal (“Grow the chamber”)."


def test_bridges_are_the_stored_analysiss_holes_nobody_known_spans(
    alice_member, riverton, alices_network
):
    from django.utils import timezone

    from cityweave.network.models import NetworkSnapshot

    city, bill, bea = alices_network
    hub = make_stakeholder(riverton, "Hub", sector="business")
    spanned = make_stakeholder(riverton, "Spanned", sector="business")
    NetworkSnapshot.objects.create(
        workspace=riverton,
        version="x",
        computed_at=timezone.now(),
        result={
            "network": {"community_names": ["Harbor", "Uptown", "Old town"]},
            "nodes": [],
            "structural_holes": {
                "between_communities": [
                    {"groups": ["1", "2"], "bridges": [{"id": hub.pk}]},
                    {"groups": ["2", "3"], "bridges": [{"id": spanned.pk}, {"id": bill.pk}]},
                ],
                "between_groups": [{"groups": ["media", "resident"], "bridges": [{"id": hub.pk}]}],
            },
        },
    )
    found = nb.next_best(alice_member)
    assert found.grouping == "holes"
    (row,) = found.candidates
    assert row.name == "Hub"
    assert row.bridges == ("Harbor – Uptown", "Media – Resident")
    assert "could bridge 2 structural holes your network does not span" in row.reason


def test_weights_are_checked_and_named():
    assert nb.weights_from({}) == {"goals": 1.0, "diversity": 1.0, "bridging": 1.0}
    assert nb.weights_from({"w_goals": "2.5"})["goals"] == 2.5
    for bad in ("-1", "11", "nan", "lots"):
        with pytest.raises(ValidationError) as caught:
            nb.weights_from({"w_bridging": bad})
        assert "w_bridging" in caught.value.message_dict


def test_the_list_reads_a_fixed_number_of_queries(
    alice_member, riverton, alices_network, django_assert_num_queries
):
    city, bill, bea = alices_network
    for n in range(5):
        person = make_stakeholder(riverton, f"Person {n}", sector="media")
        make_tie(bill, person, trust=3)
    # The graph's 3, open goals, open needs, the stored analysis, loads, organisations.
    with django_assert_num_queries(8):
        found = nb.next_best(alice_member)
    assert len(found.candidates) == 5
