from typing import Any

from django.apps import AppConfig


class StakeholdersConfig(AppConfig):
    """Stakeholders, sectors, tags and ties."""

    name = "cityweave.stakeholders"

    def ready(self) -> None:
        from cityweave.workspaces.signals import batch_restored

        batch_restored.connect(_undo_merge, dispatch_uid="cityweave.stakeholders.undo_merge")


def _undo_merge(sender: Any, workspace: Any, batch: Any, **kwargs: Any) -> None:
    """Restoring a merged stakeholder from the trash undoes its merge."""
    from cityweave.stakeholders.merging import undo_merge

    undo_merge(workspace, batch)
