"""JSON API for peer guides under /api/v1/networks/{network}/guides (tag `peers`): list (by
challenge, status and text), read (sections as Markdown and as sanitised HTML), write a guide
and its sections, submit, approve, publish, versions with what changed, trash and restore; and
without authentication, a network's published guides (`published-guides`).

Seats are checked by the services (guides.py, access.py): no seat is 404, a seat without the
right 403, bad input 422 naming the field. No `from __future__ import annotations` here:
django-ninja reads the annotations at import time.
"""

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import Field

from cityweave.peers import guides
from cityweave.peers.access import NetworkMember, network_member
from cityweave.peers.markdown import render_markdown
from cityweave.peers.models import CityNetwork, Guide, GuideSection, GuideStatus
from cityweave.workspaces.api import Id, ListPagination

router = Router(tags=["peers"])


def _member(request: HttpRequest, network: str) -> NetworkMember:
    return network_member(request.user, network)  # type: ignore[arg-type]


# == Schemas =====================================================================================


class GuideAuthorIn(Schema):
    """An author: the id of their member city and their name (and role)."""

    city: Id
    name: str = Field(min_length=1, max_length=200, description="e.g. Maria Lopez, CIO.")


class GuideIn(Schema):
    """A new guide. `cities` are the ids of its author cities (an official's own by default);
    `authors` name people of those cities (their cities join the authors)."""

    title: str = Field(min_length=1, max_length=200)
    challenge: str = Field(min_length=1, max_length=50, description="A challenge key.")
    summary: str = ""
    cities: list[Id] | None = None
    authors: list[GuideAuthorIn] | None = None


class GuidePatch(Schema):
    """Fields to change; left out, a field keeps its value. `change_note` (what changed) is
    required once the guide is published: the change is kept as a version."""

    title: str | None = Field(default=None, min_length=1, max_length=200)
    challenge: str | None = Field(default=None, min_length=1, max_length=50)
    summary: str | None = None
    cities: list[Id] | None = None
    authors: list[GuideAuthorIn] | None = None
    change_note: str | None = Field(default=None, max_length=300)


class GuideCityOut(Schema):
    """A member city, by id and name."""

    id: int
    name: str


class GuideAuthorCityOut(Schema):
    """An author city, the names of its authors, and whether it has approved the guide in its
    current review."""

    city: GuideCityOut
    names: list[str]
    approved: bool


class GuideSectionOut(Schema):
    """A section: its heading, its body as Markdown and as sanitised HTML, the city its case
    example comes from."""

    id: int
    order: int
    heading: str
    body: str
    html: str
    case_city: GuideCityOut | None

    @staticmethod
    def resolve_html(obj: GuideSection) -> str:
        return render_markdown(obj.body)

    @staticmethod
    def resolve_case_city(obj: GuideSection) -> dict[str, Any] | None:
        city = obj.case_city
        return {"id": city.pk, "name": str(city)} if city is not None else None


class GuideBaseOut(Schema):
    """What every answer tells of a guide: `status` draft, in-review or published; its author
    cities; `public_url` (the page anyone may read) once published."""

    id: int
    title: str
    challenge: str
    summary: str
    status: str
    slug: str
    published_at: dt.datetime | None
    cities: list[GuideCityOut]
    public_url: str | None
    updated_at: dt.datetime


class GuideSummaryOut(GuideBaseOut):
    """A guide in a list."""

    @staticmethod
    def resolve_cities(obj: Guide) -> list[dict[str, Any]]:
        return [{"id": c.pk, "name": str(c)} for c in guides.author_cities(obj)]

    @staticmethod
    def resolve_public_url(obj: Guide) -> str | None:
        if not obj.is_published:
            return None
        return f"/guides/{obj.network.slug}/{obj.slug}/"


class GuideOut(GuideBaseOut):
    """A guide with its authors (and, in review, which have approved), its sections and how many
    versions it has kept."""

    authors: list[GuideAuthorCityOut]
    sections: list[GuideSectionOut]
    versions: int


class GuideFilters(Schema):
    """Query filters for the guide list."""

    challenge: str | None = Field(default=None, max_length=50, description="A challenge key.")
    status: GuideStatus | None = None
    q: str | None = Field(default=None, max_length=100, description="Text to search for.")


class SectionIn(Schema):
    """A new section: heading, body in Markdown, the id of the city of its case example;
    `change_note` once the guide is published."""

    heading: str = Field(min_length=1, max_length=200)
    body: str = ""
    case_city: Id | None = None
    change_note: str | None = Field(default=None, max_length=300)


class SectionPatch(Schema):
    """Section fields to change; `case_city` null removes the case example's city."""

    heading: str | None = Field(default=None, min_length=1, max_length=200)
    body: str | None = None
    case_city: Id | None = None
    change_note: str | None = Field(default=None, max_length=300)


class SectionOrderIn(Schema):
    """Every live section's id once, in the new order."""

    ids: list[Id]
    change_note: str | None = Field(default=None, max_length=300)


class ApproveIn(Schema):
    """The author city to approve for; left out, every pending city the caller speaks for."""

    city: Id | None = None


