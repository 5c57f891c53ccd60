"""JSON API for networks of cities under /api/v1/networks: the networks the caller has a seat
in, a network's challenges, its member cities (CRUD), their strengths, and a city's peers.

The path names the network `{network}` (its slug), not `{slug}`: the API's viewer check reads
`slug` as a workspace's. Seats are checked by the services (access.py): no seat is 404, a seat
without the right to change something 403.

No `from __future__ import annotations` here: django-ninja reads the annotations at import time.
"""

import datetime as dt
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import Field

from cityweave.peers import city_network, matching, services
from cityweave.peers.access import NetworkMember, network_member
from cityweave.peers.cohort_api import router as network_router
from cityweave.peers.convening_api import router as convening_router
from cityweave.peers.guide_api import router as guide_router
from cityweave.peers.models import BUILT_IN_CHALLENGES, MAX_POPULATION, MemberCity, Strength
from cityweave.workspaces.api import ListPagination, PatchSchema, Whole

router = Router(tags=["peers"])
# Peer guides (guide_api.py), under the same /networks/{network}/ paths.
router.add_router("", guide_router)
# Convenings (convening_api.py): under the same /{network}/ paths.
router.add_router("", convening_router)

#: The matches' formula, as the API states it.
FORMULA = (
    "score = 3·overlap + 2·help + 1·size + 0.5·region; overlap = Σ w_c over shared challenges "
    "÷ Σ w_c over either city's, w_c = ln(1 + N/n_c); help = Σ w_c over the city's challenges "
    "the peer has a strength in ÷ Σ w_c over the city's; size = max(0, 1 − |log10(p_a/p_b)|/2); "
    "region = 1 in the same state or region"
)


def _member(request: HttpRequest, network: str) -> NetworkMember:
    return network_member(request.user, network)  # type: ignore[arg-type]


class CityNetworkOut(Schema):
    """A network of cities the caller has a seat in, and how: "Staff: owner", "City official"."""

    slug: str
    name: str
    role: str
    cities: list[str] = Field(description="The cities the caller is an official of.")


@router.get("", response=list[CityNetworkOut], url_name="networks_list")
def list_networks(request: HttpRequest) -> list[dict[str, Any]]:
    """The networks of cities the caller is on the staff of or an official in."""
    return [
        {
            "slug": seat.network.slug,
            "name": seat.network.name,
            "role": seat.role_label,
            "cities": seat.cities,
        }
        for seat in services.networks_of(request.user)  # type: ignore[arg-type]
    ]


# == Challenges ==================================================================================


class NetworkChallengeIn(Schema):
    """One of the network's own challenges."""

    key: str = Field(min_length=1, max_length=50, description="e.g. `transit`.")
    label: str = Field(min_length=1, max_length=100)


class NetworkChallengeOut(Schema):
    """A challenge of the network's taxonomy: built in, or the network's own."""

    key: str
    label: str
    built_in: bool


@router.get(
    "/{network}/challenges",
    response=list[NetworkChallengeOut],
    url_name="network_challenges",
)
def list_challenges(request: HttpRequest, network: str) -> list[dict[str, Any]]:
    """The network's challenges: the built-in ones, then its own."""
    member = _member(request, network)
    return [
        {"key": key, "label": label, "built_in": key in BUILT_IN_CHALLENGES}
        for key, label in services.challenge_choices(member.network)
    ]


@router.post(
    "/{network}/challenges",
    response={201: NetworkChallengeOut},
    url_name="network_challenges_create",
)
def create_challenge(
    request: HttpRequest, network: str, payload: NetworkChallengeIn
) -> Status[dict[str, Any]]:
    """Add one of the network's own challenges (staff editors)."""
    challenge = services.add_challenge(_member(request, network), payload.key, payload.label)
    return Status(201, {"key": challenge.key, "label": challenge.label, "built_in": False})


# == Member cities ===============================================================================


class MemberCityIn(Schema):
    """A new member city (staff editors). `challenges` are keys of the network's taxonomy;
    `workspace` the slug of the city's own workspace, which the caller owns (it stays private:
    the network sees only `has_workspace`)."""

    name: str = Field(min_length=1, max_length=200)
    region: str = Field(default="", max_length=100, description="State or region, e.g. TN.")
    country: str = Field(default="United States", min_length=1, max_length=100)
    population: Whole | None = Field(default=None, ge=0, le=MAX_POPULATION)
    timezone: str = Field(default="", max_length=64, description="e.g. America/New_York.")
    officials: str = Field(default="", description="Participating officials, one per line.")
    partners: str = Field(default="", description="Participating partners, one per line.")
    challenges: list[str] = []
    workspace: str | None = None


