"""Background work for surveys: invitations and reminders by email."""

from __future__ import annotations

from django_tasks import task

from cityweave.surveys import invitations
from cityweave.surveys.models import Wave


@task()
def send_wave_emails(wave_id: int, kind: str) -> int:
    """Email a wave's invitations or reminders (`kind`: "invitations" or "reminders"); how many
    were sent, 0 for a wave deleted or trashed meanwhile."""
    wave = Wave.objects.select_related("survey", "workspace").filter(pk=wave_id).first()
    if wave is None or wave.survey.in_trash:
        return 0
    return invitations.send_emails(wave, kind)
