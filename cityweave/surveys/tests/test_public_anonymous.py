"""Anonymous surveys: a draft found again only by its resume link, nothing in the database that
joins an answer to its person, and a wave's open link with its flood guard."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from cityweave.surveys import answering
from cityweave.surveys.answering import Refusal, Refused
from cityweave.surveys.models import (
    Answer,
    Respondent,
    Response,
    SubmissionThrottle,
    SurveyTie,
    new_token,
)
from cityweave.surveys.testing import make_respondent, make_survey, make_wave, question
from cityweave.testing import make_stakeholder

pytestmark = pytest.mark.django_db


@pytest.fixture
def community_wave(alice_member):
    survey = make_survey(alice_member, "community", about="Riverside park renewal")
    return make_wave(survey, open_link_token=new_token())


@pytest.fixture
def neighbour(riverton, community_wave):
    person = make_stakeholder(riverton, "Nina Neighbour", kind="person", email="nina@example.org")
    return make_respondent(community_wave, person, label="Nina at the park meeting")


def field(wave, measure: str) -> str:
    return f"q{question(wave.survey, measure).pk}"


def open_url(wave) -> str:
    return reverse("answer:answer-open", args=[wave.open_link_token])


def rows(model) -> list[dict[str, object]]:
    """Every column of every row of `model`'s table, as the database holds it."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {model._meta.db_table}")  # noqa: S608 (a model's own table)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def test_an_anonymous_draft_is_found_again_only_by_its_resume_link(
    client, community_wave, neighbour
):
    url = reverse("answer:answer-personal", args=[neighbour.token])
    saved = client.post(url, {field(community_wave, "satisfaction"): "4", "action": "save"})
    assert saved.status_code == 303
    resume = saved["Location"].split("?")[0]
    assert resume.startswith("/s/r/")
    secret = resume.removeprefix("/s/r/").strip("/")
    assert Response.objects.get().resume_hash == hashlib.sha256(secret.encode()).hexdigest()
    page = client.get(saved["Location"]).content.decode()
    assert "Your answers are saved." in page
    assert f"http://testserver{resume}" in page  # the link to keep
    assert 'value="4" checked' in page
    # The personal link alone cannot find the draft: it offers a fresh form.
    fresh = client.get(url).content.decode()
    assert 'value="4" checked' not in fresh
    assert "open the private link you were shown" in fresh


def test_nothing_in_the_database_links_an_anonymous_answer_to_its_person(
    client, community_wave, neighbour
):
    before = rows(Respondent)[0]
    url = reverse("answer:answer-personal", args=[neighbour.token])
    saved = client.post(
        url,
        {
            field(community_wave, "satisfaction"): "2",
            field(community_wave, "communication"): "3",
            "action": "save",
        },
    )
    resume = saved["Location"].split("?")[0]
    submitted = client.post(
        resume,
        {
            field(community_wave, "satisfaction"): "2",
            f"q{community_wave.survey.questions.get(text='What works well?').pk}": "The benches",
            "action": "submit",
        },
    )
    assert submitted.status_code == 303 and "/s/thanks/" in submitted["Location"]

    person = neighbour.stakeholder
    identity = {
        str(neighbour.token),
        neighbour.email,
        neighbour.label,
        person.name,
        str(neighbour.uid),
        str(person.uid),
    }
    [response] = rows(Response)
    assert set(response) == {
        "id",
        "workspace_id",
        "wave_id",
        "respondent_id",
        "represents_id",
        "resume_hash",
        "saved_on",
        "submitted_on",
    }
    assert response["respondent_id"] is None and response["represents_id"] is None
    # Days, never times: the moment of answering cannot be matched to the moment they were marked.
    for column in ("saved_on", "submitted_on"):
        assert len(str(response[column])) == 10
    answers = rows(Answer)
    assert {name for row in answers for name in row} == {
        "id",
        "response_id",
        "question_id",
        "value",
    }
    assert all(row["response_id"] == response["id"] for row in answers)
    stored = " ".join(str(value) for row in [response, *answers] for value in row.values())
    for trace in identity:
        assert trace not in stored
    assert response["resume_hash"] != hashlib.sha256(str(neighbour.token).encode()).hexdigest()
    assert not rows(SurveyTie)

    [respondent] = rows(Respondent)
    assert respondent["responded"] in (True, 1)
    # The respondent's row changed only in `responded`: no time, no id of the response.
    changed = {name for name in respondent if respondent[name] != before[name]}
    assert changed == {"responded"}
    assert not any("response" in name for name in respondent)
    # And the link is spent.
    assert client.get(reverse("answer:answer-personal", args=[neighbour.token])).status_code == 409
    assert client.get(resume).status_code == 409


def test_a_second_draft_through_the_same_personal_link_cannot_be_submitted_twice(
    community_wave, neighbour
):
    first = answering.response_for_token(neighbour.token)
    answering.save(first, {})
    second = answering.response_for_token(neighbour.token)
    satisfaction = question(community_wave.survey, "satisfaction").pk
    answering.save(second, {"answers": {satisfaction: 4}}, submit=True)
    with pytest.raises(Refused) as caught:
        answering.response_for_resume_secret(first.resume_secret)
    assert caught.value.reason == Refusal.SUBMITTED
    assert Response.objects.filter(submitted_on__isnull=False).count() == 1


