"""`listed` prefetches keep a relation's records as a list; `related` reads it or the database."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cityweave.engagement.models import Interaction
from cityweave.stakeholders.models import Stakeholder
from cityweave.workspaces.models import Membership, listed


@pytest.fixture
def meeting(riverton, alice_member) -> Interaction:
    interaction = Interaction.objects.create(
        workspace=riverton,
        occurred_at=timezone.now() - dt.timedelta(days=1),
        summary="Budget briefing",
        author=alice_member,
    )
    people = [
        Stakeholder.objects.create(workspace=riverton, name=name) for name in ("Ana", "Ben", "Cy")
    ]
    interaction.participants.set(people)
    interaction.members_present.set([alice_member])
    people[2].deleted_at = timezone.now()  # in the trash: left out, as by an ordinary prefetch
    people[2].save()
    return interaction


def test_a_listed_relation_is_read_without_a_query_and_leaves_out_the_trash(meeting):
    rows = list(
        Interaction.objects.filter(pk=meeting.pk).prefetch_related(
            *listed("participants", members_present=Membership.objects.select_related("user"))
        )
    )
    with CaptureQueriesContext(connection) as queries:
        names = [p.name for p in rows[0].participant_list]
        users = [m.user.email for m in rows[0].members_present_list]
    assert names == ["Ana", "Ben"]
    assert users == [meeting.author.user.email]
    assert len(queries) == 0


def test_without_the_prefetch_related_reads_the_database(meeting):
    row = Interaction.objects.get(pk=meeting.pk)
    with CaptureQueriesContext(connection) as queries:
        names = [p.name for p in row.participant_list]
    assert names == ["Ana", "Ben"]
    assert len(queries) == 1
    # An ordinary prefetch is honoured too.
    row = Interaction.objects.prefetch_related("participants").get(pk=meeting.pk)
    with CaptureQueriesContext(connection) as queries:
        assert [p.name for p in row.related("participants")] == ["Ana", "Ben"]
    assert len(queries) == 0
