"""Names: the duplicate key, a person's given and family names, the key lists sort by."""

from __future__ import annotations

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cityweave.stakeholders.models import Stakeholder
from cityweave.stakeholders.names import (
    LEGAL_SUFFIXES,
    POST_NOMINALS,
    TITLES,
    fold,
    name_key,
    sort_key,
    split_person_name,
)
from cityweave.testing import make_stakeholder

RESERVED = (
    TITLES
    | POST_NOMINALS
    | LEGAL_SUFFIXES
    | {"the", "and", "co", "company", "jr", "sr", "ii", "iii", "iv"}
)
#: Plain words that are none of the words the key leaves out.
words = st.text(string.ascii_letters, min_size=2, max_size=10).filter(
    lambda w: w.casefold() not in RESERVED
)
names = st.lists(words, min_size=1, max_size=5).map(" ".join)


@pytest.mark.parametrize(
    "one, other",
    [
        ("Dr. Alan Brooks", "alan brooks, PhD"),
        ("Riverton Community Foundation", "The Riverton Community Foundation, Inc."),
        ("Riverton Community Foundation", "RIVERTON COMMUNITY FOUNDATION"),
        ("Núñez & Sons LLC", "Nunez and Sons"),
        ("Acme Corp.", "ACME Corporation"),
        ("O'Brien Holdings Ltd", "OBrien Holdings"),
        ("Smith & Co., Ltd.", "Smith"),
    ],
)
def test_spellings_of_one_name_have_one_key(one, other):
    assert name_key(one) == name_key(other)


@pytest.mark.parametrize(
    "one, other",
    [
        ("Riverton Foundation", "Riverton"),
        ("Riverton Community Trust", "Riverton Community Fund"),
        ("Alan Brooks Jr.", "Alan Brooks"),
        ("Riverton Arts Council", "Riverton Parks Council"),
        ("Jack Ma", "Jack"),
    ],
)
def test_words_that_tell_two_apart_stay(one, other):
    assert name_key(one) != name_key(other)


@given(names)
def test_the_key_ignores_case_punctuation_and_accents(name):
    assert name_key(name.upper()) == name_key(name)
    assert name_key(f"  {name.replace(' ', ', ')}!! ") == name_key(name)
    accented = name.replace("e", "é").replace("a", "à")
    assert name_key(accented) == name_key(name)


@given(names, st.sampled_from(sorted(TITLES)), st.sampled_from(sorted(LEGAL_SUFFIXES)))
def test_the_key_drops_a_title_before_and_a_legal_form_after(name, title, suffix):
    assert name_key(f"{title.title()}. {name}") == name_key(name)
    assert name_key(f"{name}, {suffix.upper()}.") == name_key(name)
    assert name_key(f"The {name}") == name_key(name)


@given(st.text(max_size=60))
def test_folding_is_stable_and_the_key_never_grows_words(text):
    assert fold(fold(text)) == fold(text)
    assert set(name_key(text).split()) <= set(fold(text).split())
    assert len(name_key(text)) <= 200


@given(words, words)
def test_a_plain_two_word_name_splits_into_given_and_family(given_name, family_name):
    assert split_person_name(f"{given_name} {family_name}") == (given_name, family_name)
    assert split_person_name(f"{family_name}, {given_name}") == (given_name, family_name)
    assert split_person_name(f"Dr. {given_name} {family_name}, PhD") == (given_name, family_name)


@pytest.mark.parametrize(
    "name, split",
    [
        ("Dr. Alan Brooks", ("Alan", "Brooks")),
        ("Brooks, Alan", ("Alan", "Brooks")),
        ("Alan Brooks, Jr.", ("Alan", "Brooks Jr.")),
        ("Ludwig van Beethoven", ("Ludwig", "van Beethoven")),
        ("Mary de la Cruz", ("Mary", "de la Cruz")),
        ("Hon. María Núñez García MBE", ("María Núñez", "García")),
        ("Madonna", ("", "Madonna")),
        ("Jack Ma", ("Jack", "Ma")),
        ("   ", ("", "")),
    ],
)
def test_it_splits_people_names(name, split):
    assert split_person_name(name) == split


def test_people_sort_by_family_name_and_organisations_without_the():
    assert sort_key("Dr. Alan Brooks", given_name="Alan", family_name="Brooks") == "brooks alan"
    assert sort_key("The Riverton Foundation") == "riverton foundation"


@pytest.mark.django_db
def test_saving_a_person_fills_given_and_family_names_and_keys(riverton):
    alan = make_stakeholder(riverton, "Dr. Alan Brooks", kind="person")
    assert (alan.given_name, alan.family_name) == ("Alan", "Brooks")
    assert (alan.sort_name, alan.name_key) == ("brooks alan", "alan brooks")
    org = make_stakeholder(riverton, "The Acme Foundation, Inc.", given_name="x")
    assert (org.given_name, org.family_name, org.sort_name) == ("", "", "acme foundation inc")
    hand = make_stakeholder(
        riverton, "Maria Nunez Garcia", kind="person", family_name="Nunez Garcia"
    )
    assert (hand.given_name, hand.family_name, hand.sort_name) == (
        "",
        "Nunez Garcia",
        "nunez garcia",
    )


