"""The email digest, sent through a real SMTP server (aiosmtpd) on this machine."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import socket
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller
from django.core.management import CommandError, call_command
from django.test import override_settings

from cityweave.engagement.services import workspace_today
from cityweave.reminders import services
from cityweave.reminders.models import DigestPreference, Notification
from cityweave.testing import make_commitment, make_goal, make_stakeholder

pytestmark = pytest.mark.django_db
CHICAGO = ZoneInfo("America/Chicago")


class Inbox:
    """An SMTP handler keeping every message it receives."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 OK"


@pytest.fixture
def inbox():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=port,
            EMAIL_USE_TLS=False,
            EMAIL_HOST_USER="",
            EMAIL_HOST_PASSWORD="",
            CITYWEAVE_URL="https://cityweave.riverton.example",
        ):
            yield handler
    finally:
        controller.stop()


def at(hour: int, days: int = 0) -> dt.datetime:
    """A moment today in Riverton (America/Chicago), `days` later."""
    day = dt.datetime.now(CHICAGO).date() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=CHICAGO)


@pytest.fixture
def follow_ups(riverton, alice_member):
    today = workspace_today(riverton)
    funder = make_stakeholder(riverton, "Riverton Community Foundation")
    make_commitment(
        funder, today - dt.timedelta(days=2), owner=alice_member, description="Send the budget"
    )
    make_goal(
        riverton,
        owner=alice_member,
        statement="Ten active philanthropy ties",
        deadline=today + dt.timedelta(days=5),
    )
    DigestPreference.objects.create(member=alice_member, frequency="daily")


def test_the_digest_goes_once_with_a_one_click_unsubscribe(inbox, follow_ups, riverton):
    sent = services.send_digests(riverton, now=at(8))
    assert [digest.member.user.email for digest in sent] == ["alice@riverton.example"]
    (message,) = inbox.messages
    assert message["To"] == "alice@riverton.example"
    assert message["Subject"] == "Riverton: 2 things to follow up"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert (
        message["List-Unsubscribe"]
        .strip()
        .startswith("<https://cityweave.riverton.example/unsubscribe/")
    )
    body = message.get_content()
    assert "Send the budget (for Riverton Community Foundation): overdue since" in body
    assert "Goal deadline" in body and "Ten active philanthropy ties" in body
    assert "https://cityweave.riverton.example/w/riverton/commitments/" in body
    # The same items are not sent again, the same day or the next.
    assert services.send_digests(riverton, now=at(9)) == []
    assert services.send_digests(riverton, now=at(9, days=1)) == []
    assert len(inbox.messages) == 1
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()


def test_nothing_goes_before_seven_or_to_those_who_chose_none(
    inbox, follow_ups, riverton, alice_member
):
    assert services.send_digests(riverton, now=at(6)) == []
    DigestPreference.objects.filter(member=alice_member).update(frequency="never")
    assert services.send_digests(riverton, now=at(8)) == []
    assert services.send_digests(riverton, now=at(8), force=True) == []
    assert inbox.messages == []


def test_weekly_waits_a_week(inbox, follow_ups, riverton, alice_member):
    DigestPreference.objects.filter(member=alice_member).update(frequency="weekly")
    assert len(services.send_digests(riverton, now=at(8))) == 1
    promise = make_commitment(
        make_stakeholder(riverton), workspace_today(riverton), owner=alice_member
    )
    assert services.send_digests(riverton, now=at(8, days=3)) == []
    (later,) = services.send_digests(riverton, now=at(8, days=7))
    assert [row.object_id for row in later.notifications] == [promise.pk]


def test_a_dry_run_sends_and_records_nothing(inbox, follow_ups, riverton):
    (digest,) = services.send_digests(riverton, now=at(8), dry_run=True)
    assert len(digest.notifications) == 2
    assert inbox.messages == []
    assert not Notification.objects.filter(emailed_at__isnull=False).exists()
    assert DigestPreference.objects.get().last_sent_at is None


def test_a_mail_server_down_keeps_the_items_for_next_time(follow_ups, riverton):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=closed_port,
        EMAIL_USE_TLS=False,
    ):
        assert services.send_digests(riverton, now=at(8)) == []
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 2


def test_the_command_dry_run_lists_the_items(follow_ups, riverton):
    out = StringIO()
    call_command("digest", "--workspace", "riverton", "--dry-run", "--ignore-schedule", stdout=out)
    text = out.getvalue()
    assert "riverton: would get alice@riverton.example: 2 items" in text
    assert "  - Send the budget" in text


def test_the_command_refuses_an_unknown_workspace():
    with pytest.raises(CommandError, match="No workspace with the slug 'nowhere'"):
        call_command("digest", "--workspace", "nowhere")
