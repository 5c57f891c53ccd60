"""Background tasks of the network: the analysis and map layout, off the request path."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django_tasks import task

from cityweave.network import services
from cityweave.network.models import RECORDED
from cityweave.stakeholders.models import Sector, Stakeholder, Tie
from cityweave.workspaces.models import Workspace
from cityweave.workspaces.signals import records_changed


@task()
def refresh_analysis(workspace_id: int, view: str = RECORDED) -> str:
    """Analyse a workspace's network in `view` (a snapshot key: "recorded", "surveyed:<wave id>"
    or "both:<wave id>") and lay out its map, unless nothing changed since the last time;
    "current", "computed", or "gone" for a workspace or wave deleted meanwhile."""
    workspace = Workspace.objects.filter(pk=workspace_id).first()
    if workspace is None:
        return "gone"
    chosen = services.view_from_key(workspace, view)
    if chosen is None:
        return "gone"
    return services.refresh_snapshot(workspace, chosen)


def _queue_after_commit(workspace_id: int) -> None:
    """Queue the analysis once the writing transaction has committed (never for a rolled-back
    change); pages queue it too, so a missed signal only costs a little freshness."""

    def queue() -> None:
        workspace = Workspace.objects.filter(pk=workspace_id).first()
        if workspace is not None:
            services.request_analysis(workspace)

    transaction.on_commit(queue)


def _saved(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    # A whole workspace being deleted has no network left to analyse.
    if not raw and not isinstance(kwargs.get("origin"), Workspace):
        _queue_after_commit(instance.workspace_id)


def _records_changed(sender: Any, workspace: Workspace, **kwargs: Any) -> None:
    _queue_after_commit(workspace.pk)


def connect() -> None:
    """Queue the analysis whenever a stakeholder, tie or sector changes (called at start-up)."""
    for model in (Stakeholder, Tie, Sector):
        uid = f"cityweave.network.{model.__name__}"
        post_save.connect(_saved, sender=model, dispatch_uid=f"{uid}.saved")
        post_delete.connect(_saved, sender=model, dispatch_uid=f"{uid}.deleted")
    for model in (Stakeholder, Tie):
        records_changed.connect(
            _records_changed, sender=model, dispatch_uid=f"cityweave.network.{model.__name__}.bulk"
        )