class MemberCityPatch(PatchSchema):
    """Fields to change on a city's profile (staff editors and the city's officials)."""

    Creates: ClassVar[type[Schema]] = MemberCityIn

    name: str | None = Field(default=None, min_length=1, max_length=200)
    region: str | None = Field(default=None, max_length=100)
    country: str | None = Field(default=None, min_length=1, max_length=100)
    population: Whole | None = Field(default=None, ge=0, le=MAX_POPULATION)
    timezone: str | None = Field(default=None, max_length=64)
    officials: str | None = None
    partners: str | None = None
    challenges: list[str] | None = None
    workspace: str | None = None


class MemberCityOut(Schema):
    """A member city's profile; `size_band` comes from its population (small under 50,000,
    mid 50,000–249,999, large 250,000–999,999, very-large 1,000,000 or more)."""

    id: int
    uid: str
    name: str
    region: str
    country: str
    population: int | None
    size_band: str | None
    timezone: str
    officials: str
    partners: str
    challenges: list[str]
    has_workspace: bool
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_uid(obj: MemberCity) -> str:
        return str(obj.uid)

    @staticmethod
    def resolve_size_band(obj: MemberCity) -> str | None:
        band = obj.size_band
        return str(band.value) if band is not None else None

    @staticmethod
    def resolve_challenges(obj: MemberCity) -> list[str]:
        return services.city_challenges(obj)

    @staticmethod
    def resolve_has_workspace(obj: MemberCity) -> bool:
        return obj.workspace_id is not None


class MemberCityFilters(Schema):
    """Query filters for the city list."""

    challenge: str | None = Field(default=None, max_length=50, description="A challenge key.")


@router.get("/{network}/cities", response=list[MemberCityOut], url_name="network_cities")
@paginate(ListPagination)
def list_cities(
    request: HttpRequest, network: str, filters: Query[MemberCityFilters]
) -> QuerySet[MemberCity]:
    """The network's cities by name, optionally only those facing one `challenge`; paginated
    with `limit` and `offset`."""
    member = _member(request, network)
    if filters.challenge and filters.challenge not in dict(
        services.challenge_choices(member.network)
    ):
        raise ValidationError({"challenge": f"Unknown challenge “{filters.challenge}”."})
    return services.cities(member, filters.challenge or "")


def _city(member: NetworkMember, city_id: int) -> MemberCity:
    return services.get_city(member, city_id)


@router.post("/{network}/cities", response={201: MemberCityOut}, url_name="network_cities_create")
def create_city(request: HttpRequest, network: str, payload: MemberCityIn) -> Status[MemberCity]:
    """Add a member city."""
    member = _member(request, network)
    city = services.save_city(member, payload.dict())
    return Status(201, _city(member, city.pk))


@router.get(
    "/{network}/cities/{int:city_id}", response=MemberCityOut, url_name="network_cities_detail"
)
def get_city(request: HttpRequest, network: str, city_id: int) -> MemberCity:
    """One member city's profile."""
    return _city(_member(request, network), city_id)


@router.patch(
    "/{network}/cities/{int:city_id}", response=MemberCityOut, url_name="network_cities_update"
)
def update_city(
    request: HttpRequest, network: str, city_id: int, payload: MemberCityPatch
) -> MemberCity:
    """Change some fields of a city's profile."""
    member = _member(request, network)
    services.save_city(member, payload.dict(exclude_unset=True), _city(member, city_id))
    return _city(member, city_id)


@router.delete(
    "/{network}/cities/{int:city_id}", response={204: None}, url_name="network_cities_delete"
)
def delete_city(request: HttpRequest, network: str, city_id: int) -> Status[None]:
    """Move a city, with its strengths, to the network's trash (an owner can restore it)."""
    member = _member(request, network)
    services.trash_city(member, _city(member, city_id))
    return Status(204, None)


@router.post(
    "/{network}/cities/{int:city_id}/restore",
    response=MemberCityOut,
    url_name="network_cities_restore",
)
def restore_city(request: HttpRequest, network: str, city_id: int) -> MemberCity:
    """Bring a city back from the network's trash with its strengths (staff owners)."""
    member = _member(request, network)
    services.restore_city(member, city_id)
    return _city(member, city_id)


