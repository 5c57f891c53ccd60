"""The office's survey pages in Chromium: the question form follows its kind, links copy, the
wave's rate refreshes."""

from __future__ import annotations

import pytest

from cityweave.surveys.models import Question
from cityweave.surveys.testing import make_respondent, make_response, make_survey, make_wave
from tests.browser.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_choosing_a_kind_shows_its_fields_and_the_question_saves(page, alice_member):
    survey = make_survey(alice_member, "community")
    log_in(page)
    page.goto(f"/w/riverton/surveys/{survey.pk}/questions/new/")
    assert page.get_by_label("Scale").is_visible()
    page.locator("#id_text").fill("Which park do you use most?")
    page.get_by_label("Kind").select_option("single")
    page.get_by_label("Choices").wait_for()
    assert page.get_by_label("Scale").count() == 0
    # What was typed before the kind changed is kept.
    assert page.locator("#id_text").input_value() == "Which park do you use most?"
    page.get_by_label("Choices").fill("Riverfront\nMill Pond | Mill Pond park")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"**/surveys/{survey.pk}/#question-*")
    saved = Question.objects.get(survey=survey, text="Which park do you use most?")
    assert saved.kind == "single" and saved.choice_keys == ["riverfront", "Mill Pond"]


def test_a_personal_link_copies_and_the_rate_refreshes_on_a_phone(
    browser,
    live_server,
    alice_member,
):
    survey = make_survey(alice_member, "community")
    wave = make_wave(survey)
    respondent = make_respondent(wave, label="Library desk")
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    phone = context.new_page()
    phone.set_default_timeout(15_000)
    try:
        log_in(phone)
        phone.goto(f"/w/riverton/surveys/{survey.pk}/waves/{wave.pk}/links/")
        phone.get_by_role("button", name="Copy the link for Library desk").click()
        phone.get_by_role("status").get_by_text("Link copied.").wait_for()
        copied = phone.evaluate("navigator.clipboard.readText()")
        assert copied.endswith(f"/s/{respondent.token}/")
        phone.goto(f"/w/riverton/surveys/{survey.pk}/waves/{wave.pk}/")
        assert "0 submitted ÷ 1 asked × 100" in phone.locator("#wave-rate").inner_text()
        make_response(wave, respondent, answers={"satisfaction": 4})
        # htmx polls every 20 seconds while the wave is open.
        phone.locator("#wave-rate").get_by_text("1 submitted ÷ 1 asked × 100").wait_for(
            timeout=30_000
        )
        assert "100%" in phone.locator("#wave-rate").inner_text()
    finally:
        context.close()
