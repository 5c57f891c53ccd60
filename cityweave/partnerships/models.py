"""Cross-sector partnerships: the problem and the people it affects, benchmarks and their
progress, partners with roles, assets offered and needs, risks, joint activities, the agreed
communication channels, and meeting plans whose agenda items say which roles or value types
they need.

Everything a partnership holds is scoped to the partnership's workspace; a partnership's parts
go to the trash with it (and come back with it).
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from cityweave.engagement.models import Interaction
from cityweave.goals.models import Goal
from cityweave.stakeholders.models import Stakeholder
from cityweave.storable import StorableModel
from cityweave.vocabulary import PartnerRole, ValueType
from cityweave.workspaces.models import Membership, WorkspaceRecord


class AmountUnit(models.TextChoices):
    """What an estimated amount counts."""

    MONEY = "money", "Money"
    HOURS = "hours", "Hours"


class Partnership(WorkspaceRecord):
    """A cross-sector partnership: a problem, the communities it serves, and who works on it."""

    class PartnershipStatus(models.TextChoices):
        EXPLORING = "exploring", "Exploring"
        FORMING = "forming", "Forming"
        ACTIVE = "active", "Active"
        SUSTAINING = "sustaining", "Sustaining"
        CLOSED = "closed", "Closed"

    Status = PartnershipStatus  # its own name in the API schema

    name = models.CharField(max_length=200)
    problem = models.TextField(
        "problem statement", blank=True, help_text="The problem, written with those it affects."
    )
    consulted = models.ManyToManyField(
        Stakeholder,
        blank=True,
        related_name="partnerships_consulted",
        help_text="Who was consulted in writing the problem statement.",
    )
    area = models.CharField(max_length=200, blank=True, help_text="The area it serves.")
    population_groups = models.JSONField(
        default=list, blank=True, help_text="The population groups it serves."
    )
    past_efforts = models.TextField(
        blank=True, help_text="Earlier efforts on the problem and what was learned."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.EXPLORING)
    started_on = models.DateField(null=True, blank=True)
    review_on = models.DateField(null=True, blank=True, help_text="When it is next reviewed.")
    officer = models.ForeignKey(
        Membership,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="partnerships",
        help_text="The partnership officer: the member who runs it day to day.",
    )
    goals = models.ManyToManyField(Goal, blank=True, related_name="partnerships")

    class Meta(WorkspaceRecord.Meta):
        ordering = ["name", "pk"]

    def get_absolute_url(self) -> str:
        return reverse("partnerships:detail", args=[self.workspace.slug, self.pk])

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.started_on and self.review_on and self.review_on < self.started_on:
            errors["review_on"] = "The review date cannot be before the start date."
        _in_workspace(self, "officer", errors, "officer")
        groups = self.population_groups
        if not isinstance(groups, list) or not all(
            isinstance(g, str) and g.strip() and len(g) <= 100 for g in groups
        ):
            errors["population_groups"] = "Population groups are names of up to 100 characters."
        if errors:
            raise ValidationError(errors)


class PartnershipRecord(WorkspaceRecord):
    """A part of one partnership, in the partnership's workspace."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")

    class Meta(WorkspaceRecord.Meta):
        abstract = True

    def clean(self) -> None:
        if self.partnership_id is not None and self.partnership.workspace_id != self.workspace_id:
            raise ValidationError({"partnership": "No such partnership in this workspace."})


def _in_workspace(record: WorkspaceRecord, field: str, errors: dict[str, str], what: str) -> None:
    """Note in `errors` when `record.<field>` (a stakeholder or member) is of another workspace."""
    other = getattr(record, field) if getattr(record, f"{field}_id") is not None else None
    if other is not None and other.workspace_id != record.workspace_id:
        errors[field] = f"The {what} must be of this workspace."


def _keys_problem(keys: object, choices: type[models.TextChoices], what: str) -> str | None:
    """Why `keys` is not a list of distinct `choices` keys, or None."""
    if not isinstance(keys, list) or any(k not in choices.values for k in keys):
        return f"{what} must be among: {', '.join(choices.values)}."
    if len(set(keys)) != len(keys):
        return f"{what} are listed once each."
    return None


