"""A partnership's own network on its page (the Network section), on the network page filtered
with `?partnership=` (the page and its map data) and in the API: the numbers of test_network.py's
hand-made partnership, workspace scoping (404), viewers reading, bad ids (400/404 naming
`partnership`)."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from cityweave.partnerships.testing import make_partnership
from cityweave.partnerships.tests.test_network import build_web
from cityweave.testing import make_member

pytestmark = pytest.mark.django_db

MAP = reverse("network:map", args=["riverton"])
MAP_DATA = reverse("network:map-data", args=["riverton"])


@pytest.fixture
def web(alice_member):
    return build_web(alice_member)


def detail_url(partnership):
    return reverse("partnerships:detail", args=["riverton", partnership.pk])


def api_url(partnership, slug="riverton"):
    return f"/api/v1/workspaces/{slug}/partnerships/{partnership.pk}/network"


# == The Network section ==========================================================================


def test_the_section_shows_blau_sectors_positions_and_holes_with_linked_bridges(alice_client, web):
    partnership, s = web
    page = alice_client.get(detail_url(partnership)).content.decode()
    assert 'id="network"' in page
    assert "0.72" in page and "1 − Σ p²" in page
    assert "Nonprofit (2)" in page and "Missing: State government" in page
    assert '5</span><span class="label">of 10 pairs of partners with no tie' in page
    stakeholder = reverse("stakeholders:detail", args=["riverton", s["library"].pk])
    assert f'<a href="{stakeholder}">Riverton Library</a> (not a partner;' in page
    assert f'href="{MAP}?partnership={partnership.pk}">See on the map' in page
    # Westside's one contact constrains it fully.
    assert "<td>Westside Alliance</td>" not in page  # linked, not plain
    assert "<td>1.00</td>" in page


def test_a_viewer_sees_the_section(bob_client, web):
    partnership, _ = web
    page = bob_client.get(detail_url(partnership)).content.decode()
    assert "Structural holes inside it" in page


def test_a_partnership_without_partners_says_so(alice_client, alice_member):
    partnership = make_partnership(alice_member)
    page = alice_client.get(detail_url(partnership)).content.decode()
    assert "No partners yet, so there is no network to read." in page


# == The network page filtered to a partnership ===================================================


def test_the_network_page_filtered_names_the_partnership_and_its_numbers(alice_client, web):
    partnership, _ = web
    response = alice_client.get(MAP, {"partnership": partnership.pk})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Partnership: <a" in page and f"{partnership.name}</a>" in page
    assert "its 5 partners and the 5 ties among them" in page
    assert f"&amp;partnership={partnership.pk}" in page  # the map data asks for it too
    assert 'data-subset="partnership"' in page


def test_the_map_data_filtered_has_only_the_partners_and_the_ties_among_them(alice_client, web):
    partnership, s = web
    data = json.loads(alice_client.get(MAP_DATA, {"partnership": partnership.pk}).content)
    partners = {s[k].pk for k in ("city", "foundation", "bank", "east", "west")}
    assert {node["id"] for node in data["nodes"]} == partners
    assert len(data["ties"]) == 5
    assert all(t["source"] in partners and t["target"] in partners for t in data["ties"])
    assert data["total"] == 5
    whole = json.loads(alice_client.get(MAP_DATA).content)
    assert len(whole["nodes"]) == 7  # the Library and the Gazette too


def test_a_viewer_reads_the_filtered_page_and_data(bob_client, web):
    partnership, _ = web
    assert bob_client.get(MAP, {"partnership": partnership.pk}).status_code == 200
    assert bob_client.get(MAP_DATA, {"partnership": partnership.pk}).status_code == 200


@pytest.mark.parametrize("value", ["abc", "-3", "0", "1.5", "99999999999999999999"])
def test_a_bad_partnership_id_is_a_400_naming_the_field(alice_client, web, value):
    page = alice_client.get(MAP, {"partnership": value})
    assert page.status_code == 400
    assert "Partnership: Give a partnership" in page.content.decode()
    data = alice_client.get(MAP_DATA, {"partnership": value})
    assert data.status_code == 400
    assert data.json()["detail"][0]["field"] == "partnership"


def test_another_workspaces_or_a_missing_partnership_is_a_404_naming_the_field(
    alice_client, lakeside, web
):
    carol_member = make_member(lakeside)
    elsewhere = make_partnership(carol_member, "Lakeside Loop")
    for pk in (elsewhere.pk, 999_999):
        page = alice_client.get(MAP, {"partnership": pk})
        assert page.status_code == 404
        assert "Partnership: No such partnership in this workspace." in page.content.decode()
        data = alice_client.get(MAP_DATA, {"partnership": pk})
        assert data.status_code == 404
        assert data.json()["detail"] == [
            {"field": "partnership", "msg": "No such partnership in this workspace."}
        ]


def test_a_partnership_in_the_trash_is_a_404(alice_client, alice_member, web):
    from cityweave.partnerships.services import trash_partnership

    partnership, _ = web
    trash_partnership(alice_member, partnership)
    assert alice_client.get(MAP, {"partnership": partnership.pk}).status_code == 404


# == The API ======================================================================================


def test_the_api_gives_the_same_numbers(alice_api, web):
    partnership, s = web
    response = alice_api.get(api_url(partnership))
    assert response.status_code == 200
    body = response.json()
    assert (body["ties"], body["pairs"], body["unlinked_pairs"]) == (5, 10, 5)
    assert body["density"] == pytest.approx(0.5)
    assert body["blau_index"] == pytest.approx(0.72)
    assert body["sectors_present"][0] == {
        "sector": "nonprofit",
        "label": "Nonprofit",
        "partners": 2,
        "share": pytest.approx(0.4),
    }
    assert {"sector": "media", "label": "Media"} in body["sectors_missing"]
    assert [h["sectors"] for h in body["holes"]] == [
        ["nonprofit", "business"],
        ["nonprofit", "philanthropy"],
    ]
    assert body["holes"][0]["bridges"][1] == {
        "stakeholder": s["library"].pk,
        "name": "Riverton Library",
        "partner": False,
        "member_of": None,
        "ties": [2, 1],
        "strength": [5.0, 4.0],
    }
    west = next(p for p in body["partners"] if p["stakeholder"] == s["west"].pk)
    assert (west["degree"], west["constraint"]) == (1, pytest.approx(1.0))
    assert body["map_url"] == f"{MAP}?partnership={partnership.pk}"


def test_a_viewer_reads_the_api(bob_api, web):
    partnership, _ = web
    assert bob_api.get(api_url(partnership)).status_code == 200


def test_another_workspace_gets_404_from_the_api(carol_api, alice_api, web):
    partnership, _ = web
    assert carol_api.get(api_url(partnership)).status_code == 404
    assert carol_api.get(api_url(partnership, "lakeside")).status_code == 404
    missing = "/api/v1/workspaces/riverton/partnerships/999999/network"
    assert alice_api.get(missing).status_code == 404
