"""On a phone and a desktop: the workspace menu, a finger's tap on the map, forms' checkbox groups,
help and errors (the whole of every page is checked by test_every_page.py)."""

from __future__ import annotations

from collections.abc import Iterator

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

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1360, "height": 900}


@pytest.fixture
def riverton():
    workspace = make_workspace("Riverton", "riverton")
    make_member(workspace, make_user("alice@riverton.example", "Alice Reyes"), "owner")
    return workspace


def open_page(browser, live_server, viewport, *, touch: bool = False) -> Iterator[object]:
    context = browser.new_context(
        base_url=live_server.url, viewport=viewport, has_touch=touch, is_mobile=touch
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("alice@riverton.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/w/riverton/")
    yield page
    context.close()


@pytest.fixture
def phone(browser, live_server, riverton):
    yield from open_page(browser, live_server, PHONE, touch=True)


@pytest.fixture
def desktop(browser, live_server, riverton):
    yield from open_page(browser, live_server, DESKTOP)


def fits(page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def test_on_a_phone_the_menu_folds_behind_a_button(phone):
    menu = phone.get_by_role("button", name="Menu")
    nav = phone.get_by_role("navigation", name="Workspace")
    assert menu.get_attribute("aria-expanded") == "false"
    assert not nav.is_visible()
    # The page's own title and actions are on screen, not pushed off by the menu.
    assert phone.get_by_role("heading", level=1).is_visible()
    assert fits(phone)

    menu.click()
    assert menu.get_attribute("aria-expanded") == "true"
    nav.get_by_role("link", name="Commitments").click()
    phone.wait_for_url("**/w/riverton/commitments/")
    assert phone.get_by_role("heading", level=1).inner_text() == "Commitments"
    assert not phone.get_by_role("navigation", name="Workspace").is_visible()
    assert fits(phone)


def test_on_a_phone_the_account_and_the_workspace_list_are_in_reach(phone):
    phone.get_by_role("button", name="Menu").click()
    phone.get_by_role("navigation", name="Workspace").get_by_role(
        "link", name="Your account (Alice Reyes)"
    ).click()
    phone.wait_for_url("**/account/")
    phone.goto("/w/riverton/")
    phone.locator(".switcher summary").click()
    listed = phone.locator(".switcher ul")
    assert listed.is_visible()
    box = listed.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert fits(phone)


def test_on_a_desktop_the_menu_is_open_and_there_is_no_menu_button(desktop):
    assert desktop.get_by_role("navigation", name="Workspace").is_visible()
    assert not desktop.get_by_role("button", name="Menu").is_visible()
    assert fits(desktop)


def test_a_tap_picks_the_stakeholder_under_the_finger_after_the_page_above_moved(riverton, phone):
    city = make_stakeholder(
        riverton, "City of Riverton", sector="local-government", is_internal=True
    )
    others = [make_stakeholder(riverton, f"Partner {n}", sector="business") for n in range(6)]
    for other in others:
        make_tie(city, other)

    phone.goto("/w/riverton/network/")
    phone.locator("#network-map[data-ready=true]").wait_for(state="attached")

    def tap(pk: int, beside: float = 0) -> None:
        phone.locator("#network-map").scroll_into_view_if_needed()
        box = phone.locator("#network-map").bounding_box()
        x, y = phone.evaluate(
            "id => { const p = window.cy.getElementById(id).renderedPosition();"
            " return [p.x, p.y]; }",
            str(pk),
        )
        radius = phone.evaluate("id => window.cy.getElementById(id).renderedWidth() / 2", str(pk))
        phone.touchscreen.tap(box["x"] + x + (radius + beside if beside else 0), box["y"] + y)

    # Something above the map grows after the map was drawn (an analysis notice, a wrapped bar):
    # the map moves down the page without the window resizing or scrolling.
    phone.evaluate(
        "() => { const note = document.createElement('p'); note.className = 'card';"
        " note.textContent = 'A newer analysis is on its way.'; note.id = 'pushed';"
        " note.style.height = '140px'; document.querySelector('main').prepend(note); }"
    )
    phone.wait_for_timeout(100)
    panel = phone.locator("#node-panel")
    tap(city.pk)
    panel.get_by_role("heading", name="City of Riverton").wait_for()

    # Where another node is drawn over part of it, a tap at its middle still picks it.
    phone.evaluate(
        "([city, other]) => { const c = window.cy.getElementById(city);"
        " const o = window.cy.getElementById(other); const p = c.position();"
        " o.position({x: p.x + c.width() * 0.45, y: p.y}); o.style('z-index', 99); }",
        [str(city.pk), str(others[0].pk)],
    )
    phone.locator("#node-panel .close").click()
    tap(city.pk)
    panel.get_by_role("heading", name="City of Riverton").wait_for()

    # A finger a little beside a small node still picks it.
    tap(others[2].pk, beside=8)
    panel.get_by_role("heading", name="Partner 2").wait_for()
    assert fits(phone)


def test_checkbox_groups_are_fieldsets_with_each_box_beside_its_label(riverton, phone):
    phone.goto("/w/riverton/stakeholders/new/")
    offers = phone.get_by_role("group", name="Offers")
    assert offers.evaluate("el => el.tagName") == "FIELDSET"
    legend = offers.locator("legend").bounding_box()
    boxes = offers.get_by_role("checkbox")
    assert boxes.count() > 3
    for index in range(boxes.count()):
        box = boxes.nth(index)
        label = offers.locator(f"label[for='{box.get_attribute('id')}']").bounding_box()
        square = box.bounding_box()
        # Beside its label (same line, to its left and touching its box), and below the legend.
        assert label["y"] <= square["y"] + square["height"] / 2 <= label["y"] + label["height"]
        assert square["x"] >= label["x"] - 1 and square["x"] + square["width"] <= label["x"] + 40
        assert square["y"] >= legend["y"] + legend["height"] - 1
    help_id = offers.get_attribute("aria-describedby")
    if help_id:
        assert phone.locator(f"#{help_id.split()[0]}").count() == 1
    assert fits(phone)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_after_a_failed_submit_the_problems_have_the_focus_and_name_their_fields(
    browser, live_server, riverton, viewport
):
    for page in open_page(browser, live_server, viewport):
        page.goto("/w/riverton/stakeholders/new/")
        page.get_by_role("button", name="Save").click()
        summary = page.get_by_role("alert")
        summary.wait_for()
        assert page.evaluate("document.activeElement.classList.contains('form-errors')")
        assert "problem" in summary.inner_text()
        summary.get_by_role("link", name="Name").click()
        assert page.evaluate("document.activeElement.id") == "id_name"
        # The name field says what is wrong, through an element that exists.
        described = page.locator("#id_name").get_attribute("aria-describedby") or ""
        assert "id_name_error" in described.split()
        assert page.locator("#id_name_error").inner_text().strip() != ""
        # Every aria-describedby on the page names elements that exist.
        missing = page.evaluate(
            "() => [...document.querySelectorAll('[aria-describedby]')].flatMap(el =>"
            " el.getAttribute('aria-describedby').split(/\\s+/).filter(Boolean)"
            " .filter(id => !document.getElementById(id)))"
        )
        assert missing == []
        assert fits(page)
