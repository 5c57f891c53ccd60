"""JSON API of the network of cities as a network, under /api/v1/networks/{network}: peer
exchanges (log, list, trash, restore), the city network's measures, cohorts, officials'
invitations and who is active. Included by peers/api.py; tagged `peers`.

No `from __future__ import annotations` here: django-ninja reads the annotations at import time.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import Field

from cityweave.peers import city_network, cohorts, exchanges, invitations, services
from cityweave.peers.access import NetworkMember, network_member
from cityweave.peers.models import Cohort, OfficialInvitation, PeerExchange
from cityweave.workspaces.api import Id, ListPagination, Whole

router = Router(tags=["peers"])


def _member(request: HttpRequest, network: str) -> NetworkMember:
    return network_member(request.user, network)  # type: ignore[arg-type]


# == Peer exchanges ==============================================================================


class PeerExchangeIn(Schema):
    """A peer exchange between two member cities (staff editors, or an official of either)."""

    city_a: Id = Field(description="A city's id.")
    city_b: Id = Field(description="The other city's id.")
    kind: str = Field(default="visit", description="visit, call, study-tour, mentoring or other.")
    date: dt.date = Field(description="When it took place; not in the future.")
    note: str = Field(default="", description="Up to 20,000 characters.")


class PeerExchangeOut(Schema):
    """A peer exchange; the cities by id and name."""

    id: int
    uid: str
    city_a: int
    city_a_name: str
    city_b: int
    city_b_name: str
    kind: str
    date: dt.date
    note: str
    created_at: dt.datetime

    @staticmethod
    def resolve_uid(obj: PeerExchange) -> str:
        return str(obj.uid)

    @staticmethod
    def resolve_city_a(obj: PeerExchange) -> int:
        return obj.city_a_id

    @staticmethod
    def resolve_city_b(obj: PeerExchange) -> int:
        return obj.city_b_id

    @staticmethod
    def resolve_city_a_name(obj: PeerExchange) -> str:
        return str(obj.city_a)

    @staticmethod
    def resolve_city_b_name(obj: PeerExchange) -> str:
        return str(obj.city_b)


class ExchangeFilters(Schema):
    """Query filters for the exchanges."""

    city: int | None = Field(default=None, ge=1, description="Only this city's exchanges.")


@router.get("/{network}/exchanges", response=list[PeerExchangeOut], url_name="network_exchanges")
@paginate(ListPagination)
def list_exchanges(
    request: HttpRequest, network: str, filters: Query[ExchangeFilters]
) -> QuerySet[PeerExchange]:
    """The network's peer exchanges, latest first; paginated with `limit` and `offset`."""
    member = _member(request, network)
    city = None
    if filters.city is not None:
        city = services.cities(member).filter(pk=filters.city).first()
        if city is None:
            raise ValidationError({"city": f"No city {filters.city} in this network."})
    return exchanges.exchanges(member, city)


@router.post(
    "/{network}/exchanges", response={201: PeerExchangeOut}, url_name="network_exchanges_create"
)
def create_exchange(
    request: HttpRequest, network: str, payload: PeerExchangeIn
) -> Status[PeerExchange]:
    """Log a peer exchange."""
    member = _member(request, network)
    saved = exchanges.save_exchange(member, payload.dict())
    return Status(201, exchanges.get_exchange(member, saved.pk))


@router.delete(
    "/{network}/exchanges/{int:exchange_id}",
    response={204: None},
    url_name="network_exchanges_delete",
)
def delete_exchange(request: HttpRequest, network: str, exchange_id: int) -> Status[None]:
    """Move an exchange to the network's trash (staff editors and its cities' officials)."""
    member = _member(request, network)
    exchanges.trash_exchange(member, exchanges.get_exchange(member, exchange_id))
    return Status(204, None)


@router.post(
    "/{network}/exchanges/{int:exchange_id}/restore",
    response=PeerExchangeOut,
    url_name="network_exchanges_restore",
)
def restore_exchange(request: HttpRequest, network: str, exchange_id: int) -> PeerExchange:
    """Bring an exchange back from the trash."""
    member = _member(request, network)
    exchanges.restore_exchange(member, exchange_id)
    return exchanges.get_exchange(member, exchange_id)


# == The city network ============================================================================


class CityPositionOut(Schema):
    """A city's place in the city network: ties (degree), summed tie weight (strength),
    betweenness (raw and normalised, distance 1/weight), Burt's constraint and effective size
    (null without ties), Gould–Fernandez brokerage by region (null without a region) and its
    between-region total (itinerant + representative + gatekeeper + liaison)."""

    id: int
    name: str
    region: str
    degree: int
    strength: float
    betweenness: float
    betweenness_normalized: float | None
    constraint: float | None
    effective_size: float | None
    brokerage: dict[str, int | None]
    between_regions: int | None
    isolated: bool


