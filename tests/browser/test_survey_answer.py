"""A partner answers the partner network survey through its personal link on a phone: picks two
partners, rates them, saves, comes back later to find its answers, and submits; the office then
sees it in the wave's results."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from cityweave.engagement.services import workspace_today
from cityweave.surveys.models import Answer, Respondent, Response, SurveyTie, new_token
from cityweave.surveys.testing import make_respondent, make_survey, make_wave, question
from cityweave.testing import make_member, make_stakeholder, make_user, make_workspace
from cityweave.workspaces.models import Membership
from tests.browser.helpers import log_in
from tests.browser.test_every_page import WIDTHS, check, open_context, serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def invitation():
    riverton = make_workspace("Riverton", "riverton")
    owner = make_member(riverton, make_user("alice@riverton.example", "Alice Reyes"), "owner")
    names = ("Riverton Food Bank", "City Library", "Harbour Museum", "Parks Trust")
    partners = {name: make_stakeholder(riverton, name) for name in names}
    wave = make_wave(make_survey(owner, "partner"), roster=list(partners.values()))
    return make_respondent(wave, partners["Riverton Food Bank"]), wave, partners


def test_a_partner_answers_on_a_phone_saves_comes_back_and_submits(
    browser, live_server, invitation
):
    respondent, wave, partners = invitation
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    link = f"/s/{respondent.token}/"
    try:
        page.goto(link)
        assert page.get_by_role("heading", name="Partner network survey").is_visible()
        page.get_by_label("Which organisation are you answering for?").fill("Riverton Food Bank")
        # The roster's search narrows the list by name (answer.js).
        page.get_by_label("Find a partner by name").fill("libr")
        assert page.get_by_label("Harbour Museum").is_hidden()
        page.get_by_label("City Library").check()
        page.get_by_label("Find a partner by name").fill("")
        page.get_by_label("Harbour Museum").check()
        page.get_by_role("button", name="Save and rate the partners you picked").click()
        page.wait_for_url("**?saved=1*")

        library = page.locator(f"#partner-{partners['City Library'].pk}")
        museum = page.locator(f"#partner-{partners['Harbour Museum'].pk}")
        assert library.get_by_role("heading", name="About City Library").is_visible()
        reliable = library.get_by_role("group", name="How reliable is this partner")
        reliable.get_by_label("4 Very reliable").check()
        library.get_by_role("group", name="What level of collaboration").get_by_role(
            "radio", name="Coordination Cooperation, plus"
        ).check()
        museum.get_by_role("group", name="How far does this partner share").get_by_label(
            "2", exact=True
        ).check()
        page.get_by_role("button", name="Save and finish later").click()
        page.wait_for_url("**?saved=1")
        assert page.get_by_text("Your answers are saved.").is_visible()

        # Later, in a new page load: the answers are still there.
        page.goto(link)
        library = page.locator(f"#partner-{partners['City Library'].pk}")
        museum = page.locator(f"#partner-{partners['Harbour Museum'].pk}")
        assert page.get_by_label("Which organisation are you answering for?").input_value() == (
            "Riverton Food Bank"
        )
        assert page.get_by_role("checkbox", name="City Library").is_checked()
        assert (
            library.get_by_role("group", name="How reliable is this partner")
            .get_by_label("4 Very reliable")
            .is_checked()
        )
        assert (
            museum.get_by_role("group", name="How far does this partner share")
            .get_by_label("2", exact=True)
            .is_checked()
        )
        # Nothing scrolls sideways on the phone.
        assert page.evaluate(
            "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        )

        page.get_by_role("button", name="Submit").click()
        page.wait_for_url("**/s/thanks/**")
        assert page.get_by_role("heading", name="Thank you, your answers are in").is_visible()
        page.goto(link)
        assert page.get_by_role("heading", name="Thank you, your answers are in").is_visible()
    finally:
        context.close()
    assert refused == [], f"the page broke its Content-Security-Policy: {refused}"

    response = Response.objects.get()
    assert response.submitted_on is not None
    assert response.respondent_id == respondent.pk
    assert response.represents == partners["Riverton Food Bank"]
    organisation = question(wave.survey, "organisation")
    assert Answer.objects.get(question=organisation).value == "Riverton Food Bank"
    ties = {tie.target.name: tie for tie in SurveyTie.objects.select_related("target")}
    assert set(ties) == {"City Library", "Harbour Museum"}
    assert (ties["City Library"].reliability, ties["City Library"].collaboration) == (
        4,
        "coordination",
    )
    assert ties["Harbour Museum"].mission == 2
    assert all(tie.source == partners["Riverton Food Bank"] for tie in ties.values())
    assert Respondent.objects.get(pk=respondent.pk).responded

    # The office then sees the answer in the wave's results: one response, and each partner's
    # trust from the one rating given (Library: reliability 4; Museum: support of mission 2).
    office = browser.new_context(base_url=live_server.url, viewport={"width": 1360, "height": 900})
    try:
        page = office.new_page()
        log_in(page)
        page.goto(f"/w/riverton/surveys/{wave.survey_id}/waves/{wave.pk}/results/scores/")
        rows = page.get_by_role("row")
        library_row = rows.filter(has_text="City Library")
        museum_row = rows.filter(has_text="Harbour Museum")
        assert "4.00" in library_row.inner_text()
        assert "2.00" in museum_row.inner_text()
        page.goto(f"/w/riverton/surveys/{wave.survey_id}/waves/{wave.pk}/results/")
        assert "1 of 1 invited submitted" in page.locator("main").inner_text()
    finally:
        office.close()


def test_the_answer_page_its_errors_and_every_refusal_page_are_accessible(
    browser, live_server, invitation, settings
):
    respondent, wave, partners = invitation
    survey = wave.survey
    today = workspace_today(wave.workspace)
    later = make_wave(
        survey, "Autumn", opens_on=today + dt.timedelta(days=5), closes_on=today + dt.timedelta(9)
    )
    earlier = make_wave(
        survey,
        "Last year",
        opens_on=today - dt.timedelta(days=60),
        closes_on=today - dt.timedelta(9),
    )
    answered = make_respondent(wave, partners["Parks Trust"], responded=True)
    community = make_wave(
        make_survey(Membership.objects.get(workspace=wave.workspace, role="owner"), "community"),
        open_link_token=new_token(),
    )
    settings.CITYWEAVE_SURVEY_OPEN_LINK_LIMIT = 0
    pages = [
        (f"/s/{make_respondent(later, partners['City Library']).token}/", 403),
        (f"/s/{make_respondent(earlier, partners['City Library']).token}/", 410),
        (f"/s/{answered.token}/", 409),
        ("/s/no-such-link/", 404),
        (f"/s/open/{community.open_link_token}/", 429),
    ]
    problems: list[str] = []
    for width in WIDTHS:
        context = open_context(browser, live_server, width)
        page = context.new_page()
        page.set_default_timeout(15_000)
        try:
            check(page, f"/s/{respondent.token}/", problems)
            # The organisation question starts filled in: emptied, it is the one problem.
            page.get_by_label(re.compile("Which organisation are you answering for")).fill("")
            page.get_by_role("button", name="Submit").click()
            page.wait_for_load_state("networkidle")
            assert page.get_by_text("1 problem to fix; nothing was saved").is_visible()
            # The error summary takes the focus and links to the question.
            assert page.evaluate("document.activeElement.id") == "answer-errors"
            problems += [f"the 422 page at {width} px: {v}" for v in serious_violations(page)]
            for path, status in pages:
                check(page, path, problems, status=status)
        finally:
            context.close()
    assert problems == [], "\n".join(problems)
