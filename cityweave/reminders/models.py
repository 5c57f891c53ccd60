"""A member's notifications (one per item and state) and their choice of email digest."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from cityweave.workspaces.models import Membership, Workspace


class DigestFrequency(models.TextChoices):
    DAILY = "daily", "Daily"
    WEEKLY = "weekly", "Weekly"
    NEVER = "never", "No email"


class DigestPreference(models.Model):
    """How often a member wants the digest by email, and when it was last sent."""

    member = models.OneToOneField(
        Membership, on_delete=models.CASCADE, related_name="digest_preference"
    )
    frequency = models.CharField(
        max_length=6, choices=DigestFrequency.choices, default=DigestFrequency.WEEKLY
    )
    last_sent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.member}: {self.get_frequency_display()}"


class Notification(models.Model):
    """One item for one member in one state: a commitment overdue, a tie gone cold, a goal's
    deadline near. An item that changes state (due soon → overdue) is a new notification, so each
    is emailed once; when the item no longer needs attention it is marked resolved."""

    class Kind(models.TextChoices):
        COMMITMENT = "commitment", "Commitment"
        TIE = "tie", "Relationship"
        GOAL = "goal", "Goal"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField()
    #: The item's state when noticed: "overdue", "due-soon", "cold", "deadline-passed", "deadline-soon".
    state = models.CharField(max_length=20)
    title = models.CharField(max_length=400)
    url = models.CharField(max_length=300)
    #: The date the item is about (a due date or deadline), for ordering; none for a cold tie.
    on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "kind", "object_id", "state"], name="one_notification_per_state"
            )
        ]
        indexes = [models.Index(fields=["member", "resolved_at", "read_at"])]

    def __str__(self) -> str:
        return self.title


class DigestRound(models.Model):
    """One hour's run of the periodic digest, claimed by the first worker to reach it, so several
    workers sharing a database send each digest once."""

    hour = models.DateTimeField(unique=True)
    started_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.hour.isoformat()


class CalendarFeed(models.Model):
    """A member's private iCalendar feed: whoever holds the token can read the member's due
    commitments, planned meetings and goal deadlines, so it can be regenerated (the old URL stops
    working) or turned off (the row is deleted)."""

    member = models.OneToOneField(
        Membership, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    #: 32 random bytes, URL-safe base64 (43 characters).
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.member}: calendar feed"
