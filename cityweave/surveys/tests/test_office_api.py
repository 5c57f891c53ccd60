"""The surveys' JSON API for the office: surveys, questions, waves, respondents and the rate."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from cityweave.surveys.models import Question, Respondent, Survey, Wave
from cityweave.surveys.testing import make_respondent, make_response, make_survey, make_wave
from cityweave.testing import make_stakeholder
from cityweave.workspaces.models import Membership

pytestmark = pytest.mark.django_db

BASE = "/api/v1/workspaces/riverton/surveys"


def fields(response) -> set[str]:
    return {error["field"] for error in response.json()["detail"]}


@pytest.fixture
def survey(alice_member) -> Survey:
    return make_survey(alice_member, "partner", title="Harbour partners")


@pytest.fixture
def wave(survey) -> Wave:
    return make_wave(survey, "Spring 2027")


def test_logged_out_callers_get_401(client, survey, wave):
    for path in (BASE, f"{BASE}/{survey.pk}", f"{BASE}/{survey.pk}/waves/{wave.pk}/respondents"):
        assert client.get(path).status_code == 401


def test_surveys_are_created_from_a_template_listed_and_read(alice_api):
    created = alice_api.post(
        BASE, {"start": "partner", "about": "Harbour"}, content_type="application/json"
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["kind"] == "partner" and body["question_count"] == 13 and body["about"] == "Harbour"
    listed = alice_api.get(BASE).json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == body["id"]
    assert alice_api.get(f"{BASE}/{body['id']}").json()["title"] == "Partner network survey"


def test_a_blank_survey_without_a_title_is_422_naming_title(alice_api):
    response = alice_api.post(BASE, {"start": "blank"}, content_type="application/json")
    assert response.status_code == 422 and fields(response) == {"title"}
    assert not Survey.objects.exists()


def test_an_unknown_template_is_422_naming_start(alice_api):
    response = alice_api.post(BASE, {"start": "census"}, content_type="application/json")
    assert response.status_code == 422 and "start" in fields(response)


def test_patching_a_partner_survey_to_anonymous_is_422_naming_anonymous(alice_api, survey):
    response = alice_api.patch(
        f"{BASE}/{survey.pk}", {"anonymous": True}, content_type="application/json"
    )
    assert response.status_code == 422 and fields(response) == {"anonymous"}
    survey.refresh_from_db()
    assert not survey.anonymous


def test_patching_and_deleting_a_survey(alice_api, survey):
    patched = alice_api.patch(
        f"{BASE}/{survey.pk}", {"min_raters": 2}, content_type="application/json"
    )
    assert patched.status_code == 200 and patched.json()["min_raters"] == 2
    assert alice_api.delete(f"{BASE}/{survey.pk}").status_code == 204
    assert alice_api.get(f"{BASE}/{survey.pk}").status_code == 404


def test_another_workspaces_records_are_404(alice_api, carol):
    carols = Membership.objects.get(user=carol)
    theirs = make_survey(carols, "community")
    their_wave = make_wave(theirs)
    respondent = make_respondent(their_wave, label="x")
    question = theirs.questions.all()[0]
    assert alice_api.get("/api/v1/workspaces/lakeside/surveys").status_code == 404
    for path in (
        f"{BASE}/{theirs.pk}",
        f"{BASE}/{theirs.pk}/questions",
        f"{BASE}/{theirs.pk}/questions/{question.pk}",
        f"{BASE}/{theirs.pk}/waves",
        f"{BASE}/{theirs.pk}/waves/{their_wave.pk}",
        f"{BASE}/{theirs.pk}/waves/{their_wave.pk}/respondents",
        f"{BASE}/{theirs.pk}/waves/{their_wave.pk}/response-rate",
    ):
        assert alice_api.get(path).status_code == 404, path
    assert alice_api.delete(f"{BASE}/{theirs.pk}").status_code == 404
    gone = alice_api.delete(f"{BASE}/{theirs.pk}/waves/{their_wave.pk}/respondents/{respondent.pk}")
    assert gone.status_code == 404
    assert Respondent.objects.filter(pk=respondent.pk).exists()


def test_a_viewer_reads_but_cannot_write(bob_api, survey, wave):
    assert bob_api.get(BASE).status_code == 200
    assert bob_api.get(f"{BASE}/{survey.pk}/waves/{wave.pk}").status_code == 200
    make_respondent(wave, label="Clinic, by phone")
    rows = bob_api.get(f"{BASE}/{survey.pk}/waves/{wave.pk}/respondents").json()["items"]
    assert rows[0]["name"] == "Clinic, by phone" and rows[0]["link"] == ""  # a link is a write
    question = survey.questions.first()
    writes = [
        ("post", BASE, {"start": "partner"}),
        ("patch", f"{BASE}/{survey.pk}", {"title": "Mine"}),
        ("delete", f"{BASE}/{survey.pk}", None),
        ("post", f"{BASE}/{survey.pk}/questions", {"kind": "short-text", "text": "Hi"}),
        ("patch", f"{BASE}/{survey.pk}/questions/{question.pk}", {"text": "Hi"}),
        ("patch", f"{BASE}/{survey.pk}/questions/{question.pk}", {"move": "down"}),
        ("post", f"{BASE}/{survey.pk}/waves", {"name": "x", "opens_on": "2027-01-01", "closes_on": "2027-02-01"}),
        ("post", f"{BASE}/{survey.pk}/waves/{wave.pk}/close", None),
        ("post", f"{BASE}/{survey.pk}/waves/{wave.pk}/respondents", {"label": "x"}),
        ("post", f"{BASE}/{survey.pk}/waves/{wave.pk}/invitations", None),
        ("post", f"{BASE}/{survey.pk}/waves/{wave.pk}/open-link", None),
    ]  # fmt: skip
    for method, path, body in writes:
        response = getattr(bob_api, method)(path, body, content_type="application/json")
        assert response.status_code == 403, (method, path)
    assert Survey.objects.count() == 1 and Respondent.objects.count() == 1


def test_questions_are_added_edited_moved_and_trashed(alice_api, survey):
    path = f"{BASE}/{survey.pk}/questions"
    created = alice_api.post(
        path,
        {
            "kind": "single",
            "text": "Which programme matters most?",
            "choices": ["youth | Youth jobs | Summer placements", "Parks"],
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    question = created.json()
    assert question["position"] == 14
    assert question["choices"] == [
        {"key": "youth", "label": "Youth jobs", "description": "Summer placements"},
        {"key": "parks", "label": "Parks"},
    ]
    moved = alice_api.patch(
        f"{path}/{question['id']}", {"move": "up"}, content_type="application/json"
    )
    # It now comes right before the roster question and its per-partner questions.
    assert moved.json()["position"] == 5
    listed = alice_api.get(path).json()["items"]
    assert [q["kind"] for q in listed][4:6] == ["single", "roster"]
    assert [q["position"] for q in listed] == list(range(1, 15))
    patched = alice_api.patch(
        f"{path}/{question['id']}", {"text": "Which matters most?"}, content_type="application/json"
    )
    assert patched.json()["text"] == "Which matters most?"
    assert alice_api.delete(f"{path}/{question['id']}").status_code == 204
    assert alice_api.get(path).json()["count"] == 13


def test_bad_questions_are_422_naming_the_field(alice_api, survey):
    path = f"{BASE}/{survey.pk}/questions"
    cases = [
        ({"kind": "roster", "text": "Again"}, "kind"),
        ({"kind": "scale", "text": "Rate", "scale_points": 7}, "scale_points"),
        ({"kind": "single", "text": "Pick", "choices": ["a | A"]}, "choices"),
        ({"kind": "single", "text": "Pick", "choices": ["a | A", "b | B\u0000"]}, "choices"),
        ({"kind": "number", "text": "N", "min_value": 5, "max_value": 1}, "max_value"),
        ({"kind": "dance", "text": "?"}, "kind"),
        ({"kind": "scale", "text": "Rate", "scale_points": True}, "scale_points"),
    ]
    for body, field in cases:
        response = alice_api.post(path, body, content_type="application/json")
        assert response.status_code == 422 and field in fields(response), (body, response.content)
    assert Question.objects.filter(survey=survey).count() == 13


def test_a_question_kind_cannot_change_after_answers(alice_api, survey, wave, riverton):
    make_response(wave, make_respondent(wave, label="x"), answers={"role": "Director"})
    role = survey.questions.get(measure="role")
    response = alice_api.patch(
        f"{BASE}/{survey.pk}/questions/{role.pk}",
        {"kind": "long-text"},
        content_type="application/json",
    )
    assert response.status_code == 422 and fields(response) == {"kind"}


def test_waves_are_created_with_a_roster_and_report_their_rate(alice_api, survey, riverton):
    bank = make_stakeholder(riverton, "Food Bank")
    created = alice_api.post(
        f"{BASE}/{survey.pk}/waves",
        {
            "name": "Spring 2027",
            "opens_on": "2027-03-01",
            "closes_on": "2027-03-31",
            "roster": [bank.pk],
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["roster"] == [bank.pk] and body["status"] in ("scheduled", "open", "closed")
    assert body["response_rate"] == {
        "submitted": 0,
        "asked": 0,
        "percent": None,
        "open_link": 0,
        "formula": "response rate = respondents who submitted ÷ respondents asked × 100",
    }
    listed = alice_api.get(f"{BASE}/{survey.pk}/waves").json()["items"]
    assert listed == [body]


def test_bad_waves_are_422_naming_the_field(alice_api, survey, lakeside):
    path = f"{BASE}/{survey.pk}/waves"
    elsewhere = make_stakeholder(lakeside, "Lakeside Trust")
    cases = [
        ({"name": "S", "opens_on": "2027-03-10", "closes_on": "2027-03-01"}, "closes_on"),
        ({"name": "S", "opens_on": "2027-03-01", "closes_on": "2027-03-31", "roster": [elsewhere.pk]}, "roster"),
        ({"name": "", "opens_on": "2027-03-01", "closes_on": "2027-03-31"}, "name"),
        ({"name": "S", "opens_on": "soon", "closes_on": "2027-03-31"}, "opens_on"),
    ]  # fmt: skip
    for body, field in cases:
        response = alice_api.post(path, body, content_type="application/json")
        assert response.status_code == 422 and field in fields(response), (body, response.content)
    assert not Wave.objects.exists()


def test_a_wave_closes_and_reopens(alice_api, survey, wave):
    path = f"{BASE}/{survey.pk}/waves/{wave.pk}"
    assert alice_api.post(f"{path}/close").json()["status"] == "closed"
    again = alice_api.post(f"{path}/close")
    assert again.status_code == 422 and fields(again) == {"closed_at"}
    assert alice_api.post(f"{path}/reopen").json()["status"] == "open"


def test_respondents_are_added_listed_with_links_and_removed(alice_api, survey, wave, riverton):
    trust = make_stakeholder(riverton, "Harbour Trust", email="t@example.org")
    path = f"{BASE}/{survey.pk}/waves/{wave.pk}/respondents"
    added = alice_api.post(path, {"stakeholder": trust.pk}, content_type="application/json")
    assert added.status_code == 201, added.content
    assert alice_api.get(f"{path}/{added.json()['id']}").json() == added.json()
    link = alice_api.post(path, {"label": "Clinic, by phone"}, content_type="application/json")
    assert link.status_code == 201
    listed = alice_api.get(path).json()["items"]
    assert {r["name"] for r in listed} == {"Harbour Trust", "Clinic, by phone"}
    for row in listed:
        token = Respondent.objects.get(pk=row["id"]).token
        assert row["link"].endswith(f"/s/{token}/") and row["responded"] is False
    rate = alice_api.get(f"{BASE}/{survey.pk}/waves/{wave.pk}/response-rate").json()
    assert (rate["asked"], rate["submitted"]) == (2, 0)
    patched = alice_api.patch(
        f"{path}/{link.json()['id']}", {"represents": trust.pk}, content_type="application/json"
    )
    assert patched.json()["represents"] == trust.pk
    assert alice_api.delete(f"{path}/{link.json()['id']}").status_code == 204
    assert alice_api.get(path).json()["count"] == 1


def test_bad_respondents_are_422_naming_the_field(alice_api, survey, wave, riverton):
    path = f"{BASE}/{survey.pk}/waves/{wave.pk}/respondents"
    quiet = make_stakeholder(riverton, "Quiet Org")
    for body, field in (
        ({"stakeholder": quiet.pk}, "stakeholder"),
        ({"stakeholder": 999999}, "stakeholder"),
        ({"label": ""}, "label"),
        ({"label": "x", "represents": 999999}, "represents"),
    ):
        response = alice_api.post(path, body, content_type="application/json")
        assert response.status_code == 422 and field in fields(response), (body, response.content)
    assert not Respondent.objects.exists()


def test_invitations_are_queued_and_sent(
    alice_api, survey, wave, riverton, django_capture_on_commit_callbacks
):
    make_respondent(wave, make_stakeholder(riverton, "Harbour Trust", email="t@example.org"))
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_api.post(f"{BASE}/{survey.pk}/waves/{wave.pk}/invitations")
    assert response.status_code == 202 and response.json() == {"queued": 1}
    assert [m.to for m in mail.outbox] == [["t@example.org"]]
    detail = alice_api.get(f"{BASE}/{survey.pk}/waves/{wave.pk}").json()
    assert detail["invitations_sent_at"] is not None
    nobody = alice_api.post(f"{BASE}/{survey.pk}/waves/{wave.pk}/invitations")
    assert nobody.status_code == 422 and fields(nobody) == {"emails"}
    with django_capture_on_commit_callbacks(execute=True):
        reminded = alice_api.post(f"{BASE}/{survey.pk}/waves/{wave.pk}/reminders")
    assert reminded.status_code == 202 and len(mail.outbox) == 2
    again = alice_api.post(f"{BASE}/{survey.pk}/waves/{wave.pk}/reminders")
    assert again.status_code == 422 and "three days" in again.json()["detail"][0]["msg"]


def test_the_open_link_is_made_and_revoked_for_anonymous_surveys_only(
    alice_api, alice_member, survey, wave
):
    refused = alice_api.post(f"{BASE}/{survey.pk}/waves/{wave.pk}/open-link")
    assert refused.status_code == 422 and fields(refused) == {"open_link"}
    park = make_survey(alice_member, "community")
    park_wave = make_wave(park)
    made = alice_api.post(f"{BASE}/{park.pk}/waves/{park_wave.pk}/open-link").json()
    park_wave.refresh_from_db()
    assert made["open_link"].endswith(f"/s/open/{park_wave.open_link_token}/")
    revoked = alice_api.delete(f"{BASE}/{park.pk}/waves/{park_wave.pk}/open-link").json()
    assert revoked["open_link"] == ""


def test_the_respondent_list_of_an_anonymous_survey_says_only_who_answered(
    alice_api: Client, alice_member
):
    park = make_survey(alice_member, "community")
    park_wave = make_wave(park)
    respondent = make_respondent(park_wave, label="Neighbour")
    make_response(park_wave, respondent, answers={"satisfaction": 1})
    rows = alice_api.get(f"{BASE}/{park.pk}/waves/{park_wave.pk}/respondents").json()["items"]
    assert rows[0]["responded"] is True
    assert set(rows[0]) == {
        "id", "stakeholder", "represents", "name", "label", "email", "link",
        "invited_at", "reminded_at", "responded",
    }  # fmt: skip


def test_the_lists_do_not_grow_with_rows(alice_api, alice_member, survey, wave, riverton):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    lists = [
        BASE,
        f"{BASE}/{survey.pk}/questions",
        f"{BASE}/{survey.pk}/waves",
        f"{BASE}/{survey.pk}/waves/{wave.pk}/respondents",
    ]
    make_respondent(wave, label="Clinic, by phone")
    counts = []
    for path in lists:
        with CaptureQueriesContext(connection) as few:
            alice_api.get(path)
        counts.append(len(few))
    for n in range(4):
        make_survey(alice_member, "community", title=f"Park {n}")
        make_wave(survey, f"Wave {n}")
        make_respondent(wave, make_stakeholder(riverton, f"Org {n}", email=f"o{n}@example.org"))
    for path, count in zip(lists, counts, strict=True):
        with CaptureQueriesContext(connection) as more:
            body = alice_api.get(path).json()
        assert len(more) <= count, (path, len(more), count)
        assert body["count"] >= 1
    items = alice_api.get(BASE).json()["items"]
    assert {s["title"]: s["question_count"] for s in items}["Harbour partners"] == 13
