"""What pages derive from a whole workspace's records, kept in each server process until they change.

Relationship health across a workspace (which ties are cooling and cold, the dashboard's most
urgent ten) and the map's ties read every tie of the workspace: 50-150 ms at 2,000 stakeholders,
on every dashboard, map and health filter. `derived` keeps such a result in the process under a
key naming:

- the workspace (its id and creation time, so a reused id never meets an old entry);
- its **data version**, a counter (`DataVersion`) moved after every committed change to the
  workspace's records: model saves and deletions, many-to-many changes, users' names, and the
  bulk changes announced by `signals.records_changed` (trash, restore, purge, import);
- the changes this thread has made and not yet committed, so a request reads what it has just
  written before the counter moves (and tests, whose transactions never commit, see each change);
- the minute: health moves with the clock, so one result serves a minute at most. A tie that
  crosses from healthy to cooling shows it within the minute, and so does a change made by a
  bulk `update()` that sends no signal.

On SQLite the counter moves inside the writing transaction: SQLite has one writer at a time,
which holds the write lock from its first statement (BEGIN IMMEDIATE), so the update costs no
wait and commits or rolls back with the change. On PostgreSQL it moves after the commit, in a
statement of its own: moved inside the writing transaction, it would queue every writer of a
workspace on one row and could deadlock with a writer holding a tie's row. A reader there may
pair the old counter with new records for a moment (kept under the old key, replaced as the
counter moves), never the new counter with old records. If that late statement fails (the
database busy or gone), the change stands and this process forgets what it kept for the
workspace; other processes see the change within the minute.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from functools import partial
from typing import Any, TypeVar

from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import F, Model
from django.db.models.signals import m2m_changed, post_delete, post_save

from cityweave.workspaces.models import DataVersion, Workspace
from cityweave.workspaces.signals import records_changed

T = TypeVar("T")
logger = logging.getLogger(__name__)


class ProcessMemo:
    """Values a server process keeps by key, most recently used last, at most `size` of them.
    Values are shared between requests and threads: callers must not change them."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._values: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, build: Callable[[], Any]) -> Any:
        """The value kept under `key`, built (outside the lock) and kept if missing."""
        value = self.find(key)
        if value is None:
            value = build()
            self.put(key, value)
        return value

    def find(self, key: Hashable) -> Any:
        """The value kept under `key`, or None."""
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
        return None

    def put(self, key: Hashable, value: Any) -> None:
        with self._lock:
            self._values[key] = value
            while len(self._values) > self.size:
                self._values.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._values.clear()

    def forget(self, matches: Callable[[Any], bool]) -> None:
        """Drop the values whose key `matches`."""
        with self._lock:
            for key in [key for key in self._values if matches(key)]:
                del self._values[key]


#: A few results per workspace (health statuses, the dashboard's panel, the map's ties), each
#: under a megabyte at 2,000 stakeholders.
MEMO = ProcessMemo(size=64)

_local = threading.local()


def _uncommitted() -> dict[int, int]:
    """This thread's changes not yet committed, as a count by workspace id."""
    if not hasattr(_local, "changes"):
        _local.changes = {}
    return _local.changes  # type: ignore[no-any-return]


def changed(workspace_id: int) -> None:
    """Note a change to a workspace's records: its data version moves with the transaction on
    SQLite, once it commits on PostgreSQL (at once outside a transaction), and never for a
    rolled-back change."""
    if connection.vendor == "sqlite" and connection.in_atomic_block:
        _move(workspace_id)  # visible to this transaction at once, to others with the commit
        return
    changes = _uncommitted()
    changes[workspace_id] = changes.get(workspace_id, 0) + 1
    transaction.on_commit(partial(_advance, workspace_id))


def _advance(workspace_id: int) -> None:
    """After a commit: move the version once for this thread's changes to the workspace."""
    if _uncommitted().pop(workspace_id, None) is None:
        return  # moved already for this commit
    try:
        _move(workspace_id)
    except DatabaseError as error:
        # The change is committed; only the counter is behind. Never fail the request for it.
        logger.warning("workspace %s: data version not moved (%s)", workspace_id, error)
        MEMO.forget(lambda key: key[0] == "derived" and key[2] == workspace_id)


