"""Who can introduce me? in a real browser: a search by one kind at a time, so a sector chosen
after a stakeholder searches the sector alone."""

from __future__ import annotations

import pytest

from cityweave.testing import make_member, make_stakeholder, make_tie, make_user, make_workspace
from tests.browser.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def riverton_paths():
    """Alice knows Ana; Ana knows Tess (philanthropy) and Max (media), whom Alice does not."""
    riverton = make_workspace("Riverton", "riverton")
    alice = make_member(riverton, make_user("alice@riverton.example", "Alice Reyes"), "owner")
    city = make_stakeholder(riverton, "City Hall", sector="local-government", is_internal=True)
    ana = make_stakeholder(riverton, "Ana Ruiz", sector="business")
    tess = make_stakeholder(riverton, "Tess Lane", sector="philanthropy")
    max_ = make_stakeholder(riverton, "Max Stone", sector="media")
    make_tie(city, ana, owner=alice, trust=4)
    make_tie(ana, tess, trust=3)
    make_tie(ana, max_, trust=3)
    return {"tess": tess, "max": max_}


def test_a_sector_chosen_after_a_stakeholder_searches_the_sector(page, riverton_paths):
    log_in(page)
    tess = riverton_paths["tess"]
    page.goto(f"/w/riverton/budget/introductions/?kind=stakeholder&stakeholder={tess.pk}")
    page.get_by_role("heading", name="Introductions to Tess Lane").wait_for()
    # Choosing a sector checks "Anyone in a sector" under "Search by".
    page.get_by_label("Sector", exact=True).select_option("media")
    assert page.get_by_label("Anyone in a sector").is_checked()
    page.get_by_role("button", name="Find introductions").click()
    page.get_by_role("heading", name="Introductions to anyone in Media").wait_for()
    assert "stakeholder=" not in page.url
    assert "Ask Ana Ruiz (Business) to introduce you to Max Stone" in page.content()
