"""The asset and gap map with its suggestions costs a fixed number of queries: the same for a
handful of stakeholders as for 2,000 with ties, interactions, partnerships and survey ratings."""

from __future__ import annotations

import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cityweave.engagement.models import Interaction
from cityweave.network.models import RECORDED, NetworkSnapshot
from cityweave.partnerships import gaps, risks
from cityweave.partnerships.models import Asset, Need, Partner, Partnership, Risk
from cityweave.partnerships.testing import make_partnership
from cityweave.stakeholders.models import Stakeholder, Tie
from cityweave.surveys.testing import make_respondent, make_response, make_survey, make_wave
from cityweave.testing import make_member, make_workspace

OFFERS = ["funding", "data", "expertise", "volunteers"]


def build(size: int):
    """A workspace of `size` stakeholders who offer something, a tie chain among them with the
    city's ties to every tenth, interactions, other partnerships and a surveyed wave; a
    partnership with gaps in four value types."""
    workspace = make_workspace(f"Size {size}", f"size-{size}")
    member = make_member(workspace)
    city = Stakeholder.objects.create(
        workspace=workspace, name="City Hall", sector="local-government", is_internal=True
    )
    people = Stakeholder.objects.bulk_create(
        Stakeholder(
            workspace=workspace,
            name=f"Org {n:05d}",
            sort_name=f"org {n:05d}",
            sector="nonprofit",
            offers=[OFFERS[n % 4], OFFERS[(n + 1) % 4]],
        )
        for n in range(size)
    )
    Tie.objects.bulk_create(
        [
            Tie(workspace=workspace, source=a, target=b, trust=(a.pk % 4) + 1)
            for a, b in itertools.pairwise(people)
        ]
        + [
            Tie(workspace=workspace, source=city, target=p, trust=3, owner=member)
            for p in people[::10]
        ]
    )
    partnership = make_partnership(member)
    Partner.objects.bulk_create(
        Partner(workspace=workspace, partnership=partnership, stakeholder=p, roles=["advisor"])
        for p in people[: max(2, size // 50)]
    )
    other = make_partnership(member, "Other")
    Partner.objects.bulk_create(
        Partner(workspace=workspace, partnership=other, stakeholder=p, roles=["advisor"])
        for p in people[::3]
    )
    for n in range(3):
        interaction = Interaction.objects.create(
            workspace=workspace, occurred_at=timezone.now(), summary=f"Meeting {n}"
        )
        interaction.participants.set(people[n::7])
    rater = people[0]
    wave = make_wave(make_survey(member), roster=people[:20])
    make_response(
        wave,
        make_respondent(wave, rater),
        ties={p: {"reliability": 3, "mission": 4} for p in people[1 : 1 + size // 10]},
    )
    NetworkSnapshot.objects.update_or_create(
        workspace=workspace,
        view=RECORDED,
        defaults={
            "version": f"v{size}",
            "computed_at": timezone.now(),
            "result": {
                "nodes": [
                    {"id": p.pk, "betweenness_normalized": 1 / (p.pk % 13 + 1), "degree": 2}
                    for p in people
                ]
            },
        },
    )
    for n, value_type in enumerate(OFFERS):
        Need.objects.create(
            workspace=workspace,
            partnership=partnership,
            value_type=value_type,
            description=f"Need {n}",
            amount=1000,
        )
    for n in range(size // 100 + 2):
        Asset.objects.create(
            workspace=workspace,
            partnership=partnership,
            kind="data",
            value_type="data",
            holder=people[n],
            description=f"Asset {n}",
            amount=10,
        )
        Risk.objects.create(
            workspace=workspace,
            partnership=partnership,
            title=f"Risk {n}",
            likelihood=n % 5 + 1,
            impact=3,
            owner=member,
        )
    return member, Partnership.objects.get(pk=partnership.pk)


def count(member, partnership, read):
    with CaptureQueriesContext(connection) as queries:
        read(member, partnership)
    return len(queries)


def read_map(member, partnership):
    found = gaps.gap_map(member, partnership)
    assert all(row.suggestions for row in found.rows if row.is_gap)
    for row in found.rows:
        for suggestion in row.suggestions:
            for item in suggestion.introducers:
                str(item.owner.user if item.owner else "")
                str(item.stakeholder)


def read_risks(member, partnership):
    register = risks.risks(partnership)
    for risk in register:
        str(risk.owner.user if risk.owner else "")
    risks.heat_grid(register)


@pytest.mark.django_db
@pytest.mark.parametrize("read", [read_map, read_risks])
def test_the_map_and_the_register_cost_the_same_at_2000_stakeholders(read):
    small = build(12)
    large = build(2000)
    # Warm the process caches (the stored analysis is decoded once per version).
    read(*small)
    read(*large)
    assert count(small[0], small[1], read) == count(large[0], large[1], read)
    if read is read_map:
        found = gaps.gap_map(*large)
        assert all(len(row.suggestions) == gaps.SUGGESTIONS_PER_GAP for row in found.rows)