class Partner(PartnershipRecord):
    """A stakeholder in a partnership, with its roles and a one-line responsibility."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="partners")
    stakeholder = models.ForeignKey(
        Stakeholder, on_delete=models.CASCADE, related_name="partnership_roles"
    )
    roles = models.JSONField(default=list, blank=True, help_text="Roles from the vocabulary.")
    responsibility = models.CharField(max_length=200, blank=True)
    joined_on = models.DateField(null=True, blank=True)

    class Meta(PartnershipRecord.Meta):
        ordering = ["partnership", "pk"]
        constraints = [
            *PartnershipRecord.Meta.constraints,
            models.UniqueConstraint(
                fields=["partnership", "stakeholder"],
                condition=models.Q(deleted_at__isnull=True),
                name="one_partner_row_per_stakeholder",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.stakeholder} in {self.partnership}"

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        _in_workspace(self, "stakeholder", errors, "partner")
        problem = _keys_problem(self.roles, PartnerRole, "Roles")
        if problem:
            errors["roles"] = problem
        if errors:
            raise ValidationError(errors)


class Benchmark(PartnershipRecord):
    """A measurable milestone in the SMART form of goals: from `baseline` on `starts_on` to
    `target` by `due_on`, in `unit`."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="benchmarks"
    )
    statement = models.CharField(max_length=300)
    metric = models.CharField(max_length=200, help_text="What is measured.")
    baseline = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal(0))
    target = models.DecimalField(max_digits=14, decimal_places=2)
    unit = models.CharField(max_length=40, blank=True)
    starts_on = models.DateField(default=timezone.localdate)
    due_on = models.DateField()

    class Meta(PartnershipRecord.Meta):
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.statement

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        if self.target is not None and self.baseline is not None and self.target == self.baseline:
            errors["target"] = "The target must differ from the baseline."
        if self.starts_on and self.due_on and self.due_on <= self.starts_on:
            errors["due_on"] = "The due date must be after the start date."
        if errors:
            raise ValidationError(errors)


class BenchmarkProgress(StorableModel):
    """A dated measurement of a benchmark's metric."""

    benchmark = models.ForeignKey(Benchmark, on_delete=models.CASCADE, related_name="progress")
    recorded_on = models.DateField(default=timezone.localdate)
    value = models.DecimalField(max_digits=14, decimal_places=2)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["recorded_on", "pk"]
        verbose_name_plural = "benchmark progress"

    def __str__(self) -> str:
        return f"{self.benchmark}: {self.value} on {self.recorded_on}"


class AssetKind(models.TextChoices):
    """What kind of thing an asset is (DESIGN.md's assets)."""

    INFRASTRUCTURE = "infrastructure", "Infrastructure"
    LAND = "land", "Land"
    FINANCIAL = "financial", "Financial"
    STAFF = "staff", "Staff"
    EXPERTISE = "expertise", "Expertise"
    DATA = "data", "Data"
    PROGRAMME = "programme", "Programme"


#: The value type an asset of each kind offers unless said otherwise: assets and needs meet in
#: the one vocabulary of value types.
KIND_VALUE_TYPE = {
    AssetKind.INFRASTRUCTURE: ValueType.FACILITIES,
    AssetKind.LAND: ValueType.LAND,
    AssetKind.FINANCIAL: ValueType.FUNDING,
    AssetKind.STAFF: ValueType.PAID_STAFF,
    AssetKind.EXPERTISE: ValueType.EXPERTISE,
    AssetKind.DATA: ValueType.DATA,
    AssetKind.PROGRAMME: ValueType.IN_KIND,
}


class Asset(PartnershipRecord):
    """Something the city or a partner puts on the table, with its estimated value."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="assets")
    kind = models.CharField(max_length=16, choices=AssetKind.choices)
    value_type = models.CharField(
        max_length=24, choices=ValueType.choices, help_text="The value type it offers."
    )
    holder = models.ForeignKey(
        Stakeholder,
        on_delete=models.CASCADE,
        related_name="partnership_assets",
        help_text="Who holds it: the city (an internal stakeholder) or a partner.",
    )
    description = models.CharField(max_length=300)
    amount = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, help_text="Estimated value."
    )
    amount_unit = models.CharField(
        max_length=5, choices=AmountUnit.choices, default=AmountUnit.MONEY
    )

    class Meta(PartnershipRecord.Meta):
        ordering = ["partnership", "value_type", "pk"]

    def __str__(self) -> str:
        return self.description

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        _in_workspace(self, "holder", errors, "holder")
        if self.amount is not None and self.amount < 0:
            errors["amount"] = "An estimated value cannot be negative."
        if errors:
            raise ValidationError(errors)


class Need(PartnershipRecord):
    """What the partnership needs, in the vocabulary of value types, with its size if known."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="needs")
    value_type = models.CharField(max_length=24, choices=ValueType.choices)
    description = models.CharField(max_length=300)
    amount = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, help_text="How much is needed."
    )
    amount_unit = models.CharField(
        max_length=5, choices=AmountUnit.choices, default=AmountUnit.MONEY
    )

    class Meta(PartnershipRecord.Meta):
        ordering = ["partnership", "value_type", "pk"]

    def __str__(self) -> str:
        return self.description

    def clean(self) -> None:
        super().clean()
        if self.amount is not None and self.amount <= 0:
            raise ValidationError({"amount": "A needed amount is more than zero."})


