"""A partner's own profile from a wave: its trust and value against the network's, shown to
that partner through a private link (no account).

The link carries a signed (wave id, stakeholder id) pair (Django's signing, HMAC with the
server's secret key, salted): it cannot be guessed or altered, and it names nothing in the
clear. It stops working when the wave or its survey goes to the trash or the partner does.

Raters stay anonymous to the partner: the page never says who rated it, and when fewer
responses than the survey's fewest raters (`min_raters`) rated it, it shows neither score nor
item means, only that too few partners rated it, since one rater's ratings would be readable
from the means.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core import signing
from django.http import Http404

from cityweave.stakeholders.models import Stakeholder
from cityweave.surveys.models import Wave
from cityweave.surveys.scoring import (
    NetworkScores,
    PartnerScore,
    network_measures,
    network_scores,
    partner_scores,
    wave_ratings,
)
from cityweave.surveys.surveyed import surveyed_ties

SALT = "cityweave.surveys.profile"


def profile_token(wave: Wave, stakeholder_id: int) -> str:
    """The private token of a partner's profile from `wave` (URL-safe text)."""
    return signing.dumps([wave.pk, stakeholder_id], salt=SALT, compress=True)


@dataclass(frozen=True)
class PartnerProfile:
    """One partner's view of a wave: its scores (None when fewer than the survey's fewest
    raters rated it, or nobody did), the network's means, how many partners named it and it
    named (in- and out-degree of the surveyed network), and the roster's size."""

    wave: Wave
    partner: Stakeholder
    score: PartnerScore | None
    too_few_raters: bool
    network: NetworkScores
    named_by: int
    names: int
    partners: int


def partner_profile(token: str) -> PartnerProfile:
    """The profile a token opens; Http404 for a bad token, or a wave, survey or partner in the
    trash (four queries)."""
    try:
        wave_id, stakeholder_id = signing.loads(token, salt=SALT)
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise Http404("No such profile") from error
    wave = (
        Wave.objects.filter(pk=wave_id, survey__deleted_at__isnull=True)
        .select_related("survey", "workspace")
        .first()
    )
    partner = Stakeholder.objects.filter(pk=stakeholder_id).first()
    if wave is None or partner is None or partner.workspace_id != wave.workspace_id:
        raise Http404("No such profile")
    ratings = wave_ratings(wave)
    scores = partner_scores(ratings, wave.survey.min_raters)
    mine = scores.get(partner.pk)
    too_few = mine is not None and mine.flagged
    roster = list(wave.roster.filter(deleted_at=None).values_list("pk", flat=True))
    structure = network_measures(surveyed_ties(wave), roster, engine=False)
    return PartnerProfile(
        wave=wave,
        partner=partner,
        score=None if too_few else mine,
        too_few_raters=too_few,
        network=network_scores(scores, ratings),
        named_by=structure.in_degree.get(partner.pk, 0),
        names=structure.out_degree.get(partner.pk, 0),
        partners=structure.nodes,
    )
