"""A partnership's assets, needs and risks in a real browser: record a need, put an asset on the
table by typing its holder's name, read the gap map and who could fill the gap, and add a risk
to the register."""

from __future__ import annotations

import pytest

from cityweave.partnerships.testing import make_partner, make_partnership
from cityweave.testing import make_member, make_stakeholder, make_tie, make_user, make_workspace
from tests.browser.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_officer_maps_the_gaps_and_registers_a_risk(page):
    riverton = make_workspace("Riverton", "riverton")
    alice = make_member(riverton, make_user("alice@riverton.example", "Alice Reyes"), "owner")
    city = make_stakeholder(
        riverton, "City of Riverton", sector="local-government", is_internal=True
    )
    bank = make_stakeholder(riverton, "Riverton Savings Bank", sector="business")
    fund = make_stakeholder(
        riverton, "Riverton Community Foundation", sector="philanthropy", offers=["funding"]
    )
    make_tie(bank, fund, trust=4)
    partnership = make_partnership(alice, "Safe Routes to School")
    make_partner(alice, partnership, bank, "funder")

    log_in(page)
    page.goto(partnership.get_absolute_url())
    page.get_by_role("link", name="Add a need").click()
    page.get_by_label("Description").fill("Crossing guards for a year")
    page.get_by_label("Value type needed").select_option("funding")
    page.get_by_label("How much").fill("40000")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**#assets")

    page.get_by_role("link", name="Add an asset").click()
    page.get_by_label("Description").fill("Road safety grant")
    page.get_by_label("Kind").select_option("financial")
    holder = page.get_by_role("combobox", name="Holder", exact=True)
    holder.locator("xpath=ancestor::div[contains(@class, 'ts-control')][1]").click()
    holder.press_sequentially("city of", delay=30)
    page.get_by_role("option", name="City of Riverton").click()
    page.get_by_label("Estimated value").fill("15000")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**#assets")

    section = page.locator("#assets")
    assert "Partly covered" in section.inner_text()
    assert "Short by 25,000 in money" in section.inner_text()
    suggestion = section.locator("ol.suggestions li").first
    assert "Riverton Community Foundation" in suggestion.inner_text()
    assert "Riverton Savings Bank" in suggestion.inner_text()  # the partner who could introduce

    page.get_by_role("link", name="Add a risk").click()
    page.locator("#id_title").fill("School board turnover")
    page.get_by_label("Category").select_option("political")
    page.get_by_label("Likelihood").select_option("4")
    page.get_by_label("Impact").select_option("5")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**#risks")
    register = page.locator("#risks")
    assert "School board turnover" in register.inner_text()
    assert register.locator(".risk-score").first.inner_text() == "20"
    assert city.pk  # the holder was picked by name, not by id
