"""The import's background task: the worker reads, matches and writes a contact file."""

from __future__ import annotations

from django_tasks import task

from cityweave.contacts import services


@task()
def run_import(job_id: int) -> str:
    """Run the queued import `job_id`; its final status ("done", "failed" or "gone")."""
    return services.run_job(job_id)
