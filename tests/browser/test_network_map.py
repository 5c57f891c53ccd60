"""The network map in a real browser: it draws the stakeholders, finds one by name and shows its panel."""

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


def test_the_map_draws_the_network_finds_a_stakeholder_and_shows_its_metrics(page):
    riverton = make_workspace("Riverton", "riverton")
    make_member(riverton, make_user("alice@riverton.example", "Alice Reyes"), "owner")
    city = make_stakeholder(riverton, "City Hall", sector="local-government", is_internal=True)
    foundation = make_stakeholder(riverton, "Riverton Community Foundation", sector="philanthropy")
    chamber = make_stakeholder(riverton, "Chamber of Commerce", sector="business")
    church = make_stakeholder(riverton, "Grace Church", sector="faith-based")
    make_tie(city, foundation, trust=4)
    make_tie(city, chamber, status="prospect")
    make_tie(foundation, church)

    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("alice@riverton.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/w/riverton/")

    page.get_by_role("navigation", name="Workspace").get_by_role("link", name="Network").click()
    page.locator("#network-map[data-ready=true]").wait_for(state="attached")
    assert page.evaluate("window.cy.nodes().length") == 4
    assert page.locator("#map-status").inner_text().startswith("Showing 4 of 4 stakeholders")

    page.get_by_label("Find a stakeholder").fill("foundation")
    page.get_by_role("button", name="Find", exact=True).click()
    panel = page.locator("#node-panel")
    panel.get_by_role("heading", name="Riverton Community Foundation").wait_for()
    assert "Betweenness" in panel.inner_text()
    assert (
        panel.get_by_role("link", name="Open Riverton Community Foundation").get_attribute("href")
        == f"/w/riverton/stakeholders/{foundation.pk}/"
    )

    # Clicking another stakeholder on the canvas switches the panel to it.
    panel.get_by_role("button", name="Close").click()
    page.wait_for_timeout(400)  # the centring animation takes 250 ms
    box = page.locator("#network-map").bounding_box()
    x, y = page.evaluate(
        "id => { const p = window.cy.getElementById(id).renderedPosition(); return [p.x, p.y]; }",
        str(church.pk),
    )
    page.mouse.click(box["x"] + x, box["y"] + y)
    panel.get_by_role("heading", name="Grace Church").wait_for()

    page.get_by_role("button", name="The city's own ties").click()
    assert page.evaluate("window.cy.nodes().not('.hidden').length") == 3