class NoteIn(Schema):
    """What changed (kept with the version); optional here."""

    change_note: str | None = Field(default=None, max_length=300)


class GuideVersionOut(Schema):
    """A kept version: its number, the note of what changed, who and when, and the unified
    diff's lines from the version before."""

    number: int
    change_note: str
    author: str | None
    created_at: dt.datetime
    diff: list[str]


# == Helpers =====================================================================================


def _out(member_or_network: NetworkMember | CityNetwork, guide: Guide) -> dict[str, Any]:
    network = (
        member_or_network
        if isinstance(member_or_network, CityNetwork)
        else member_or_network.network
    )
    guide.network = network
    approved = guides.approved_city_ids(guide) if guide.status == GuideStatus.IN_REVIEW else set()
    return {
        "id": guide.pk,
        "title": guide.title,
        "challenge": guide.challenge,
        "summary": guide.summary,
        "status": guide.status,
        "slug": guide.slug,
        "published_at": guide.published_at,
        "cities": GuideSummaryOut.resolve_cities(guide),
        "public_url": GuideSummaryOut.resolve_public_url(guide),
        "updated_at": guide.updated_at,
        "authors": [
            {
                "city": {"id": city.pk, "name": str(city)},
                "names": names,
                "approved": city.pk in approved or guide.is_published,
            }
            for city, names in guides.authors_by_city(guide)
        ],
        "sections": list(guides.sections(guide)),
        "versions": guides.versions(guide).count(),
    }


class GuidePagination(ListPagination):
    """Pages of guides, each knowing its network (for its public address)."""

    def finish(self, items: list[Any], request: HttpRequest) -> list[Any]:
        network = getattr(request, "guide_network", None)
        for guide in items:
            if network is not None:
                guide.network = network
        return items


def _guide(member: NetworkMember, guide_id: int) -> Guide:
    return guides.get_guide(member, guide_id)


# == Routes ======================================================================================


@router.get("/{network}/guides", response=list[GuideSummaryOut], url_name="network_guides")
@paginate(GuidePagination)
def list_guides(
    request: HttpRequest, network: str, filters: Query[GuideFilters]
) -> QuerySet[Guide]:
    """The network's guides by title: `challenge`, `status` and `q` (in the title, summary and
    sections) narrow them; paginated with `limit` and `offset`."""
    member = _member(request, network)
    request.guide_network = member.network  # type: ignore[attr-defined]
    return guides.guides(member, filters.challenge or "", filters.status or "", filters.q or "")


@router.post("/{network}/guides", response={201: GuideOut}, url_name="network_guides_create")
def create_guide(request: HttpRequest, network: str, payload: GuideIn) -> Status[dict[str, Any]]:
    """Start a guide (staff editors, or an official with their city among the authors)."""
    member = _member(request, network)
    data = payload.dict()
    data["authors"] = data["authors"] or None
    guide = guides.save_guide(member, data)
    return Status(201, _out(member, guide))


@router.get("/{network}/guides/{int:guide_id}", response=GuideOut, url_name="network_guides_detail")
def get_guide(request: HttpRequest, network: str, guide_id: int) -> dict[str, Any]:
    """One guide: its authors (and approvals in review), sections as Markdown and HTML."""
    member = _member(request, network)
    return _out(member, _guide(member, guide_id))


@router.patch(
    "/{network}/guides/{int:guide_id}", response=GuideOut, url_name="network_guides_update"
)
def update_guide(
    request: HttpRequest, network: str, guide_id: int, payload: GuidePatch
) -> dict[str, Any]:
    """Change a guide's details or authors (its writers); `change_note` once published."""
    member = _member(request, network)
    data = payload.dict(exclude_unset=True)
    note = data.pop("change_note", None)
    guide = guides.save_guide(member, data, _guide(member, guide_id), note)
    return _out(member, guide)


@router.delete(
    "/{network}/guides/{int:guide_id}", response={204: None}, url_name="network_guides_delete"
)
def delete_guide(request: HttpRequest, network: str, guide_id: int) -> Status[None]:
    """Move a guide to the network's trash (staff editors; its writers while unpublished)."""
    member = _member(request, network)
    guides.trash_guide(member, _guide(member, guide_id))
    return Status(204, None)


@router.post(
    "/{network}/guides/{int:guide_id}/restore",
    response=GuideOut,
    url_name="network_guides_restore",
)
def restore_guide(request: HttpRequest, network: str, guide_id: int) -> dict[str, Any]:
    """Bring a guide back from the trash with its sections (staff editors)."""
    member = _member(request, network)
    return _out(member, guides.restore_guide(member, guide_id))


@router.post(
    "/{network}/guides/{int:guide_id}/sections",
    response={201: GuideSectionOut},
    url_name="network_guide_sections_create",
)
def create_section(
    request: HttpRequest, network: str, guide_id: int, payload: SectionIn
) -> Status[GuideSection]:
    """Add a section at the end of the guide (its writers)."""
    member = _member(request, network)
    data = payload.dict()
    note = data.pop("change_note")
    section = guides.save_section(member, _guide(member, guide_id), data, None, note)
    return Status(201, section)


