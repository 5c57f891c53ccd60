"""A second "Riverton Community Foundation" as an office meets it: the form warns, links the one
already there, saves anyway on request; then the two are merged from the page with the picker and
a preview. At a desktop's width and a phone's, with no sideways scroll."""

from __future__ import annotations

import pytest

from cityweave.stakeholders.models import Stakeholder
from cityweave.testing import make_member, make_stakeholder, make_user, make_workspace
from tests.browser.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1360, 390])
def test_a_duplicate_is_warned_saved_anyway_and_merged(browser, live_server, width):
    riverton = make_workspace("Riverton", "riverton")
    make_member(riverton, make_user("alice@riverton.example", "Alice Reyes"), "owner")
    first = make_stakeholder(riverton, "Riverton Community Foundation", sector="philanthropy")
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        log_in(page)

        page.goto("/w/riverton/stakeholders/new/")
        page.locator("#id_name").fill("The Riverton Community Foundation, Inc.")
        page.get_by_label("Sector").select_option("philanthropy")
        page.get_by_role("button", name="Save", exact=True).click()
        warning = page.get_by_role("alert").filter(has_text="may be a stakeholder you already have")
        warning.wait_for()
        link = warning.get_by_role("link", name="Riverton Community Foundation")
        assert link.get_attribute("href") == f"/w/riverton/stakeholders/{first.pk}/"
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert Stakeholder.objects.count() == 1
        warning.get_by_role("button", name="Save anyway").click()
        page.wait_for_url("**/w/riverton/stakeholders/*/")
        second = Stakeholder.objects.exclude(pk=first.pk).get()
        assert second.name == "The Riverton Community Foundation, Inc."

        page.goto(f"/w/riverton/stakeholders/{first.pk}/")
        page.get_by_role("link", name="Merge", exact=True).click()
        page.wait_for_url(f"**/stakeholders/{first.pk}/merge/")
        box = page.get_by_role("combobox", name="Merge into this one", exact=True)
        box.locator("xpath=ancestor::div[contains(@class, 'ts-control')][1]").click()
        box.press_sequentially("Inc", delay=30)
        page.get_by_role("option", name="The Riverton Community Foundation, Inc.").click()
        box.press("Escape")
        # A mouse click here right after choosing does not submit under Playwright (the picker's
        # dropdown takes it); the keyboard does, as a person tabbing to the button would.
        page.get_by_role("button", name="Preview the merge").press("Enter")
        page.wait_for_url("**/merge/?stakeholder=*")
        preview = page.get_by_role("region", name="Merge “The Riverton Community Foundation, Inc.”")
        preview.wait_for()
        assert "goes to the trash" in preview.inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        preview.get_by_role("button", name="Merge", exact=True).click()
        page.wait_for_url(f"**/w/riverton/stakeholders/{first.pk}/")
        assert "restoring it from there undoes the merge" in page.inner_text("body")
        assert Stakeholder.all_objects.get(pk=second.pk).in_trash
    finally:
        context.close()
