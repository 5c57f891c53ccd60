"""The cached analysis of a workspace's network."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from cityweave.workspaces.models import Workspace


class NetworkSnapshot(models.Model):
    """The engine's result for one workspace, valid while the network's fingerprint is `version`,
    and the map's layout, valid for the stakeholders and ties digested in `layout_digest`."""

    workspace = models.OneToOneField(
        Workspace, on_delete=models.CASCADE, related_name="network_snapshot"
    )
    version = models.CharField(
        max_length=64, help_text="Fingerprint of the stakeholders and ties this was computed from."
    )
    computed_at = models.DateTimeField(default=timezone.now)
    result = models.JSONField(default=dict)
    layout_digest = models.CharField(
        max_length=64, blank=True, help_text="Digest of the stakeholders and ties laid out."
    )
    layout = models.JSONField(
        null=True, blank=True, help_text="Map positions: stakeholder id to [x, y]."
    )

    def __str__(self) -> str:
        return f"Network of {self.workspace} at {self.computed_at:%Y-%m-%d %H:%M}"
