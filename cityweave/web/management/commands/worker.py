"""`cityweave worker`: run background tasks (the network analysis, the digest) queued in the
database, and queue the hourly digest round."""

from __future__ import annotations

import logging
import os
import time
from typing import Any

from django.core.management.base import CommandError
from django.db import OperationalError, close_old_connections
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorker
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.utils import is_locked_database_exception

from cityweave.reminders.tasks import RoundScheduler

logger = logging.getLogger("cityweave.worker")

#: Seconds to wait after the database was too busy to hand out or record a task.
BUSY_PAUSE = 1.0


class SteadyWorker(Worker):
    """django-tasks-db's worker, kept running when SQLite is busy: taking the queue's lock can
    fail with "database is locked" under heavy writing, which stopped the worker for good (and
    the network stayed "updating"). It waits a moment and carries on; an analysis left unfinished
    so is queued again by the pages after `network.services.REQUEUE_AFTER`."""

    def run(self) -> None:
        while True:
            try:
                super().run()
                return
            except OperationalError as error:
                if not is_locked_database_exception(error) or not self.running:
                    raise
                logger.warning("The database is busy; the worker carries on in a moment.")
                close_old_connections()
                time.sleep(BUSY_PAUSE)


class Command(DatabaseWorker):
    """The database task worker: any number may run, on any machines sharing the database."""

    help = (
        "Run background tasks (network analysis and map layout, the email digest) queued in "
        "the database, queueing the digest round each hour; keep one running beside "
        "`cityweave serve`."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.configure_logging(options["verbosity"])
        reload, batch = options["reload"], options["batch"]
        if reload and batch:
            logger.warning("--reload and --batch cannot be specified together: not reloading.")
            reload = False
        queue_names = options["queue_name"].split(",")
        excluded = options["exclude_queues"].split(",") if options["exclude_queues"] else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = SteadyWorker(
            queue_names=queue_names,
            interval=options["interval"],
            batch=batch,
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
            excluded_queue_names=excluded,
        )
        if reload:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            scheduler = RoundScheduler()
            if not batch:
                scheduler.start()
            try:
                worker.run()
            finally:
                scheduler.stop()