def _move(workspace_id: int) -> None:
    if DataVersion.objects.filter(workspace_id=workspace_id).update(version=F("version") + 1):
        return
    try:
        with transaction.atomic():
            DataVersion.objects.create(workspace_id=workspace_id, version=1)
    except IntegrityError:
        # Created meanwhile by another process, or the workspace is gone.
        DataVersion.objects.filter(workspace_id=workspace_id).update(version=F("version") + 1)


def data_version(workspace: Workspace) -> tuple[int, int]:
    """(the committed data version, this thread's uncommitted changes) of a workspace: one query."""
    rows = DataVersion.objects.filter(workspace=workspace).values_list("version", flat=True)
    return next(iter(rows), 0), _uncommitted().get(workspace.pk, 0)


def derived(workspace: Workspace, name: Hashable, now: dt.datetime, build: Callable[[], T]) -> T:
    """`build()`'s result for `workspace` at `now`, kept in this process until the workspace's
    records change or the minute turns (see the module's docstring). `name` names the result
    and everything it depends on besides the workspace's records and the time."""
    minute = now.replace(second=0, microsecond=0)
    key = ("derived", name, workspace.pk, workspace.created_at, *data_version(workspace), minute)
    return MEMO.get(key, build)  # type: ignore[no-any-return]


#: Saved along with workspace records, but not part of what pages derive from them.
IGNORED = ("workspaces.DataVersion", "network.NetworkSnapshot")


def _workspace_ids(instance: Model, **kwargs: Any) -> list[int]:
    """The workspaces a saved or deleted row belongs to (none for rows outside workspaces)."""
    if isinstance(instance, Workspace):
        return []
    workspace_id = getattr(instance, "workspace_id", None)
    if workspace_id is not None:
        return [workspace_id]
    label = instance._meta.label
    if label == "goals.GoalProgress":
        return list(_goal_workspace(instance))
    if label == "accounts.User":
        # A member's name shows on records (a tie's owner on the map); logging in changes nothing.
        fields = kwargs.get("update_fields")
        if fields is not None and not {"name", "email"} & set(fields):
            return []
        return list(instance.memberships.values_list("workspace_id", flat=True))  # type: ignore[attr-defined]
    return []


def _goal_workspace(progress: Any) -> list[int]:
    # Goals sit above workspaces in the layers: the model is reached through the relation.
    goal_model = type(progress)._meta.get_field("goal").related_model
    goals = goal_model.all_objects.filter(pk=progress.goal_id)
    return list(goals.values_list("workspace_id", flat=True))


def _workspace_going(origin: Any) -> bool:
    """Whether a deletion started from a workspace (or a query of workspaces): nothing of it stays."""
    return isinstance(origin, Workspace) or getattr(origin, "model", None) is Workspace


def _row_changed(sender: Any, instance: Model, raw: bool = False, **kwargs: Any) -> None:
    if raw or _workspace_going(kwargs.get("origin")) or instance._meta.label in IGNORED:
        return  # loaddata, or a whole workspace being deleted
    for workspace_id in _workspace_ids(instance, **kwargs):
        changed(workspace_id)


def _links_changed(sender: Any, instance: Model, action: str, **kwargs: Any) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        _row_changed(sender, instance)


def _bulk_changed(sender: Any, workspace: Workspace, **kwargs: Any) -> None:
    changed(workspace.pk)


def connect() -> None:
    """Move a workspace's data version on every change to its records (called at start-up)."""
    uid = "cityweave.workspaces.derived"
    post_save.connect(_row_changed, dispatch_uid=f"{uid}.saved")
    post_delete.connect(_row_changed, dispatch_uid=f"{uid}.deleted")
    m2m_changed.connect(_links_changed, dispatch_uid=f"{uid}.links")
    records_changed.connect(_bulk_changed, dispatch_uid=f"{uid}.bulk")
