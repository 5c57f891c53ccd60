"""The office's survey pages: surveys, questions, waves, respondents and links; scoping and roles."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cityweave.engagement.services import workspace_today
from cityweave.surveys import fieldwork, invitations, services
from cityweave.surveys.models import Question, Respondent, Survey, Wave
from cityweave.surveys.testing import make_respondent, make_response, make_survey, make_wave
from cityweave.testing import make_stakeholder
from cityweave.workspaces.models import Membership

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name: str, *args: object) -> str:
    return reverse(f"surveys:{name}", args=["riverton", *args])


@pytest.fixture
def survey(alice_member) -> Survey:
    return make_survey(alice_member, "partner", title="Harbour partners")


@pytest.fixture
def wave(survey) -> Wave:
    return make_wave(survey, "Spring 2027")


@pytest.fixture
def respondent(wave, riverton) -> Respondent:
    trust = make_stakeholder(riverton, "Harbour Trust", email="info@harbour.example")
    return make_respondent(wave, trust)


def every_page(survey: Survey, wave: Wave, respondent: Respondent) -> list[str]:
    question = survey.questions.first()
    assert question is not None
    return [
        url("list"),
        url("new"),
        url("detail", survey.pk),
        url("edit", survey.pk),
        url("delete", survey.pk),
        url("question-new", survey.pk),
        url("question-edit", survey.pk, question.pk),
        url("question-delete", survey.pk, question.pk),
        url("wave-new", survey.pk),
        url("wave", survey.pk, wave.pk),
        url("wave-edit", survey.pk, wave.pk),
        url("wave-delete", survey.pk, wave.pk),
        url("wave-rate", survey.pk, wave.pk),
        url("links", survey.pk, wave.pk),
        url("links-csv", survey.pk, wave.pk),
        url("respondents-add", survey.pk, wave.pk),
        url("respondent-edit", survey.pk, wave.pk, respondent.pk),
        url("respondent-delete", survey.pk, wave.pk, respondent.pk),
    ]


WRITES = ["new", "edit", "delete", "question-new", "question-edit", "question-delete"]


# == Roles and scoping ============================================================================


def test_every_page_opens_for_an_editor(alice_client, survey, wave, respondent):
    for page in every_page(survey, wave, respondent):
        assert alice_client.get(page).status_code == 200, page


def test_logged_out_visitors_are_sent_to_log_in(client, survey, wave, respondent):
    for page in every_page(survey, wave, respondent):
        response = client.get(page)
        assert response.status_code == 302 and "/login" in response["Location"], page


def test_another_workspaces_surveys_are_not_found(carol_client, survey, wave, respondent):
    for page in every_page(survey, wave, respondent):
        assert carol_client.get(page).status_code == 404, page
    assert carol_client.post(url("wave-close", survey.pk, wave.pk)).status_code == 404


def test_a_survey_of_another_workspace_is_not_found_under_this_one(
    alice_client, carol, riverton, lakeside
):
    carols = Membership.objects.get(user=carol)
    theirs = make_survey(carols, "community")
    their_wave = make_wave(theirs)
    assert alice_client.get(url("detail", theirs.pk)).status_code == 404
    assert alice_client.get(url("wave", theirs.pk, their_wave.pk)).status_code == 404


def test_a_wave_is_found_only_under_its_own_survey(alice_client, alice_member, wave):
    other = make_survey(alice_member, "community")
    assert alice_client.get(url("wave", other.pk, wave.pk)).status_code == 404


def test_a_viewer_reads_but_cannot_write(bob_client, survey, wave, respondent):
    readable = [
        url("list"),
        url("detail", survey.pk),
        url("wave", survey.pk, wave.pk),
        url("wave-rate", survey.pk, wave.pk),
    ]
    for page in readable:
        assert bob_client.get(page).status_code == 200, page
    question = survey.questions.first()
    writes = [
        url("new"),
        url("edit", survey.pk),
        url("delete", survey.pk),
        url("question-new", survey.pk),
        url("question-edit", survey.pk, question.pk),
        url("wave-new", survey.pk),
        url("wave-edit", survey.pk, wave.pk),
        url("respondents-add", survey.pk, wave.pk),
        url("respondent-edit", survey.pk, wave.pk, respondent.pk),
        # A personal link answers as its respondent: viewers do not see them.
        url("links", survey.pk, wave.pk),
        url("links-csv", survey.pk, wave.pk),
    ]
    for page in writes:
        assert bob_client.get(page).status_code == 403, page
    posts = [
        url("question-move", survey.pk, question.pk),
        url("wave-close", survey.pk, wave.pk),
        url("wave-emails", survey.pk, wave.pk),
        url("open-link", survey.pk, wave.pk),
    ]
    for page in posts:
        assert bob_client.post(page, {"direction": "up", "kind": "invitations"}).status_code == 403
    page = bob_client.get(url("detail", survey.pk)).content.decode()
    assert "New wave" not in page and "Add a question" not in page
    wave_page = bob_client.get(url("wave", survey.pk, wave.pk)).content.decode()
    assert respondent.token not in wave_page and "Personal links" not in wave_page
    assert Survey.objects.filter(pk=survey.pk).exists()
    assert wave.closed_at is None and not mail.outbox


# == Surveys ======================================================================================


def test_the_list_shows_each_survey_with_its_latest_wave_and_rate(
    alice_client, alice_member, survey, wave, respondent, riverton, django_assert_max_num_queries
):
    make_response(wave, respondent)
    for n in range(3):
        make_respondent(wave, label=f"Link {n}")
    make_survey(alice_member, "community")
    page = alice_client.get(url("list")).content.decode()
    assert "Harbour partners" in page and "Spring 2027" in page
    assert "25%" in page and "1 of 4 answered" in page
    assert "respondents who submitted ÷ respondents asked × 100" in page
    with CaptureQueriesContext(connection) as few:
        alice_client.get(url("list"))
    for n in range(5):
        extra = make_survey(alice_member, "community", title=f"Park {n}")
        make_respondent(make_wave(extra), label="x")
    with django_assert_max_num_queries(len(few)):  # not one more for five more surveys
        assert alice_client.get(url("list")).status_code == 200


def test_an_empty_list_offers_the_templates(alice_client):
    page = alice_client.get(url("list")).content.decode()
    assert "Create the first survey" in page and "Community feedback survey" in page


def test_creating_a_survey_from_a_template_opens_it(alice_client):
    response = alice_client.post(url("new"), {"start": "community", "about": "Riverfront park"})
    survey = Survey.objects.get()
    assert response.status_code == 302 and response["Location"] == survey.get_absolute_url()
    assert survey.anonymous and survey.about == "Riverfront park"
    assert survey.questions.count() == 4


def test_a_blank_survey_without_a_title_is_refused_naming_the_field(alice_client):
    response = alice_client.post(url("new"), {"start": "blank", "title": ""})
    assert response.status_code == 422
    assert response.context["form"].errors["title"]
    assert not Survey.objects.exists()


def test_the_survey_page_lists_questions_as_respondents_meet_them(alice_client, survey, wave):
    page = alice_client.get(url("detail", survey.pk)).content.decode()
    roster = page.index("Which of these partners does your organisation work with?")
    partner = page.index("How often does your organisation interact with this partner?")
    assert roster < partner
    assert page.count('class="question-row per-partner"') == 8
    assert "Spring 2027" in page and "Open" in page


def test_making_a_partner_survey_anonymous_is_refused_on_the_field(alice_client, survey):
    response = alice_client.post(
        url("edit", survey.pk), {"title": "Harbour partners", "anonymous": "on", "min_raters": 3}
    )
    assert response.status_code == 422
    assert "roster question" in response.context["form"].errors["anonymous"][0]
    survey.refresh_from_db()
    assert not survey.anonymous


def test_editing_a_survey_saves_its_fields(alice_client, survey):
    response = alice_client.post(
        url("edit", survey.pk),
        {"title": "Harbour network 2027", "introduction": "Hello", "about": "", "min_raters": 2},
    )
    assert response.status_code == 302
    survey.refresh_from_db()
    assert (survey.title, survey.introduction, survey.min_raters) == (
        "Harbour network 2027",
        "Hello",
        2,
    )


def test_trashing_a_survey_goes_back_to_the_list(alice_client, survey, wave):
    response = alice_client.post(url("delete", survey.pk))
    assert response.status_code == 302 and response["Location"] == url("list")
    assert not Survey.objects.exists() and not Wave.objects.exists()


# == Questions ====================================================================================


def test_a_question_form_shows_the_fields_its_kind_uses(alice_client, survey):
    scale = alice_client.get(url("question-new", survey.pk), {"kind": "scale", "text": "Kept"})
    assert "scale_points" in scale.context["form"].fields
    assert "choices_text" not in scale.context["form"].fields
    assert b'value="Kept"' in scale.content
    single = alice_client.get(url("question-new", survey.pk), {"kind": "single"}, **HTMX)
    assert "choices_text" in single.context["form"].fields
    assert "scale_points" not in single.context["form"].fields


def test_adding_a_choice_question_parses_one_choice_a_line(alice_client, survey):
    response = alice_client.post(
        url("question-new", survey.pk),
        {
            "kind": "single",
            "text": "Which programme matters most?",
            "choices_text": "youth | Youth jobs | Summer placements\nHousing\n\nparks | Parks",
            "required": "on",
        },
    )
    assert response.status_code == 302
    question = survey.questions.order_by("-position").first()
    assert question.choices == [
        {"key": "youth", "label": "Youth jobs", "description": "Summer placements"},
        {"key": "housing", "label": "Housing"},
        {"key": "parks", "label": "Parks"},
    ]
    assert question.required and question.position == 14


def test_a_second_roster_question_is_refused_on_its_kind(alice_client, survey):
    response = alice_client.post(
        url("question-new", survey.pk), {"kind": "roster", "text": "Who else?"}
    )
    assert response.status_code == 422
    assert "one roster question" in response.context["form"].errors["kind"][0]
    assert survey.questions.filter(kind="roster").count() == 1


def test_changing_a_kind_after_answers_is_refused_but_rewording_is_not(
    alice_client, survey, wave, respondent
):
    make_response(wave, respondent, answers={"role": "Director"})
    role = survey.questions.get(measure="role")
    refused = alice_client.post(
        url("question-edit", survey.pk, role.pk),
        {"kind": "long-text", "text": "Your role?", "measure": "role"},
    )
    assert refused.status_code == 422
    assert "cannot change" in refused.context["form"].errors["kind"][0]
    reworded = alice_client.post(
        url("question-edit", survey.pk, role.pk),
        {"kind": "short-text", "text": "Your role?", "measure": "role"},
    )
    assert reworded.status_code == 302
    role.refresh_from_db()
    assert (role.kind, role.text) == ("short-text", "Your role?")


def test_moving_a_question_down_and_trashing_it(alice_client, survey):
    first, second = survey.questions.order_by("position")[:2]
    alice_client.post(url("question-move", survey.pk, first.pk), {"direction": "down"})
    assert list(survey.questions.order_by("position")[:2]) == [second, first]
    response = alice_client.post(url("question-delete", survey.pk, first.pk))
    assert response["Location"] == survey.get_absolute_url()
    assert not Question.objects.filter(pk=first.pk).exists()


# == Waves ========================================================================================


def test_creating_a_wave_opens_its_page(alice_client, survey, riverton):
    bank = make_stakeholder(riverton, "Food Bank")
    response = alice_client.post(
        url("wave-new", survey.pk),
        {
            "name": "Spring 2027",
            "opens_on": "2027-03-01",
            "closes_on": "2027-03-31",
            "roster": [bank.pk],
        },
    )
    wave = Wave.objects.get()
    assert response.status_code == 302 and response["Location"] == wave.get_absolute_url()
    assert list(wave.roster.all()) == [bank]


def test_a_wave_closing_before_it_opens_is_refused(alice_client, survey):
    response = alice_client.post(
        url("wave-new", survey.pk),
        {"name": "Spring", "opens_on": "2027-03-10", "closes_on": "2027-03-01"},
    )
    assert response.status_code == 422
    assert response.context["form"].errors["closes_on"]
    assert not Wave.objects.exists()


def test_the_wave_page_states_the_rate_with_its_formula_and_polls_while_open(
    alice_client, survey, wave, respondent, django_assert_max_num_queries
):
    make_response(wave, respondent)
    make_respondent(wave, label="Clinic, by phone")
    page = alice_client.get(url("wave", survey.pk, wave.pk)).content.decode()
    assert "50%" in page and "1 submitted ÷ 2 asked × 100" in page
    assert 'hx-trigger="every 20s"' in page
    assert "Harbour Trust" in page and "Clinic, by phone" in page
    with CaptureQueriesContext(connection) as few:
        alice_client.get(url("wave", survey.pk, wave.pk))
    for n in range(10):
        make_respondent(wave, label=f"Link {n}")
    with django_assert_max_num_queries(len(few)):  # not one more for ten more respondents
        alice_client.get(url("wave", survey.pk, wave.pk))
    rate = alice_client.get(url("wave-rate", survey.pk, wave.pk), **HTMX)
    assert rate.status_code == 200 and b"1 submitted \xc3\xb7 12 asked" in rate.content


def test_a_closed_wave_does_not_poll_and_can_reopen(alice_client, survey, wave):
    alice_client.post(url("wave-close", survey.pk, wave.pk), {"action": "close"})
    wave.refresh_from_db()
    assert wave.closed_at is not None
    page = alice_client.get(url("wave", survey.pk, wave.pk)).content.decode()
    assert "every 20s" not in page and "Reopen" in page
    alice_client.post(url("wave-close", survey.pk, wave.pk), {"action": "reopen"})
    wave.refresh_from_db()
    assert wave.closed_at is None


def test_an_anonymous_surveys_wave_shows_who_answered_but_never_which_answers(
    alice_client, alice_member
):
    survey = make_survey(alice_member, "community")
    wave = make_wave(survey)
    make_respondent(wave, label="Neighbour A")
    make_response(wave, answers={"satisfaction": 2})
    page = alice_client.get(url("wave", survey.pk, wave.pk)).content.decode()
    assert "never which answers are whose" in page
    assert "/responses/" not in page


# == Respondents and links ========================================================================


def test_adding_respondents_by_picking_stakeholders(alice_client, survey, wave, riverton):
    trust = make_stakeholder(riverton, "Harbour Trust", email="t@example.org")
    bank = make_stakeholder(riverton, "Food Bank", email="b@example.org")
    response = alice_client.post(
        url("respondents-add", survey.pk, wave.pk), {"stakeholders": [trust.pk, bank.pk]}
    )
    assert response.status_code == 302
    assert set(wave.respondents.values_list("stakeholder__name", flat=True)) == {
        "Harbour Trust",
        "Food Bank",
    }


def test_adding_someone_without_an_email_is_refused_naming_them(
    alice_client, survey, wave, riverton
):
    quiet = make_stakeholder(riverton, "Quiet Org")
    response = alice_client.post(
        url("respondents-add", survey.pk, wave.pk), {"stakeholders": [quiet.pk]}
    )
    assert response.status_code == 422
    assert "No email for Quiet Org" in response.context["people_form"].errors["stakeholders"][0]
    assert not wave.respondents.exists()


def test_a_stakeholder_of_another_workspace_cannot_be_added(alice_client, survey, wave, lakeside):
    theirs = make_stakeholder(lakeside, "Lakeside Trust", email="l@example.org")
    response = alice_client.post(
        url("respondents-add", survey.pk, wave.pk), {"stakeholders": [theirs.pk]}
    )
    assert response.status_code == 422 and not wave.respondents.exists()


def test_a_hand_out_link_lands_on_the_links_page(alice_client, survey, wave):
    response = alice_client.post(
        url("respondents-add", survey.pk, wave.pk), {"label": "Clinic, by phone"}
    )
    assert response.status_code == 302 and response["Location"] == url("links", survey.pk, wave.pk)
    respondent = wave.respondents.get()
    page = alice_client.get(response["Location"]).content.decode()
    assert invitations.personal_link(respondent) in page
    assert f"/s/{respondent.token}/" in page and 'data-copy="link-' in page


def test_a_link_without_a_label_is_refused(alice_client, survey, wave):
    response = alice_client.post(url("respondents-add", survey.pk, wave.pk), {"label": ""})
    assert response.status_code == 422
    assert response.context["link_form"].errors["label"]
    assert not wave.respondents.exists()


def test_the_links_download_is_a_csv_of_every_link(alice_client, survey, wave, respondent):
    response = alice_client.get(url("links-csv", survey.pk, wave.pk))
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert respondent.token in response.content.decode()


def test_editing_whom_a_respondent_answers_for(alice_client, survey, wave, respondent, riverton):
    bank = make_stakeholder(riverton, "Food Bank")
    response = alice_client.post(
        url("respondent-edit", survey.pk, wave.pk, respondent.pk),
        {"represents": bank.pk, "label": "", "email": "info@harbour.example"},
    )
    assert response.status_code == 302
    respondent.refresh_from_db()
    assert respondent.represents == bank


def test_removing_a_respondent(alice_client, survey, wave, respondent):
    response = alice_client.post(url("respondent-delete", survey.pk, wave.pk, respondent.pk))
    assert response["Location"].endswith("#respondents")
    assert not wave.respondents.exists()


def test_the_open_link_is_only_for_anonymous_surveys(alice_client, alice_member, survey, wave):
    alice_client.post(url("open-link", survey.pk, wave.pk), {"action": "create"})
    wave.refresh_from_db()
    assert wave.open_link_token == ""
    park = make_survey(alice_member, "community")
    park_wave = make_wave(park)
    alice_client.post(url("open-link", park.pk, park_wave.pk), {"action": "create"})
    park_wave.refresh_from_db()
    assert park_wave.open_link_token
    page = alice_client.get(url("wave", park.pk, park_wave.pk)).content.decode()
    assert f"/s/open/{park_wave.open_link_token}/" in page
    alice_client.post(url("open-link", park.pk, park_wave.pk), {"action": "revoke"})
    park_wave.refresh_from_db()
    assert park_wave.open_link_token == ""


def test_sending_invitations_from_the_wave_page(
    alice_client, survey, wave, respondent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(
            url("wave-emails", survey.pk, wave.pk), {"kind": "invitations"}, follow=True
        )
    assert [m.to for m in mail.outbox] == [["info@harbour.example"]]
    assert "Sending 1 invitation" in response.content.decode()
    page = alice_client.get(url("wave", survey.pk, wave.pk)).content.decode()
    assert "last sent" in page and "to 1" in page


def test_sending_with_nobody_due_says_why(alice_client, survey, wave):
    response = alice_client.post(
        url("wave-emails", survey.pk, wave.pk), {"kind": "reminders"}, follow=True
    )
    assert "Nobody is due a reminder" in response.content.decode()
    assert not mail.outbox


def test_a_scheduled_wave_offers_invitations_but_not_reminders(alice_client, survey):
    today = workspace_today(survey.workspace)
    later = make_wave(
        survey, opens_on=today + dt.timedelta(days=3), closes_on=today + dt.timedelta(days=30)
    )
    page = alice_client.get(url("wave", survey.pk, later.pk)).content.decode()
    assert "Scheduled" in page and "Send invitations" in page and "Send reminders" not in page
    assert fieldwork.response_rate(later).percent is None


# == Admin ========================================================================================


def test_the_admin_lists_surveys_and_shows_answers_read_only(
    alice_client, survey, wave, respondent
):
    make_response(wave, respondent, answers={"role": "Director"})
    for model in ("survey", "question", "wave", "respondent", "response", "answer", "surveytie"):
        assert alice_client.get(f"/admin/surveys/{model}/").status_code == 200, model
    assert alice_client.get("/admin/surveys/response/add/").status_code == 403
    page = alice_client.get(f"/admin/surveys/respondent/{respondent.pk}/change/").content.decode()
    assert respondent.token not in page


def test_the_admin_hides_another_workspaces_surveys(carol_client, survey):
    assert carol_client.get(f"/admin/surveys/survey/{survey.pk}/change/").status_code in (302, 404)
    listed = carol_client.get("/admin/surveys/survey/").content.decode()
    assert "Harbour partners" not in listed


def test_a_hand_out_link_of_an_anonymous_survey_answers_for_nobody(alice_client, alice_member):
    park = make_survey(alice_member, "community")
    park_wave = make_wave(park)
    form = alice_client.get(url("respondents-add", park.pk, park_wave.pk)).context["link_form"]
    assert "represents" not in form.fields
    alice_client.post(url("respondents-add", park.pk, park_wave.pk), {"label": "Library desk"})
    assert park_wave.respondents.get().represents is None


def test_the_survey_page_and_links_page_do_not_grow_with_rows(
    alice_client, alice_member, survey, wave, riverton, django_assert_max_num_queries
):
    pages = [url("detail", survey.pk), url("links", survey.pk, wave.pk)]
    counts = []
    for page in pages:
        with CaptureQueriesContext(connection) as few:
            alice_client.get(page)
        counts.append(len(few))
    for n in range(6):
        make_wave(survey, f"Wave {n}")
        make_respondent(wave, make_stakeholder(riverton, f"Org {n}", email=f"o{n}@example.org"))
        services.save_question(alice_member, survey, {"kind": "short-text", "text": f"Q{n}"})
    for page, count in zip(pages, counts, strict=True):
        with django_assert_max_num_queries(count):
            assert alice_client.get(page).status_code == 200


def test_the_survey_and_wave_pages_lead_to_the_results(alice_client, survey, wave):
    results = reverse("surveys:results", args=["riverton", survey.pk, wave.pk])
    assert results in alice_client.get(url("detail", survey.pk)).content.decode()
    assert results in alice_client.get(url("wave", survey.pk, wave.pk)).content.decode()
    make_wave(survey, "Autumn 2027")
    trends = reverse("surveys:results-trends", args=["riverton", survey.pk])
    assert trends in alice_client.get(url("detail", survey.pk)).content.decode()
