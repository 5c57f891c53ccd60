"""Cohorts: a hand-made network whose best grouping is worked out by hand (and checked against
every split), sizes and validation, reasons in plain words, determinism, and (hypothesis) every
city in exactly one group with sizes within bounds; the page, the API and the CLI."""

from __future__ import annotations

import io
import itertools
import json
import math
import random

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from cityweave.analytics.tests.strategies import checked
from cityweave.peers.cohorts import (
    group_sizes,
    grouping_score,
    minimum_size,
    network_cohorts,
    plan_cohorts,
)
from cityweave.peers.matching import CityFacts, challenge_weights
from cityweave.peers.models import BuiltInChallenge
from cityweave.peers.testing import make_city, make_strength
from cityweave.peers.tests.conftest import client_for
from cityweave.peers.tests.test_api import api_for
from cityweave.peers.tests.test_pages import client_for_user

HOUSING, WORK = "affordable-housing", "workforce-development"
CLIMATE, DIGITAL = "climate-resilience", "digital-inclusion"
LABELS = dict(BuiltInChallenge.choices)


def city(pk: int, name: str, challenges: list[str], strengths: tuple[str, ...] = ()) -> CityFacts:
    return CityFacts(pk, name, frozenset(challenges), frozenset(strengths))


#: Eight cities: four face housing (two of them with a strength in it, and workforce too), five
#: face climate resilience; Fresno faces climate and workforce, Hilo climate and digital.
EIGHT = [
    city(1, "Austin", [HOUSING, WORK], (HOUSING,)),
    city(2, "Boise", [HOUSING]),
    city(3, "Camden", [HOUSING, CLIMATE]),
    city(4, "Denver", [HOUSING, WORK], (HOUSING,)),
    city(5, "Erie", [CLIMATE]),
    city(6, "Fresno", [CLIMATE, WORK]),
    city(7, "Gary", [CLIMATE]),
    city(8, "Hilo", [CLIMATE, DIGITAL]),
]


def test_the_best_grouping_of_a_hand_made_network():
    # Weights ln(1 + 8/n): housing (4 cities) ln 3, climate (5) ln 2.6, workforce (3) ln(11/3).
    # Housing together and climate together: 6 ln 3 + ln(11/3) + 6 ln 2.6 = 13.624; the next
    # best, Camden and Fresno swapped: 3 ln 3 + 3 ln(11/3) + 6 ln 2.6 = 12.927.
    best = 6 * math.log(3) + math.log(11 / 3) + 6 * math.log(2.6)
    plan = plan_cohorts(EIGHT, 4, labels=LABELS)
    groups = [[c.name for c in cohort.cities] for cohort in plan.cohorts]
    assert groups == [["Austin", "Boise", "Camden", "Denver"], ["Erie", "Fresno", "Gary", "Hilo"]]
    assert plan.score == pytest.approx(best, abs=1e-6)
    weights = challenge_weights(EIGHT)
    every_split = max(
        grouping_score(
            [[EIGHT[i] for i in half], [EIGHT[i] for i in range(8) if i not in half]], weights
        )
        for half in itertools.combinations(range(8), 4)
    )
    assert plan.score == pytest.approx(every_split, abs=1e-6)
    housing, climate = plan.cohorts
    assert housing.theme == HOUSING and climate.theme == CLIMATE
    assert housing.reason == (
        "All 4 face affordable housing; 2 also face workforce development; "
        "Austin and Denver have strengths in it"
    )
    assert climate.reason == "All 4 face climate resilience"
    assert housing.shared == ((HOUSING, 4), (WORK, 2))


def test_local_improvement_mends_what_the_greedy_start_misses():
    # Shuffled names make the greedy fill go wrong in places; the swaps never lower the score
    # and reach the best split of these small networks most of the time.
    rng = random.Random(7)
    keys = [HOUSING, WORK, CLIMATE, DIGITAL, "fiscal-health", "public-safety"]
    optimal = 0
    for _ in range(20):
        cities = [
            city(i, f"City {rng.random():.6f}", rng.sample(keys, rng.randint(1, 3)))
            for i in range(9)
        ]
        plan = plan_cohorts(cities, 3)
        assert plan.score >= plan.greedy_score - 1e-6
        weights = challenge_weights(cities)
        best = 0.0
        for first in itertools.combinations(range(9), 3):
            rest = [i for i in range(9) if i not in first]
            for second in itertools.combinations(rest, 3):
                third = [i for i in rest if i not in second]
                groups = [[cities[i] for i in g] for g in (first, second, third)]
                best = max(best, grouping_score(groups, weights))
        assert plan.score <= best + 1e-6
        optimal += plan.score >= best - 1e-6
    assert optimal >= 12, optimal


