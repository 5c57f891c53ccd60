"""Survey invitations and reminders by email, and the personal links to hand out."""

from __future__ import annotations

import csv
import io
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from cityweave.engagement.services import workspace_today
from cityweave.spreadsheets import guarded_row
from cityweave.surveys import fieldwork
from cityweave.surveys.models import Respondent, Wave

logger = logging.getLogger("cityweave.surveys")


def answer_url(token: str, route: str = "answer:answer-personal") -> str:
    """The full address a link answers at: CITYWEAVE_URL + the route's path for `token`
    (/s/<token>/ for a personal link, /s/open/<token>/ for a wave's open link)."""
    try:
        path = reverse(route, args=[token])
    except NoReverseMatch:  # the respondent's pages are not mounted (a partial install)
        path = f"/s/{'open/' if route.endswith('open') else ''}{token}/"
    return settings.CITYWEAVE_URL.rstrip("/") + path


def personal_link(respondent: Respondent) -> str:
    """The respondent's own link: whoever holds it answers as them."""
    return answer_url(respondent.token)


def open_link(wave: Wave) -> str:
    """The wave's open link (anonymous surveys), or "" when it has none."""
    return answer_url(wave.open_link_token, "answer:answer-open") if wave.open_link_token else ""


LINK_COLUMNS = ("respondent", "answers for", "email", "link", "invited", "responded")


def links_csv(wave: Wave) -> str:
    """The wave's personal links as CSV (LINK_COLUMNS), one respondent a row; cells that a
    spreadsheet would run as formulas are defused."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(LINK_COLUMNS)
    for respondent in fieldwork.respondents(wave):
        writer.writerow(
            guarded_row(
                [
                    str(respondent),
                    respondent.represents.name if respondent.represents else "",
                    respondent.email,
                    personal_link(respondent),
                    "yes" if respondent.invited_at else "no",
                    "yes" if respondent.responded else "no",
                ]
            )
        )
    return out.getvalue()


def _send(wave: Wave, respondent: Respondent, kind: str) -> None:
    """One invitation or reminder: plain text with an HTML alternative."""
    workspace = wave.workspace
    context = {
        "wave": wave,
        "survey": wave.survey,
        "workspace": workspace,
        "respondent": respondent,
        "link": personal_link(respondent),
        "reminder": kind == fieldwork.REMINDERS,
        "opens_later": wave.status_on(workspace_today(workspace)) == Wave.SCHEDULED,
    }
    subject = (
        f"{'Reminder: ' if kind == fieldwork.REMINDERS else ''}{wave.survey.title} "
        f"from {workspace.name}, open until {wave.closes_on.day} {wave.closes_on:%B %Y}"
    )
    message = EmailMultiAlternatives(
        subject,
        render_to_string("surveys/email/invitation.txt", context),
        None,
        [respondent.email],
        connection=get_connection(fail_silently=False),
    )
    message.attach_alternative(
        render_to_string("surveys/email/invitation.html", context), "text/html"
    )
    message.send()


def send_emails(wave: Wave, kind: str) -> int:
    """Email the wave's invitations (respondents with an email not invited yet) or reminders
    (invited, not responded, not reminded in the last three days); each respondent's time is
    stamped as it goes, and the wave's `invitations_sent_at`/`reminders_sent_at` with the same
    time, so the page can count the batch. A failed send leaves that respondent for next time.
    Returns how many were sent."""
    now = timezone.now()
    due: QuerySet[Respondent] = (
        fieldwork.uninvited(wave)
        if kind == fieldwork.INVITATIONS
        else fieldwork.due_reminders(wave, now)
    )
    stamp = "invited_at" if kind == fieldwork.INVITATIONS else "reminded_at"
    sent = 0
    for respondent in due.select_related("wave__survey", "wave__workspace"):
        try:
            _send(wave, respondent, kind)
        except Exception:  # noqa: BLE001 (one bad address must not stop the batch)
            logger.exception(
                "The survey %s to respondent %s could not be sent.", kind, respondent.pk
            )
            continue
        Respondent.objects.filter(pk=respondent.pk).update(**{stamp: now})
        sent += 1
    if sent:
        field = "invitations_sent_at" if kind == fieldwork.INVITATIONS else "reminders_sent_at"
        Wave.objects.filter(pk=wave.pk).update(**{field: now})
    return sent