class CityLinkOut(Schema):
    """The ties between two cities, merged: summed weight, kinds, and each tie's label."""

    a: int
    b: int
    weight: float
    kinds: list[str]
    labels: list[str]


class CityNetworkReportOut(Schema):
    """The city network: a summary, every city's position (by name), the links, the brokers
    (ids, most between-region brokerage first) and the isolated cities (ids)."""

    summary: dict[str, Any]
    cities: list[CityPositionOut]
    links: list[CityLinkOut]
    brokers: list[int]
    isolated: list[int]


@router.get(
    "/{network}/city-network", response=CityNetworkReportOut, url_name="network_city_network"
)
def get_city_network(request: HttpRequest, network: str) -> dict[str, Any]:
    """The network of cities as a network: cities tied by their peer exchanges, with the
    measures (definitions in cityweave/peers/city_network.py)."""
    report = city_network.city_network(_member(request, network).network)
    return {
        "summary": report.summary,
        "cities": [
            {
                **{
                    name: getattr(p, name)
                    for name in CityPositionOut.model_fields
                    if name != "isolated"
                },
                "isolated": p.isolated,
            }
            for p in report.positions
        ],
        "links": [
            {
                "a": k.a,
                "b": k.b,
                "weight": k.weight,
                "kinds": list(k.kinds),
                "labels": list(k.labels),
            }
            for k in report.links
        ],
        "brokers": [p.id for p in report.brokers],
        "isolated": [p.id for p in report.isolated],
    }


# == Cohorts =====================================================================================


class CohortFilters(Schema):
    """The group size and, optionally, the challenges the groups are built around."""

    size: int = Field(description="Cities per group, 3 to 15 (URBACT's are 6 to 10).")
    challenges: list[str] = Field(default=[], description="Challenge keys; none: all count.")


class CohortCityOut(Schema):
    """A city of a cohort."""

    id: int
    name: str
    region: str


class CohortOut(Schema):
    """A cohort: its number, theme (a challenge key, "" when its cities share none), cities,
    the challenges two or more of them face with how many, the cities with a strength in its
    theme, its score and why."""

    number: int
    theme: str
    cities: list[CohortCityOut]
    shared: dict[str, int]
    strong: list[str]
    score: float
    reason: str


class CohortPlanOut(Schema):
    """The cohorts for a size: the groups, the smallest a group may be, the challenges that
    counted, the cities left out (facing none of them), and the score before and after the
    swaps."""

    size: int
    minimum: int
    challenges: list[str]
    cohorts: list[CohortOut]
    left_out: list[CohortCityOut]
    greedy_score: float
    score: float
    swaps: int
    method: str = Field(description="The score's formula.")


@router.get("/{network}/cohorts", response=CohortPlanOut, url_name="network_cohorts")
def get_cohorts(
    request: HttpRequest, network: str, filters: Query[CohortFilters]
) -> dict[str, Any]:
    """The network's cities split into cohorts of about `size`, each around a shared challenge,
    with the reason; deterministic."""
    plan = cohorts.network_cohorts(_member(request, network), filters.size, filters.challenges)

    def city(c: Any) -> dict[str, Any]:
        return {"id": c.id, "name": c.name, "region": c.region}

    return {
        "size": plan.size,
        "minimum": plan.minimum,
        "challenges": list(plan.challenges),
        "cohorts": [
            {
                "number": c.number,
                "theme": c.theme,
                "cities": [city(x) for x in c.cities],
                "shared": dict(c.shared),
                "strong": list(c.strong),
                "score": c.score,
                "reason": c.reason,
            }
            for c in plan.cohorts
        ],
        "left_out": [city(x) for x in plan.left_out],
        "greedy_score": plan.greedy_score,
        "score": plan.score,
        "swaps": plan.swaps,
        "method": cohorts.FORMULA,
    }


class SavedCohortIn(Schema):
    """The plan to keep: the group size and the challenges, as for `GET …/cohorts`."""

    size: Whole = Field(description="Cities per group, 3 to 15.")
    challenges: list[str] = []


class SavedCohortOut(Schema):
    """A saved cohort: its name, theme, reason, the size asked for, and its live cities."""

    id: int
    name: str
    theme: str
    reason: str
    size: int
    cities: list[CohortCityOut]
    created_at: dt.datetime

    @staticmethod
    def resolve_cities(obj: Cohort) -> list[dict[str, Any]]:
        live = obj.live_cities  # type: ignore[attr-defined]  # saved_cohorts' prefetch
        return [{"id": c.pk, "name": c.name, "region": c.region} for c in live]


