"""A list's Download button on a phone and a desktop: it opens onto its formats (CSV, Excel, vCard
for stakeholders, JSON), every link inside the screen and carrying the list's filters."""

from __future__ import annotations

import pytest

from cityweave.testing import make_stakeholder
from tests.browser.test_phone import DESKTOP, PHONE, fits, open_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_download_menu_opens_inside_the_screen(
    browser, live_server, riverton, alice, viewport, tmp_path
):
    make_stakeholder(riverton, "Riverton Bank", sector="business")
    for page in open_page(browser, live_server, viewport, touch=viewport is PHONE):
        page.goto("/w/riverton/stakeholders/?sector=business")
        menu = page.locator("#list-exports")
        links = menu.get_by_role("link")
        assert not links.first.is_visible()  # closed until asked
        menu.locator("summary").click()
        assert [t.split()[0] for t in links.all_inner_texts()] == ["CSV", "Excel", "vCard", "JSON"]
        width = page.viewport_size["width"]
        for link in links.all():
            box = link.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
            assert "sector=business" in (link.get_attribute("href") or "")
        assert fits(page)
        page.screenshot(path=str(tmp_path / f"downloads-{width}.png"))
        with page.expect_download() as download:
            links.nth(1).click()
        assert download.value.suggested_filename == "riverton-stakeholders.xlsx"
        page.goto("/w/riverton/interactions/")
        page.locator("#list-exports summary").click()
        texts = page.locator("#list-exports").get_by_role("link").all_inner_texts()
        assert [t.split()[0] for t in texts] == ["CSV", "Excel", "JSON"]
        assert fits(page)