@pytest.mark.django_db
def test_lists_order_people_by_family_name(riverton):
    make_stakeholder(riverton, "Dr. Alan Brooks", kind="person")
    make_stakeholder(riverton, "Zoe Adams", kind="person")
    make_stakeholder(riverton, "The Chamber of Commerce")
    assert [s.name for s in Stakeholder.objects.filter(workspace=riverton)] == [
        "Zoe Adams",
        "Dr. Alan Brooks",
        "The Chamber of Commerce",
    ]


@pytest.mark.django_db
def test_a_new_name_is_split_again_unless_the_names_were_set_by_hand(alice_member, riverton):
    from cityweave.stakeholders.services import save_stakeholder

    alan = make_stakeholder(riverton, "Alan Brooks", kind="person")
    save_stakeholder(alice_member, {"name": "Dr. Alan Brookes"}, alan)
    assert (alan.given_name, alan.family_name, alan.sort_name) == (
        "Alan",
        "Brookes",
        "brookes alan",
    )
    save_stakeholder(alice_member, {"given_name": "Al", "family_name": "Brookes-Hart"}, alan)
    save_stakeholder(alice_member, {"name": "Alan Brookes-Hart"}, alan)
    alan.refresh_from_db()
    assert (alan.given_name, alan.family_name) == ("Al", "Brookes-Hart")


@pytest.mark.django_db
def test_the_form_shows_given_and_family_names_and_the_page_the_name_as_written(
    alice_client, riverton
):
    from django.urls import reverse

    response = alice_client.post(
        reverse("stakeholders:new", args=["riverton"]),
        {"kind": "person", "name": "Dr. Alan Brooks", "sector": "academia", "level": "local"},
    )
    alan = Stakeholder.objects.get(name="Dr. Alan Brooks")
    assert response.status_code == 302
    assert (alan.given_name, alan.family_name) == ("Alan", "Brooks")
    page = alice_client.get(alan.get_absolute_url()).content.decode()
    assert "<h1>Dr. Alan Brooks" in page or ">Dr. Alan Brooks<" in page
    form = alice_client.get(
        reverse("stakeholders:edit", args=["riverton", alan.pk])
    ).content.decode()
    assert 'name="family_name"' in form and 'value="Brooks"' in form
    # Renamed on the form with the names left as shown: they follow the new name.
    alice_client.post(
        reverse("stakeholders:edit", args=["riverton", alan.pk]),
        {
            "kind": "person", "name": "Dr. Alan Brookes", "given_name": "Alan",
            "family_name": "Brooks", "sector": "academia", "level": "local",
        },
    )  # fmt: skip
    alan.refresh_from_db()
    assert alan.family_name == "Brookes"


@pytest.mark.django_db
def test_the_list_page_sorts_people_under_their_family_name(alice_client, alice_api, riverton):
    from django.urls import reverse

    make_stakeholder(riverton, "Dr. Alan Brooks", kind="person")
    make_stakeholder(riverton, "Zoe Adams", kind="person")
    make_stakeholder(riverton, "Carla Diaz", kind="person")
    html = alice_client.get(reverse("stakeholders:list", args=["riverton"])).content.decode()
    assert html.index("Zoe Adams") < html.index("Dr. Alan Brooks") < html.index("Carla Diaz")
    api = alice_api.get("/api/v1/workspaces/riverton/stakeholders").json()
    assert [s["name"] for s in api["items"]] == ["Zoe Adams", "Dr. Alan Brooks", "Carla Diaz"]
    assert api["items"][1]["family_name"] == "Brooks"


@pytest.mark.parametrize(
    ("written", "key", "given", "family"),
    [
        ("State Senator Grace Holloway", "grace holloway", "Grace", "Holloway"),
        ("Council Member Beth Sorensen", "beth sorensen", "Beth", "Sorensen"),
        ("Commissioner Harold Lindgren", "harold lindgren", "Harold", "Lindgren"),
        ("Father Michael Doyle", "michael doyle", "Michael", "Doyle"),
        ("Deputy Mayor Ana Ruiz", "ana ruiz", "Ana", "Ruiz"),
    ],
)
def test_an_office_before_a_name_is_no_part_of_it(written, key, given, family):
    assert name_key(written) == key
    assert split_person_name(written) == (given, family)


@pytest.mark.parametrize("name", ["City of Riverton", "State Street Bank", "Council for the Arts"])
def test_a_word_that_begins_an_office_stays_in_an_organisations_name(name):
    assert name_key(name) == fold(name)
