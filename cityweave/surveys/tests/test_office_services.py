"""The office's survey services: surveys and their rules, questions, waves, respondents, links,
invitations and reminders."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from cityweave.engagement.services import workspace_today
from cityweave.surveys import fieldwork, invitations, services
from cityweave.surveys.instruments import Measure, QuestionKind
from cityweave.surveys.models import Question, Respondent, Survey, Wave
from cityweave.surveys.testing import make_respondent, make_response, make_survey, make_wave
from cityweave.testing import make_stakeholder
from cityweave.workspaces.services import restore

pytestmark = pytest.mark.django_db


def errors_of(excinfo: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return excinfo.value.message_dict


def scale(**fields: object) -> dict[str, object]:
    return {"kind": "scale", "text": "How clear was the plan?", "scale_points": 5, **fields}


# == Surveys ======================================================================================


def test_a_survey_starts_from_either_template_or_blank(alice_member):
    partner = services.create_survey(alice_member, "partner", {"title": "Harbour partners 2027"})
    community = services.create_survey(alice_member, "community", {"about": "Riverfront park"})
    blank = services.create_survey(alice_member, "blank", {"title": "Our own"})
    assert partner.title == "Harbour partners 2027" and partner.questions.count() == 13
    assert community.title == "Community feedback survey" and community.anonymous
    assert community.about == "Riverfront park"
    assert blank.kind == Survey.Kind.CUSTOM and not blank.questions.exists()
    assert partner.created_by == alice_member


def test_a_blank_survey_needs_a_title_and_an_unknown_start_is_named(alice_member):
    with pytest.raises(ValidationError) as excinfo:
        services.create_survey(alice_member, "blank", {})
    assert "title" in errors_of(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        services.create_survey(alice_member, "census", {"title": "x"})
    assert "start" in errors_of(excinfo)
    assert not Survey.objects.exists()


def test_a_viewer_cannot_create_a_survey(bob_member):
    with pytest.raises(PermissionDenied):
        services.create_survey(bob_member, "partner", {})


def test_a_survey_with_a_roster_question_cannot_be_anonymous(alice_member):
    survey = make_survey(alice_member, "partner")
    with pytest.raises(ValidationError) as excinfo:
        services.save_survey(alice_member, {"anonymous": True}, survey)
    assert "roster question" in errors_of(excinfo)["anonymous"][0]
    survey.refresh_from_db()
    assert not survey.anonymous


def test_an_anonymous_survey_cannot_get_a_roster_question(alice_member):
    survey = make_survey(alice_member, "community")
    with pytest.raises(ValidationError) as excinfo:
        services.save_question(alice_member, survey, {"kind": "roster", "text": "Who?"})
    assert "anonymous" in errors_of(excinfo)["kind"][0]
    assert not survey.questions.filter(kind="roster").exists()


def test_anonymity_cannot_change_once_people_have_answered(alice_member):
    survey = make_survey(alice_member, "community")
    make_response(make_wave(survey), answers={Measure.SATISFACTION: 4})
    with pytest.raises(ValidationError) as excinfo:
        services.save_survey(alice_member, {"anonymous": False}, survey)
    assert "answered" in errors_of(excinfo)["anonymous"][0]
    services.save_survey(alice_member, {"title": "Park feedback", "anonymous": True}, survey)
    assert Survey.objects.get(pk=survey.pk).title == "Park feedback"


def test_fewest_raters_must_be_between_1_and_100(alice_member):
    survey = make_survey(alice_member, "partner")
    with pytest.raises(ValidationError) as excinfo:
        services.save_survey(alice_member, {"min_raters": 0}, survey)
    assert "min_raters" in errors_of(excinfo)


def test_another_workspaces_survey_is_not_found(alice_member, carol):
    from cityweave.workspaces.models import Membership

    carols = Membership.objects.get(user=carol)
    survey = make_survey(carols, "partner")
    with pytest.raises(Http404):
        services.get_survey(alice_member, survey.pk)
    with pytest.raises(Http404):
        services.save_survey(alice_member, {"title": "Mine now"}, survey)


def test_trashing_a_survey_takes_its_questions_waves_and_respondents_and_restores_them(
    alice_member, riverton
):
    survey = make_survey(alice_member, "partner")
    wave = make_wave(survey)
    make_respondent(wave, make_stakeholder(riverton, "Harbour Trust", email="h@example.org"))
    entry = services.trash_survey(alice_member, survey)
    assert not Survey.objects.filter(pk=survey.pk).exists()
    assert not Question.objects.filter(survey=survey).exists()
    assert not Wave.objects.filter(survey=survey).exists()
    assert not Respondent.objects.filter(wave=wave).exists()
    assert entry.related_count == 13 + 1 + 1
    restore(alice_member, entry.pk)
    assert Question.objects.filter(survey=survey).count() == 13
    assert Wave.objects.filter(pk=wave.pk).exists()
    assert Respondent.objects.filter(wave=wave).count() == 1


def test_the_list_rows_show_waves_and_the_latest_waves_rate(
    alice_member, riverton, django_assert_max_num_queries
):
    survey = make_survey(alice_member, "partner")
    make_wave(survey, "Spring 2026", opens_on=dt.date(2026, 3, 1), closes_on=dt.date(2026, 3, 30))
    latest = make_wave(survey, "Spring 2027")
    for n in range(4):
        person = make_stakeholder(riverton, f"Partner {n}", email=f"p{n}@example.org")
        respondent = make_respondent(latest, person)
        if n == 0:
            make_response(latest, respondent)
    make_survey(alice_member, "community")
    with django_assert_max_num_queries(4):
        rows = services.survey_rows(alice_member)
    row = next(r for r in rows if r.survey == survey)
    assert row.wave_count == 2 and row.latest == latest and row.status == Wave.OPEN
    assert row.rate is not None
    assert (row.rate.submitted, row.rate.asked, row.rate.percent) == (1, 4, 25)
    other = next(r for r in rows if r.survey != survey)
    assert other.latest is None and other.status == "no waves yet"


# == Questions ====================================================================================


def test_a_new_question_goes_last_and_empties_what_its_kind_does_not_use(alice_member):
    survey = services.create_survey(alice_member, "blank", {"title": "Ours"})
    first = services.save_question(alice_member, survey, scale(low_label="Not", high_label="Very"))
    second = services.save_question(
        alice_member,
        survey,
        {"kind": "number", "text": "How many staff?", "min_value": 0, "max_value": 500},
    )
    assert (first.position, second.position) == (1, 2)
    assert (first.scale_points, first.low_label) == (5, "Not")
    changed = services.save_question(alice_member, survey, {"kind": "short-text"}, first)
    assert changed.scale_points is None and changed.low_label == "" and changed.high_label == ""


def test_a_choice_question_needs_two_choices(alice_member):
    survey = services.create_survey(alice_member, "blank", {"title": "Ours"})
    with pytest.raises(ValidationError) as excinfo:
        services.save_question(
            alice_member,
            survey,
            {"kind": "single", "text": "Pick", "choices": [{"key": "a", "label": "A"}]},
        )
    assert "choices" in errors_of(excinfo)


def test_a_survey_has_one_roster_question_at_most(alice_member):
    survey = make_survey(alice_member, "partner")
    with pytest.raises(ValidationError) as excinfo:
        services.save_question(alice_member, survey, {"kind": "roster", "text": "Again?"})
    assert "one roster question" in errors_of(excinfo)["kind"][0]


def test_a_question_for_each_partner_needs_a_roster_question(alice_member):
    survey = services.create_survey(alice_member, "blank", {"title": "Ours"})
    with pytest.raises(ValidationError) as excinfo:
        services.save_question(alice_member, survey, scale(per_partner=True))
    assert "roster question" in errors_of(excinfo)["per_partner"][0]


def test_a_question_kind_cannot_change_once_the_survey_has_answers_but_its_wording_can(
    alice_member,
):
    survey = make_survey(alice_member, "community")
    make_wave(survey)
    question = survey.questions.get(measure=Measure.SATISFACTION)
    make_response(survey.waves.get(), answers={Measure.SATISFACTION: 5}, submitted=False)
    with pytest.raises(ValidationError) as excinfo:
        services.save_question(alice_member, survey, {"kind": "short-text"}, question)
    assert "cannot change" in errors_of(excinfo)["kind"][0]
    question.refresh_from_db()
    assert question.kind == QuestionKind.SCALE
    services.save_question(alice_member, survey, {"text": "How happy are you?"}, question)
    question.refresh_from_db()
    assert question.text == "How happy are you?" and question.kind == QuestionKind.SCALE


def test_trust_items_keep_their_four_point_scale(alice_member):
    survey = make_survey(alice_member, "partner")
    trust = survey.questions.get(measure=Measure.RELIABILITY)
    with pytest.raises(ValidationError) as excinfo:
        services.save_question(alice_member, survey, {"scale_points": 5}, trust)
    assert "scale_points" in errors_of(excinfo)


def test_question_rows_put_per_partner_questions_under_the_roster(alice_member):
    survey = make_survey(alice_member, "partner")
    services.save_question(alice_member, survey, {"kind": "long-text", "text": "Anything else?"})
    rows = services.question_rows(survey)
    kinds = [(row.number, row.partner, row.question.kind) for row in rows]
    roster_at = next(i for i, row in enumerate(rows) if row.question.kind == "roster")
    assert all(row.partner for row in rows[roster_at + 1 : roster_at + 9])
    assert rows[-1].question.text == "Anything else?" and not rows[-1].partner
    assert kinds[-1][0] == 6  # five before it, the roster's partner questions unnumbered


def test_moving_a_question_swaps_it_with_its_neighbour_of_the_same_group(alice_member):
    survey = make_survey(alice_member, "partner")
    partner = list(survey.questions.filter(per_partner=True).order_by("position"))
    services.move_question(alice_member, partner[1], "up")
    again = list(survey.questions.filter(per_partner=True).order_by("position"))
    assert again[:2] == [partner[1], partner[0]]
    top = survey.questions.order_by("position")[0]
    services.move_question(alice_member, top, "up")  # already first: stays
    assert survey.questions.order_by("position").first() == top
    with pytest.raises(ValidationError):
        services.move_question(alice_member, top, "sideways")


def test_trashing_the_roster_question_takes_the_per_partner_questions(alice_member):
    survey = make_survey(alice_member, "partner")
    roster = survey.questions.get(kind="roster")
    entry = services.trash_question(alice_member, roster)
    assert entry.related_count == 8
    assert not survey.questions.filter(per_partner=True).exists()
    restore(alice_member, entry.pk)
    assert survey.questions.filter(per_partner=True).count() == 8


# == Waves ========================================================================================


def test_a_wave_closes_on_or_after_it_opens(alice_member):
    survey = make_survey(alice_member, "community")
    with pytest.raises(ValidationError) as excinfo:
        fieldwork.save_wave(
            alice_member,
            survey,
            {"name": "Spring", "opens_on": dt.date(2027, 3, 10), "closes_on": dt.date(2027, 3, 1)},
        )
    assert "closes_on" in errors_of(excinfo)
    assert not Wave.objects.exists()


def test_a_wave_roster_takes_only_this_workspaces_stakeholders(alice_member, riverton, lakeside):
    survey = make_survey(alice_member, "partner")
    bank = make_stakeholder(riverton, "Food Bank")
    elsewhere = make_stakeholder(lakeside, "Lakeside Trust")
    days = {"opens_on": dt.date(2027, 3, 1), "closes_on": dt.date(2027, 3, 31)}
    with pytest.raises(ValidationError) as excinfo:
        fieldwork.save_wave(
            alice_member, survey, {"name": "S", **days, "roster": [bank.pk, elsewhere.pk]}
        )
    assert "roster" in errors_of(excinfo)
    wave = fieldwork.save_wave(alice_member, survey, {"name": "S", **days, "roster": [bank]})
    assert list(wave.roster.all()) == [bank]


def test_a_wave_closes_now_and_reopens_before_its_last_day(alice_member):
    wave = make_wave(make_survey(alice_member, "community"))
    today = workspace_today(wave.workspace)
    fieldwork.close_wave(alice_member, wave)
    assert wave.status_on(today) == Wave.CLOSED
    with pytest.raises(ValidationError):
        fieldwork.close_wave(alice_member, wave)
    fieldwork.reopen_wave(alice_member, wave)
    assert wave.status_on(today) == Wave.OPEN


def test_a_wave_past_its_last_day_does_not_reopen(alice_member):
    today = timezone.localdate()
    wave = make_wave(
        make_survey(alice_member, "community"),
        opens_on=today - dt.timedelta(days=30),
        closes_on=today - dt.timedelta(days=2),
        closed_at=timezone.now() - dt.timedelta(days=5),
    )
    with pytest.raises(ValidationError) as excinfo:
        fieldwork.reopen_wave(alice_member, wave)
    assert "closes_on" in errors_of(excinfo)


def test_the_response_rate_counts_submitted_respondents_over_those_asked(alice_member, riverton):
    wave = make_wave(make_survey(alice_member, "community"))
    asked = [make_respondent(wave, label=f"Link {n}") for n in range(3)]
    make_response(wave, asked[0])
    make_response(wave, asked[1], submitted=False)
    make_response(wave)  # through the open link: outside the rate
    rate = fieldwork.response_rate(wave)
    assert (rate.submitted, rate.asked, rate.open_link, rate.percent) == (1, 3, 1, 33)
    assert "÷" in rate.FORMULA
    empty = fieldwork.response_rate(make_wave(wave.survey, "Autumn"))
    assert empty.percent is None


# == Respondents ==================================================================================


def test_a_person_answers_for_their_one_organisation_which_joins_the_roster(alice_member, riverton):
    wave = make_wave(make_survey(alice_member, "partner"))
    bank = make_stakeholder(riverton, "Food Bank")
    ana = make_stakeholder(riverton, "Ana Diaz", kind="person", email="ana@bank.example")
    ana.organisations.set([bank])
    trust = make_stakeholder(riverton, "Harbour Trust", email="info@harbour.example")
    added = fieldwork.add_respondents(alice_member, wave, [ana.pk, trust])
    assert [(r.stakeholder, r.represents, r.email) for r in added] == [
        (ana, bank, "ana@bank.example"),
        (trust, trust, "info@harbour.example"),
    ]
    assert set(wave.roster.all()) == {bank, trust}


def test_a_person_with_several_organisations_answers_for_the_one_on_the_roster(
    alice_member, riverton
):
    bank, school, clinic = (make_stakeholder(riverton, n) for n in ("Bank", "School", "Clinic"))
    wave = make_wave(make_survey(alice_member, "partner"), roster=[school])
    ana = make_stakeholder(riverton, "Ana Diaz", kind="person", email="ana@example.org")
    ana.organisations.set([bank, school])
    ben = make_stakeholder(riverton, "Ben Li", kind="person", email="ben@example.org")
    ben.organisations.set([bank, clinic])
    ana_r, ben_r = fieldwork.add_respondents(alice_member, wave, [ana, ben])
    assert ana_r.represents == school
    assert ben_r.represents == ben  # none on the roster, several: answers for themself


def test_adding_someone_without_an_email_or_asked_already_writes_nothing(alice_member, riverton):
    wave = make_wave(make_survey(alice_member, "partner"))
    mailless = make_stakeholder(riverton, "Quiet Org")
    asked = make_stakeholder(riverton, "Asked Org", email="a@example.org")
    fresh = make_stakeholder(riverton, "Fresh Org", email="f@example.org")
    make_respondent(wave, asked)
    with pytest.raises(ValidationError) as excinfo:
        fieldwork.add_respondents(alice_member, wave, [mailless, asked, fresh])
    messages = " ".join(errors_of(excinfo)["stakeholders"])
    assert "No email for Quiet Org" in messages and "Asked already: Asked Org" in messages
    assert wave.respondents.count() == 1


def test_a_hand_out_link_needs_a_label(alice_member, riverton):
    wave = make_wave(make_survey(alice_member, "partner"))
    with pytest.raises(ValidationError) as excinfo:
        fieldwork.add_link(alice_member, wave, "  ")
    assert "label" in errors_of(excinfo)
    trust = make_stakeholder(riverton, "Harbour Trust")
    link = fieldwork.add_link(alice_member, wave, "Harbour Trust, by phone", trust.pk)
    assert link.represents == trust and link.stakeholder is None and len(link.token) >= 43


def test_a_respondent_answers_for_whom_the_office_says(alice_member, riverton):
    wave = make_wave(make_survey(alice_member, "partner"))
    person = make_stakeholder(riverton, "Ana Diaz", kind="person", email="ana@example.org")
    respondent = make_respondent(wave, person)
    bank = make_stakeholder(riverton, "Food Bank")
    fieldwork.update_respondent(alice_member, respondent, {"represents": bank.pk})
    assert Respondent.objects.get(pk=respondent.pk).represents == bank
    with pytest.raises(ValidationError) as excinfo:
        fieldwork.update_respondent(alice_member, respondent, {"email": "not an email"})
    assert "email" in errors_of(excinfo)


def test_personal_links_are_the_public_address_with_the_token(alice_member, settings):
    settings.CITYWEAVE_URL = "https://partners.riverton.example/"
    wave = make_wave(make_survey(alice_member, "partner"))
    respondent = make_respondent(wave, label="Harbour Trust")
    assert invitations.personal_link(respondent) == (
        f"https://partners.riverton.example/s/{respondent.token}/"
    )


def test_the_links_csv_lists_each_respondents_link(alice_member, riverton):
    wave = make_wave(make_survey(alice_member, "partner"))
    make_respondent(wave, label="=HYPERLINK(evil)")
    trust = make_stakeholder(riverton, "Harbour Trust", email="t@example.org")
    make_respondent(wave, trust)
    rows = list(csv.reader(io.StringIO(invitations.links_csv(wave))))
    assert rows[0] == list(invitations.LINK_COLUMNS)
    assert {row[0] for row in rows[1:]} == {"'=HYPERLINK(evil)", "Harbour Trust"}
    assert all(row[3].endswith("/") and "/s/" in row[3] for row in rows[1:])


def test_only_an_anonymous_survey_has_an_open_link(alice_member):
    named = make_wave(make_survey(alice_member, "partner"))
    with pytest.raises(ValidationError) as excinfo:
        fieldwork.set_open_link(alice_member, named, True)
    assert "open_link" in errors_of(excinfo)
    wave = make_wave(make_survey(alice_member, "community"))
    first = fieldwork.set_open_link(alice_member, wave, True).open_link_token
    second = fieldwork.set_open_link(alice_member, wave, True).open_link_token
    assert len(first) >= 43 and first != second
    assert invitations.open_link(wave).endswith(f"/s/open/{second}/")
    assert fieldwork.set_open_link(alice_member, wave, False).open_link_token == ""


# == Invitations and reminders ====================================================================


@pytest.fixture
def invited_wave(alice_member, riverton):
    survey = make_survey(alice_member, "partner", title="Harbour partners")
    wave = make_wave(survey, "Spring 2027")
    for name in ("Harbour Trust", "Food Bank"):
        slug = name.lower().replace(" ", "")
        fieldwork.add_respondents(
            alice_member, wave, [make_stakeholder(riverton, name, email=f"{slug}@example.org")]
        )
    fieldwork.add_link(alice_member, wave, "Clinic, by phone")
    return wave


def test_invitations_email_each_respondent_with_an_email_once(
    alice_member, invited_wave, django_capture_on_commit_callbacks
):
    # The task is queued once the transaction commits; the tests' task backend runs it at once.
    with django_capture_on_commit_callbacks(execute=True):
        queued = fieldwork.request_emails(alice_member, invited_wave, fieldwork.INVITATIONS)
    assert queued == 2
    assert sorted(m.to[0] for m in mail.outbox) == [
        "foodbank@example.org",
        "harbourtrust@example.org",
    ]
    message = mail.outbox[0]
    respondent = Respondent.objects.get(email=message.to[0])
    assert "Harbour partners" in message.subject and "Riverton" in message.subject
    assert invitations.personal_link(respondent) in message.body
    assert invited_wave.closes_on.strftime("%B %Y") in message.body
    html = message.alternatives[0][0]  # type: ignore[attr-defined]
    assert invitations.personal_link(respondent) in html and "Riverton" in html
    invited_wave.refresh_from_db()
    sent = fieldwork.emails_sent(invited_wave)[fieldwork.INVITATIONS]
    assert sent.at == invited_wave.invitations_sent_at and sent.count == 2
    with pytest.raises(ValidationError) as excinfo:
        fieldwork.request_emails(alice_member, invited_wave, fieldwork.INVITATIONS)
    assert "invited already" in errors_of(excinfo)["emails"][0]


def test_reminders_skip_those_who_answered_or_were_reminded_in_three_days(
    alice_member, invited_wave
):
    invitations.send_emails(invited_wave, fieldwork.INVITATIONS)
    trust, bank = invited_wave.respondents.exclude(email="").order_by("email")
    make_response(invited_wave, trust)
    mail.outbox.clear()
    assert invitations.send_emails(invited_wave, fieldwork.REMINDERS) == 1
    assert [m.to for m in mail.outbox] == [[bank.email]]
    assert mail.outbox[0].subject.startswith("Reminder: ")
    assert fieldwork.due_reminders(invited_wave).count() == 0
    later = timezone.now() + dt.timedelta(days=3, minutes=1)
    assert list(fieldwork.due_reminders(invited_wave, later)) == [bank]


def test_no_emails_for_a_closed_wave(alice_member, invited_wave):
    fieldwork.close_wave(alice_member, invited_wave)
    with pytest.raises(ValidationError) as excinfo:
        fieldwork.request_emails(alice_member, invited_wave, fieldwork.INVITATIONS)
    assert "closed" in errors_of(excinfo)["emails"][0]


def test_reminders_wait_until_the_wave_opens(alice_member, invited_wave):
    today = workspace_today(invited_wave.workspace)
    Wave.objects.filter(pk=invited_wave.pk).update(
        opens_on=today + dt.timedelta(days=2), closes_on=today + dt.timedelta(days=20)
    )
    invited_wave.refresh_from_db()
    Respondent.objects.filter(wave=invited_wave).update(invited_at=timezone.now())
    with pytest.raises(ValidationError) as excinfo:
        fieldwork.request_emails(alice_member, invited_wave, fieldwork.REMINDERS)
    assert "open" in errors_of(excinfo)["emails"][0]


def test_a_failed_send_leaves_the_respondent_for_next_time(invited_wave, monkeypatch):
    calls = []

    def flaky(wave: Wave, respondent: Respondent, kind: str) -> None:
        calls.append(respondent.email)
        if len(calls) == 1:
            raise OSError("mail server down")

    monkeypatch.setattr(invitations, "_send", flaky)
    assert invitations.send_emails(invited_wave, fieldwork.INVITATIONS) == 1
    assert fieldwork.uninvited(invited_wave).count() == 1


def test_stored_positions_follow_the_order_respondents_meet_the_questions(alice_member):
    survey = make_survey(alice_member, "partner")
    services.save_question(alice_member, survey, {"kind": "long-text", "text": "Anything else?"})
    added = services.save_question(
        alice_member,
        survey,
        {"kind": "long-text", "text": "Notes on this partner", "per_partner": True},
    )
    stored = list(survey.questions.order_by("position"))
    shown = [row.question for row in services.question_rows(survey)]
    assert stored == shown
    assert [q.position for q in stored] == list(range(1, 16))
    assert stored[13] == added and stored[-1].text == "Anything else?"


def test_an_invitation_before_the_wave_opens_says_when_it_opens(alice_member, riverton):
    today = workspace_today(riverton)
    wave = make_wave(
        make_survey(alice_member, "community"),
        opens_on=today + dt.timedelta(days=5),
        closes_on=today + dt.timedelta(days=30),
    )
    make_respondent(wave, make_stakeholder(riverton, "Library", email="desk@library.example"))
    assert invitations.send_emails(wave, fieldwork.INVITATIONS) == 1
    (message,) = mail.outbox
    assert "It opens on" in message.body and "anonymous" in message.body
    assert f"{wave.opens_on.day} {wave.opens_on:%B %Y}" in message.body


def test_a_respondent_who_answered_stays_on_the_list(alice_member):
    from cityweave.surveys.models import Respondent
    from cityweave.surveys.testing import make_respondent, make_response, make_wave

    wave = make_wave(make_survey(alice_member, "community"))
    answered = make_respondent(wave, label="Library desk")
    make_response(wave, answered)
    with pytest.raises(ValidationError) as excinfo:
        fieldwork.trash_respondent(alice_member, answered)
    assert "has answered" in errors_of(excinfo)["respondent"][0]
    assert Respondent.objects.filter(pk=answered.pk).exists()