def test_chosen_challenges_group_only_the_cities_facing_them():
    plan = plan_cohorts(EIGHT, 3, challenges=[CLIMATE], labels=LABELS)
    grouped = sorted(c.name for cohort in plan.cohorts for c in cohort.cities)
    assert grouped == ["Camden", "Erie", "Fresno", "Gary", "Hilo"]
    assert [c.name for c in plan.left_out] == ["Austin", "Boise", "Denver"]
    # Five cities for groups of 3: 3 and 2 (one off each) rather than one group of 5.
    assert [cohort.size for cohort in plan.cohorts] == group_sizes(5, 3) == [3, 2]


def test_sizes_are_k_or_one_off_when_the_count_allows():
    assert group_sizes(20, 6) == [7, 7, 6]
    assert group_sizes(40, 8) == [8, 8, 8, 8, 8]
    assert group_sizes(9, 8) == [9]
    # 13 cities for groups of 8: no count of groups gives 7 to 9 each; 7 and 6 are nearest.
    assert group_sizes(13, 8) == [7, 6]
    assert minimum_size(8) == 6 and minimum_size(3) == 2


def test_bad_sizes_and_too_few_cities_are_named():
    for bad in (2, 16, "eight", None, True):
        with pytest.raises(ValidationError) as error:
            plan_cohorts(EIGHT, bad)  # type: ignore[arg-type]
        assert list(error.value.message_dict) == ["size"]
    with pytest.raises(ValidationError, match="at least 10 cities"):
        plan_cohorts(EIGHT, 15)


def test_it_is_deterministic_whatever_the_order():
    plans = {
        tuple(tuple(c.id for c in cohort.cities) for cohort in plan_cohorts(order, 3).cohorts)
        for order in (EIGHT, list(reversed(EIGHT)), EIGHT[3:] + EIGHT[:3])
    }
    assert len(plans) == 1


def test_a_group_sharing_nothing_says_so():
    plan = plan_cohorts([city(1, "A", [HOUSING]), city(2, "B", [CLIMATE]), city(3, "C", [])], 3)
    (cohort,) = plan.cohorts
    assert cohort.theme == "" and "share no challenge" in cohort.reason


@checked
@given(
    st.lists(
        st.frozensets(st.sampled_from([HOUSING, WORK, CLIMATE, DIGITAL, "x", "y"]), max_size=3),
        min_size=2,
        max_size=60,
    ),
    st.integers(min_value=3, max_value=15),
)
def test_every_city_is_in_exactly_one_group_of_a_size_within_bounds(challenges, size):
    cities = [CityFacts(i + 1, f"City {i:02d}", faces) for i, faces in enumerate(challenges)]
    if len(cities) < minimum_size(size):
        with pytest.raises(ValidationError):
            plan_cohorts(cities, size)
        return
    plan = plan_cohorts(cities, size)
    placed = [c.id for cohort in plan.cohorts for c in cohort.cities]
    assert sorted(placed) == [c.id for c in cities]
    sizes = [cohort.size for cohort in plan.cohorts]
    assert min(sizes) >= max(2, minimum_size(size)) and max(sizes) - min(sizes) <= 1
    n = len(cities)
    if any(g * (size - 1) <= n <= g * (size + 1) for g in range(1, n + 1)):
        assert all(abs(s - size) <= 1 for s in sizes)
    assert plan.score == pytest.approx(
        grouping_score([c.cities for c in plan.cohorts], challenge_weights(cities)), abs=1e-6
    )


# == Page, API, CLI ==============================================================================


