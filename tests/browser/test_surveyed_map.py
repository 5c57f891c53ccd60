"""The network map's switch in a real browser: as surveyed in a wave it draws the surveyed ties
(reciprocal and one-way) in their own style, both adds them to the office's, and the surveyed
page is accessible and fits a phone."""

from __future__ import annotations

import pytest

from cityweave.network.tests.test_surveyed_views import build_surveyed
from tests.browser.helpers import log_in
from tests.browser.test_every_page import open_context, overflow, serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_the_switch_draws_the_surveyed_ties_and_both(page, alice_member):
    s = build_surveyed(alice_member)
    log_in(page)
    page.goto("/w/riverton/network/")
    page.locator("#network-map[data-ready=true]").wait_for(state="attached")
    assert page.evaluate("window.cy.edges().length") == 3

    page.get_by_label("Which ties", exact=True).select_option("surveyed")
    page.get_by_role("button", name="Show", exact=True).click()
    page.wait_for_url("**/network/?view=surveyed")
    page.locator("#network-map[data-ready=true]").wait_for(state="attached")
    assert page.get_by_label("Survey wave").input_value() == str(s.wave.pk)
    assert "As surveyed in Spring 2027" in page.locator(".view-note").inner_text()
    assert page.evaluate("window.cy.nodes().length") == 5
    drawn = page.evaluate(
        "window.cy.edges().map(e => [e.data('origin'), e.data('reciprocal'),"
        " e.style('line-style'), e.style('line-color')])"
    )
    assert sorted(drawn) == [
        ["surveyed", False, "dashed", "rgb(106,61,154)"],
        ["surveyed", True, "solid", "rgb(106,61,154)"],
    ]
    legend = page.get_by_role("list", name="Tie styles").inner_text()
    assert "Surveyed, reported by both (reciprocal)" in legend

    page.get_by_label("Which ties", exact=True).select_option("both")
    page.get_by_role("button", name="Show", exact=True).click()
    page.wait_for_url("**/network/?view=both*")
    page.locator("#network-map[data-ready=true]").wait_for(state="attached")
    origins = page.evaluate("window.cy.edges().map(e => e.data('origin'))")
    assert sorted(origins) == ["both", "recorded", "recorded", "surveyed"]


@pytest.mark.parametrize("width", (1360, 390))
def test_the_surveyed_page_is_accessible_and_fits(browser, live_server, alice_member, width):
    build_surveyed(alice_member)
    context = open_context(browser, live_server, width)
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        log_in(page)
        for view in ("surveyed", "both"):
            page.goto(f"/w/riverton/network/?view={view}")
            page.locator("#network-map[data-ready=true]").wait_for(state="attached")
            assert serious_violations(page) == []
            assert overflow(page) == 0
        page.goto("/w/riverton/network/fill-from-wave/")
        assert serious_violations(page) == [] and overflow(page) == 0
    finally:
        context.close()
