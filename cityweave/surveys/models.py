"""Surveys (instruments), their questions, waves (rounds), respondents, responses and answers,
and the survey ties that roster answers become.

Anonymity is structural: a response to an anonymous survey has no respondent and no
stakeholder, and it keeps dates, not times (`saved_on`, `submitted_on`), so neither a column
nor a timestamp links an answer to the person who gave it. The respondent's side records only
that they answered (`Respondent.responded`), never when. A survey with a roster question needs
to know whose ties it reports, so it cannot be anonymous.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Collection
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from cityweave.stakeholders.models import Stakeholder, scale_field
from cityweave.storable import StorableModel
from cityweave.surveys.instruments import (
    PARTNER_MEASURES,
    Collaboration,
    Frequency,
    Measure,
    QuestionKind,
)
from cityweave.workspaces.models import Membership, Workspace, WorkspaceRecord

#: Bytes of randomness in a personal or open link's token (256 bits, 43 URL-safe characters).
TOKEN_BYTES = 32


def new_token() -> str:
    """An unguessable URL-safe token for a respondent's or a wave's link."""
    return secrets.token_urlsafe(TOKEN_BYTES)


class Survey(WorkspaceRecord):
    """A survey instrument: its questions, sent in waves."""

    class SurveyKind(models.TextChoices):
        PARTNER = "partner", "Partner network survey"
        COMMUNITY = "community", "Community feedback survey"
        CUSTOM = "custom", "Custom survey"

    Kind = SurveyKind  # its own name in the API schema

    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.CUSTOM)
    introduction = models.TextField(
        blank=True, help_text="Shown to respondents above the first question."
    )
    about = models.CharField(
        max_length=200,
        blank=True,
        help_text="The partnership or initiative the survey asks about, if any.",
    )
    anonymous = models.BooleanField(
        default=False,
        help_text="Answers are stored with no link to who gave them. A survey with a roster "
        "question cannot be anonymous.",
    )
    min_raters = models.PositiveSmallIntegerField(
        "fewest raters",
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="A partner's trust or value score from fewer raters than this is flagged.",
    )
    created_by = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta(WorkspaceRecord.Meta):
        ordering = ["title", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("surveys:detail", args=[self.workspace.slug, self.pk])


class Question(WorkspaceRecord):
    """One question of a survey. Questions marked `per_partner` follow the roster question and
    are asked once for each partner the respondent picks."""

    Kind = QuestionKind

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField(max_length=10, choices=QuestionKind.choices)
    text = models.CharField(max_length=500)
    help_text = models.CharField(max_length=500, blank=True)
    required = models.BooleanField(default=False)
    per_partner = models.BooleanField(
        "asked of each partner",
        default=False,
        help_text="Asked once for each partner picked on the roster.",
    )
    measure = models.CharField(
        max_length=20,
        choices=Measure.choices,
        blank=True,
        help_text="What the answers mean to the scores; blank for a question read as asked.",
    )
    scale_points = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(4), MaxValueValidator(5)],
        help_text="A rating scale runs from 1 to 4 or 1 to 5.",
    )
    low_label = models.CharField(max_length=60, blank=True, help_text="What 1 means.")
    high_label = models.CharField(max_length=60, blank=True, help_text="What the top means.")
    choices = models.JSONField(
        default=list,
        blank=True,
        help_text='Choices, in order: [{"key": …, "label": …, "description": …}].',
    )
    min_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    max_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)

    class Meta(WorkspaceRecord.Meta):
        ordering = ["survey", "position", "pk"]
        constraints = [
            *WorkspaceRecord.Meta.constraints,
            models.UniqueConstraint(
                fields=["survey"],
                condition=models.Q(kind="roster", deleted_at__isnull=True),
                name="one_roster_question_per_survey",
            ),
            # A per-partner measure fills one SurveyTie field: two questions would overwrite it.
            models.UniqueConstraint(
                fields=["survey", "measure"],
                condition=models.Q(per_partner=True, deleted_at__isnull=True)
                & ~models.Q(measure=""),
                name="one_question_per_partner_measure",
            ),
        ]

    def __str__(self) -> str:
        return self.text

    def validate_constraints(self, exclude: Collection[str] | None = None) -> None:
        # The one-roster-question and one-question-per-measure rules are checked in clean(),
        # naming their field; the database keeps them too (a trash restore cannot break them).
        super().validate_constraints(exclude={*(exclude or ()), "survey"})

    @property
    def choice_keys(self) -> list[str]:
        return [str(choice["key"]) for choice in self.choices]

    @property
    def choice_labels(self) -> dict[str, str]:
        return {str(choice["key"]): str(choice["label"]) for choice in self.choices}

    def clean(self) -> None:
        errors: dict[str, str] = {}
        has_choices = self.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE)
        if self.kind == QuestionKind.SCALE and self.scale_points not in (4, 5):
            errors["scale_points"] = "A rating scale runs from 1 to 4 or from 1 to 5."
        if has_choices:
            problem = _choices_problem(self.choices)
            if problem:
                errors["choices"] = problem
        elif self.choices:
            errors["choices"] = "Only a single or multiple choice question has choices."
        if self.kind == QuestionKind.ROSTER and self.per_partner:
            errors["per_partner"] = "The roster question itself is not asked of each partner."
        if self.measure in PARTNER_MEASURES:
            if not self.per_partner:
                errors["per_partner"] = (
                    f"“{Measure(self.measure).label}” is asked of each partner on the roster."
                )
            if self.kind != PARTNER_MEASURES[self.measure]:
                needed = QuestionKind(PARTNER_MEASURES[self.measure]).label.lower()
                errors["kind"] = f"“{Measure(self.measure).label}” needs a {needed} question."
            elif self.kind == QuestionKind.SCALE and self.scale_points != 4:
                errors["scale_points"] = "Trust and value are rated from 1 to 4 (PARTNER's scale)."
            fixed = FIXED_CHOICES.get(self.measure)
            if fixed is not None and has_choices and set(self.choice_keys) != set(fixed.values):
                errors["choices"] = (
                    f"“{Measure(self.measure).label}” keeps its choices: {', '.join(fixed.values)}."
                )
        siblings = Question.objects.filter(survey_id=self.survey_id).exclude(pk=self.pk)
        if self.survey_id is not None:
            if (
                self.kind == QuestionKind.ROSTER
                and siblings.filter(kind=QuestionKind.ROSTER).exists()
            ):
                errors["kind"] = "A survey has one roster question at most."
            elif (
                self.per_partner
                and self.measure
                and siblings.filter(per_partner=True, measure=self.measure).exists()
            ):
                errors["measure"] = (
                    f"Another question of this survey measures “{Measure(self.measure).label}”: "
                    "each partner's answer to it is stored once, so one question at most."
                )
        if (
            self.min_value is not None
            and self.max_value is not None
            and self.min_value > self.max_value
        ):
            errors["max_value"] = "The largest number allowed is below the smallest."
        if errors:
            raise ValidationError(errors)


#: Per-partner measures whose choices are fixed (their wording may change, their keys may not).
FIXED_CHOICES: dict[str, type[models.TextChoices]] = {
    Measure.COLLABORATION: Collaboration,
    Measure.FREQUENCY: Frequency,
}


def _choices_problem(choices: Any) -> str | None:
    if not isinstance(choices, list) or len(choices) < 2:
        return "Give at least two choices."
    keys = set()
    for choice in choices:
        if (
            not isinstance(choice, dict)
            or not isinstance(choice.get("key"), str)
            or not isinstance(choice.get("label"), str)
            or not choice["key"].strip()
            or not choice["label"].strip()
        ):
            return "Each choice needs a key and a label."
        if choice["key"] in keys:
            return f"The choice “{choice['key']}” is given twice."
        keys.add(choice["key"])
    return None


class Wave(WorkspaceRecord):
    """One round of a survey: open from `opens_on` to `closes_on` (whole days in the workspace's
    time zone, both included) unless closed early, with its own respondents and roster."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="waves")
    name = models.CharField(max_length=100, help_text="For example “Spring 2027”.")
    opens_on = models.DateField()
    closes_on = models.DateField(help_text="The last day answers are taken.")
    closed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the wave was closed by hand before its last day."
    )
    roster = models.ManyToManyField(
        Stakeholder,
        blank=True,
        related_name="survey_rosters",
        help_text="The partners a respondent picks from on the roster question.",
    )
    open_link_token = models.CharField(
        max_length=64,
        blank=True,
        default="",
        help_text="When set, anyone with the wave's open link may answer (anonymous surveys).",
    )
    invitations_sent_at = models.DateTimeField(null=True, blank=True)
    reminders_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta(WorkspaceRecord.Meta):
        ordering = ["survey", "opens_on", "pk"]
        constraints = [
            *WorkspaceRecord.Meta.constraints,
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")),
                name="wave_closes_after_it_opens",
            ),
            models.UniqueConstraint(
                fields=["open_link_token"],
                condition=~models.Q(open_link_token=""),
                name="wave_open_link_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey.title}: {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("surveys:wave", args=[self.workspace.slug, self.survey_id, self.pk])

    SCHEDULED, OPEN, CLOSED = "scheduled", "open", "closed"

    def status_on(self, today: dt.date) -> str:
        """ "scheduled" before `opens_on`, "open" through `closes_on` unless closed by hand,
        then "closed"; `today` is a day in the workspace's time zone."""
        if self.closed_at is not None or today > self.closes_on:
            return self.CLOSED
        return self.SCHEDULED if today < self.opens_on else self.OPEN

    def clean(self) -> None:
        if self.opens_on and self.closes_on and self.closes_on < self.opens_on:
            raise ValidationError(
                {"closes_on": "The wave must close on or after the day it opens."}
            )


class Respondent(WorkspaceRecord):
    """Someone asked to answer a wave, through a personal link: a stakeholder with an email,
    or a link handed out by hand (`label` says to whom)."""

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="respondents")
    stakeholder = models.ForeignKey(
        Stakeholder, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    represents = models.ForeignKey(
        Stakeholder,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="The partner on the roster they answer for (their organisation).",
    )
    label = models.CharField(
        max_length=200, blank=True, help_text="Whom a link handed out by hand is for."
    )
    email = models.EmailField(blank=True, help_text="Where the invitation and reminders go.")
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    invited_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    responded = models.BooleanField(
        default=False, help_text="Whether they submitted their answers (never when)."
    )

    class Meta(WorkspaceRecord.Meta):
        ordering = ["wave", "label", "pk"]
        constraints = [
            *WorkspaceRecord.Meta.constraints,
            models.UniqueConstraint(
                fields=["wave", "stakeholder"],
                condition=models.Q(stakeholder__isnull=False, deleted_at__isnull=True),
                name="one_respondent_per_stakeholder_and_wave",
            ),
        ]

    def __str__(self) -> str:
        return self.label or (self.stakeholder.name if self.stakeholder else self.email)


class Response(StorableModel):
    """One respondent's answers to one wave: a draft until `submitted_on` is set.

    `respondent` and `represents` stay empty for an anonymous survey; such a draft is found
    again only by its resume link (`resume_hash` is the SHA-256 of the secret in that link)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="responses")
    respondent = models.OneToOneField(
        Respondent, null=True, blank=True, on_delete=models.CASCADE, related_name="response"
    )
    represents = models.ForeignKey(
        Stakeholder,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="The partner whose ties the roster answers report.",
    )
    resume_hash = models.CharField(max_length=64, blank=True, db_index=True)
    saved_on = models.DateField(help_text="The day of the last save (a date, never a time).")
    submitted_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["wave", "pk"]
        indexes = [models.Index(fields=["wave", "submitted_on"])]

    def __str__(self) -> str:
        state = f"submitted {self.submitted_on}" if self.submitted_on else "draft"
        return f"Response {self.pk} to {self.wave_id} ({state})"


class Answer(StorableModel):
    """A response's answer to one question not asked per partner. `value` is an int or a
    decimal string (scale, number), a choice key (single), a list of keys (multiple) or text."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    value = models.JSONField()

    class Meta:
        ordering = ["response", "question__position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="one_answer_per_question")
        ]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.value!r}"


