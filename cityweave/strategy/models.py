"""A member's time budget for relationships, and the tiers (Dunbar-style layers) ties fall in.

Tiers: close partners, active, maintained and dormant, in the spirit of Dunbar's layers of
personal networks (Tamarit et al., "Cognitive resource allocation determines the organization of
personal networks", PNAS 115(33), 2018). Each tier has a cadence (days between contacts) and a
usual interaction length. Where those come from, first found wins:

1. the member's own override, kept as JSON on their `TimeBudget.tiers` (a member's choice is
   part of their budget, read and written with it, so it needs no table of its own);
2. the workspace's default, one `TierSetting` row per tier an editor has changed;
3. the built-in default, `BUILT_IN_TIERS`.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from cityweave.engagement.models import Interaction
from cityweave.stakeholders.models import MAX_CADENCE_DAYS, Stakeholder, Tie
from cityweave.storable import StorableModel
from cityweave.workspaces.models import Membership, Workspace

#: The hours in the longest month (31 days): no budget can be larger.
MAX_HOURS_PER_MONTH = 744
#: An interaction's length in minutes, as `Interaction.duration_minutes` allows it.
MIN_MINUTES, MAX_MINUTES = 5, 24 * 60


class Tier(models.TextChoices):
    """A layer of a leader's network, closest first."""

    CLOSE = "close", "Close partners"
    ACTIVE = "active", "Active"
    MAINTAINED = "maintained", "Maintained"
    DORMANT = "dormant", "Dormant"


#: Each tier's built-in cadence (days between contacts) and usual interaction length (minutes):
#: weekly, monthly, quarterly and yearly contact, as Dunbar's layers of about 5, 15, 50 and 150
#: people are kept (Tamarit et al. 2018, Fig. 1: contact frequency falls by layer).
BUILT_IN_TIERS: dict[str, tuple[int, int]] = {
    Tier.CLOSE: (7, 60),
    Tier.ACTIVE: (30, 45),
    Tier.MAINTAINED: (90, 30),
    Tier.DORMANT: (365, 20),
}

#: The usual length in minutes of an interaction of each kind, when none was logged.
KIND_MINUTES: dict[str, int] = {
    Interaction.Kind.MEETING: 60,
    Interaction.Kind.CALL: 20,
    Interaction.Kind.EMAIL: 5,
    Interaction.Kind.EVENT: 120,
    Interaction.Kind.SITE_VISIT: 90,
    Interaction.Kind.SOCIAL_MEDIA: 5,
    Interaction.Kind.OTHER: 30,
}


def cadence_field(verbose_name: str, **kwargs: Any) -> models.PositiveIntegerField:
    return models.PositiveIntegerField(
        verbose_name,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_CADENCE_DAYS)],
        **kwargs,
    )


def minutes_field(verbose_name: str, **kwargs: Any) -> models.PositiveIntegerField:
    return models.PositiveIntegerField(
        verbose_name,
        validators=[MinValueValidator(MIN_MINUTES), MaxValueValidator(MAX_MINUTES)],
        **kwargs,
    )