@router.get(
    "/{network}/saved-cohorts", response=list[SavedCohortOut], url_name="network_saved_cohorts"
)
def list_saved_cohorts(request: HttpRequest, network: str) -> list[Cohort]:
    """The network's saved cohorts, newest first."""
    return list(cohorts.saved_cohorts(_member(request, network)))


@router.post(
    "/{network}/saved-cohorts",
    response={201: list[SavedCohortOut]},
    url_name="network_saved_cohorts_create",
)
def create_saved_cohorts(
    request: HttpRequest, network: str, payload: SavedCohortIn
) -> Status[list[Cohort]]:
    """Keep the groups of the plan for `size` and `challenges` as saved cohorts (staff
    editors)."""
    member = _member(request, network)
    saved = cohorts.save_cohorts(member, payload.size, payload.challenges)
    return Status(201, list(cohorts.saved_cohorts(member).filter(pk__in=[c.pk for c in saved])))


@router.delete(
    "/{network}/saved-cohorts/{int:cohort_id}",
    response={204: None},
    url_name="network_saved_cohorts_delete",
)
def delete_saved_cohort(request: HttpRequest, network: str, cohort_id: int) -> Status[None]:
    """Move a saved cohort to the network's trash (staff editors)."""
    cohorts.trash_cohort(_member(request, network), cohort_id)
    return Status(204, None)


@router.post(
    "/{network}/saved-cohorts/{int:cohort_id}/restore",
    response=SavedCohortOut,
    url_name="network_saved_cohorts_restore",
)
def restore_saved_cohort(request: HttpRequest, network: str, cohort_id: int) -> Cohort:
    """Bring a saved cohort back from the trash (staff editors)."""
    member = _member(request, network)
    cohorts.restore_cohort(member, cohort_id)
    return cohorts.saved_cohorts(member).get(pk=cohort_id)


# == Invitations and activity ====================================================================


class InvitationIn(Schema):
    """Invite an email address to be an official of a city (staff editors)."""

    city: Id = Field(description="The city's id.")
    email: str = Field(min_length=1, max_length=254)


class InvitationOut(Schema):
    """An invitation: pending or expired (open ones), accepted or withdrawn."""

    id: int
    city: int
    city_name: str
    email: str
    status: str
    created_at: dt.datetime
    expires_at: dt.datetime

    @staticmethod
    def resolve_city(obj: OfficialInvitation) -> int:
        return obj.city_id

    @staticmethod
    def resolve_city_name(obj: OfficialInvitation) -> str:
        return str(obj.city)


@router.get("/{network}/invitations", response=list[InvitationOut], url_name="network_invitations")
def list_invitations(request: HttpRequest, network: str) -> list[OfficialInvitation]:
    """The network's open invitations (pending or expired), newest first; staff only."""
    return list(invitations.open_invitations(_member(request, network)))


@router.post(
    "/{network}/invitations",
    response={201: InvitationOut},
    url_name="network_invitations_create",
)
def create_invitation(
    request: HttpRequest, network: str, payload: InvitationIn
) -> Status[OfficialInvitation]:
    """Invite someone to be an official of a city: they are emailed a link that works once,
    for 14 days (on CITYWEAVE_URL)."""
    member = _member(request, network)
    city = services.cities(member).filter(pk=payload.city).first()
    if city is None:
        raise ValidationError({"city": f"No city {payload.city} in this network."})
    return Status(201, invitations.invite_official(member, city, payload.email))


@router.delete(
    "/{network}/invitations/{int:invitation_id}",
    response={204: None},
    url_name="network_invitations_delete",
)
def delete_invitation(request: HttpRequest, network: str, invitation_id: int) -> Status[None]:
    """Withdraw an open invitation: its link stops working (staff editors)."""
    invitations.withdraw(_member(request, network), invitation_id)
    return Status(204, None)


class OfficialActivityOut(Schema):
    """An official of a city and their last login (null: never signed in)."""

    email: str
    name: str
    last_login: dt.datetime | None


class CityActivityOut(Schema):
    """A city, its officials, the last change to its profile, strengths or exchanges, and the
    number of its open invitations."""

    city: int
    name: str
    officials: list[OfficialActivityOut]
    last_login: dt.datetime | None
    last_change: dt.datetime
    open_invitations: int


@router.get("/{network}/activity", response=list[CityActivityOut], url_name="network_activity")
def list_activity(request: HttpRequest, network: str) -> list[dict[str, Any]]:
    """Who is active: every city with its officials' last login and its last change; staff only."""
    return [
        {
            "city": row.city.pk,
            "name": str(row.city),
            "officials": [
                {"email": u.email, "name": u.name, "last_login": u.last_login}
                for u in row.officials
            ],
            "last_login": row.last_login,
            "last_change": row.last_change,
            "open_invitations": len(row.invitations),
        }
        for row in invitations.activity(_member(request, network))
    ]
