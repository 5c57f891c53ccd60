"""Changing a list's filter loads the list once (htmx), and its JSON and CSV links follow."""

from __future__ import annotations

import pytest

from cityweave.testing import PASSWORD, make_member, make_stakeholder, make_user, make_workspace

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_changing_a_filter_issues_exactly_one_request(page):
    riverton = make_workspace("Riverton", "riverton")
    make_member(riverton, make_user("alice@riverton.example", "Alice Reyes"), "owner")
    make_stakeholder(riverton, "Riverton Bank", sector="business")
    make_stakeholder(riverton, "Habitat Riverton", sector="nonprofit")

    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("alice@riverton.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/w/riverton/")
    page.goto("/w/riverton/stakeholders/")
    page.get_by_role("link", name="Habitat Riverton").wait_for()

    requests: list[str] = []
    page.on(
        "request",
        lambda request: (
            requests.append(request.url) if "/w/riverton/stakeholders/" in request.url else None
        ),
    )
    page.get_by_label("Sector").select_option(label="Business")
    page.wait_for_url("**/w/riverton/stakeholders/?*sector=business*")
    page.get_by_role("link", name="Habitat Riverton").wait_for(state="detached")
    page.wait_for_timeout(1000)  # a second request (a form submitted as well) would come by now
    assert len(requests) == 1, requests
    assert "sector=business" in requests[0]
    assert page.get_by_role("link", name="Riverton Bank").is_visible()
    # The export links were swapped in with the table: they carry the new filter.
    page.locator("#list-exports summary").click()
    assert "sector=business" in (page.get_by_role("link", name="CSV").get_attribute("href") or "")