class TierSetting(StorableModel):
    """A workspace's default cadence and interaction length for one tier (built-in otherwise)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="tier_settings")
    tier = models.CharField(max_length=10, choices=Tier.choices)
    cadence_days = cadence_field("contact every (days)")
    minutes = minutes_field("usual length (minutes)")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["workspace", "tier"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "tier"], name="one_tier_setting_per_tier")
        ]

    def __str__(self) -> str:
        return f"{self.get_tier_display()}: every {self.cadence_days} days, {self.minutes} min"


class TimeBudget(StorableModel):
    """The hours per month a member gives to relationships, and optionally their split between
    operational, personal and strategic networking (Ibarra & Hunter, "How Leaders Create and Use
    Networks", Harvard Business Review, January 2007): three percentages summing to 100, or none."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="time_budgets")
    member = models.OneToOneField(Membership, on_delete=models.CASCADE, related_name="time_budget")
    hours_per_month = models.PositiveSmallIntegerField(
        "hours per month",
        validators=[MinValueValidator(1), MaxValueValidator(MAX_HOURS_PER_MONTH)],
        help_text="The hours a month you can give to relationships, 1 to 744.",
    )
    operational_percent = models.PositiveSmallIntegerField(
        "operational (%)",
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
        help_text="Getting today's work done: the people the job already needs.",
    )
    personal_percent = models.PositiveSmallIntegerField(
        "personal (%)",
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
        help_text="Growing yourself: peers and mentors outside the office.",
    )
    strategic_percent = models.PositiveSmallIntegerField(
        "strategic (%)",
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
        help_text="Where the city is going: the people tomorrow's goals need.",
    )
    tiers = models.JSONField(
        default=dict,
        blank=True,
        help_text='Your own tier settings, e.g. {"close": {"cadence_days": 14, "minutes": 45}}; '
        "a tier or value left out follows the workspace's default.",
    )
    plan_weights = models.JSONField(
        "plan weights",
        default=dict,
        blank=True,
        help_text='The weights your relationship plan values ties by, e.g. {"goal": 4.0}; a weight '
        "left out keeps its default (cityweave.strategy.planning.Weights).",
    )
    shared = models.BooleanField(
        "share with the workspace",
        default=False,
        help_text="Let the workspace's other members see this budget and its summary.",
    )
    updated_at = models.DateTimeField(default=timezone.now)

    SPLIT_FIELDS = ("operational_percent", "personal_percent", "strategic_percent")

    class Meta:
        ordering = ["workspace", "member"]

    def __str__(self) -> str:
        return f"{self.member}: {self.hours_per_month} h/month"

    @property
    def split(self) -> dict[str, int] | None:
        """{"operational": %, "personal": %, "strategic": %}, or None when no split is set."""
        values = [getattr(self, name) for name in self.SPLIT_FIELDS]
        if any(value is None for value in values):
            return None
        return {
            name.removesuffix("_percent"): int(v)
            for name, v in zip(self.SPLIT_FIELDS, values, strict=True)
        }

    def clean(self) -> None:
        errors: dict[str, str] = {}
        values = [getattr(self, name) for name in self.SPLIT_FIELDS]
        given = [value for value in values if value is not None]
        if given and len(given) < 3:
            missing = next(n for n, v in zip(self.SPLIT_FIELDS, values, strict=True) if v is None)
            errors[missing] = "Give all three percentages, or none."
        elif given and sum(given) != 100:
            errors["strategic_percent"] = (
                f"The three percentages add up to {sum(given)}; they must add up to 100."
            )
        problem = tier_overrides_problem(self.tiers)
        if problem:
            errors["tiers"] = problem
        if not isinstance(self.plan_weights, dict):
            # Each weight's name and range are checked where they are defined, by the service
            # that saves them (cityweave.strategy.plans.save_plan_weights).
            errors["plan_weights"] = "Plan weights must be an object keyed by weight."
        if self.member_id is not None and self.member.workspace_id != self.workspace_id:
            errors["member"] = "No such member in this workspace."
        if errors:
            raise ValidationError(errors)


def tier_overrides_problem(value: Any) -> str | None:
    """What is wrong with a member's tier overrides (None when nothing): an object of tier keys,
    each an object with `cadence_days` (1 to 3,650) and/or `minutes` (5 to 1,440)."""
    if not isinstance(value, dict):
        return "Tier settings must be an object keyed by tier."
    for key, entry in value.items():
        if key not in Tier.values:
            return f"Unknown tier “{key}”; use {', '.join(Tier.values)}."
        if not isinstance(entry, dict) or not entry:
            return f"{key}: give cadence_days and/or minutes."
        for name, number in entry.items():
            bounds = {"cadence_days": (1, MAX_CADENCE_DAYS), "minutes": (MIN_MINUTES, MAX_MINUTES)}
            if name not in bounds:
                return f"{key}: unknown setting “{name}”; use cadence_days or minutes."
            low, high = bounds[name]
            if type(number) is not int or not low <= number <= high:
                return f"{key}.{name}: a whole number from {low} to {high:,}."
    return None


