"""The network map reads at a glance, on a laptop and a phone: names on the larger nodes at the
fitted zoom and on all of them zoomed in; a filtered or ego view laid out afresh to fill the map;
the figures above it saying whether they describe the whole network or this view."""

from __future__ import annotations

import pytest

from cityweave.testing import (
    PASSWORD,
    make_member,
    make_stakeholder,
    make_tie,
    make_user,
    make_workspace,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SECTORS = ["business", "philanthropy", "nonprofit", "media"]


def build_network():
    """Four sector clusters of twelve around a hub each, the hubs tied to the city."""
    riverton = make_workspace("Riverton", "riverton")
    make_member(riverton, make_user("alice@riverton.example", "Alice Reyes"), "owner")
    city = make_stakeholder(riverton, "City Hall", sector="local-government", is_internal=True)
    for sector in SECTORS:
        hub = make_stakeholder(riverton, f"{sector.title()} Hub", sector=sector)
        make_tie(city, hub)
        members = [
            make_stakeholder(riverton, f"{sector.title()} {n:02d}", sector=sector)
            for n in range(11)
        ]
        for n, member in enumerate(members):
            make_tie(hub, member)
            if n:
                make_tie(members[n - 1], member)


def open_map(page):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("alice@riverton.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/w/riverton/")
    page.goto("/w/riverton/network/")
    page.locator("#network-map[data-ready=true]").wait_for(state="attached")


LABELS = """() => {
  const shown = window.cy.nodes().not('.hidden');
  const named = shown.filter('.labelled');
  const others = shown.not('.labelled');
  return {
    shown: shown.length,
    named: named.length,
    smallestNamed: Math.min(...named.map((n) => n.data('size'))),
    largestUnnamed: others.length ? Math.max(...others.map((n) => n.data('size'))) : 0,
  };
}"""

FILL = """() => {
  const box = window.cy.nodes().not('.hidden').renderedBoundingBox();
  return [box.w / window.cy.width(), box.h / window.cy.height()];
}"""

MOVED = """() => window.cy.nodes().not('.hidden').some((n) => {
  const home = n.scratch('home'), p = n.position();
  return Math.abs(home.x - p.x) > 1 || Math.abs(home.y - p.y) > 1;
})"""


@pytest.mark.parametrize("width", [1360, 390])
def test_names_relayout_and_the_figures_scope(page, width):
    page.set_viewport_size({"width": width, "height": 900})
    build_network()
    open_map(page)
    scope = page.locator("#figures-scope")
    assert scope.inner_text().startswith("These figures describe the whole network: all 49")

    # The fitted map names the larger nodes only, every one of them larger than any unnamed one.
    labels = page.evaluate(LABELS)
    assert labels["shown"] == 49
    assert 0 < labels["named"] < 49
    assert labels["smallestNamed"] >= labels["largestUnnamed"]

    # Zoomed in, every node is named.
    page.evaluate(
        "window.cy.zoom({level: window.cy.zoom() * 2.5, renderedPosition: {x: 10, y: 10}})"
    )
    page.wait_for_function(
        "() => Number(document.getElementById('network-map').dataset.labelled) === 49"
    )

    # A sector on its own: laid out afresh, filling the map, and the figures say what they cover.
    page.get_by_label("Sector", exact=True).select_option(label="Media")
    page.locator("#network-map[data-layout=view]").wait_for(state="attached")
    assert page.evaluate("window.cy.nodes().not('.hidden').length") == 12
    assert page.evaluate(MOVED)
    wide, high = page.evaluate(FILL)
    assert max(wide, high) > 0.6
    assert "This view: 12 stakeholders and 21 ties." in scope.inner_text()
    assert page.evaluate(LABELS)["named"] == 12  # few enough to name them all

    # Back to the whole network: its stored layout and the whole network's figures.
    page.get_by_label("Sector", exact=True).select_option(label="All sectors")
    page.locator("#network-map[data-layout=whole]").wait_for(state="attached")
    assert not page.evaluate(MOVED)
    assert "This view" not in scope.inner_text()

    # The city's ego network is a view too.
    page.get_by_role("button", name="The city's own ties").click()
    page.locator("#network-map[data-layout=view]").wait_for(state="attached")
    assert "This view: 5 stakeholders and 4 ties." in scope.inner_text()
    wide, high = page.evaluate(FILL)
    assert max(wide, high) > 0.6
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
