"""Stakeholder API: CRUD, filters, pagination, errors naming the field, scoping and roles."""

from __future__ import annotations

import pytest

from cityweave.stakeholders.models import Stakeholder
from cityweave.testing import make_stakeholder

pytestmark = pytest.mark.django_db

BASE = "/api/v1/workspaces/riverton/stakeholders"


def test_it_requires_a_token(client, riverton):
    assert client.get(BASE).status_code == 401


def test_it_lists_with_filters_and_pagination(alice_api, riverton):
    for i in range(5):
        make_stakeholder(riverton, f"Business {i}", sector="business")
    make_stakeholder(riverton, "Faith Alliance", sector="faith-based")
    body = alice_api.get(BASE, {"sector": "business", "limit": 2, "offset": 2}).json()
    assert body["count"] == 5
    assert [s["name"] for s in body["items"]] == ["Business 2", "Business 3"]


def test_it_creates_reads_updates_and_deletes(alice_api, riverton):
    org = make_stakeholder(riverton, "Riverton State University", sector="academia")
    created = alice_api.post(
        BASE,
        {
            "name": "Dr. Mira Patel",
            "sector": "academia",
            "kind": "person",
            "organisations": [org.pk],
            "tags": ["research"],
            "influence": 4,
            "offers": ["expertise", "data"],
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    sid = created.json()["id"]
    assert created.json()["organisations"] == [org.pk]
    got = alice_api.get(f"{BASE}/{sid}").json()
    assert got["tags"] == ["research"] and got["sector_label"] == "Academia & think tank"
    patched = alice_api.patch(f"{BASE}/{sid}", {"title": "Dean"}, content_type="application/json")
    assert patched.json()["title"] == "Dean" and patched.json()["influence"] == 4
    assert alice_api.delete(f"{BASE}/{sid}").status_code == 204
    assert alice_api.get(f"{BASE}/{sid}").status_code == 404
    assert Stakeholder.all_objects.get(pk=sid).in_trash


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"sector": "business"}, "name"),
        ({"name": "X", "sector": "pirates"}, "sector"),
        ({"name": "X", "sector": "business", "influence": 9}, "influence"),
        ({"name": "X", "sector": "business", "offers": ["gold"]}, "offers"),
        ({"name": "X", "sector": "business", "email": "not-an-email"}, "email"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(alice_api, riverton, payload, field):
    response = alice_api.post(BASE, payload, content_type="application/json")
    assert response.status_code == 422
    assert field in [d["field"] for d in response.json()["detail"]]
    assert not Stakeholder.objects.exists()


def test_another_workspaces_id_in_a_payload_is_rejected(alice_api, riverton, lakeside):
    foreign = make_stakeholder(lakeside, "Lakeside Corp", sector="business")
    response = alice_api.post(
        BASE,
        {"name": "Spy", "sector": "business", "kind": "person", "organisations": [foreign.pk]},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "organisations"
    assert not Stakeholder.objects.filter(name="Spy").exists()


def test_a_viewer_can_read_but_not_write(bob_api, riverton):
    bank = make_stakeholder(riverton, "Riverton Bank", sector="business")
    assert bob_api.get(f"{BASE}/{bank.pk}").status_code == 200
    assert (
        bob_api.post(
            BASE, {"name": "X", "sector": "business"}, content_type="application/json"
        ).status_code
        == 403
    )
    assert (
        bob_api.patch(
            f"{BASE}/{bank.pk}", {"name": "Y"}, content_type="application/json"
        ).status_code
        == 403
    )
    assert bob_api.delete(f"{BASE}/{bank.pk}").status_code == 403
    bank.refresh_from_db()
    assert bank.name == "Riverton Bank"


def test_another_workspace_gets_404(carol_api, riverton):
    bank = make_stakeholder(riverton, "Riverton Bank", sector="business")
    assert carol_api.get(BASE).status_code == 404
    assert carol_api.get(f"{BASE}/{bank.pk}").status_code == 404
    assert (
        carol_api.patch(
            f"{BASE}/{bank.pk}", {"name": "Y"}, content_type="application/json"
        ).status_code
        == 404
    )
    assert carol_api.delete(f"{BASE}/{bank.pk}").status_code == 404


def test_the_openapi_schema_lists_the_endpoints(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/workspaces/{slug}/stakeholders" in schema["paths"]
