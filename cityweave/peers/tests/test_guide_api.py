"""The peer guide API: each seat reads, writers write (officials their own city's guides), the
review and publication, versions, another network's guides 404, nobody signed in 401 except on
the published guides; every bad field named."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cityweave.accounts.models import ApiToken
from cityweave.peers import guides
from cityweave.peers.models import Guide, GuideSection
from cityweave.peers.testing import make_city, make_staff
from cityweave.peers.tests.guide_factories import make_dora, make_guide, publish_guide


def api_for(user) -> Client:
    _, raw = ApiToken.issue(user, "tests")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def url(name: str, *args: object) -> str:
    return reverse(f"api:{name}", args=["midsize", *args])


def errors(response: Any) -> dict[str, list[str]]:
    """The 422 answer's messages by field."""
    found: dict[str, list[str]] = {}
    for error in response.json()["detail"]:
        found.setdefault(error["field"], []).append(error["msg"])
    return found


def send(client: Client, method: str, path: str, body: dict | None = None) -> Any:
    return getattr(client, method)(path, json.dumps(body or {}), content_type="application/json")


@pytest.fixture
def dora(dayton):
    return make_dora(dayton)


def test_officials_write_review_and_publish_a_guide(otis, dora, chattanooga, dayton, client):
    api = api_for(otis.user)
    response = send(
        api,
        "post",
        url("network_guides"),
        {
            "title": "Digital navigators",
            "challenge": "digital-inclusion",
            "authors": [
                {"city": chattanooga.pk, "name": "Otis Grant, CIO"},
                {"city": dayton.pk, "name": "Dora Beck"},
            ],
        },
    )
    assert response.status_code == 201, response.json()
    guide = response.json()
    assert guide["status"] == "draft" and guide["public_url"] is None
    assert [a["city"]["name"] for a in guide["authors"]] == ["Chattanooga, TN", "Dayton, OH"]
    sections = url("network_guide_sections_create", guide["id"])
    one = send(api, "post", sections, {"heading": "Recruit", "body": "Hire **locals**."}).json()
    two = send(
        api, "post", sections, {"heading": "Lend", "body": "Hotspots", "case_city": dayton.pk}
    ).json()
    assert one["html"] == "<p>Hire <strong>locals</strong>.</p>"
    assert two["case_city"] == {"id": dayton.pk, "name": "Dayton, OH"}
    order = url("network_guide_sections_order", guide["id"])
    response = send(api, "put", order, {"ids": [two["id"], one["id"]]})
    assert [s["heading"] for s in response.json()] == ["Lend", "Recruit"]
    assert send(api, "post", url("network_guides_submit", guide["id"])).status_code == 200
    response = send(api, "post", url("network_guides_approve", guide["id"]), {"city": dayton.pk})
    assert response.status_code == 403
    send(api, "post", url("network_guides_approve", guide["id"]))
    response = send(api, "post", url("network_guides_publish", guide["id"]))
    assert response.status_code == 422
    assert errors(response)["status"] == ["Awaiting the approval of Dayton, OH."]
    send(api_for(dora.user), "post", url("network_guides_approve", guide["id"]))
    response = send(
        api, "post", url("network_guides_publish", guide["id"]), {"change_note": "First."}
    )
    published = response.json()
    assert published["status"] == "published" and published["versions"] == 1
    assert published["public_url"] == "/guides/midsize/digital-navigators/"
    detail = client.get(url("network_published_guides_detail", "digital-navigators"))
    assert detail.status_code == 200 and detail.json()["sections"][0]["heading"] == "Lend"
    listing = client.get(url("network_published_guides") + "?challenge=digital-inclusion")
    assert listing.json()["count"] == 1


def test_a_published_guide_changes_with_a_note_and_keeps_versions(nadia, chattanooga):
    guide = publish_guide(nadia, [chattanooga])
    api = api_for(nadia.user)
    detail = url("network_guides_detail", guide.pk)
    response = send(api, "patch", detail, {"title": "Closing the gap"})
    assert response.status_code == 422 and "change_note" in errors(response)
    response = send(api, "patch", detail, {"title": "Closing the gap", "change_note": "Shorter."})
    assert response.status_code == 200 and response.json()["versions"] == 2
    section = guides.sections(guide)[0]
    response = send(
        api,
        "patch",
        url("network_guide_sections_update", guide.pk, section.pk),
        {"body": "New", "change_note": "Rewrote step 1."},
    )
    assert response.status_code == 200 and response.json()["body"] == "New"
    versions = api.get(url("network_guide_versions", guide.pk)).json()
    assert [v["change_note"] for v in versions] == ["Rewrote step 1.", "Shorter.", "First edition."]
    assert "+New" in versions[0]["diff"] and "+# Closing the gap" in versions[1]["diff"]