@pytest.fixture
def six(network, chattanooga, dayton):
    made = [
        make_city(network, "Tacoma", "WA", 219_346, [HOUSING]),
        make_city(network, "Boise", "ID", 235_684, [HOUSING, WORK]),
        make_city(network, "Erie", "PA", 94_831, [CLIMATE]),
        make_city(network, "Gary", "IN", 69_093, [CLIMATE, HOUSING]),
    ]
    make_strength(made[0], HOUSING)
    return [chattanooga, dayton, *made]


def url(**query: str) -> str:
    path = reverse("peers:cohorts", args=["midsize"])
    return path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_every_seat_plans_cohorts_on_the_page(nadia, vera, otis, six):
    for member in (nadia, vera, otis):
        client = client_for(member)
        assert "Make cohorts" in client.get(url()).text
        page = client.get(url(size="3"))
        assert page.status_code == 200
        assert "Cohort 1" in page.text and "Cohort 2" in page.text
        assert "How the groups are made" in page.text


def test_the_page_names_a_bad_size_or_challenge(vera, six):
    page = client_for(vera).get(url(size="30"))
    assert page.status_code == 422 and "Ensure this value is less than or equal to 15" in page.text
    page = client_for(vera).get(url(size="10"))
    assert page.status_code == 422 and "needs at least 7 cities" in page.text
    page = client_for(vera).get(url(size="3", challenges="nope"))
    assert page.status_code == 422 and "nope" in page.text


def test_another_network_finds_no_cohorts(carol, other_network, six):
    assert client_for_user(carol).get(url(size="3")).status_code == 404
    api = api_for(carol)
    assert api.get(reverse("api:network_cohorts", args=["midsize"]) + "?size=3").status_code == 404


def test_the_api_and_the_service_agree(otis, six):
    path = reverse("api:network_cohorts", args=["midsize"])
    body = api_for(otis.user).get(path + f"?size=3&challenges={HOUSING}").json()
    plan = network_cohorts(otis, 3, [HOUSING])
    assert [[c["id"] for c in g["cities"]] for g in body["cohorts"]] == [
        [c.id for c in cohort.cities] for cohort in plan.cohorts
    ]
    assert body["cohorts"][0]["reason"] == plan.cohorts[0].reason
    assert {c["name"] for c in body["left_out"]} == {"Chattanooga", "Dayton", "Erie"}
    bad = api_for(otis.user).get(path + "?size=3&challenges=nope")
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "challenges"


def test_the_cli_lists_cohorts_with_reasons(otis, six):
    out = io.StringIO()
    call_command(
        "city-network", "cohorts", "midsize", "--size", "3", "--as", otis.user.email, stdout=out
    )
    assert "Cohort 1 (3):" in out.getvalue() and "face" in out.getvalue()
    out = io.StringIO()
    call_command(
        "city-network", "cohorts", "midsize", "--size", "3", "--as", otis.user.email,
        "--format", "json", stdout=out,
    )  # fmt: skip
    rows = json.loads(out.getvalue())
    assert sorted(i for row in rows for i in row["cities"]) == sorted(c.pk for c in six)
    with pytest.raises(CommandError, match="size"):
        call_command("city-network", "cohorts", "midsize", "--size", "2", "--as", otis.user.email)
    with pytest.raises(CommandError, match="--as"):
        call_command(
            "city-network", "cohorts", "midsize", "--size", "3", "--save", "--as", otis.user.email
        )


def test_the_cli_saves_cohorts_for_a_staff_editor(ed, six):
    from cityweave.peers.models import Cohort

    out = io.StringIO()
    call_command(
        "city-network", "cohorts", "midsize", "--size", "3", "--save", "--as", ed.user.email,
        stdout=out,
    )  # fmt: skip
    assert "Saved 2 cohort(s)" in out.getvalue() and Cohort.objects.count() == 2


# == Saved cohorts ===============================================================================


def test_staff_editors_save_the_groups_the_page_showed(ed, six):
    from cityweave.peers import cohorts

    shown = network_cohorts(ed, 3)
    saved = cohorts.save_cohorts(ed, 3)
    assert [sorted(c.cities.values_list("pk", flat=True)) for c in saved] == [
        sorted(x.id for x in group.cities) for group in shown.cohorts
    ]
    assert saved[0].name.startswith("Cohort 1") and saved[0].reason == shown.cohorts[0].reason
    assert saved[0].created_by == ed.user


