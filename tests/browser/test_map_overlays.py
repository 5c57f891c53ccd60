"""The surveyed map's overlays in a real browser: wave over wave draws one arrow per tie (new,
lost, kept) and the stakeholder only the earlier wave named, with a legend and a table giving
the counts; colouring by an answer colours each node, with the legend's counts, the table's
text and the node's panel; both pages are accessible and fit a phone."""

from __future__ import annotations

import pytest

from cityweave.network.tests.test_map_overlay_pages import build_compared
from cityweave.surveys.testing import question
from tests.browser.helpers import log_in
from tests.browser.test_every_page import open_context, overflow, serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_wave_over_wave_draws_new_lost_and_kept_ties_with_their_counts(page, alice_member):
    c = build_compared(alice_member)
    s = c.s
    log_in(page)
    page.goto(f"/w/riverton/network/?view=surveyed&wave={c.spring.pk}")
    page.get_by_role("link", name="Compare Spring 2027 with Autumn 2026").click()
    page.wait_for_url(f"**compare={c.autumn.pk}*")
    page.locator("#network-map[data-ready=true]").wait_for(state="attached")
    changes = page.evaluate(
        "window.cy.edges('[change]').map(e => [e.data('change'), e.style('line-style')])"
    )
    assert sorted(changes) == [
        ["kept", "solid"],
        ["lost", "dashed"],
        ["lost", "dashed"],
        ["lost", "dashed"],
        ["new", "solid"],
        ["new", "solid"],
    ]
    assert page.evaluate("window.cy.edges('[origin = \"surveyed\"]').length") == 0
    ghost = page.evaluate(f"window.cy.getElementById('{s.harbour.pk}').data('ghost')")
    assert ghost is True
    legend = page.get_by_role("list", name="Tie styles").inner_text()
    assert "New since Autumn 2026 2" in legend and "Lost since Autumn 2026 3" in legend
    assert "Kept 1" in legend
    assert "2 new, 3 lost, 1 kept" in page.locator("#compare-summary").inner_text()
    table = page.locator("#compare-table")
    assert "2 new, 3 lost, 1 kept" in table.get_by_role("heading", level=2).inner_text()
    lost = table.get_by_role("table", name="Ties named in Autumn 2026 but not in Spring 2027")
    assert lost.get_by_role("row").count() == 4  # a header and three ties
    assert lost.get_by_role("link", name="Harbour").count() == 1


def test_colouring_by_an_answer_colours_the_nodes_with_a_legend_and_text(page, alice_member):
    c = build_compared(alice_member)
    s = c.s
    key = question(c.spring.survey, "key-contribution")
    log_in(page)
    page.goto(f"/w/riverton/network/?view=surveyed&wave={c.spring.pk}")
    page.get_by_label("Colour by").select_option(f"q{key.pk}")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(f"**colour=q{key.pk}*")
    page.locator("#network-map[data-ready=true]").wait_for(state="attached")
    colours = page.evaluate(
        "Object.fromEntries(window.cy.nodes().map(n => [n.id(), n.style('background-color')]))"
    )
    assert colours[str(s.city.pk)] == "rgb(230,159,0)"  # Funding: the first option's colour
    assert colours[str(s.museum.pk)] == "rgb(217,217,217)"  # no answer: grey
    legend = page.locator("#colour-legend").inner_text()
    assert "Funding 1" in legend and "No answer 4" in legend
    row = page.locator("#colour-table").get_by_role("row").filter(has_text="City Hall")
    assert "Funding" in row.inner_text()
    page.get_by_label("Find a stakeholder").fill("City Hall")
    page.get_by_role("button", name="Find", exact=True).click()
    panel = page.locator("#node-panel")
    panel.wait_for(state="visible")
    assert "Funding" in panel.get_by_role("definition").first.inner_text()


@pytest.mark.parametrize("width", (1360, 390))
def test_the_overlaid_pages_are_accessible_and_fit(browser, live_server, alice_member, width):
    c = build_compared(alice_member)
    context = open_context(browser, live_server, width)
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        log_in(page)
        base = f"/w/riverton/network/?view=surveyed&wave={c.spring.pk}"
        for extra in (f"&compare={c.autumn.pk}", "&colour=trust"):
            page.goto(base + extra)
            page.locator("#network-map[data-ready=true]").wait_for(state="attached")
            assert serious_violations(page) == []
            assert overflow(page) == 0
    finally:
        context.close()