# == Strengths ===================================================================================


class StrengthIn(Schema):
    """Something the city has done well and can share: a challenge key, one line, evidence."""

    challenge: str = Field(min_length=1, max_length=50)
    description: str = Field(min_length=1, max_length=300)
    evidence: str = ""


class StrengthOut(Schema):
    """A strength of a city."""

    id: int
    challenge: str
    description: str
    evidence: str
    created_at: dt.datetime


@router.get(
    "/{network}/cities/{int:city_id}/strengths",
    response=list[StrengthOut],
    url_name="network_city_strengths",
)
def list_strengths(request: HttpRequest, network: str, city_id: int) -> QuerySet[Strength]:
    """The city's strengths by challenge."""
    member = _member(request, network)
    return services.strengths(member, _city(member, city_id))


@router.post(
    "/{network}/cities/{int:city_id}/strengths",
    response={201: StrengthOut},
    url_name="network_city_strengths_create",
)
def create_strength(
    request: HttpRequest, network: str, city_id: int, payload: StrengthIn
) -> Status[Strength]:
    """Add a strength (staff editors and the city's officials)."""
    member = _member(request, network)
    return Status(201, services.save_strength(member, _city(member, city_id), payload.dict()))


@router.delete(
    "/{network}/cities/{int:city_id}/strengths/{int:strength_id}",
    response={204: None},
    url_name="network_city_strengths_delete",
)
def delete_strength(
    request: HttpRequest, network: str, city_id: int, strength_id: int
) -> Status[None]:
    """Move a strength to the network's trash (staff editors and the city's officials)."""
    member = _member(request, network)
    city = _city(member, city_id)
    services.trash_strength(member, services.get_strength(member, city, strength_id))
    return Status(204, None)


# == Matches =====================================================================================


class PeerMatchOut(Schema):
    """A peer of the city: its score and the parts (each 0 to 1 before weighting), the shared
    challenges, the city's challenges the peer has a strength in, known or opportunity, why."""

    city: int
    name: str
    region: str
    score: float
    overlap: float
    help: float
    size: float
    same_region: float
    shared: list[str]
    peer_strengths: list[str]
    strengths: list[str] = Field(description="Every challenge the peer has a strength in.")
    status: str
    reason: str


class PeerMatchesOut(Schema):
    """A city's peers, best first, with the formula of their score."""

    formula: str
    count: int = Field(description="How many peers match, before `limit`.")
    matches: list[PeerMatchOut]


class MatchFilters(Schema):
    """Query filters for the matches."""

    challenge: str | None = Field(default=None, max_length=50, description="A challenge key.")
    limit: int = Field(default=100, ge=1, le=10_000, description="The best this many peers.")


@router.get(
    "/{network}/cities/{int:city_id}/matches",
    response=PeerMatchesOut,
    url_name="network_city_matches",
)
def city_matches(
    request: HttpRequest, network: str, city_id: int, filters: Query[MatchFilters]
) -> dict[str, Any]:
    """The city's best `limit` peers, best first (`count` says how many match); `challenge`
    keeps those facing it or strong in it. A peer the city has a tie with in the city network
    (a peer exchange, a convening attended together, a guide co-written) is "known", any other
    an "opportunity"."""
    member = _member(request, network)
    city = _city(member, city_id)
    labels = dict(services.challenge_choices(member.network))
    if filters.challenge and filters.challenge not in labels:
        raise ValidationError({"challenge": f"Unknown challenge “{filters.challenge}”."})
    facts = matching.load_facts(member.network)
    mine = next(f for f in facts if f.id == city.pk)
    found = matching.matches(
        mine,
        facts,
        challenge=filters.challenge or "",
        labels=labels,
        known=city_network.known_cities(member.network, city.pk),
    )
    return {
        "formula": FORMULA,
        "count": len(found),
        "matches": [
            {
                "city": m.peer.id,
                "name": m.peer.name,
                "region": m.peer.region,
                "score": m.score,
                "overlap": m.overlap,
                "help": m.help,
                "size": m.size,
                "same_region": m.region,
                "shared": list(m.shared),
                "peer_strengths": list(m.peer_strengths),
                "strengths": sorted(m.peer.strengths),
                "status": m.status,
                "reason": m.reason,
            }
            for m in found[: filters.limit]
        ],
    }


# The network of cities as a network: exchanges, its measures, cohorts, invitations (cohort_api).
router.add_router("", network_router)
