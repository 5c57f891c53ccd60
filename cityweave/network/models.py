"""The cached analysis of a workspace's network."""

from __future__ import annotations

from django.db import models

from cityweave.workspaces.models import Workspace

#: The view key of the office's own ties (see services.NetworkView).
RECORDED = "recorded"


class NetworkSnapshot(models.Model):
    """The engine's last finished result for one workspace and one view of its network
    ("recorded", "surveyed:<wave id>" or "both:<wave id>"), current while that view's
    fingerprint is `version`, with the map's layout for the same stakeholders and ties; and the
    background analysis last asked for (`requested_version`), so each change is queued once."""

    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="network_snapshots"
    )
    view = models.CharField(
        max_length=40,
        default=RECORDED,
        help_text='Which ties: "recorded", "surveyed:<wave id>" or "both:<wave id>".',
    )
    version = models.CharField(
        max_length=64, help_text="Fingerprint of the stakeholders and ties this was computed from."
    )
    computed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the result was computed; empty until the first one."
    )
    result = models.JSONField(default=dict)
    layout_digest = models.CharField(
        max_length=64, blank=True, help_text="Digest of the stakeholders and ties laid out."
    )
    layout = models.JSONField(
        null=True, blank=True, help_text="Map positions: stakeholder id to [x, y]."
    )
    requested_version = models.CharField(
        max_length=64, blank=True, help_text="The fingerprint a background analysis was queued for."
    )
    requested_at = models.DateTimeField(null=True, blank=True)
    requested_task = models.CharField(
        max_length=64, blank=True, help_text="The id of the queued task (django-tasks result id)."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "view"], name="one_snapshot_per_view")
        ]

    def __str__(self) -> str:
        if self.computed_at is None:
            return f"Network of {self.workspace} ({self.view}), not analysed yet"
        return f"Network of {self.workspace} ({self.view}) at {self.computed_at:%Y-%m-%d %H:%M}"
