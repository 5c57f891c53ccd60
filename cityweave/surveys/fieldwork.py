"""Survey fieldwork for the office: a survey's waves, their respondents and personal links, the
invitations and reminders by email, and the response rate. Views, the API and the CLI call these."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from cityweave.engagement.services import workspace_today
from cityweave.stakeholders.models import Stakeholder
from cityweave.stakeholders.services import resolve_stakeholders
from cityweave.surveys.instruments import QuestionKind
from cityweave.surveys.models import Respondent, Response, Survey, Wave, new_token
from cityweave.workspaces.models import Membership, TrashEntry
from cityweave.workspaces.services import collect_errors, move_to_trash, require_editor

WAVE_FIELDS = ("name", "opens_on", "closes_on")
#: Who is reminded again: not if reminded within this many days.
REMIND_AFTER = dt.timedelta(days=3)


def _error(**problems: str) -> ValidationError:
    """A ValidationError naming each field with its problem."""
    return ValidationError(dict(problems.items()))


# == Waves ========================================================================================


def waves(member: Membership, survey: Survey | None = None) -> QuerySet[Wave]:
    """The workspace's live waves of live surveys (of `survey` when given), latest first."""
    found = Wave.objects.filter(workspace=member.workspace, survey__deleted_at__isnull=True)
    if survey is not None:
        found = found.filter(survey=survey)
    return found.order_by("-opens_on", "-pk")


def get_wave(member: Membership, survey: Survey, pk: int) -> Wave:
    """One live wave of the survey; 404 otherwise."""
    wave = waves(member, survey).select_related("survey").filter(pk=pk).first()
    if wave is None:
        raise Http404("No such wave")
    return wave


@transaction.atomic
def save_wave(
    member: Membership, survey: Survey, data: dict[str, Any], instance: Wave | None = None
) -> Wave:
    """Create or update a wave: name, opens_on, closes_on (days in the workspace's zone, both
    included) and `roster` (stakeholder ids or objects: the partners a respondent picks from;
    left out, a new wave's roster fills from its respondents' organisations as they are added).
    Every bad field is reported at once."""
    require_editor(member)
    if survey.workspace_id != member.workspace.pk or survey.in_trash:
        raise Http404("No such survey")
    wave = instance or Wave(workspace=member.workspace, survey=survey)
    if wave.survey_id != survey.pk or wave.in_trash:
        raise Http404("No such wave")
    for name in WAVE_FIELDS:
        if name in data and data[name] is not None:
            setattr(wave, name, data[name])
    errors: dict[str, list[str]] = {}
    roster = None
    if data.get("roster") is not None:
        try:
            roster = resolve_stakeholders(member.workspace, data["roster"], "roster")
        except ValidationError as error:
            collect_errors(errors, error)
    try:
        wave.full_clean()
    except ValidationError as error:
        collect_errors(errors, error)
    if errors:
        raise ValidationError(errors)
    wave.save()
    if roster is not None:
        wave.roster.set(list(dict.fromkeys(roster)))
    return wave


def close_wave(member: Membership, wave: Wave) -> Wave:
    """Close an open or scheduled wave now, before its last day: no answers are taken after."""
    require_editor(member)
    if wave.status_on(workspace_today(member.workspace)) == Wave.CLOSED:
        raise _error(closed_at="The wave is closed already.")
    wave.closed_at = timezone.now()
    wave.save(update_fields=["closed_at", "updated_at"])
    return wave


def reopen_wave(member: Membership, wave: Wave) -> Wave:
    """Reopen a wave closed by hand, if its last day has not passed (else move its closing day)."""
    require_editor(member)
    if wave.closed_at is None:
        raise _error(closed_at="The wave was not closed by hand.")
    if workspace_today(member.workspace) > wave.closes_on:
        raise _error(
            closes_on="Its last day has passed: set a later closing day to take answers again."
        )
    wave.closed_at = None
    wave.save(update_fields=["closed_at", "updated_at"])
    return wave


def trash_wave(member: Membership, wave: Wave) -> TrashEntry:
    """Move a wave to the trash with its respondents (restorable together); its responses stay."""
    return move_to_trash(member, wave, along_with=[Respondent.objects.filter(wave=wave)])


@dataclass(frozen=True)
class ResponseRate:
    """A wave's response rate: `submitted` of the `asked` respondents (personal links) answered;
    `open_link` submitted responses came through the wave's open link and are not in the rate."""

    submitted: int
    asked: int
    open_link: int = 0

    FORMULA = "response rate = respondents who submitted ÷ respondents asked × 100"

    @property
    def percent(self) -> int | None:
        """Rounded to a whole percent; None when nobody was asked."""
        return round(100 * self.submitted / self.asked) if self.asked else None


