"""The city network's map draws every city and tie under the Content-Security-Policy, says what
it shows, names a tapped city's measures, and fits a phone's width; its tables carry the same."""

from __future__ import annotations

import datetime as dt

import pytest

from cityweave.peers.models import PeerExchange
from cityweave.peers.testing import make_city, make_network, make_staff
from cityweave.testing import PASSWORD, make_member, make_user, make_workspace

from .helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REGIONS = ["TN", "OH", "WA"]


def build_network() -> int:
    """Twelve cities in three regions, each region a chain, the chains joined through Knoxville;
    Yuma has no tie. The number of pairs tied."""
    riverton = make_workspace("Riverton", "riverton")
    alice = make_user("alice@riverton.example", "Alice Reyes")
    make_member(riverton, alice, "owner")
    network = make_network()
    make_staff(network, alice, "viewer")
    cities = {
        region: [make_city(network, f"{region} City {n}", region) for n in range(4)]
        for region in REGIONS
    }
    make_city(network, "Yuma", "AZ")
    pairs = []
    for chain in cities.values():
        pairs += list(zip(chain, chain[1:], strict=False))
    hub = cities["TN"][0]
    pairs += [(hub, cities["OH"][0]), (hub, cities["WA"][0])]
    for a, b in pairs:
        PeerExchange.objects.create(
            network=network, city_a=a, city_b=b, kind="call", date=dt.date(2026, 1, 5)
        )
    return len(pairs)


@pytest.mark.parametrize("width", [390, 1280])
def test_the_map_draws_every_city_and_tie(browser, live_server, width):
    ties = build_network()
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": 900}
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        log_in(page, "alice@riverton.example", PASSWORD, "riverton")
        page.goto("/networks/midsize/city-network/")
        page.wait_for_function("() => window.cityMap !== undefined")
        assert page.evaluate("window.cityMap.nodes().length") == 13
        assert page.evaluate("window.cityMap.edges().length") == ties
        status = page.locator("#city-map-status").inner_text()
        assert "13 cities" in status and "1 isolated" in status
        isolated = page.evaluate(
            "window.cityMap.nodes('[role = \"isolated\"]').map(n => n.data('label'))"
        )
        assert isolated == ["Yuma"]
        # Tapping a city names its measures.
        page.evaluate(
            "window.cityMap.getElementById(window.cityMap.nodes('[label = \"TN City 0\"]')[0].id()).emit('tap')"
        )
        assert "TN City 0, TN: 3 ties" in page.locator("#city-map-status").inner_text()
        sideways = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert sideways <= 0
        assert errors == []
    finally:
        context.close()