def test_a_viewer_or_an_official_cannot_save_or_delete_cohorts(vera, otis, ed, six):
    from django.core.exceptions import PermissionDenied

    from cityweave.peers import cohorts
    from cityweave.peers.models import Cohort

    (first, *_) = cohorts.save_cohorts(ed, 3)
    for member in (vera, otis):
        with pytest.raises(PermissionDenied):
            cohorts.save_cohorts(member, 3)
        with pytest.raises(PermissionDenied):
            cohorts.trash_cohort(member, first.pk)
        client = client_for(member)
        assert (
            client.post(reverse("peers:cohort-save", args=["midsize"]), {"size": 3}).status_code
            == 403
        )
        assert "Saved cohorts" in client.get(url()).text
    assert Cohort.objects.count() == 2


def test_saved_cohorts_go_to_the_trash_and_come_back_on_the_page(ed, six):
    client = client_for(ed)
    response = client.post(reverse("peers:cohort-save", args=["midsize"]), {"size": "3"})
    assert response.status_code == 302
    from cityweave.peers.models import Cohort

    first = Cohort.objects.order_by("pk").first()
    page = client.get(url())
    assert first.name in page.text.split('id="saved"')[1]
    assert (
        client.post(reverse("peers:cohort-delete", args=["midsize", first.pk])).status_code == 302
    )
    assert Cohort.objects.count() == 1 and Cohort.all_objects.count() == 2
    assert "In the trash" in client.get(url()).text
    assert (
        client.post(reverse("peers:cohort-restore", args=["midsize", first.pk])).status_code == 302
    )
    assert Cohort.objects.count() == 2
    # A bad size saves nothing and says why.
    response = client.post(
        reverse("peers:cohort-save", args=["midsize"]), {"size": "99"}, follow=True
    )
    assert "less than or equal to 15" in response.text and Cohort.objects.count() == 2


def test_another_network_cannot_reach_saved_cohorts(carol, other_network, ed, six):
    from cityweave.peers import cohorts

    (first, *_) = cohorts.save_cohorts(ed, 3)
    client = client_for_user(carol)
    assert (
        client.post(reverse("peers:cohort-delete", args=["midsize", first.pk])).status_code == 404
    )
    assert (
        client.post(reverse("peers:cohort-delete", args=["coastal", first.pk])).status_code == 404
    )
    api = api_for(carol)
    assert api.get(reverse("api:network_saved_cohorts", args=["midsize"])).status_code == 404
    gone = reverse("api:network_saved_cohorts_delete", args=["coastal", first.pk])
    assert api.delete(gone).status_code == 404


def test_the_api_saves_lists_trashes_and_restores_cohorts(ed, vera, six):
    from cityweave.peers.tests.test_api import send

    path = reverse("api:network_saved_cohorts", args=["midsize"])
    response = send(api_for(ed.user), "post", path, {"size": 3, "challenges": [HOUSING]})
    assert response.status_code == 201, response.json()
    created = response.json()
    assert {c["name"] for g in created for c in g["cities"]} == {"Tacoma", "Boise", "Gary"}
    assert send(api_for(vera.user), "post", path, {"size": 3}).status_code == 403
    bad = send(api_for(ed.user), "post", path, {"size": 1})
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "size"
    assert len(api_for(vera.user).get(path).json()) == len(created)
    one = created[0]["id"]
    assert api_for(ed.user).delete(f"{path}/{one}").status_code == 204
    assert api_for(vera.user).get(path).json() == created[1:]
    restored = api_for(ed.user).post(f"{path}/{one}/restore")
    assert restored.status_code == 200 and restored.json()["id"] == one


@pytest.mark.parametrize("size", ["4", 4.0, True])
def test_the_api_saves_cohorts_only_for_a_whole_number_size(ed, six, size):
    from cityweave.peers.models import Cohort
    from cityweave.peers.tests.test_api import send

    path = reverse("api:network_saved_cohorts_create", args=["midsize"])
    response = send(api_for(ed.user), "post", path, {"size": size})
    assert response.status_code == 422
    assert [d["field"] for d in response.json()["detail"]] == ["size"]
    assert not Cohort.all_objects.exists()
    assert send(api_for(ed.user), "post", path, {"size": 3}).status_code == 201