class Risk(PartnershipRecord):
    """A risk to the partnership, scored likelihood × impact (each 1–5)."""

    class RiskCategory(models.TextChoices):
        POLITICAL = "political", "Political dynamics"
        RESOURCES = "resources", "Resources"
        PRIORITIES = "priorities", "Misaligned priorities"
        CAPACITY = "capacity", "Capacity"
        LEGAL = "legal", "Legal"
        COMMUNITY_TRUST = "community-trust", "Community trust"
        OTHER = "other", "Other"

    class RiskStatus(models.TextChoices):
        OPEN = "open", "Open"
        MITIGATING = "mitigating", "Being mitigated"
        CLOSED = "closed", "Closed"

    Category = RiskCategory
    Status = RiskStatus

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="risks")
    title = models.CharField(max_length=200)
    category = models.CharField(max_length=16, choices=Category.choices, default=Category.OTHER)
    likelihood = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)], help_text="1 (rare) to 5."
    )
    impact = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)], help_text="1 (minor) to 5."
    )
    owner = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="risks"
    )
    mitigation = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)

    class Meta(PartnershipRecord.Meta):
        ordering = ["partnership", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def score(self) -> int:
        """Likelihood × impact, 1–25: the register's order, highest first."""
        return self.likelihood * self.impact

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        _in_workspace(self, "owner", errors, "owner")
        if errors:
            raise ValidationError(errors)


class Activity(PartnershipRecord):
    """A joint initiative or event run together (a community service day, a forum), logged as
    an interaction with every partner present so relationship health counts it."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="activities"
    )
    name = models.CharField(max_length=200)
    held_on = models.DateField()
    place = models.CharField(max_length=200, blank=True)
    attendance = models.PositiveIntegerField(null=True, blank=True, help_text="People who came.")
    outcome = models.TextField(blank=True)
    partners = models.ManyToManyField(Partner, blank=True, related_name="activities")
    interaction = models.OneToOneField(
        Interaction,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="partnership_activity",
        help_text="The interaction that logs it, with every partner involved as a participant.",
    )

    class Meta(PartnershipRecord.Meta):
        ordering = ["-held_on", "-pk"]
        verbose_name_plural = "activities"

    def __str__(self) -> str:
        return self.name


class Channel(PartnershipRecord):
    """An agreed communication channel, with how often it should be used and how soon its
    messages should be answered; kept when last used within its expected interval."""

    class ChannelKind(models.TextChoices):
        EMAIL_LIST = "email-list", "Email list"
        MEETING_SERIES = "meeting-series", "Meeting series"
        CHAT_GROUP = "chat-group", "Chat group"
        NEWSLETTER = "newsletter", "Newsletter"
        OTHER = "other", "Other"

    Kind = ChannelKind

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="channels")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    name = models.CharField(max_length=200)
    every_days = models.PositiveIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(366)],
        help_text="Expected to be used at least every this many days.",
    )
    response_days = models.PositiveIntegerField(
        null=True,
        blank=True,
        validators=[MaxValueValidator(366)],
        help_text="Messages answered within this many days.",
    )
    last_used_on = models.DateField(null=True, blank=True)

    class Meta(PartnershipRecord.Meta):
        ordering = ["partnership", "pk"]

    def __str__(self) -> str:
        return self.name


class MeetingPlan(PartnershipRecord):
    """A planned partnership meeting: its agenda items say which roles or value types they
    need, and only the partners they need are invited. Once made, it is a planned interaction."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="meeting_plans"
    )
    title = models.CharField(max_length=200)
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveIntegerField(
        default=60, validators=[MinValueValidator(5), MaxValueValidator(24 * 60)]
    )
    place = models.CharField(max_length=200, blank=True)
    invited = models.ManyToManyField(Partner, blank=True, related_name="meeting_plans")
    interaction = models.OneToOneField(
        Interaction,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meeting_plan",
        help_text="The planned interaction it became.",
    )

    class Meta(PartnershipRecord.Meta):
        ordering = ["-starts_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class AgendaItem(StorableModel):
    """One item of a meeting plan's agenda, tagged with the roles and value types it needs."""

    plan = models.ForeignKey(MeetingPlan, on_delete=models.CASCADE, related_name="agenda")
    position = models.PositiveIntegerField(default=0)
    text = models.CharField(max_length=300)
    roles = models.JSONField(default=list, blank=True)
    value_types = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["plan", "position", "pk"]

    def __str__(self) -> str:
        return self.text

    def clean(self) -> None:
        errors: dict[str, str] = {}
        for field, choices, what in (
            ("roles", PartnerRole, "Roles"),
            ("value_types", ValueType, "Value types"),
        ):
            problem = _keys_problem(getattr(self, field), choices, what)
            if problem:
                errors[field] = problem
        if not errors and not self.roles and not self.value_types:
            errors["roles"] = "Say which roles or value types the item needs."
        if errors:
            raise ValidationError(errors)