def response_rates(found: Iterable[Wave]) -> dict[int, ResponseRate]:
    """The response rate of each wave (by id), in two queries; see `ResponseRate`."""
    ids = [wave.pk for wave in found]
    counts = {
        row["wave"]: row
        for row in Respondent.objects.filter(wave__in=ids)
        .values("wave")
        .annotate(asked=Count("pk"), submitted=Count("pk", filter=Q(responded=True)))
    }
    open_link = dict(
        Response.objects.filter(wave__in=ids, respondent__isnull=True, submitted_on__isnull=False)
        .values("wave")
        .annotate(n=Count("pk"))
        .values_list("wave", "n")
    )
    return {
        pk: ResponseRate(
            submitted=counts.get(pk, {}).get("submitted", 0),
            asked=counts.get(pk, {}).get("asked", 0),
            open_link=open_link.get(pk, 0),
        )
        for pk in ids
    }


def response_rate(wave: Wave) -> ResponseRate:
    """One wave's response rate (see `ResponseRate`)."""
    return response_rates([wave])[wave.pk]


# == Respondents ==================================================================================


def respondents(wave: Wave) -> QuerySet[Respondent]:
    """The wave's live respondents, people first by name, then hand-out links by label."""
    return wave.respondents.select_related("stakeholder", "represents").order_by(
        "stakeholder__sort_name", "label", "pk"
    )


def get_respondent(member: Membership, wave: Wave, pk: int) -> Respondent:
    """One live respondent of the wave; 404 otherwise."""
    found = respondents(wave).filter(pk=pk, workspace=member.workspace).first()
    if found is None:
        raise Http404("No such respondent")
    return found


def default_represents(person: Stakeholder, roster: set[int]) -> Stakeholder:
    """Whom a respondent answers for: an organisation itself; a person's one organisation (or
    their one organisation on the roster, when they have several); else the person."""
    if person.kind == Stakeholder.Kind.ORGANISATION:
        return person
    organisations = list(person.organisations.all())
    if len(organisations) == 1:
        return organisations[0]
    on_roster = [org for org in organisations if org.pk in roster]
    return on_roster[0] if len(on_roster) == 1 else person


def _require_live_wave(member: Membership, wave: Wave) -> None:
    if wave.workspace_id != member.workspace.pk or wave.in_trash or wave.survey.in_trash:
        raise Http404("No such wave")


@transaction.atomic
def add_respondents(
    member: Membership,
    wave: Wave,
    people: Iterable[Stakeholder | int],
    field: str = "stakeholders",
) -> list[Respondent]:
    """Ask stakeholders with an email to answer the wave, each by a personal link, answering for
    `default_represents`; their organisations join the roster. ValidationError names `field`
    for one without an email or asked already (nothing is written)."""
    require_editor(member)
    _require_live_wave(member, wave)
    found = resolve_stakeholders(member.workspace, list(people), field)
    found = list(dict.fromkeys(found))
    if not found:
        raise ValidationError({field: "Choose at least one stakeholder."})
    problems = []
    no_email = [s.name for s in found if not s.email]
    if no_email:
        problems.append(
            f"No email for {', '.join(no_email)}: add one on their page, or hand out a link."
        )
    asked = set(
        respondents(wave).filter(stakeholder__in=found).values_list("stakeholder__name", flat=True)
    )
    if asked:
        problems.append(f"Asked already: {', '.join(sorted(asked))}.")
    if problems:
        raise ValidationError({field: problems})
    roster = set(wave.roster.values_list("pk", flat=True))
    added = []
    for person in found:
        respondent = Respondent(
            workspace=member.workspace,
            wave=wave,
            stakeholder=person,
            represents=default_represents(person, roster),
            email=person.email,
        )
        respondent.full_clean()
        respondent.save()
        added.append(respondent)
    organisations = [
        r.represents for r in added
        if r.represents is not None and r.represents.kind == Stakeholder.Kind.ORGANISATION
    ]  # fmt: skip
    if organisations and wave.survey.questions.filter(kind=QuestionKind.ROSTER).exists():
        wave.roster.add(*organisations)
    return added


@transaction.atomic
def add_link(
    member: Membership, wave: Wave, label: str, represents: Stakeholder | int | None = None
) -> Respondent:
    """A personal link to hand out by hand (no email), `label` saying to whom, answering for
    `represents` when given. ValidationError names "label" or "represents"."""
    require_editor(member)
    _require_live_wave(member, wave)
    respondent = Respondent(workspace=member.workspace, wave=wave, label=(label or "").strip())
    errors: dict[str, list[str]] = {}
    if not respondent.label:
        errors["label"] = ["Say whom the link is for, e.g. “Harbour Trust (by phone)”."]
    if represents not in (None, ""):
        try:
            respondent.represents = resolve_stakeholders(
                member.workspace, [represents], "represents"
            )[0]
        except ValidationError as error:
            collect_errors(errors, error)
    try:
        respondent.full_clean()
    except ValidationError as error:
        collect_errors(errors, error)
    if errors:
        raise ValidationError(errors)
    respondent.save()
    return respondent


