"""SMART goals and their dated progress entries."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from cityweave.stakeholders.models import Stakeholder
from cityweave.storable import StorableModel
from cityweave.workspaces.models import Membership, WorkspaceRecord


class Goal(WorkspaceRecord):
    """A SMART networking or partnership goal."""

    class GoalStatus(models.TextChoices):
        ACTIVE = "active", "Active"
        ACHIEVED = "achieved", "Achieved"
        PAUSED = "paused", "Paused"
        ABANDONED = "abandoned", "Abandoned"

    Status = GoalStatus  # its own name in the API schema

    statement = models.CharField(max_length=300)
    metric = models.CharField(
        max_length=200, help_text="What is measured, e.g. active philanthropy ties."
    )
    baseline = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal(0))
    target = models.DecimalField(max_digits=14, decimal_places=2)
    unit = models.CharField(max_length=40, blank=True)
    deadline = models.DateField()
    owner = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="goals"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    stakeholders = models.ManyToManyField(Stakeholder, blank=True, related_name="goals")

    class Meta(WorkspaceRecord.Meta):
        ordering = ["deadline", "pk"]

    def get_absolute_url(self) -> str:
        return reverse("goals:detail", args=[self.workspace.slug, self.pk])

    def __str__(self) -> str:
        return self.statement

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.target is not None and self.baseline is not None and self.target == self.baseline:
            errors["target"] = "The target must differ from the baseline."
        if (
            self.owner_id is not None
            and self.owner is not None
            and self.owner.workspace_id != self.workspace_id
        ):
            errors["owner"] = "The owner must be a member of this workspace."
        if errors:
            raise ValidationError(errors)

    @property
    def current_value(self) -> Decimal:
        """The latest recorded value, or the baseline before any progress is recorded."""
        entries = self.related("progress")
        if not entries:
            return self.baseline
        return max(entries, key=lambda e: (e.recorded_on, e.pk)).value

    @property
    def progress_fraction(self) -> float:
        """How far from baseline to target the latest value is, clamped to 0..1."""
        span = self.target - self.baseline
        if span == 0:
            return 0.0
        fraction = float((self.current_value - self.baseline) / span)
        return max(0.0, min(1.0, fraction))

    @property
    def progress_percent(self) -> int:
        return round(self.progress_fraction * 100)


class GoalProgress(StorableModel):
    """A dated measurement of a goal's metric."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="progress")
    recorded_on = models.DateField(default=timezone.localdate)
    value = models.DecimalField(max_digits=14, decimal_places=2)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["recorded_on", "pk"]
        verbose_name_plural = "goal progress"

    def __str__(self) -> str:
        return f"{self.goal}: {self.value} on {self.recorded_on}"