def test_the_list_filters_and_every_seat_reads(nadia, vera, otis, ed, chattanooga):
    publish_guide(nadia, [chattanooga], "Digital navigators")
    make_guide(ed, [chattanooga], "Budget basics", challenge="fiscal-health")
    for member in (nadia, vera, otis):
        api = api_for(member.user)
        assert api.get(url("network_guides")).json()["count"] == 2
        rows = api.get(url("network_guides") + "?status=published").json()["items"]
        assert [r["title"] for r in rows] == ["Digital navigators"]
        rows = api.get(url("network_guides") + "?challenge=fiscal-health&q=budget").json()["items"]
        assert [r["title"] for r in rows] == ["Budget basics"]
    assert api_for(vera.user).get(url("network_guides") + "?status=nope").status_code == 422


def test_readers_cannot_write_and_strangers_find_nothing(
    vera, dora, otis, carol, other_network, chattanooga, client
):
    guide = make_guide(otis, [chattanooga])
    section = guides.sections(guide)[0]
    writes = [
        ("patch", url("network_guides_detail", guide.pk), {"title": "Hijacked"}),
        ("post", url("network_guide_sections_create", guide.pk), {"heading": "Mine"}),
        ("patch", url("network_guide_sections_update", guide.pk, section.pk), {"heading": "M"}),
        ("delete", url("network_guide_sections_delete", guide.pk, section.pk), None),
        ("post", url("network_guides_submit", guide.pk), None),
        ("post", url("network_guides_publish", guide.pk), None),
        ("delete", url("network_guides_delete", guide.pk), None),
    ]
    for member in (vera, dora):
        api = api_for(member.user)
        for method, path, body in writes:
            assert send(api, method, path, body).status_code == 403, (member.user, path)
    assert (
        send(
            api_for(vera.user),
            "post",
            url("network_guides"),
            {"title": "X", "challenge": "fiscal-health"},
        ).status_code
        == 403
    )
    stranger = api_for(carol)
    assert stranger.get(url("network_guides_detail", guide.pk)).status_code == 404
    for method, path, body in writes:
        assert send(stranger, method, path, body).status_code == 404, path
    assert client.get(url("network_guides")).status_code == 401
    assert client.get(url("network_published_guides")).status_code == 404
    assert client.get(url("network_published_guides_detail", guide.slug)).status_code == 404
    theirs = make_guide(
        make_staff(other_network, None, "owner"), [make_city(other_network, "Mobile", "AL")]
    )
    assert api_for(otis.user).get(url("network_guides_detail", theirs.pk)).status_code == 404
    guide.refresh_from_db()
    assert guide.title == "Closing the digital divide"
    assert not GuideSection.objects.filter(heading__in=["Mine", "M"]).exists()


def test_every_bad_field_is_named_and_nothing_is_written(ed, chattanooga):
    api = api_for(ed.user)
    response = send(
        api,
        "post",
        url("network_guides"),
        {"title": "T", "challenge": "time-travel", "cities": [2**62]},
    )
    assert response.status_code == 422
    assert {"challenge", "cities"} <= set(errors(response))
    response = send(api, "post", url("network_guides"), {"title": "", "cities": [True]})
    assert response.status_code == 422
    assert not Guide.objects.exists()
    guide = make_guide(ed, [chattanooga], sections=0)
    response = send(
        api,
        "post",
        url("network_guide_sections_create", guide.pk),
        {"heading": "Case", "case_city": 2**62},
    )
    assert response.status_code == 422 and "case_city" in errors(response)
    response = send(api, "put", url("network_guide_sections_order", guide.pk), {"ids": [1, 2]})
    assert response.status_code == 422 and "ids" in errors(response)
    response = send(api, "post", url("network_guides_submit", guide.pk))
    assert response.status_code == 422 and "status" in errors(response)


def test_trash_and_restore_through_the_api(ed, nadia, chattanooga, client):
    guide = publish_guide(nadia, [chattanooga])
    api = api_for(ed.user)
    assert api.delete(url("network_guides_detail", guide.pk)).status_code == 204
    assert api.get(url("network_guides_detail", guide.pk)).status_code == 404
    assert client.get(url("network_published_guides_detail", guide.slug)).status_code == 404
    response = api.post(url("network_guides_restore", guide.pk))
    assert response.status_code == 200 and len(response.json()["sections"]) == 2