@router.patch(
    "/{network}/guides/{int:guide_id}/sections/{int:section_id}",
    response=GuideSectionOut,
    url_name="network_guide_sections_update",
)
def update_section(
    request: HttpRequest, network: str, guide_id: int, section_id: int, payload: SectionPatch
) -> GuideSection:
    """Change a section (its guide's writers); `change_note` once published."""
    member = _member(request, network)
    guide = _guide(member, guide_id)
    data = payload.dict(exclude_unset=True)
    note = data.pop("change_note", None)
    section = guides.get_section(member, guide, section_id)
    return guides.save_section(member, guide, data, section, note)


@router.delete(
    "/{network}/guides/{int:guide_id}/sections/{int:section_id}",
    response={204: None},
    url_name="network_guide_sections_delete",
)
def delete_section(
    request: HttpRequest, network: str, guide_id: int, section_id: int
) -> Status[None]:
    """Move a section to the network's trash (its guide's writers)."""
    member = _member(request, network)
    guide = _guide(member, guide_id)
    guides.trash_section(member, guide, guides.get_section(member, guide, section_id))
    return Status(204, None)


@router.put(
    "/{network}/guides/{int:guide_id}/sections/order",
    response=list[GuideSectionOut],
    url_name="network_guide_sections_order",
)
def order_sections(
    request: HttpRequest, network: str, guide_id: int, payload: SectionOrderIn
) -> list[GuideSection]:
    """Put the guide's sections in the order of `ids` (every live section once)."""
    member = _member(request, network)
    guide = _guide(member, guide_id)
    guides.reorder_sections(member, guide, payload.ids, payload.change_note)
    return list(guides.sections(guide))


@router.post(
    "/{network}/guides/{int:guide_id}/submit",
    response=GuideOut,
    url_name="network_guides_submit",
)
def submit_guide(request: HttpRequest, network: str, guide_id: int) -> dict[str, Any]:
    """Send a draft to its author cities for review (its writers)."""
    member = _member(request, network)
    guide = guides.submit_for_review(member, _guide(member, guide_id))
    return _out(member, guide)


@router.post(
    "/{network}/guides/{int:guide_id}/approve",
    response=GuideOut,
    url_name="network_guides_approve",
)
def approve_guide(
    request: HttpRequest, network: str, guide_id: int, payload: ApproveIn
) -> dict[str, Any]:
    """Approve a guide in review for an author city (its officials, or staff editors)."""
    member = _member(request, network)
    guide = _guide(member, guide_id)
    guides.approve(member, guide, payload.city)
    return _out(member, guide)


@router.post(
    "/{network}/guides/{int:guide_id}/publish",
    response=GuideOut,
    url_name="network_guides_publish",
)
def publish_guide(
    request: HttpRequest, network: str, guide_id: int, payload: NoteIn
) -> dict[str, Any]:
    """Publish the guide once every author city has approved it (its writers), or at once (a
    staff owner); its version keeps `change_note` ("Published." when left out)."""
    member = _member(request, network)
    guide = _guide(member, guide_id)
    guides.publish(member, guide, payload.change_note)
    return _out(member, _guide(member, guide_id))


@router.get(
    "/{network}/guides/{int:guide_id}/versions",
    response=list[GuideVersionOut],
    url_name="network_guide_versions",
)
def guide_versions(request: HttpRequest, network: str, guide_id: int) -> list[dict[str, Any]]:
    """The guide's versions, latest first, each with what changed since the one before."""
    member = _member(request, network)
    return [
        {
            "number": change.version.number,
            "change_note": change.version.change_note,
            "author": change.version.author.display_name if change.version.author else None,
            "created_at": change.version.created_at,
            "diff": change.diff,
        }
        for change in guides.version_history(_guide(member, guide_id))
    ]


# == The public ==================================================================================


class PublicGuideFilters(Schema):
    """Query filters for the published guides."""

    challenge: str | None = Field(default=None, max_length=50, description="A challenge key.")
    q: str | None = Field(default=None, max_length=100, description="Text to search for.")


@router.get(
    "/{network}/published-guides",
    response=list[GuideSummaryOut],
    url_name="network_published_guides",
    auth=None,
)
@paginate(GuidePagination)
def list_published_guides(
    request: HttpRequest, network: str, filters: Query[PublicGuideFilters]
) -> QuerySet[Guide]:
    """A network's published guides, latest first, for anyone (no authentication); 404 for a
    network with none."""
    found = guides.public_network(network)
    request.guide_network = found  # type: ignore[attr-defined]
    return guides.public_guides(found, filters.challenge or "", filters.q or "")


@router.get(
    "/{network}/published-guides/{slug}",
    response=GuideOut,
    url_name="network_published_guides_detail",
    auth=None,
)
def get_published_guide(request: HttpRequest, network: str, slug: str) -> dict[str, Any]:
    """A published guide by its public slug, for anyone; 404 for anything not published."""
    found = guides.public_network(network)
    return _out(found, guides.public_guide(found, slug))
