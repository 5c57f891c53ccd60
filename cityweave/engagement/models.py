"""Dated contacts with stakeholders, and promises made to or by them."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from cityweave.stakeholders.models import Stakeholder
from cityweave.workspaces.models import Membership, WorkspaceRecord

#: The years an interaction may fall in: a typo like 0001 or 9999 would break every calendar.


class Interaction(WorkspaceRecord):
    """A dated contact: a meeting, call, email, event, site visit or social media exchange."""

    class InteractionKind(models.TextChoices):
        MEETING = "meeting", "Meeting"
        CALL = "call", "Call"
        EMAIL = "email", "Email"
        EVENT = "event", "Event"
        SITE_VISIT = "site-visit", "Site visit"
        SOCIAL_MEDIA = "social-media", "Social media"
        OTHER = "other", "Other"

    Kind = InteractionKind  # its own name in the API schema

    occurred_at = models.DateTimeField("when")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.MEETING)
    summary = models.CharField(max_length=300)
    notes = models.TextField(blank=True)
    duration_minutes = models.PositiveIntegerField(
        "length (minutes)",
        null=True,
        blank=True,
        validators=[MinValueValidator(5), MaxValueValidator(24 * 60)],
        help_text="How long it lasted or will last, 5 to 1440 minutes; empty when not known.",
    )
    participants = models.ManyToManyField(Stakeholder, related_name="interactions")
    members_present = models.ManyToManyField(Membership, blank=True, related_name="interactions")
    author = models.ForeignKey(
        Membership,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="authored_interactions",
    )
    private = models.BooleanField(default=False, help_text="Visible only to its author.")
    goal = models.ForeignKey(
        "goals.Goal", null=True, blank=True, on_delete=models.SET_NULL, related_name="interactions"
    )
    #: The calendar event it was imported from (UID, and the occurrence of a recurring one), so
    #: importing the same calendar again creates nothing new; empty when typed in.
    source_uid = models.CharField(max_length=255, blank=True, default="", editable=False)

    class Meta(WorkspaceRecord.Meta):
        ordering = ["-occurred_at"]
        constraints = [
            *WorkspaceRecord.Meta.constraints,
            models.UniqueConstraint(
                fields=["workspace", "source_uid"],
                condition=~models.Q(source_uid=""),
                name="one_interaction_per_calendar_event",
            ),
        ]
        # Lists page through a workspace's interactions by time, skipping the trash and others'
        # private ones: the index holds all they test, so a late page never reads the rows.
        indexes = [
            models.Index(
                fields=["workspace", "occurred_at", "deleted_at", "private", "author"],
                name="interaction_by_time",
            )
        ]

    def get_absolute_url(self) -> str:
        return reverse("interactions:detail", args=[self.workspace.slug, self.pk])

    @property
    def participant_list(self) -> list[Stakeholder]:
        return self.related("participants")

    @property
    def members_present_list(self) -> list[Membership]:
        return self.related("members_present")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.summary}"

    @classmethod
    def hidden_from(cls, member: Membership) -> models.Q | None:
        """Other members' private interactions."""
        return models.Q(private=True) & ~models.Q(author=member)

    def clean(self) -> None:
        if (
            self.goal_id is not None
            and self.goal is not None
            and self.goal.workspace_id != self.workspace_id
        ):
            raise ValidationError({"goal": "No such goal in this workspace."})


class Commitment(WorkspaceRecord):
    """A promise with a due date, owed by us or by them, and whether it was kept."""

    class CommitmentOwedBy(models.TextChoices):
        US = "us", "Us"
        THEM = "them", "Them"

    OwedBy = CommitmentOwedBy  # its own name in the API schema

    class CommitmentStatus(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        MISSED = "missed", "Missed"
        CANCELLED = "cancelled", "Cancelled"

    Status = CommitmentStatus  # its own name in the API schema

    description = models.CharField(max_length=300)
    owed_by = models.CharField(max_length=4, choices=OwedBy.choices, default=OwedBy.US)
    stakeholder = models.ForeignKey(
        Stakeholder, on_delete=models.CASCADE, related_name="commitments"
    )
    owner = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="commitments"
    )
    due_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    interaction = models.ForeignKey(
        Interaction, null=True, blank=True, on_delete=models.SET_NULL, related_name="follow_ups"
    )

    class Meta(WorkspaceRecord.Meta):
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["workspace", "status", "due_on"])]

    def get_absolute_url(self) -> str:
        return reverse("commitments:detail", args=[self.workspace.slug, self.pk])

    def __str__(self) -> str:
        return self.description

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.stakeholder_id is not None and self.stakeholder.workspace_id != self.workspace_id:
            errors["stakeholder"] = "No such stakeholder in this workspace."
        if (
            self.owner_id is not None
            and self.owner is not None
            and self.owner.workspace_id != self.workspace_id
        ):
            errors["owner"] = "The owner must be a member of this workspace."
        if errors:
            raise ValidationError(errors)
