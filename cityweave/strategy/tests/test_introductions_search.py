"""What a fresh tester found in warm introductions and the next best relationships (issue 14),
on the pages, the API and the CLI (Alice owns Riverton, Bob is a viewer there)."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from cityweave.network.models import NetworkSnapshot
from cityweave.strategy import introductions as intro
from cityweave.strategy import next_best as nb
from cityweave.testing import make_stakeholder, make_tie

pytestmark = pytest.mark.django_db

API = "/api/v1/workspaces/riverton/budget"


@pytest.fixture
def page_url():
    return reverse("budget:introductions", args=["riverton"])


@pytest.fixture
def media(alice_member, riverton):
    """Alice knows Ana (trust 4); Ana knows seven media people (trust 3), whom Alice does not;
    Tess offers IT."""
    city = make_stakeholder(riverton, "City Hall", sector="local-government", is_internal=True)
    ana = make_stakeholder(riverton, "Ana Ruiz", sector="business")
    make_tie(city, ana, owner=alice_member, trust=4)
    people = []
    for number in range(7):
        person = make_stakeholder(riverton, f"Reporter {number}", sector="media")
        make_tie(ana, person, trust=3)
        people.append(person)
    tess = make_stakeholder(riverton, "Tess Lane", sector="philanthropy", offers=["it"])
    make_tie(ana, tess, trust=2)
    return ana, people, tess


def run(*args: str) -> str:
    out = StringIO()
    call_command("budget", *args, stdout=out)
    return out.getvalue()


# A search, one kind at a time ------------------------------------------------------------------


def test_choosing_another_kind_searches_that_kind_alone(alice_client, page_url, media):
    ana, people, tess = media
    # The earlier search's stakeholder is still in the address; "Search by" says sector now.
    response = alice_client.get(
        page_url, {"kind": "sector", "stakeholder": tess.pk, "sector": "media"}
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "Introductions to anyone in Media" in text
    assert f'<option value="{tess.pk}" selected>' not in text  # the stakeholder is cleared


def test_two_kinds_without_search_by_name_both_and_do_not_talk_of_saving(
    alice_client, page_url, media
):
    ana, people, tess = media
    response = alice_client.get(page_url, {"stakeholder": tess.pk, "sector": "media"})
    assert response.status_code == 422
    text = response.content.decode()
    assert "could not be saved" not in text and "before saving" not in text
    assert "Check the search" in text
    assert '<a href="#id_stakeholder">Stakeholder</a>: Search for one at a time' in text
    assert '<a href="#id_sector">Sector</a>: Search for one at a time' in text


def test_a_kind_chosen_without_its_value_names_the_field(alice_client, page_url, media):
    response = alice_client.get(page_url, {"kind": "sector", "sector": ""})
    assert response.status_code == 422
    assert '<a href="#id_sector">Sector</a>: Choose a sector.' in response.content.decode()


# Strict, single parameters, the same on the page and in the API ---------------------------------


@pytest.mark.parametrize("raw", ["+5", " 5", "5\n", "٥", "5.0"])
def test_ids_are_read_as_strictly_on_the_page_as_in_the_api(alice_client, alice_api, raw, media):
    page = alice_client.get(
        reverse("budget:introductions", args=["riverton"]), {"stakeholder": raw}
    )
    assert page.status_code == 422
    assert "Give a stakeholder&#x27;s id in the digits 0-9." in page.content.decode()
    api = alice_api.get(f"{API}/introductions", {"stakeholder": raw})
    assert api.status_code == 422
    assert [d["field"] for d in api.json()["detail"]] == ["stakeholder"]


def test_a_parameter_given_twice_is_refused_naming_it(alice_client, alice_api, page_url, media):
    page = alice_client.get(f"{page_url}?sector=media&sector=business")
    assert page.status_code == 422
    assert "Give sector once, not 2 times." in page.content.decode()
    api = alice_api.get(f"{API}/introductions?sector=media&sector=business")
    assert api.status_code == 422
    assert api.json()["detail"] == [
        {"loc": ["query", "sector"], "field": "sector", "msg": "Give sector once, not 2 times."}
    ]
    next_page = alice_client.get(f"{reverse('budget:next', args=['riverton'])}?w_goals=1&w_goals=2")
    assert next_page.status_code == 422
    assert alice_api.get(f"{API}/next?w_goals=1&w_goals=2").json()["detail"][0]["field"] == (
        "w_goals"
    )


def test_two_kinds_in_the_api_are_refused_naming_both(alice_api, media):
    ana, people, tess = media
    response = alice_api.get(f"{API}/introductions?stakeholder={tess.pk}&sector=media")
    assert response.status_code == 422
    assert {d["field"] for d in response.json()["detail"]} == {"stakeholder", "sector"}


def test_a_community_with_leading_zeros_is_the_same_on_the_page_and_in_the_api(
    alice_client, alice_api, page_url, media, riverton
):
    ana, people, tess = media
    NetworkSnapshot.objects.create(
        workspace=riverton,
        version="x",
        computed_at=timezone.now(),
        result={
            "network": {"community_names": ["Business (Ana Ruiz)", "Media (Reporter 0)"]},
            "nodes": [{"id": p.pk, "community": 2} for p in people],
        },
    )
    api = alice_api.get(f"{API}/introductions?community=00002").json()
    assert api["label"] == "anyone in community 2: Media (Reporter 0)"
    assert api["reachable"] == 7
    page = alice_client.get(page_url, {"community": "00002"})
    assert page.status_code == 200
    assert "Introductions to anyone in community 2: Media (Reporter 0)" in page.content.decode()


def test_query_errors_name_the_parameter_in_the_query(alice_api, media):
    empty = alice_api.get(f"{API}/introductions?sector=")
    assert empty.status_code == 422
    assert empty.json()["detail"] == [
        {"loc": ["query", "sector"], "field": "sector", "msg": "Give a sector's key; it is empty."}
    ]
    unknown = alice_api.get(f"{API}/introductions?sector=astrology").json()["detail"]
    assert unknown[0]["loc"] == ["query", "sector"]
    letters = alice_api.get(f"{API}/introductions?stakeholder=abc").json()["detail"]
    assert letters[0]["field"] == "stakeholder"
    assert letters[0]["msg"] == "must be a whole number written with the digits 0-9"


# Honest counts, and more on request -------------------------------------------------------------


def test_the_page_says_how_many_it_shows_and_offers_all(alice_client, page_url, media):
    text = alice_client.get(page_url, {"kind": "sector", "sector": "media"}).content.decode()
    assert "7 of the 7 you do not know yet can be reached; the 5 warmest of them are shown." in text
    assert 'href="?kind=sector&amp;sector=media&amp;limit=7">Show all 7</a>' in text
    assert text.count('<li class="intro-path">') == 5
    every = alice_client.get(page_url, {"kind": "sector", "sector": "media", "limit": "7"})
    assert every.content.decode().count('<li class="intro-path">') == 7
    assert "Show all" not in every.content.decode()


@pytest.mark.parametrize("limit", ["0", "51", "-1", "ten"])
def test_a_limit_out_of_bounds_is_refused_on_the_page_as_in_the_api(
    alice_client, alice_api, page_url, media, limit
):
    page = alice_client.get(page_url, {"sector": "media", "limit": limit})
    assert page.status_code == 422
    assert "limit: Ask for 1 to 50 paths." in page.content.decode()
    api = alice_api.get(f"{API}/introductions", {"sector": "media", "limit": limit})
    assert api.status_code == 422
    assert [d["field"] for d in api.json()["detail"]] == ["limit"]


# Wording -----------------------------------------------------------------------------------------


def test_a_value_type_is_named_by_its_label(alice_member, media):
    assert intro.introductions(alice_member, value_type="it").label == "anyone offering IT"
    assert intro.introductions(alice_member, value_type="funding").label == (
        "anyone offering funding"
    )


def test_a_tie_alice_owns_between_two_organisations_is_not_her_own_trust(alice_member, riverton):
    united = make_stakeholder(riverton, "United Way", sector="nonprofit")
    chance = make_stakeholder(riverton, "Second Chance", sector="nonprofit")
    tess = make_stakeholder(riverton, "Tess Lane", sector="philanthropy")
    make_tie(united, chance, owner=alice_member, trust=3)
    make_tie(chance, tess, trust=4)
    answer = intro.introductions(alice_member, stakeholder=tess.pk)
    path = next(p for p in answer.paths if p.broker.id == chance.pk)
    assert "your tie United Way–Second Chance 3/4" in path.sentence
    assert "you–Second Chance" not in path.sentence
    # Alice's side of the tie is United Way (nonprofit), as Second Chance; Tess is not.
    assert path.role == "representative"
    assert path.role_text == "representative (your side's sector's link to another)"


def test_the_owner_advice_is_for_members_who_can_edit(alice_member, bob_member, riverton):
    ana = make_stakeholder(riverton, "Ana Ruiz", sector="business")
    bea = make_stakeholder(riverton, "Bea Ortiz", sector="media")
    make_tie(ana, bea, trust=4)
    alices = intro.introductions(alice_member, stakeholder=bea.pk).note
    bobs = intro.introductions(bob_member, stakeholder=bea.pk).note
    assert "set yourself as the owner of your ties" in alices
    assert bobs == (
        "You own no active ties yet, so nobody can introduce you: a path starts at someone you know."
    )


def test_the_trust_product_is_rounded_alike_on_the_page_and_in_the_cli(alice, alice_client, media):
    ana, people, tess = media
    # 4/4 × 2/4 = 0.5 for Tess; a product of quarters can end in a half: 0.140625 → 0.141.
    assert intro.product_text(0.140625) == "0.141"
    assert intro.product_text(0.5) == "0.500"
    text = run("introductions", "riverton", "--as", alice.email, "--stakeholder", str(tess.pk))
    assert "trust product 0.500" in text
    page = alice_client.get(
        reverse("budget:introductions", args=["riverton"]), {"stakeholder": tess.pk}
    )
    assert "Trust along the way 0.500" in page.content.decode()


# Next best: an empty network, zero weights, tiny gains --------------------------------------------


def test_a_member_who_knows_nobody_gets_credit_for_any_sector(
    alice, alice_member, alice_api, riverton
):
    make_stakeholder(riverton, "Ana Ruiz", sector="business")
    make_stakeholder(riverton, "Bea Ortiz", sector="media")
    found = nb.next_best(alice_member)
    assert [c.name for c in found.candidates] == ["Ana Ruiz", "Bea Ortiz"]
    assert all(c.diversity_gain == 1 and c.score == 1 for c in found.candidates)
    assert found.candidates[0].reason == (
        "Ana Ruiz would be the first person you know, in Business."
    )
    assert found.notes[0].startswith("You know nobody yet (you own no active ties")
    assert alice_api.get(f"{API}/next").json()["notes"][0].startswith("You know nobody yet")
    assert "You know nobody yet" in run("next", "riverton", "--as", alice.email)


def test_all_weights_zero_say_so_rather_than_blame_the_data(alice, alice_client, media):
    url = reverse("budget:next", args=["riverton"])
    text = alice_client.get(url, {"w_goals": 0, "w_diversity": 0, "w_bridging": 0}).content.decode()
    assert "No one to suggest: all three weights are 0." in text
    assert "nobody you do not know yet would add" not in text
    cli = run(
        "next",
        "riverton",
        "--as",
        alice.email,
        "--w-goals",
        "0",
        "--w-diversity",
        "0",
        "--w-bridging",
        "0",
    )
    assert nb.ALL_ZERO in cli


def test_a_small_diversity_gain_reads_as_evening_out_never_zero():
    assert nb.blau_change(0.884, 0.887) == "Blau 0.884 → 0.887"
    assert nb.blau_change(0.88412, 0.88437) == "Blau 0.8841 → 0.8844"
    assert nb.blau_change(0.5, 0.5) is None
    assert nb.blau_change(0.5, 0.4) is None
    assert [nb.ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 113)] == [
        "1st",
        "2nd",
        "3rd",
        "4th",
        "11th",
        "12th",
        "13th",
        "21st",
        "22nd",
        "113th",
    ]


def test_a_candidate_in_a_sector_already_known_evens_it_out(alice_member, riverton):
    city = make_stakeholder(riverton, "City Hall", sector="local-government", is_internal=True)
    for name, sector in (("Bill", "business"), ("Bea", "business"), ("Mo", "media")):
        make_tie(city, make_stakeholder(riverton, name, sector=sector), owner=alice_member)
    make_stakeholder(riverton, "Max", sector="media")
    found = nb.next_best(alice_member, weights={"goals": 0, "bridging": 0})
    (max_row,) = [c for c in found.candidates if c.name == "Max"]
    # 2 business + 1 media: Blau 4/9 = 0.444; one more in media: 2 and 2, Blau 0.5.
    assert max_row.reason == "Max evens out your network's sectors (Media: Blau 0.444 → 0.500)."
    assert "0.000" not in " ".join(c.reason for c in found.candidates)


# Small ones ---------------------------------------------------------------------------------------


def test_a_post_answers_405_for_everyone(alice_client, bob_client, page_url):
    for client in (alice_client, bob_client):
        assert client.post(page_url).status_code == 405
        assert client.post(reverse("budget:next", args=["riverton"])).status_code == 405


def test_the_cli_names_an_unknown_workspace(alice, media):
    with pytest.raises(CommandError, match="WORKSPACE: no workspace “nowhere”"):
        run("introductions", "nowhere", "--as", alice.email, "--sector", "media")
    with pytest.raises(CommandError, match="is not a member of the workspace “riverton”"):
        run("introductions", "riverton", "--as", "nobody@example.org", "--sector", "media")


def test_the_json_twin_counts_the_paths_found(alice_api, media):
    body = alice_api.get(f"{API}/introductions?sector=media").json()
    assert (body["reachable"], body["found"], len(body["paths"])) == (7, 7, 5)
    assert json.loads(json.dumps(body))["label"] == "anyone in Media"
