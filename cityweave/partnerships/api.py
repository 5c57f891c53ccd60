"""JSON API for partnerships under /api/v1/workspaces/{slug}/partnerships: partnerships, their
partners with roles, their benchmarks with the computed status, and the benchmarks' progress.

No `from __future__ import annotations` here: django-ninja reads the annotations at import time.
"""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, ClassVar

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import AfterValidator, Field

from cityweave.engagement.services import workspace_today
from cityweave.partnerships import benchmarks, services
from cityweave.partnerships.api_parts import Part, add_part_routes
from cityweave.partnerships.models import Benchmark, BenchmarkProgress, Partner, Partnership
from cityweave.storable import text_problem
from cityweave.workspaces.api import Id, ListPagination, PatchSchema, api_member
from cityweave.workspaces.models import Membership, listed

router = Router(tags=["partnerships"])

#: The models' DecimalField(max_digits=14, decimal_places=2), checked before the model sees it.
Amount = Annotated[Decimal, Field(max_digits=14, decimal_places=2)]


def _group_name(value: str) -> str:
    """A population group's name: not blank, and text the databases keep (storable.py)."""
    problem = text_problem(value, required=True)
    if problem:
        raise ValueError(problem)
    return value


GroupName = Annotated[str, Field(min_length=1, max_length=100), AfterValidator(_group_name)]


# == Partnerships =================================================================================


class PartnershipIn(Schema):
    """A new partnership. `officer` is a membership id; `consulted` stakeholder ids (who helped
    write the problem statement); `goals` goal ids; `population_groups` names."""

    name: str = Field(min_length=1, max_length=200)
    problem: str = Field(default="", description="The problem statement.")
    consulted: list[Id] = []
    area: str = Field(default="", max_length=200)
    population_groups: list[GroupName] = []
    past_efforts: str = Field(default="", description="Earlier efforts and what was learned.")
    status: Partnership.PartnershipStatus = Partnership.PartnershipStatus.EXPLORING
    started_on: dt.date | None = None
    review_on: dt.date | None = None
    officer: Id | None = None
    goals: list[Id] = []


class PartnershipPatch(PatchSchema):
    """Fields to change on a partnership; omitted fields stay as they are."""

    Creates: ClassVar[type[Schema]] = PartnershipIn

    name: str | None = Field(default=None, min_length=1, max_length=200)
    problem: str | None = None
    consulted: list[Id] | None = None
    area: str | None = Field(default=None, max_length=200)
    population_groups: list[GroupName] | None = None
    past_efforts: str | None = None
    status: Partnership.PartnershipStatus | None = None
    started_on: dt.date | None = None
    review_on: dt.date | None = None
    officer: Id | None = None
    goals: list[Id] | None = None


class PartnershipOut(Schema):
    """A partnership."""

    id: int
    uid: str
    name: str
    problem: str
    consulted: list[int]
    area: str
    population_groups: list[str]
    past_efforts: str
    status: str
    started_on: dt.date | None
    review_on: dt.date | None
    officer: int | None
    officer_name: str | None
    goals: list[int]
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_uid(obj: Partnership) -> str:
        return str(obj.uid)

    @staticmethod
    def resolve_officer(obj: Partnership) -> int | None:
        return obj.officer_id

    @staticmethod
    def resolve_officer_name(obj: Partnership) -> str | None:
        return obj.officer.user.display_name if obj.officer is not None else None

    @staticmethod
    def resolve_consulted(obj: Partnership) -> list[int]:
        return [s.pk for s in obj.related("consulted")]

    @staticmethod
    def resolve_goals(obj: Partnership) -> list[int]:
        return [g.pk for g in obj.related("goals")]


class PartnershipFilters(Schema):
    """Query filters for the partnership list."""

    status: Partnership.PartnershipStatus | None = None


def _loaded(queryset: QuerySet[Partnership]) -> QuerySet[Partnership]:
    return queryset.select_related("officer__user").prefetch_related(*listed("consulted", "goals"))


def _partnership(member: Membership, partnership_id: int) -> Partnership:
    """The partnership with its officer, consulted stakeholders and goals loaded."""
    found = _loaded(services.partnerships(member)).filter(pk=partnership_id).first()
    if found is None:
        raise Http404("No such partnership")
    return found


