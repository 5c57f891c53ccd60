"""Stakeholder pages: list, detail, create, edit, trash; scoping and roles."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cityweave.stakeholders.models import Stakeholder, Tag
from cityweave.testing import make_interaction, make_stakeholder, make_tie
from cityweave.workspaces.models import TrashEntry

pytestmark = pytest.mark.django_db


def url(name: str, *args: object) -> str:
    return reverse(name, args=["riverton", *args])


def test_it_lists_and_searches_stakeholders(alice_client, riverton):
    make_stakeholder(riverton, "Riverton Community Foundation", sector="philanthropy")
    make_stakeholder(riverton, "Chamber of Commerce", sector="business")
    response = alice_client.get(url("stakeholders:list"), {"q": "foundation"})
    assert response.status_code == 200
    assert b"Riverton Community Foundation" in response.content
    assert b"Chamber of Commerce" not in response.content


def test_it_filters_by_sector_and_tag(alice_client, riverton):
    housing = Tag.objects.create(workspace=riverton, name="housing")
    tagged = make_stakeholder(riverton, "Habitat Riverton", sector="nonprofit")
    tagged.tags.add(housing)
    make_stakeholder(riverton, "Riverton Bank", sector="business")
    response = alice_client.get(url("stakeholders:list"), {"sector": "nonprofit", "tag": "housing"})
    assert b"Habitat Riverton" in response.content
    assert b"Riverton Bank" not in response.content


def test_it_sorts_and_paginates(alice_client, riverton):
    for i in range(30):
        make_stakeholder(riverton, f"Org {i:02d}")
    first = alice_client.get(url("stakeholders:list"), {"sort": "-name"})
    assert first.content.index(b"Org 29") < first.content.index(b"Org 28")
    assert b"Org 00" not in first.content
    second = alice_client.get(url("stakeholders:list"), {"sort": "-name", "page": 2})
    assert b"Org 00" in second.content


def test_the_detail_page_shows_ties_and_the_timeline(alice_client, riverton, alice_member):
    city = make_stakeholder(
        riverton, "City of Riverton", sector="local-government", is_internal=True
    )
    foundation = make_stakeholder(riverton, "Riverton Community Foundation", sector="philanthropy")
    make_tie(city, foundation, cadence_days=30)
    make_interaction(riverton, [foundation], summary="Coffee with the foundation director")
    response = alice_client.get(url("stakeholders:detail", foundation.pk))
    assert response.status_code == 200
    assert b"City of Riverton" in response.content
    assert b"Coffee with the foundation director" in response.content
    assert b"Healthy" in response.content


def test_it_hides_other_peoples_private_interactions(bob_client, riverton, alice_member):
    foundation = make_stakeholder(riverton, "Riverton Community Foundation")
    make_interaction(
        riverton, [foundation], summary="Secret budget talk", private=True, author=alice_member
    )
    response = bob_client.get(url("stakeholders:detail", foundation.pk))
    assert b"Secret budget talk" not in response.content


def test_it_creates_a_stakeholder(alice_client, riverton):
    response = alice_client.post(
        url("stakeholders:new"),
        {
            "kind": "organisation",
            "name": "Riverton Food Bank",
            "sector": "nonprofit",
            "level": "local",
            "offers": ["volunteers", "community-connections"],
            "tags": "food, youth",
        },
    )
    assert response.status_code == 302
    food_bank = Stakeholder.objects.get(name="Riverton Food Bank")
    assert food_bank.workspace == riverton
    assert food_bank.offers == ["volunteers", "community-connections"]
    assert sorted(t.name for t in food_bank.tags.all()) == ["food", "youth"]


def test_it_names_the_field_when_input_is_bad(alice_client, riverton):
    response = alice_client.post(
        url("stakeholders:new"), {"kind": "organisation", "name": "", "sector": "pirates"}
    )
    assert response.status_code == 422
    form = response.context["form"]
    assert "name" in form.errors
    assert "sector" in form.errors
    assert not Stakeholder.objects.exists()


def test_it_edits_a_stakeholder(alice_client, riverton):
    bank = make_stakeholder(riverton, "Riverton Bank", sector="business")
    response = alice_client.post(
        url("stakeholders:edit", bank.pk),
        {
            "kind": "organisation",
            "name": "Riverton Savings Bank",
            "sector": "business",
            "level": "regional",
        },
    )
    assert response.status_code == 302
    bank.refresh_from_db()
    assert (bank.name, bank.level) == ("Riverton Savings Bank", "regional")


def person_data(**fields: object) -> dict[str, object]:
    return {
        "kind": "person",
        "name": "Maya Lind",
        "sector": "nonprofit",
        "level": "local",
        **fields,
    }


def test_a_persons_organisations_are_picked_by_name_and_only_the_chosen_are_listed(
    alice_client, riverton
):
    food_bank = make_stakeholder(riverton, "Riverton Food Bank", kind="organisation")
    for i in range(300):
        make_stakeholder(riverton, f"Org {i:03d}", kind="organisation")
    maya = make_stakeholder(riverton, "Maya Lind", kind="person")
    maya.organisations.set([food_bank])
    html = alice_client.get(url("stakeholders:edit", maya.pk)).content.decode()
    picker = html[html.index('<select name="organisations"') :]
    picker = picker[: picker.index("</select>")]
    assert picker.count("<option") == 1
    assert f'<option value="{food_bank.pk}" selected>Riverton Food Bank</option>' in picker
    lookup = url("stakeholders:lookup") + f"?kind=organisation&amp;exclude={maya.pk}"
    assert f'data-lookup="{lookup}"' in picker
    assert "Org 0" not in html


@pytest.mark.parametrize("other", ["PERSON", "ELSEWHERE", "TRASHED"])
def test_an_organisation_that_is_not_one_of_the_workspaces_is_a_field_error(
    alice_client, riverton, lakeside, other
):
    food_bank = make_stakeholder(riverton, "Riverton Food Bank", kind="organisation")
    trashed = make_stakeholder(riverton, "Old Mill", kind="organisation")
    trashed.deleted_at = trashed.created_at
    trashed.save()
    bad = {
        "PERSON": make_stakeholder(riverton, "Rita Rivers", kind="person"),
        "ELSEWHERE": make_stakeholder(lakeside, "Lakeside Bank", kind="organisation"),
        "TRASHED": trashed,
    }[other]
    response = alice_client.post(
        url("stakeholders:new"), person_data(organisations=[food_bank.pk, bad.pk])
    )
    assert response.status_code == 422
    assert response.context["form"].errors["organisations"] == [
        f"No such organisation in this workspace: {bad.pk}."
    ]
    assert not Stakeholder.objects.filter(name="Maya Lind").exists()


def test_a_persons_organisations_are_saved(alice_client, riverton):
    food_bank = make_stakeholder(riverton, "Riverton Food Bank", kind="organisation")
    response = alice_client.post(url("stakeholders:new"), person_data(organisations=[food_bank.pk]))
    assert response.status_code == 302
    assert list(Stakeholder.objects.get(name="Maya Lind").organisations.all()) == [food_bank]


def test_deleting_moves_the_stakeholder_and_its_ties_to_the_trash(alice_client, riverton):
    a = make_stakeholder(riverton, "A")
    b = make_stakeholder(riverton, "B")
    tie = make_tie(a, b)
    response = alice_client.post(url("stakeholders:delete", a.pk))
    assert response.status_code == 302
    assert not Stakeholder.objects.filter(pk=a.pk).exists()
    assert Stakeholder.all_objects.get(pk=a.pk).in_trash
    assert type(tie).all_objects.get(pk=tie.pk).in_trash
    assert TrashEntry.objects.get(workspace=riverton).related_count == 1


def test_a_viewer_cannot_write(bob_client, riverton):
    bank = make_stakeholder(riverton, "Riverton Bank")
    assert bob_client.get(url("stakeholders:new")).status_code == 403
    assert (
        bob_client.post(url("stakeholders:new"), {"name": "X", "sector": "business"}).status_code
        == 403
    )
    assert bob_client.post(url("stakeholders:edit", bank.pk), {"name": "Y"}).status_code == 403
    assert bob_client.post(url("stakeholders:delete", bank.pk)).status_code == 403
    assert bob_client.get(url("stakeholders:detail", bank.pk)).status_code == 200
    bank.refresh_from_db()
    assert bank.name == "Riverton Bank" and not bank.in_trash


def test_another_workspace_gets_404(carol_client, riverton):
    bank = make_stakeholder(riverton, "Riverton Bank")
    for name, args in [
        ("stakeholders:list", ()),
        ("stakeholders:detail", (bank.pk,)),
        ("stakeholders:edit", (bank.pk,)),
        ("stakeholders:delete", (bank.pk,)),
    ]:
        assert carol_client.get(url(name, *args)).status_code == 404
    assert carol_client.post(url("stakeholders:delete", bank.pk)).status_code == 404


def test_a_stakeholder_in_another_workspace_is_404_even_for_a_member(alice_client, lakeside):
    elsewhere = make_stakeholder(lakeside, "Lakeside Bank")
    assert alice_client.get(url("stakeholders:detail", elsewhere.pk)).status_code == 404


def test_logged_out_visitors_are_sent_to_login(client, riverton):
    response = client.get(url("stakeholders:list"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_stakeholder_with_many_ties_lists_the_first_hundred_by_name(alice_client, riverton):
    from cityweave.stakeholders.models import Stakeholder, Tie

    city = make_stakeholder(riverton, "City of Riverton", is_internal=True)
    others = Stakeholder.objects.bulk_create(
        Stakeholder(workspace=riverton, name=f"Partner {n:03}", sector="nonprofit")
        for n in range(120)
    )
    Tie.objects.bulk_create(Tie(workspace=riverton, source=city, target=o) for o in others[:60])
    Tie.objects.bulk_create(Tie(workspace=riverton, source=o, target=city) for o in others[60:])
    response = alice_client.get(url("stakeholders:detail", city.pk))
    rows = response.context["tie_rows"]
    assert [row["other"].name for row in rows] == [f"Partner {n:03}" for n in range(50)]
    assert response.context["tie_count"] == 120
    assert "The first 50 of 120, by name." in response.content.decode()
