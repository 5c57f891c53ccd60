"""A partnership's own network: hand-made partners and ties with a hand-computed Blau index,
missing sectors, holes and bridges, and Burt's measures against networkx as the oracle."""

from __future__ import annotations

import networkx as nx
import pytest
from django.http import Http404

from cityweave.partnerships.network import partnership_network
from cityweave.partnerships.testing import make_partner, make_partnership
from cityweave.stakeholders.models import BUILT_IN_SECTORS, Tie
from cityweave.testing import make_member, make_stakeholder, make_tie
from cityweave.workspaces.services import move_to_trash


@pytest.fixture
def web(alice_member):
    """build_web's partnership and stakeholders."""
    return build_web(alice_member)


def build_web(alice_member):
    """Five partners in four sectors and three stakeholders around them:

    City Hall (local government), Riverton Foundation (philanthropy), Harbor Bank (business),
    Eastside and Westside Alliance (nonprofits). Ties among partners (trust): City–Foundation 4,
    City–Bank 3, Foundation–Bank unrated (2), City–Eastside 1, Eastside–Westside 4; Bank–
    Westside has ended. Around them: the Library (education) tied to the Bank 4, Eastside 3
    and Westside 2; the Gazette tied to the Bank only; a stakeholder in the trash tied to all."""
    ws = alice_member.workspace
    names = {
        "city": ("City Hall", "local-government"),
        "foundation": ("Riverton Foundation", "philanthropy"),
        "bank": ("Harbor Bank", "business"),
        "east": ("Eastside Alliance", "nonprofit"),
        "west": ("Westside Alliance", "nonprofit"),
        "library": ("Riverton Library", "education"),
        "gazette": ("Riverton Gazette", "media"),
        "gone": ("Gone Ltd", "business"),
    }
    s = {key: make_stakeholder(ws, name, sector=sector) for key, (name, sector) in names.items()}
    partnership = make_partnership(alice_member)
    for key in ("city", "foundation", "bank", "east", "west"):
        make_partner(alice_member, partnership, s[key], "implementer")
    make_tie(s["city"], s["foundation"], trust=4)
    make_tie(s["city"], s["bank"], trust=3)
    make_tie(s["foundation"], s["bank"])
    make_tie(s["city"], s["east"], trust=1)
    make_tie(s["east"], s["west"], trust=4)
    make_tie(s["bank"], s["west"], trust=4, status=Tie.Status.ENDED)
    make_tie(s["library"], s["bank"], trust=4)
    make_tie(s["library"], s["east"], trust=3)
    make_tie(s["west"], s["library"], trust=2)
    make_tie(s["gazette"], s["bank"], trust=4)
    for key in ("city", "foundation", "bank", "east", "west"):
        make_tie(s["gone"], s[key], trust=4)
    move_to_trash(alice_member, s["gone"])
    return partnership, s


def test_it_counts_the_partners_ties_and_the_pairs_without_one(alice_member, web):
    partnership, _ = web
    found = partnership_network(alice_member, partnership)
    # Five partners: 10 pairs, 5 live ties among them (the ended one does not count).
    assert (found.pairs, found.ties, found.unlinked_pairs) == (10, 5, 5)
    assert found.density == pytest.approx(0.5)


def test_it_computes_the_blau_index_and_the_sectors_present_and_missing(alice_member, web):
    partnership, _ = web
    found = partnership_network(alice_member, partnership)
    # Shares 2/5 nonprofit and 1/5 each of three more: 1 − (0.16 + 3 × 0.04) = 0.72.
    assert found.blau_index == pytest.approx(0.72)
    assert [(s.key, s.count) for s in found.sectors_present] == [
        ("nonprofit", 2),
        ("business", 1),
        ("local-government", 1),
        ("philanthropy", 1),
    ]
    assert found.sectors_present[0].share == pytest.approx(0.4)
    present = {"nonprofit", "business", "local-government", "philanthropy"}
    assert found.sectors_missing == [
        (key, label) for key, label in BUILT_IN_SECTORS.items() if key not in present
    ]


def test_it_finds_the_holes_between_sectors_with_their_bridges_partners_first(alice_member, web):
    partnership, s = web
    found = partnership_network(alice_member, partnership)
    # At density 0.5 a pair of sectors is a hole with fewer than 0.25 × |A| × |B| ties: only
    # nonprofits–business and nonprofits–philanthropy, which have none.
    assert [(h.sectors, h.ties, h.expected_ties, h.unlinked_pairs) for h in found.holes] == [
        (("nonprofit", "business"), 0, 1.0, 2),
        (("nonprofit", "philanthropy"), 0, 1.0, 2),
    ]
    business, philanthropy = found.holes
    assert business.labels == ("Nonprofit", "Business")
    # City Hall is a partner tied into both (Eastside 1, the Bank 3): first, though the Library
    # (Eastside 3 and Westside 2, the Bank 4) is the stronger bridge; the Gazette reaches one side.
    assert [(b.name, b.is_partner, b.ties, b.strength) for b in business.bridges] == [
        ("City Hall", True, (1, 1), (1.0, 3.0)),
        ("Riverton Library", False, (2, 1), (5.0, 4.0)),
    ]
    assert [(b.stakeholder_id, b.member_of) for b in philanthropy.bridges] == [(s["city"].pk, None)]


