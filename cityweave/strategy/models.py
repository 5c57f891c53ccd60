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
from cityweave.stakeholders.models import MAX_CADENCE_DAYS, Tie
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
