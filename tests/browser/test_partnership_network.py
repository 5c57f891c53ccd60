"""A partnership's own network in a real browser: the Network section names its holes and who
could bridge them, and "See on the map" draws only its partners and the ties among them."""

from __future__ import annotations

import pytest

from cityweave.partnerships.testing import make_partner, make_partnership
from cityweave.testing import make_member, make_stakeholder, make_tie, make_user, make_workspace
from tests.browser.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_officer_reads_the_partnerships_network_and_sees_it_on_the_map(page):
    riverton = make_workspace("Riverton", "riverton")
    alice = make_member(riverton, make_user("alice@riverton.example", "Alice Reyes"), "owner")
    city = make_stakeholder(riverton, "City Hall", sector="local-government", is_internal=True)
    bank = make_stakeholder(riverton, "Riverton Savings Bank", sector="business")
    fund = make_stakeholder(riverton, "Riverton Community Foundation", sector="philanthropy")
    church = make_stakeholder(riverton, "Grace Church", sector="faith-based")
    library = make_stakeholder(riverton, "Riverton Library", sector="education")
    make_tie(city, bank, trust=3)
    make_tie(city, fund, trust=4)
    make_tie(library, bank, trust=4)
    make_tie(library, church, trust=3)
    partnership = make_partnership(alice, "Safe Routes to School")
    for stakeholder in (city, bank, fund, church):
        make_partner(alice, partnership, stakeholder, "implementer")

    log_in(page)
    page.goto(partnership.get_absolute_url())
    section = page.locator("#network")
    text = section.inner_text()
    assert "2 ties among 4 partners" in text
    assert "Blau" in text and "0.75" in text  # four sectors, one partner each: 1 − 4 × 1/16
    # The church is tied to no partner: the library, not a partner, ties it to the bank.
    hole = section.locator("li", has_text="Business and Faith-based")
    assert "Riverton Library (not a partner;" in hole.inner_text()

    section.get_by_role("link", name="See on the map").click()
    page.wait_for_url(f"**/network/?partnership={partnership.pk}")
    assert "Partnership: Safe Routes to School" in page.locator("#partnership-filter").inner_text()
    page.locator("#network-map[data-ready=true]").wait_for(state="attached")
    assert page.evaluate("window.cy.nodes().length") == 4
    assert page.evaluate("window.cy.edges().length") == 2
    assert page.locator("#map-status").inner_text().startswith("Showing 4 of 4 stakeholders")

    page.get_by_role("link", name="Show the whole network").click()
    page.locator("#network-map[data-ready=true]").wait_for(state="attached")
    assert page.evaluate("window.cy.nodes().length") == 5