def test_an_open_link_takes_anonymous_answers(client, community_wave):
    page = client.get(open_url(community_wave))
    assert page.status_code == 200
    assert "Riverside park renewal" in page.content.decode()
    assert page["Cache-Control"] == "private, no-store"
    done = client.post(
        open_url(community_wave), {field(community_wave, "satisfaction"): "5", "action": "submit"}
    )
    assert done.status_code == 303
    response = Response.objects.get()
    assert response.respondent is None and response.submitted_on is not None
    assert Answer.objects.get().value == 5
    # The link stays open for the next person.
    assert client.get(open_url(community_wave)).status_code == 200


def test_an_open_link_of_a_named_survey_does_not_exist(client, alice_member):
    wave = make_wave(make_survey(alice_member, "partner"), open_link_token=new_token())
    assert client.get(open_url(wave)).status_code == 404


def test_the_open_link_allows_so_many_new_answers_an_hour_per_address(
    client, community_wave, settings
):
    settings.CITYWEAVE_SURVEY_OPEN_LINK_LIMIT = 2
    answer = {field(community_wave, "satisfaction"): "3", "action": "submit"}
    for _ in range(2):
        assert client.post(open_url(community_wave), answer).status_code == 303
    refused = client.post(open_url(community_wave), answer)
    assert refused.status_code == 429
    assert "Too many answers from your connection" in refused.content.decode()
    assert "at most 2 new answers an hour" in refused.content.decode()
    assert refused["Retry-After"] == "3600"
    assert client.get(open_url(community_wave)).status_code == 429
    assert Response.objects.count() == 2
    # Another address is counted apart.
    other = client.post(open_url(community_wave), answer, REMOTE_ADDR="10.9.8.7")
    assert other.status_code == 303
    assert Response.objects.count() == 3


def test_the_throttle_keeps_only_a_keyed_hash_of_the_address(client, community_wave):
    client.post(
        open_url(community_wave),
        {field(community_wave, "satisfaction"): "3", "action": "save"},
        REMOTE_ADDR="203.0.113.9",
    )
    row = SubmissionThrottle.objects.get()
    assert row.count == 1
    assert "203.0.113.9" not in row.address_hash
    assert row.address_hash == answering.address_hash(community_wave, "203.0.113.9")
    assert row.address_hash != hashlib.sha256(b"203.0.113.9").hexdigest()


def test_saving_a_draft_again_through_its_resume_link_is_not_counted_again(client, community_wave):
    saved = client.post(
        open_url(community_wave), {field(community_wave, "satisfaction"): "3", "action": "save"}
    )
    for _ in range(3):
        client.post(
            saved["Location"].split("?")[0],
            {field(community_wave, "satisfaction"): "4", "action": "save"},
        )
    assert SubmissionThrottle.objects.get().count == 1
    assert Response.objects.count() == 1


def test_behind_a_proxy_each_forwarded_address_is_counted_apart(client, community_wave, settings):
    settings.CITYWEAVE_SURVEY_OPEN_LINK_LIMIT = 1
    settings.CITYWEAVE_BEHIND_PROXY = True
    answer = {field(community_wave, "satisfaction"): "3", "action": "submit"}
    for address in ("198.51.100.1", "198.51.100.2"):
        response = client.post(open_url(community_wave), answer, HTTP_X_FORWARDED_FOR=address)
        assert response.status_code == 303
    again = client.post(open_url(community_wave), answer, HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert again.status_code == 429


def test_throttle_rows_older_than_a_day_are_pruned(community_wave):
    now = timezone.now()
    SubmissionThrottle.objects.create(
        wave=community_wave, address_hash="x" * 64, hour=now - dt.timedelta(days=2), count=9
    )
    answering.admit(community_wave, "192.0.2.1", now=now)
    assert list(SubmissionThrottle.objects.values_list("count", flat=True)) == [1]
    # The next hour starts a new count.
    answering.admit(community_wave, "192.0.2.1", now=now + dt.timedelta(hours=1))
    assert SubmissionThrottle.objects.count() == 2


def test_anonymous_answers_are_listed_by_a_random_key_not_by_who_came_first(
    client, community_wave, settings
):
    from cityweave.surveys.exports import response_rows

    settings.CITYWEAVE_SURVEY_OPEN_LINK_LIMIT = 100
    for score in range(1, 6):
        answer = {field(community_wave, "satisfaction"): str(score), "action": "submit"}
        assert client.post(open_url(community_wave), answer).status_code == 303
    responses = list(Response.objects.order_by("pk"))
    # Each submitted-at-once response has a key of its own that no one can resume with.
    assert all(len(r.resume_hash) == 64 for r in responses)
    assert len({r.resume_hash for r in responses}) == 5
    listed = [r.pk for r in response_rows(community_wave)]
    assert listed == [r.pk for r in sorted(responses, key=lambda r: r.resume_hash)]
