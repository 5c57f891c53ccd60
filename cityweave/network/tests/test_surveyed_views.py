"""The network as recorded, as surveyed in a wave, and both: the engine's measures against
networkx, the surveyed ties' weights, what counts (submitted answers between live stakeholders),
and the cached analysis per view."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import networkx as nx
import pytest
from django.core.exceptions import ValidationError

from cityweave.network import services
from cityweave.network.models import NetworkSnapshot
from cityweave.stakeholders.models import Stakeholder
from cityweave.surveys.models import Wave
from cityweave.surveys.testing import make_respondent, make_response, make_survey, make_wave
from cityweave.testing import make_stakeholder, make_tie
from cityweave.workspaces.models import Membership
from cityweave.workspaces.services import move_to_trash

pytestmark = pytest.mark.django_db


@dataclass
class Surveyed:
    """A small surveyed network in Riverton.

    Roster: City Hall, Foundation, Chamber, Library, Museum (never named by anyone).
    Submitted: City Hall rates Foundation (reliability 4, mission 3, openness unanswered) and
    names Chamber without ratings; Foundation rates City Hall 2, 2, 2; Chamber answers "no
    relationship" to Library. A draft from Library names City Hall. So the surveyed network has
    two pairs: City Hall–Foundation, reported by both (trust mean (4+3+2+2+2)/5 = 2.6, weight 3),
    and City Hall–Chamber, reported by City Hall only (unrated, weight 2).
    Recorded: City Hall–Foundation (trust 1), Foundation–Library, City Hall–Harbour (Harbour is
    not on the roster)."""

    member: Membership
    wave: Wave
    city: Stakeholder
    foundation: Stakeholder
    chamber: Stakeholder
    library: Stakeholder
    museum: Stakeholder
    harbour: Stakeholder


def build_surveyed(member: Membership, wave_name: str = "Spring 2027") -> Surveyed:
    workspace = member.workspace
    city = make_stakeholder(workspace, "City Hall", sector="local-government", is_internal=True)
    foundation = make_stakeholder(workspace, "Foundation", sector="philanthropy")
    chamber = make_stakeholder(workspace, "Chamber", sector="business")
    library = make_stakeholder(workspace, "Library", sector="education")
    museum = make_stakeholder(workspace, "Museum", sector="nonprofit")
    harbour = make_stakeholder(workspace, "Harbour", sector="business")
    wave = make_wave(
        make_survey(member),
        wave_name,
        roster=[city, foundation, chamber, library, museum],
    )
    make_response(
        wave,
        make_respondent(wave, city),
        ties={
            foundation: {"reliability": 4, "mission": 3, "collaboration": "integration"},
            chamber: {"collaboration": "cooperation"},
        },
    )
    make_response(
        wave,
        make_respondent(wave, foundation),
        ties={city: {"reliability": 2, "mission": 2, "openness": 2, "power": 3}},
    )
    make_response(wave, make_respondent(wave, chamber), ties={library: {"collaboration": "none"}})
    make_response(
        wave, make_respondent(wave, library), ties={city: {"reliability": 1}}, submitted=False
    )
    make_tie(city, foundation, trust=1)
    make_tie(foundation, library)
    make_tie(city, harbour)
    return Surveyed(member, wave, city, foundation, chamber, library, museum, harbour)


@pytest.fixture
def surveyed(alice_member) -> Surveyed:
    return build_surveyed(alice_member)


def oracle(nodes: list[Stakeholder], pairs: list[tuple[Stakeholder, Stakeholder]]) -> nx.Graph:
    graph = nx.Graph()
    graph.add_nodes_from(node.pk for node in nodes)
    graph.add_edges_from((a.pk, b.pk) for a, b in pairs)
    return graph


def measured(member: Membership, view: services.NetworkView) -> tuple[dict[str, Any], dict]:
    report = services.network_report(member, view)
    assert report["status"] == "current"
    return report["network"], {node["id"]: node["degree"] for node in report["nodes"]}


def assert_agrees(member: Membership, view: services.NetworkView, graph: nx.Graph) -> None:
    network, degrees = measured(member, view)
    assert network["nodes"] == graph.number_of_nodes()
    assert network["ties"] == graph.number_of_edges()
    assert network["density"] == pytest.approx(nx.density(graph))
    assert degrees == dict(graph.degree())


def test_the_recorded_view_is_the_office_s_own_ties(surveyed):
    s = surveyed
    graph = oracle(
        [s.city, s.foundation, s.chamber, s.library, s.museum, s.harbour],
        [(s.city, s.foundation), (s.foundation, s.library), (s.city, s.harbour)],
    )
    assert_agrees(s.member, services.RECORDED_VIEW, graph)


def test_the_surveyed_view_is_the_roster_and_the_pairs_its_submitted_answers_report(surveyed):
    s = surveyed
    view = services.network_view(s.member.workspace, "surveyed")
    assert view.wave == s.wave and view.key == f"surveyed:{s.wave.pk}"
    graph = oracle(
        [s.city, s.foundation, s.chamber, s.library, s.museum],
        [(s.city, s.foundation), (s.city, s.chamber)],
    )
    assert_agrees(s.member, view, graph)


def test_both_merges_a_recorded_and_a_surveyed_tie_of_one_pair_into_one_edge(surveyed):
    s = surveyed
    view = services.network_view(s.member.workspace, "both", s.wave.pk)
    graph = oracle(
        [s.city, s.foundation, s.chamber, s.library, s.museum, s.harbour],
        [
            (s.city, s.foundation),
            (s.foundation, s.library),
            (s.city, s.harbour),
            (s.city, s.chamber),
        ],
    )
    assert_agrees(s.member, view, graph)


def test_a_surveyed_pair_weighs_its_rounded_mean_trust_across_both_directions(surveyed):
    s = surveyed
    edges = {(e["source"], e["target"]): e for e in services.surveyed_edges(s.wave)}
    low, high = sorted((s.city.pk, s.foundation.pk))
    both_ends = edges[(low, high)]
    # (4 + 3 + 2 + 2 + 2) / 5 = 2.6: the unanswered openness is left out, not counted as 0.
    assert both_ends["survey_trust"] == 2.6
    assert both_ends["trust_ratings"] == 5
    assert both_ends["weight"] == 3
    assert both_ends["reciprocal"] is True and both_ends["directed"] is False
    assert both_ends["survey_value"] == 3.0
    assert both_ends["collaboration"] == "integration"
    one_end = edges[(s.city.pk, s.chamber.pk)]
    assert one_end["reciprocal"] is False and one_end["directed"] is True
    assert one_end["survey_trust"] is None
    assert one_end["weight"] == services.UNRATED_TIE_WEIGHT
    assert len(edges) == 2


def test_in_both_the_surveyed_trust_outweighs_the_office_s_rating(surveyed):
    s = surveyed
    view = services.network_view(s.member.workspace, "both", s.wave.pk)
    ties = services.view_ties(s.member.workspace, view)
    merged = next(t for t in ties if {t["source"], t["target"]} == {s.city.pk, s.foundation.pk})
    assert (merged["origin"], merged["trust"], merged["weight"]) == ("both", 1, 3)
    added = next(t for t in ties if {t["source"], t["target"]} == {s.city.pk, s.chamber.pk})
    assert (added["origin"], added["id"], added["weight"]) == ("surveyed", None, 2)
    kept = next(t for t in ties if {t["source"], t["target"]} == {s.city.pk, s.harbour.pk})
    assert kept["origin"] == "recorded"


def test_rounding_is_half_up():
    assert [services.rounded(x) for x in (1.0, 1.49, 2.5, 3.5, 4.0)] == [1, 1, 3, 4, 4]


def test_a_trashed_stakeholder_s_survey_ties_vanish(surveyed):
    s = surveyed
    move_to_trash(s.member, s.chamber)
    view = services.network_view(s.member.workspace, "surveyed")
    graph = oracle(
        [s.city, s.foundation, s.library, s.museum],
        [(s.city, s.foundation)],
    )
    assert_agrees(s.member, view, graph)


def test_draft_responses_never_count_until_submitted(surveyed):
    s = surveyed
    view = services.network_view(s.member.workspace, "surveyed")
    before = services.network_fingerprint(s.member.workspace, view=view)
    assert not any(
        {e["source"], e["target"]} == {s.library.pk, s.city.pk}
        for e in services.surveyed_edges(s.wave)
    )
    draft = s.wave.responses.get(submitted_on__isnull=True)
    draft.submitted_on = draft.saved_on
    draft.save()
    assert services.network_fingerprint(s.member.workspace, view=view) != before
    _, degrees = measured(s.member, view)
    assert degrees[s.library.pk] == 1


def test_the_recorded_fingerprint_ignores_the_surveys(surveyed):
    s = surveyed
    before = services.network_fingerprint(s.member.workspace)
    make_response(s.wave, make_respondent(s.wave, s.museum), ties={s.city: {"reliability": 4}})
    assert services.network_fingerprint(s.member.workspace) == before


def test_each_view_keeps_its_own_snapshot(surveyed):
    s = surveyed
    workspace = s.member.workspace
    for kind in ("recorded", "surveyed", "both"):
        services.network_report(s.member, services.network_view(workspace, kind))
    keys = set(NetworkSnapshot.objects.filter(workspace=workspace).values_list("view", flat=True))
    assert keys == {"recorded", f"surveyed:{s.wave.pk}", f"both:{s.wave.pk}"}
    # A new submitted answer makes the surveyed analysis stale, and the recorded one stays current.
    make_response(s.wave, make_respondent(s.wave, s.museum), ties={s.city: {"reliability": 4}})
    view = services.network_view(workspace, "surveyed")
    recorded = NetworkSnapshot.objects.get(workspace=workspace, view="recorded")
    assert recorded.version == services.network_fingerprint(workspace)
    old = NetworkSnapshot.objects.get(workspace=workspace, view=view.key).version
    assert old != services.network_fingerprint(workspace, view=view)
    assert services.refresh_snapshot(workspace, view) == "computed"
    _, degrees = measured(s.member, view)
    assert degrees[s.museum.pk] == 1


def test_the_default_wave_is_the_latest_with_submitted_roster_answers(surveyed, alice_member):
    s = surveyed
    later = make_wave(
        s.wave.survey,
        "Autumn 2027",
        opens_on=s.wave.closes_on,
        closes_on=s.wave.closes_on + (s.wave.closes_on - s.wave.opens_on),
        roster=[s.city, s.museum],
    )
    # A later wave without submitted answers is not the default.
    assert services.network_view(alice_member.workspace, "surveyed").wave == s.wave
    make_response(later, make_respondent(later, s.museum), ties={s.city: {"openness": 3}})
    assert services.network_view(alice_member.workspace, "surveyed").wave == later


def test_a_wave_of_another_workspace_is_refused_naming_the_wave(surveyed, carol, lakeside):
    other = Membership.objects.get(user=carol, workspace=lakeside)
    theirs = make_wave(make_survey(other), "Theirs")
    with pytest.raises(ValidationError) as refused:
        services.network_view(surveyed.member.workspace, "surveyed", theirs.pk)
    assert "wave" in refused.value.message_dict
    for bad in ("x", "-1", "99999999999999999999999"):
        with pytest.raises(ValidationError):
            services.network_view(surveyed.member.workspace, "both", bad)


def test_an_unknown_view_is_refused_naming_the_view(riverton):
    with pytest.raises(ValidationError) as refused:
        services.network_view(riverton, "guessed")
    assert "view" in refused.value.message_dict


def test_before_any_submitted_answer_there_is_no_surveyed_view(riverton, alice_member):
    make_wave(make_survey(alice_member), "Empty")
    with pytest.raises(ValidationError) as refused:
        services.network_view(riverton, "surveyed")
    assert refused.value.message_dict["wave"] == [services.NO_SURVEYED_WAVE]
    assert services.network_view(riverton, "recorded", "whatever") == services.RECORDED_VIEW


def test_the_background_task_analyses_a_surveyed_view_and_gives_up_on_a_gone_wave(surveyed):
    from cityweave.network.tasks import refresh_analysis

    s = surveyed
    key = f"surveyed:{s.wave.pk}"
    assert refresh_analysis.call(s.member.workspace.pk, key) == "computed"
    assert refresh_analysis.call(s.member.workspace.pk, key) == "current"
    move_to_trash(s.member, s.wave.survey)
    assert refresh_analysis.call(s.member.workspace.pk, key) == "gone"
    assert refresh_analysis.call(s.member.workspace.pk, "guessed:1") == "gone"
