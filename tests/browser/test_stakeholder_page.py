"""A stakeholder's page in a real browser, on a laptop and a phone: it reads first (profile,
health, ties, timeline), and the one quick-capture form unfolds on demand."""

from __future__ import annotations

import pytest

from cityweave.engagement.models import Interaction
from cityweave.testing import (
    PASSWORD,
    make_member,
    make_stakeholder,
    make_tie,
    make_user,
    make_workspace,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1360, 390])
def test_the_page_reads_first_and_the_capture_form_opens_on_demand(page, width):
    page.set_viewport_size({"width": width, "height": 900})
    riverton = make_workspace("Riverton", "riverton")
    make_member(riverton, make_user("alice@riverton.example", "Alice Reyes"), "owner")
    city = make_stakeholder(
        riverton, "City of Riverton", sector="local-government", is_internal=True
    )
    foundation = make_stakeholder(riverton, "Riverton Community Foundation", sector="philanthropy")
    make_tie(city, foundation, cadence_days=14)

    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("alice@riverton.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/w/riverton/")
    page.goto(f"/w/riverton/stakeholders/{foundation.pk}/")

    # The form has arrived (htmx) but stays folded: the page's reading comes first.
    capture = page.locator("form.capture")
    capture.wait_for(state="attached")
    assert not capture.is_visible()
    tops = [
        page.locator(f"#{heading}").bounding_box()["y"]
        for heading in ("profile-h", "health-h", "ties-h", "timeline-h")
    ]
    assert tops == sorted(tops)
    if width == 390:  # one column: everything that reads comes before the panel
        assert page.locator("#log").bounding_box()["y"] > tops[-1]
    # No sideways scrolling at either width.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    # The header's button unfolds it and puts the cursor in the form.
    page.get_by_role("link", name="Log interaction").click()
    assert capture.is_visible()
    assert page.evaluate("document.activeElement.closest('form.capture') !== null")
    box = capture.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    capture.get_by_label("Summary").fill("Coffee with the director")
    capture.get_by_role("button", name="Log interaction").click()
    page.get_by_role("link", name="Coffee with the director").wait_for()
    assert Interaction.objects.get().summary == "Coffee with the director"
