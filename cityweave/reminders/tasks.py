"""Background tasks of the reminders: the hourly digest round."""

from __future__ import annotations

import logging
import threading

from django.db import close_old_connections
from django_tasks import task

from cityweave.reminders import services

logger = logging.getLogger("cityweave.reminders")

#: How often a worker looks whether this hour's round has been claimed yet, in seconds.
CHECK_EVERY = 300.0


@task()
def digest_round() -> int:
    """Refresh every workspace's notifications and email the digests that are due; how many
    were sent."""
    return len(services.send_digests())


def queue_round_if_unclaimed() -> bool:
    """Queue this hour's digest round unless another worker already did (see
    `services.claim_round`); True when this call queued it."""
    if not services.claim_round():
        return False
    digest_round.enqueue()
    return True


class RoundScheduler(threading.Thread):
    """A worker's clock: every CHECK_EVERY seconds, queue the hour's digest round if no worker
    has yet. Any number of workers may run one."""

    def __init__(self, every: float = CHECK_EVERY) -> None:
        super().__init__(name="digest-scheduler", daemon=True)
        self.every = every
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            try:
                queue_round_if_unclaimed()
            except Exception:  # noqa: BLE001 (a busy or restarting database must not stop the clock)
                logger.exception("Could not queue the digest round; trying again later.")
            finally:
                close_old_connections()
            self.stopped.wait(self.every)

    def stop(self) -> None:
        self.stopped.set()