@router.get("/{slug}/partnerships", response=list[PartnershipOut], url_name="partnerships_list")
@paginate(ListPagination)
def list_partnerships(request: HttpRequest, slug: str, filters: Query[PartnershipFilters]) -> Any:
    """The workspace's partnerships by name, optionally of one `status`; paginated with `limit`
    and `offset`."""
    member = api_member(request, slug)
    queryset = _loaded(services.partnerships(member))
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    return queryset.order_by("name", "pk")


@router.post("/{slug}/partnerships", response={201: PartnershipOut}, url_name="partnerships_create")
def create_partnership(
    request: HttpRequest, slug: str, payload: PartnershipIn
) -> Status[Partnership]:
    """Start a partnership."""
    member = api_member(request, slug, write=True)
    partnership = services.save_partnership(member, payload.dict())
    return Status(201, _partnership(member, partnership.pk))


@router.get(
    "/{slug}/partnerships/{int:partnership_id}",
    response=PartnershipOut,
    url_name="partnerships_detail",
)
def get_partnership(request: HttpRequest, slug: str, partnership_id: int) -> Partnership:
    """One partnership."""
    return _partnership(api_member(request, slug), partnership_id)


@router.patch(
    "/{slug}/partnerships/{int:partnership_id}",
    response=PartnershipOut,
    url_name="partnerships_update",
)
def update_partnership(
    request: HttpRequest, slug: str, partnership_id: int, payload: PartnershipPatch
) -> Partnership:
    """Change some fields of a partnership."""
    member = api_member(request, slug, write=True)
    partnership = services.get_partnership(member, partnership_id)
    services.save_partnership(member, payload.dict(exclude_unset=True), partnership)
    return _partnership(member, partnership_id)


@router.delete(
    "/{slug}/partnerships/{int:partnership_id}",
    response={204: None},
    url_name="partnerships_delete",
)
def delete_partnership(request: HttpRequest, slug: str, partnership_id: int) -> Status[None]:
    """Move a partnership, with its partners, benchmarks and every other part, to the trash
    (an owner can restore it)."""
    member = api_member(request, slug, write=True)
    services.trash_partnership(member, services.get_partnership(member, partnership_id))
    return Status(204, None)


# == Partners =====================================================================================


class PartnerIn(Schema):
    """A stakeholder added to the partnership with its roles (champion, funder, implementer,
    convener, broker, advisor, data-partner, community-voice) and a one-line responsibility."""

    stakeholder: Id
    roles: list[str] = Field(default=[], description="Keys of the partner roles.")
    responsibility: str = Field(default="", max_length=200)
    joined_on: dt.date | None = None


class PartnerPatch(PatchSchema):
    """Fields to change on a partner; its stakeholder stays."""

    Creates: ClassVar[type[Schema]] = PartnerIn

    roles: list[str] | None = None
    responsibility: str | None = Field(default=None, max_length=200)
    joined_on: dt.date | None = None


class PartnerOut(Schema):
    """A partner: the stakeholder, its roles and responsibility; `inside_government` says
    whether a champion (or any partner) is inside government (the city's own stakeholders and
    local, state or national government) or outside it."""

    id: int
    stakeholder: int
    stakeholder_name: str
    roles: list[str]
    responsibility: str
    joined_on: dt.date | None
    inside_government: bool

    @staticmethod
    def resolve_stakeholder(obj: Partner) -> int:
        return obj.stakeholder_id

    @staticmethod
    def resolve_stakeholder_name(obj: Partner) -> str:
        return obj.stakeholder.name

    @staticmethod
    def resolve_inside_government(obj: Partner) -> bool:
        return services.is_government(obj.stakeholder)


add_part_routes(
    router,
    Part(
        plural="partners",
        noun="partner",
        In=PartnerIn,
        Patch=PartnerPatch,
        Out=PartnerOut,
        listing=services.partners,
        get=services.get_partner,
        save=services.save_partner,
        trash=services.trash_partner,
        docs={
            "list": "The partnership's partners, by name; paginated with `limit` and `offset`.",
            "create": "Add a stakeholder to the partnership (once).",
            "get": "One partner of the partnership.",
            "update": "Change a partner's roles, responsibility or joining date.",
            "delete": "Remove a partner (to the trash; an owner can restore it).",
        },
        list_name="partnerships_partners",
    ),
    ["partnerships"],
    __name__,
)


