"""Search-as-you-type pickers in a real browser: type a few letters, pick from the list, save; a form
re-rendered by htmx keeps its choices; and axe-core finds nothing to fix with a picker open."""

from __future__ import annotations

from pathlib import Path

import pytest

from cityweave.engagement.models import Interaction
from cityweave.stakeholders.models import Tie
from cityweave.testing import make_member, make_stakeholder, make_user, make_workspace
from tests.browser.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture
def riverton_people():
    """Riverton with Alice (owner), Dana (editor) and a few stakeholders among many."""
    riverton = make_workspace("Riverton", "riverton")
    alice = make_member(riverton, make_user("alice@riverton.example", "Alice Reyes"), "owner")
    dana = make_member(riverton, make_user("dana@riverton.example", "Dana Brooks"), "editor")
    city = make_stakeholder(riverton, "City of Riverton", sector="local-government")
    foundation = make_stakeholder(riverton, "Riverton Community Foundation", sector="philanthropy")
    bank = make_stakeholder(riverton, "Riverton Savings Bank", sector="business")
    for i in range(60):
        make_stakeholder(riverton, f"Neighbourhood Group {i:02d}", sector="community-group")
    return {"alice": alice, "dana": dana, "city": city, "foundation": foundation, "bank": bank}


def type_into(scope, label: str, typed: str):
    """Open the picker labelled `label` as a person would, by clicking it, and type `typed`."""
    box = scope.get_by_role("combobox", name=label, exact=True)
    # A single picker that holds a choice moves its text box out of sight until it is clicked.
    box.locator("xpath=ancestor::div[contains(@class, 'ts-control')][1]").click()
    box.press_sequentially(typed, delay=30)
    return box


def test_a_tie_is_made_by_typing_both_names(page, riverton_people):
    log_in(page)
    page.goto(f"/w/riverton/ties/new/?source={riverton_people['city'].pk}")
    # The chosen stakeholder and the owner are there before any typing; nothing else is listed.
    assert page.locator("select[name=target] option").count() == 1
    from_box = page.get_by_role("combobox", name="From", exact=True)
    assert page.locator(".ts-wrapper", has=from_box).locator(".item").inner_text() == (
        "City of Riverton"
    )
    type_into(page, "To", "comm found")
    option = page.get_by_role("option", name="Riverton Community Foundation")
    option.wait_for()
    assert option.get_attribute("data-detail") == "Philanthropy"
    option.click()
    # The keyboard works too: the owner picker takes Dana by typing and Enter.
    owner = type_into(page, "Relationship owner", "dana")
    page.get_by_role("option", name="Dana Brooks").wait_for()
    owner.press("Enter")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("heading", name="City of Riverton").first.wait_for()
    tie = Tie.objects.get()
    assert (tie.source, tie.target, tie.owner) == (
        riverton_people["city"],
        riverton_people["foundation"],
        riverton_people["dana"],
    )


def test_names_starting_with_the_typed_text_come_first(page, riverton_people):
    riverton = riverton_people["city"].workspace
    make_stakeholder(riverton, "Westbank Co-op", sector="business")
    make_stakeholder(riverton, "Bankers Alliance", sector="business")
    log_in(page)
    page.goto("/w/riverton/interactions/new/")
    type_into(page, "Participants", "bank")
    options = page.locator(".ts-dropdown .option")
    options.nth(2).wait_for()
    assert options.all_inner_texts() == [
        "Bankers Alliance",
        "Riverton Savings Bank",
        "Westbank Co-op",
    ]


def test_quick_capture_keeps_its_pickers_through_an_htmx_error(page, riverton_people):
    foundation = riverton_people["foundation"]
    log_in(page)
    page.goto(f"/w/riverton/stakeholders/{foundation.pk}/")
    page.get_by_text("Log an interaction").click()
    capture = page.locator("form.capture")
    type_into(capture, "Other participants", "savings")
    page.get_by_role("option", name="Riverton Savings Bank").click()
    type_into(capture, "Members present", "dan")
    page.get_by_role("option", name="Dana Brooks").click()

    # No summary: the server answers 422 and htmx swaps the form in again, pickers and all.
    capture.get_by_role("button", name="Log interaction").click()
    page.locator("#id_summary_error").wait_for()
    capture = page.locator("form.capture")
    chosen = capture.locator(".ts-wrapper.multi .item")
    chosen.first.wait_for()
    names = [text.replace("×", "").strip() for text in chosen.all_inner_texts()]
    assert names == ["Riverton Savings Bank", "Alice Reyes", "Dana Brooks"]

    capture.get_by_label("Summary").fill("Breakfast about the youth jobs fund")
    capture.get_by_role("button", name="Log interaction").click()
    page.get_by_role("link", name="Breakfast about the youth jobs fund").wait_for()
    interaction = Interaction.objects.get()
    assert set(interaction.participants.all()) == {foundation, riverton_people["bank"]}
    assert set(interaction.members_present.all()) == {
        riverton_people["alice"],
        riverton_people["dana"],
    }


@pytest.mark.skipif(not AXE.exists(), reason="axe-core is not installed (npm ci installs it)")
@pytest.mark.parametrize("width", [1360, 390])
def test_axe_finds_no_violations_with_a_picker_open(page, riverton_people, width):
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page)
    foundation = riverton_people["foundation"]
    for address, label in [
        (f"/w/riverton/ties/new/?source={foundation.pk}", "To"),
        ("/w/riverton/interactions/new/", "Participants"),
        (f"/w/riverton/stakeholders/{foundation.pk}/", "Other participants"),
    ]:
        page.goto(address)
        if "/stakeholders/" in address:  # the quick-capture form opens on demand
            page.get_by_text("Log an interaction").click()
        type_into(page, label, "riv")
        page.locator(".ts-dropdown .option").first.wait_for()
        # The list is settled: the lookup has answered and nothing is being redrawn under axe.
        page.wait_for_load_state("networkidle")
        # Through DevTools, as a page's own inline script would be refused by its policy.
        page.evaluate(AXE.read_text())
        result = page.evaluate(
            "axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']})"
        )
        problems = [
            f"{v['id']}: {v['help']} ({', '.join(n['target'][0] for n in v['nodes'][:3])})"
            for v in result["violations"]
        ]
        assert problems == [], f"{address}: {problems}"


def test_the_first_click_after_choosing_in_a_picker_lands(page, riverton_people):
    """A chosen picker keeps its height while focused, so the button below does not move away
    from under the pointer when the picker loses focus on mousedown."""
    log_in(page)
    page.goto("/w/riverton/budget/introductions/")
    control = page.locator(".ts-wrapper", has=page.get_by_role("combobox", name="Stakeholder"))
    resting = control.bounding_box()["height"]
    type_into(page, "Stakeholder", "savings")
    page.locator(".ts-dropdown .option", has_text="Riverton Savings Bank").click()
    assert control.bounding_box()["height"] == pytest.approx(resting, abs=1)
    page.get_by_role("button", name="Find introductions").click()
    page.wait_for_url("**stakeholder=*")
    assert f"stakeholder={riverton_people['bank'].pk}" in page.url
