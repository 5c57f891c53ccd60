"""Django's SQLite backend, keeping the query planner's statistics current.

Without statistics SQLite guesses, and at a few thousand rows it guesses badly: a stakeholder's
latest interactions were read by walking all 20,000 of the workspace's in date order (37 ms)
instead of through the stakeholder's few (0.3 ms). As SQLite advises for applications that
close their connections (https://sqlite.org/lang_analyze.html#periodically_run_pragma_optimize_),
each connection runs `PRAGMA optimize` as it closes: it analyses the tables its queries used whose
statistics are missing or far out of date (their rows grew many times over), and does nothing
otherwise. It waits for the write lock a moment at most, and a busy database just skips it.
"""

from __future__ import annotations

import contextlib
import sqlite3

from django.db.backends.sqlite3 import base

#: Milliseconds `PRAGMA optimize` waits for the write lock before giving up (until next time).
OPTIMIZE_WAIT_MS = 50


class DatabaseWrapper(base.DatabaseWrapper):
    def close(self) -> None:
        self.validate_thread_sharing()
        if self.connection is not None and not self.in_atomic_block and not self.is_in_memory_db():
            with contextlib.suppress(sqlite3.Error):
                self.connection.execute(f"PRAGMA busy_timeout = {OPTIMIZE_WAIT_MS}")
                self.connection.execute("PRAGMA optimize")
        super().close()
