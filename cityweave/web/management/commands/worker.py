"""`cityweave worker`: run background tasks (the network analysis) queued in the database."""

from __future__ import annotations

from django_tasks_db.management.commands.db_worker import Command as DatabaseWorker


class Command(DatabaseWorker):
    """The database task worker: any number may run, on any machines sharing the database."""

    help = (
        "Run background tasks (network analysis and map layout) queued in the database; "
        "keep one running beside `cityweave serve`."
    )