def test_a_pair_with_few_ties_is_a_hole_and_its_members_tied_across_are_bridges(alice_member, web):
    partnership, s = web
    ws = alice_member.workspace
    media = [make_stakeholder(ws, f"Media {n}", sector="media") for n in (1, 2, 3)]
    for outlet in media:
        make_partner(alice_member, partnership, outlet)
        for key in ("city", "foundation", "bank"):
            make_tie(s[key], outlet, trust=2)
    make_tie(media[0], media[1], trust=3)
    make_tie(media[0], media[2], trust=3)
    make_tie(media[1], media[2], trust=3)
    make_tie(media[0], s["east"], trust=2)
    found = partnership_network(alice_member, partnership)
    # 18 ties of 28 pairs: nonprofits (2) and media (3) expect 18/28 × 6 ≈ 3.86 ties; one is
    # fewer than half of that.
    assert (found.ties, found.pairs) == (18, 28)
    hole = next(h for h in found.holes if set(h.sectors) == {"nonprofit", "media"})
    assert (hole.ties, hole.expected_ties, hole.unlinked_pairs) == (1, 3.86, 5)
    # Media 1 and Eastside each reach the other side with trust 2 (Media 1 is stronger into
    # both: 2 + 3 + 3); City Hall reaches the nonprofits with trust 1 only.
    assert [(b.name, b.member_of) for b in hole.bridges] == [
        ("Media 1", "media"),
        ("Eastside Alliance", "nonprofit"),
        ("City Hall", None),
    ]


def test_degree_constraint_and_effective_size_match_networkx(alice_member, web):
    partnership, s = web
    found = partnership_network(alice_member, partnership)
    graph = nx.Graph()
    graph.add_nodes_from(s[k].pk for k in ("city", "foundation", "bank", "east", "west"))
    for a, b, trust in [
        ("city", "foundation", 4),
        ("city", "bank", 3),
        ("foundation", "bank", 2),
        ("city", "east", 1),
        ("east", "west", 4),
    ]:
        graph.add_edge(s[a].pk, s[b].pk, weight=trust)
    # networkx's per-node path (`nodes=`), the one the network app reproduces.
    constraint = nx.constraint(graph, nodes=list(graph), weight="weight")
    effective = nx.effective_size(graph, nodes=list(graph), weight="weight")
    by_stakeholder = {p.partner.stakeholder_id: p for p in found.positions}
    assert len(by_stakeholder) == 5
    for pk, position in by_stakeholder.items():
        assert position.degree == graph.degree(pk)
        assert position.constraint == pytest.approx(constraint[pk])
        assert position.effective_size == pytest.approx(effective[pk])
    # Westside's one contact constrains it fully.
    assert by_stakeholder[s["west"].pk].constraint == pytest.approx(1.0)


def test_a_partner_tied_to_no_other_partner_has_no_constraint(alice_member, web):
    partnership, _ = web
    loner = make_stakeholder(alice_member.workspace, "Lone Church", sector="faith-based")
    make_partner(alice_member, partnership, loner)
    found = partnership_network(alice_member, partnership)
    position = next(p for p in found.positions if p.partner.stakeholder_id == loner.pk)
    assert (position.degree, position.constraint, position.effective_size) == (0, None, None)
    # The church's sector has no tie to any other: a hole with each of the four.
    assert sum("faith-based" in h.sectors for h in found.holes) == 4


def test_partners_and_stakeholders_in_the_trash_are_left_out(alice_member, web):
    partnership, s = web
    move_to_trash(alice_member, s["west"])
    found = partnership_network(alice_member, partnership)
    assert len(found.positions) == 4
    assert (found.pairs, found.ties) == (6, 4)


def test_a_partnership_without_ties_has_every_pair_of_sectors_as_a_hole(alice_member):
    ws = alice_member.workspace
    partnership = make_partnership(alice_member)
    for name, sector in [("A", "business"), ("B", "media"), ("C", "nonprofit")]:
        make_partner(alice_member, partnership, make_stakeholder(ws, name, sector=sector))
    found = partnership_network(alice_member, partnership)
    assert (found.ties, found.density, found.unlinked_pairs) == (0, 0.0, 3)
    assert len(found.holes) == 3
    assert all(h.bridges == [] for h in found.holes)


def test_a_partnership_without_partners_has_no_numbers(alice_member):
    found = partnership_network(alice_member, make_partnership(alice_member))
    assert (found.positions, found.blau_index, found.density, found.holes) == ([], None, None, [])
    assert len(found.sectors_missing) == len(BUILT_IN_SECTORS)


def test_another_workspaces_partnership_is_not_found(web, lakeside):
    partnership, _ = web
    with pytest.raises(Http404):
        partnership_network(make_member(lakeside), partnership)


def test_a_viewer_reads_it(bob_member, web):
    partnership, _ = web
    assert partnership_network(bob_member, partnership).ties == 5


def test_its_query_count_does_not_grow_with_partners(alice_member, web, django_assert_num_queries):
    partnership, _ = web
    with django_assert_num_queries(4):
        partnership_network(alice_member, partnership)
    ws = alice_member.workspace
    added = [make_stakeholder(ws, f"Extra {n}", sector="media") for n in range(6)]
    for stakeholder in added:
        make_partner(alice_member, partnership, stakeholder)
    for first, second in zip(added, added[1:], strict=False):
        make_tie(first, second, trust=3)
    with django_assert_num_queries(4):
        partnership_network(alice_member, partnership)