RESPONDENT_FIELDS = ("label", "email")


@transaction.atomic
def update_respondent(
    member: Membership, respondent: Respondent, data: dict[str, Any]
) -> Respondent:
    """Change whom a respondent answers for (`represents`: a stakeholder id or object, None for
    nobody), their label or their email."""
    require_editor(member)
    _require_live_wave(member, respondent.wave)
    errors: dict[str, list[str]] = {}
    for name in RESPONDENT_FIELDS:
        if name in data and data[name] is not None:
            setattr(respondent, name, data[name])
    if "represents" in data:
        if data["represents"] in (None, ""):
            respondent.represents = None
        else:
            try:
                respondent.represents = resolve_stakeholders(
                    member.workspace, [data["represents"]], "represents"
                )[0]
            except ValidationError as error:
                collect_errors(errors, error)
    if respondent.stakeholder_id is None and not respondent.label:
        errors.setdefault("label", []).append("Say whom the link is for.")
    try:
        respondent.full_clean()
    except ValidationError as error:
        collect_errors(errors, error)
    if errors:
        raise ValidationError(errors)
    respondent.save()
    return respondent


def trash_respondent(member: Membership, respondent: Respondent) -> TrashEntry:
    """Remove a respondent (to the trash): their link stops working. One who has submitted
    stays (ValidationError naming "respondent"): their answers are part of the wave's results
    and its response rate."""
    if respondent.responded:
        raise _error(
            respondent=f"{respondent} has answered: their answers count in the results and the "
            "response rate, so they stay on the list."
        )
    return move_to_trash(member, respondent)


def set_open_link(member: Membership, wave: Wave, on: bool) -> Wave:
    """Create (a new token each time) or revoke the wave's open link, which anyone may answer
    through; only an anonymous survey has one (ValidationError names "open_link")."""
    require_editor(member)
    _require_live_wave(member, wave)
    if on and not wave.survey.anonymous:
        raise _error(
            open_link="Only an anonymous survey can have an open link: a named survey asks "
            "each person by their own link."
        )
    wave.open_link_token = new_token() if on else ""
    wave.save(update_fields=["open_link_token", "updated_at"])
    return wave


# == Invitations and reminders ====================================================================

INVITATIONS, REMINDERS = "invitations", "reminders"


def uninvited(wave: Wave) -> QuerySet[Respondent]:
    """Respondents with an email who have not been invited yet."""
    return respondents(wave).filter(invited_at__isnull=True).exclude(email="")


def due_reminders(wave: Wave, now: dt.datetime | None = None) -> QuerySet[Respondent]:
    """Invited respondents who have not responded and were not reminded in REMIND_AFTER."""
    now = now or timezone.now()
    return (
        respondents(wave)
        .filter(invited_at__isnull=False, responded=False)
        .exclude(email="")
        .filter(Q(reminded_at__isnull=True) | Q(reminded_at__lte=now - REMIND_AFTER))
    )


def request_emails(member: Membership, wave: Wave, kind: str) -> int:
    """Queue the wave's invitations or reminders (`kind`) as a background task once the
    transaction commits; how many are due now. ValidationError names "emails" when the wave is
    not open or nobody is due."""
    from cityweave.surveys.tasks import send_wave_emails

    require_editor(member)
    _require_live_wave(member, wave)
    if kind not in (INVITATIONS, REMINDERS):
        raise _error(emails=f'Send "{INVITATIONS}" or "{REMINDERS}".')
    status = wave.status_on(workspace_today(member.workspace))
    if status == Wave.CLOSED:
        raise _error(emails="The wave is closed: nobody can answer any more.")
    if kind == REMINDERS and status != Wave.OPEN:
        raise _error(emails="Reminders go out once the wave is open.")
    due = (uninvited(wave) if kind == INVITATIONS else due_reminders(wave)).count()
    if not due:
        raise _error(
            emails="Everyone with an email has been invited already."
            if kind == INVITATIONS
            else "Nobody is due a reminder: everyone invited has answered or was reminded in "
            "the last three days."
        )
    transaction.on_commit(lambda: send_wave_emails.enqueue(wave.pk, kind))
    return due


@dataclass(frozen=True)
class Sent:
    """When the wave's last invitations or reminders went out, and to how many."""

    at: dt.datetime | None
    count: int


def emails_sent(wave: Wave) -> dict[str, Sent]:
    """The last batch of invitations and of reminders: its time and how many it reached."""
    counts = respondents(wave).aggregate(
        invited=Count("pk", filter=Q(invited_at=wave.invitations_sent_at)),
        reminded=Count("pk", filter=Q(reminded_at=wave.reminders_sent_at)),
    )
    return {
        INVITATIONS: Sent(
            wave.invitations_sent_at, counts["invited"] if wave.invitations_sent_at else 0
        ),
        REMINDERS: Sent(
            wave.reminders_sent_at, counts["reminded"] if wave.reminders_sent_at else 0
        ),
    }