class SurveyTie(StorableModel):
    """A roster answer: the respondent's organisation (`source`) says it works with `target`,
    with how often, the level of collaboration and the six PARTNER ratings of the target
    (empty where not answered). Other per-partner questions' answers are in `answers`, by
    question id. Only a submitted response's ties count (`response.submitted_on`)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="survey_ties")
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="ties")
    source = models.ForeignKey(Stakeholder, on_delete=models.CASCADE, related_name="+")
    target = models.ForeignKey(Stakeholder, on_delete=models.CASCADE, related_name="+")
    frequency = models.CharField(max_length=10, choices=Frequency.choices, blank=True)
    collaboration = models.CharField(max_length=12, choices=Collaboration.choices, blank=True)
    power = scale_field(4, "power and influence")
    involvement = scale_field(4, "level of involvement")
    resources = scale_field(4, "resource contribution")
    reliability = scale_field(4, "reliability")
    mission = scale_field(4, "support of mission")
    openness = scale_field(4, "openness to discussion")
    answers = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["wave", "source", "target"]
        constraints = [
            models.UniqueConstraint(fields=["response", "target"], name="one_tie_per_partner"),
            models.CheckConstraint(
                condition=~models.Q(source=models.F("target")), name="survey_tie_not_a_loop"
            ),
        ]
        indexes = [models.Index(fields=["wave", "target"]), models.Index(fields=["wave", "source"])]

    def __str__(self) -> str:
        return f"{self.source_id} → {self.target_id} ({self.wave_id})"


class SubmissionThrottle(models.Model):
    """Answers started through a wave's open link, per hashed client address and hour: the
    flood guard. Holds no link to any response; rows older than a day are pruned."""

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="+")
    address_hash = models.CharField(max_length=64)
    hour = models.DateTimeField(help_text="The start of the hour counted.")
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["wave", "address_hash", "hour"], name="one_throttle_row_per_hour"
            )
        ]

    def __str__(self) -> str:
        return f"{self.address_hash[:8]} at {self.hour:%Y-%m-%d %H}: {self.count}"