# == Benchmarks ===================================================================================


class BenchmarkIn(Schema):
    """A new benchmark: from `baseline` on `starts_on` (today in the workspace by default) to
    `target` by `due_on`, in `unit`."""

    statement: str = Field(min_length=1, max_length=300)
    metric: str = Field(min_length=1, max_length=200, description="What is measured.")
    baseline: Amount = Decimal(0)
    target: Amount = Field(description="Must differ from the baseline; below it to cut something.")
    unit: str = Field(default="", max_length=40)
    starts_on: dt.date | None = None
    due_on: dt.date = Field(description="After the start date.")


class BenchmarkPatch(PatchSchema):
    """Fields to change on a benchmark; omitted fields stay as they are."""

    Creates: ClassVar[type[Schema]] = BenchmarkIn

    statement: str | None = Field(default=None, min_length=1, max_length=300)
    metric: str | None = Field(default=None, min_length=1, max_length=200)
    baseline: Amount | None = None
    target: Amount | None = None
    unit: str | None = Field(default=None, max_length=40)
    starts_on: dt.date | None = None
    due_on: dt.date | None = None


class BenchmarkProgressIn(Schema):
    """A measurement of the benchmark's metric; `recorded_on` defaults to today in the
    workspace and cannot be in the future."""

    value: Amount
    recorded_on: dt.date | None = None
    note: str = Field(default="", max_length=300)


class BenchmarkProgressOut(Schema):
    """One dated measurement."""

    id: int
    recorded_on: dt.date
    value: float
    note: str


class BenchmarkOut(Schema):
    """A benchmark with its progress (oldest first) and its computed `status` (met, missed,
    on-track, at-risk, not-started; the rule in `status_rule`); `expected` is the linear
    expectation on the latest entry's day (null without entries), `elapsed` the share of the
    time passed today (0–1)."""

    id: int
    statement: str
    metric: str
    baseline: float
    target: float
    unit: str
    starts_on: dt.date
    due_on: dt.date
    status: str
    status_rule: str
    latest_value: float | None
    expected: float | None
    elapsed: float
    progress: list[BenchmarkProgressOut]


def _benchmark_out(benchmark: Benchmark, today: dt.date) -> dict[str, Any]:
    entries: list[BenchmarkProgress] = benchmarks.entries_of(benchmark)
    state = benchmarks.benchmark_state(benchmark, entries, today)
    return {
        "id": benchmark.pk,
        "statement": benchmark.statement,
        "metric": benchmark.metric,
        "baseline": benchmark.baseline,
        "target": benchmark.target,
        "unit": benchmark.unit,
        "starts_on": benchmark.starts_on,
        "due_on": benchmark.due_on,
        "status": state.status.value,
        "status_rule": benchmarks.STATUS_RULE,
        "latest_value": state.latest.value if state.latest else None,
        "expected": state.expected,
        "elapsed": round(state.elapsed, 4),
        "progress": entries,
    }


def _benchmark(member: Membership, partnership_id: int, benchmark_id: int) -> dict[str, Any]:
    partnership = services.get_partnership(member, partnership_id)
    benchmark = benchmarks.get_benchmark(member, partnership, benchmark_id)
    return _benchmark_out(benchmark, workspace_today(member.workspace))


class BenchmarkPagination(ListPagination):
    """Pages of benchmarks, each with its computed status on the workspace's today."""

    def finish(self, items: list[Any], request: HttpRequest) -> list[Any]:
        if not items:
            return []
        today = workspace_today(items[0].workspace)
        return [_benchmark_out(b, today) for b in items]


@router.get(
    "/{slug}/partnerships/{int:partnership_id}/benchmarks",
    response=list[BenchmarkOut],
    url_name="partnerships_benchmarks",
)
@paginate(BenchmarkPagination)
def list_benchmarks(request: HttpRequest, slug: str, partnership_id: int) -> Any:
    """The partnership's benchmarks by due date, each with its progress and computed status;
    paginated with `limit` and `offset`."""
    member = api_member(request, slug)
    partnership = services.get_partnership(member, partnership_id)
    return benchmarks.benchmarks(partnership).select_related("workspace")