class TieTier(StorableModel):
    """The tier a tie was put in by hand; without one, a tie's tier follows its cadence."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    tie = models.OneToOneField(Tie, on_delete=models.CASCADE, related_name="budget_tier")
    tier = models.CharField(max_length=10, choices=Tier.choices)

    class Meta:
        ordering = ["tie"]

    def __str__(self) -> str:
        return f"{self.tie}: {self.get_tier_display()}"


class PlanMethod(models.TextChoices):
    """How a plan was found."""

    EXACT = "exact", "Exact (mixed-integer programme, HiGHS)"
    GREEDY = "greedy", "Greedy, with a bound from HiGHS"


class Plan(StorableModel):
    """A relationship plan proposed for a member: the weights and budget it was made with, how
    well it was solved, its value and hours before and after, the targets it covers (as JSON:
    they are read with the plan, never queried alone), and its lines (`PlanLineRecord`).

    Values are in the plan's own units (the weighted sum of `weights`); hours are per month."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="plans")
    created_at = models.DateTimeField(default=timezone.now)
    weights = models.JSONField(default=dict)
    budget_hours = models.FloatField()
    method = models.CharField(max_length=10, choices=PlanMethod.choices)
    optimal = models.BooleanField(default=False)
    gap = models.FloatField(default=0.0, help_text="(bound − value after) / bound, 0 to 1.")
    bound = models.FloatField(default=0.0)
    seconds = models.FloatField(default=0.0)
    value_before = models.FloatField()
    value_after = models.FloatField()
    hours_before = models.FloatField()
    hours_after = models.FloatField()
    #: [{"key", "kind", "label", "weight", "before", "after", "route"}], goals first.
    targets = models.JSONField(default=list, blank=True)
    #: [{"key", "kind", "label", "weight", "before", "after", "route", "what"}]: not reached.
    uncovered = models.JSONField(default=list, blank=True)
    #: The kept counterparts' sector keys, one per kept relationship, now and in the plan.
    sectors_before = models.JSONField(default=list, blank=True)
    sectors_after = models.JSONField(default=list, blank=True)
    #: What the plan could not take into account, one sentence each (e.g. no analysis yet).
    notes = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["member", "-created_at"], name="plan_member_latest")]

    def __str__(self) -> str:
        return f"{self.member}: plan of {self.created_at:%Y-%m-%d %H:%M}"


class PlanLineRecord(StorableModel):
    """One relationship in a saved plan: its tier now and the move proposed, the hours each
    takes, the sentence explaining it, and whether (and when) the member accepted it. On
    acceptance `previous` keeps what the tie was ({"status", "cadence_days", "max_cadence_days",
    "tier"}) so that the line can be reverted."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField()
    tie = models.ForeignKey(Tie, null=True, on_delete=models.SET_NULL, related_name="+")
    counterpart = models.ForeignKey(
        Stakeholder, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    counterpart_name = models.CharField(max_length=200)
    sector = models.CharField(max_length=100, blank=True)
    #: The tie's status when the plan was made: a line whose tie changed status since is stale.
    tie_status = models.CharField(max_length=10, choices=Tie.Status.choices)
    #: The tie's cadence (days) when the plan was made: accepting would overwrite a cadence
    #: the member changed since, so such a line is stale too.
    tie_cadence_days = models.PositiveIntegerField(null=True, blank=True)
    current = models.CharField(max_length=12)
    proposed = models.CharField(max_length=12)
    changed = models.BooleanField()
    current_hours = models.FloatField()
    proposed_hours = models.FloatField()
    cadence_days = models.PositiveIntegerField(null=True, blank=True)
    broker = models.ForeignKey(Stakeholder, null=True, on_delete=models.SET_NULL, related_name="+")
    broker_name = models.CharField(max_length=200, blank=True)
    sentence = models.TextField()
    lost_reach = models.JSONField(default=list, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    previous = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "position"], name="one_plan_line_per_position")
        ]

    def __str__(self) -> str:
        return f"{self.counterpart_name}: {self.current} → {self.proposed}"

    @property
    def hours_change(self) -> float:
        """Hours a month the line adds (positive) or saves (negative)."""
        return self.proposed_hours - self.current_hours
