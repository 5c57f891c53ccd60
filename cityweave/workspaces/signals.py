"""Signals the workspace machinery sends where Django's own model signals stay silent."""

from __future__ import annotations

from django.dispatch import Signal

#: Records of one model changed in bulk (moved to the trash, restored, deleted for good, imported),
#: which sends no save or delete signals. Arguments: `sender` (the model), `workspace`, and `pks`
#: (the records' ids, or None for every record of the model in the workspace).
records_changed = Signal()

#: A trash batch was restored (its records are live again), before its entry goes. Arguments:
#: `sender` (TrashEntry), `workspace`, `batch` (the batch's uuid). Merges undo themselves on it.
batch_restored = Signal()