@router.post(
    "/{slug}/partnerships/{int:partnership_id}/benchmarks",
    response={201: BenchmarkOut},
    url_name="partnerships_benchmark_create",
)
def create_benchmark(
    request: HttpRequest, slug: str, partnership_id: int, payload: BenchmarkIn
) -> Status[dict[str, Any]]:
    """Set a benchmark."""
    member = api_member(request, slug, write=True)
    partnership = services.get_partnership(member, partnership_id)
    benchmark = benchmarks.save_benchmark(member, partnership, payload.dict())
    return Status(201, _benchmark(member, partnership_id, benchmark.pk))


@router.get(
    "/{slug}/partnerships/{int:partnership_id}/benchmarks/{int:benchmark_id}",
    response=BenchmarkOut,
    url_name="partnerships_benchmark_detail",
)
def get_benchmark(
    request: HttpRequest, slug: str, partnership_id: int, benchmark_id: int
) -> dict[str, Any]:
    """One benchmark with its progress and computed status."""
    return _benchmark(api_member(request, slug), partnership_id, benchmark_id)


@router.patch(
    "/{slug}/partnerships/{int:partnership_id}/benchmarks/{int:benchmark_id}",
    response=BenchmarkOut,
    url_name="partnerships_benchmark_update",
)
def update_benchmark(
    request: HttpRequest,
    slug: str,
    partnership_id: int,
    benchmark_id: int,
    payload: BenchmarkPatch,
) -> dict[str, Any]:
    """Change some fields of a benchmark."""
    member = api_member(request, slug, write=True)
    partnership = services.get_partnership(member, partnership_id)
    benchmark = benchmarks.get_benchmark(member, partnership, benchmark_id)
    benchmarks.save_benchmark(member, partnership, payload.dict(exclude_unset=True), benchmark)
    return _benchmark(member, partnership_id, benchmark_id)


@router.delete(
    "/{slug}/partnerships/{int:partnership_id}/benchmarks/{int:benchmark_id}",
    response={204: None},
    url_name="partnerships_benchmark_delete",
)
def delete_benchmark(
    request: HttpRequest, slug: str, partnership_id: int, benchmark_id: int
) -> Status[None]:
    """Move a benchmark, with its progress, to the trash."""
    member = api_member(request, slug, write=True)
    partnership = services.get_partnership(member, partnership_id)
    benchmarks.trash_benchmark(member, benchmarks.get_benchmark(member, partnership, benchmark_id))
    return Status(204, None)


@router.post(
    "/{slug}/partnerships/{int:partnership_id}/benchmarks/{int:benchmark_id}/progress",
    response={201: BenchmarkOut},
    url_name="partnerships_benchmark_progress",
)
def record_benchmark_progress(
    request: HttpRequest,
    slug: str,
    partnership_id: int,
    benchmark_id: int,
    payload: BenchmarkProgressIn,
) -> Status[dict[str, Any]]:
    """Record a measurement; returns the benchmark with its new status."""
    member = api_member(request, slug, write=True)
    partnership = services.get_partnership(member, partnership_id)
    benchmark = benchmarks.get_benchmark(member, partnership, benchmark_id)
    benchmarks.record_progress(member, benchmark, **payload.dict())
    return Status(201, _benchmark(member, partnership_id, benchmark_id))


@router.delete(
    "/{slug}/partnerships/{int:partnership_id}/benchmarks/{int:benchmark_id}/progress/{int:entry_id}",
    response={204: None},
    url_name="partnerships_benchmark_progress_delete",
)
def delete_benchmark_progress(
    request: HttpRequest, slug: str, partnership_id: int, benchmark_id: int, entry_id: int
) -> Status[None]:
    """Remove a measurement recorded by mistake."""
    member = api_member(request, slug, write=True)
    partnership = services.get_partnership(member, partnership_id)
    benchmark = benchmarks.get_benchmark(member, partnership, benchmark_id)
    benchmarks.delete_progress(member, benchmark, entry_id)
    return Status(204, None)
