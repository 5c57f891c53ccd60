"""Peer guides, "for cities, by cities": writing, reviewing and publishing a network's guides,
their versions and what changed between them, the network's guide trash, and the published
guides anyone may read. Pages, the API and the CLI call these.

Who does what (the seat comes from access.py):
- staff editors and owners write any guide, approve for any author city and trash and restore;
- a city's officials write the guides their city is an author of (and start new ones with it),
  and approve for their own city;
- staff viewers and the other cities' officials read;
- once each live author city has approved a guide in review, its writers publish it; a staff
  owner publishes without waiting;
- anyone, signed in or not, reads a published guide (`public_guide`).
A published guide stays editable: every save then needs a note of what changed and keeps a
version (GuideVersion), as the publication itself does.

Errors as in services.py: another network's records or trashed ones are Http404, a seat
without the right PermissionDenied, bad input one ValidationError naming every field, with
nothing written.
"""

from __future__ import annotations

import difflib
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import slugify

from cityweave.peers.access import NetworkMember, require_staff_editor
from cityweave.peers.markdown import render_markdown
from cityweave.peers.models import (
    CityNetwork,
    Guide,
    GuideApproval,
    GuideAuthor,
    GuideSection,
    GuideStatus,
    GuideVersion,
    MemberCity,
)
from cityweave.peers.services import challenge_choices
from cityweave.storable import MAX_ID
from cityweave.workspaces.models import TrackedRecord
from cityweave.workspaces.services import collect_errors

GUIDE_FIELDS = ("title", "challenge", "summary")
SECTION_FIELDS = ("heading", "body", "case_city")
#: The longest search text a guide list takes.
MAX_QUERY = 100
#: The change note a publication gets when none is given.
PUBLISHED_NOTE = "Published."


# == Reading =====================================================================================


def _with_authors(queryset: QuerySet[Guide]) -> QuerySet[Guide]:
    return queryset.prefetch_related(
        Prefetch("authors", queryset=GuideAuthor.objects.select_related("city").order_by("pk"))
    )


def _search(queryset: QuerySet[Guide], challenge: str, q: str) -> QuerySet[Guide]:
    if challenge:
        queryset = queryset.filter(challenge=challenge)
    q = q.strip()[:MAX_QUERY]
    if q:
        in_sections = GuideSection.objects.filter(guide=OuterRef("pk")).filter(
            Q(heading__icontains=q) | Q(body__icontains=q)
        )
        queryset = queryset.filter(
            Q(title__icontains=q) | Q(summary__icontains=q) | Exists(in_sections)
        )
    return queryset


def guides(
    member: NetworkMember, challenge: str = "", status: str = "", q: str = ""
) -> QuerySet[Guide]:
    """The network's live guides by title, their authors (with cities) loaded: optionally only
    those on `challenge` (a key), in `status` (a GuideStatus value) and whose title, summary or
    a live section's heading or body holds `q` (case-insensitive, the first 100 characters)."""
    found = Guide.objects.filter(network=member.network)
    if status:
        found = found.filter(status=status)
    return _with_authors(_search(found, challenge, q)).order_by("title", "pk")


def get_guide(member: NetworkMember, pk: int) -> Guide:
    """One live guide of the network with its authors; Http404 otherwise."""
    found = guides(member).filter(pk=pk).first()
    if found is None:
        raise Http404("No such guide")
    found.network = member.network
    return found


def sections(guide: Guide) -> QuerySet[GuideSection]:
    """The guide's live sections in order, their case cities loaded."""
    return (
        GuideSection.objects.filter(guide=guide).select_related("case_city").order_by("order", "pk")
    )


@dataclass(frozen=True)
class RenderedSection:
    """A section with its body as sanitised HTML (peers/markdown.py)."""

    section: GuideSection
    html: str


def rendered_sections(guide: Guide) -> list[RenderedSection]:
    """The guide's live sections in order with their bodies rendered (one query)."""
    return [RenderedSection(s, render_markdown(s.body)) for s in sections(guide)]


def author_cities(guide: Guide) -> list[MemberCity]:
    """The guide's live author cities, in the order they were added (from the `authors`
    prefetch when loaded)."""
    seen: dict[int, MemberCity] = {}
    for author in guide.authors.all():
        if author.city.deleted_at is None:
            seen.setdefault(author.city_id, author.city)
    return list(seen.values())


def authors_by_city(guide: Guide) -> list[tuple[MemberCity, list[str]]]:
    """Each live author city with the names of its authors (possibly none)."""
    found: dict[int, tuple[MemberCity, list[str]]] = {}
    for author in guide.authors.all():
        if author.city.deleted_at is None:
            row = found.setdefault(author.city_id, (author.city, []))
            if author.name:
                row[1].append(author.name)
    return list(found.values())


def can_edit_guide(member: NetworkMember, guide: Guide) -> bool:
    """Staff editors write any guide; an official writes those their city is an author of."""
    return member.can_edit or any(c.pk in member.city_ids for c in author_cities(guide))


def require_guide_editor(member: NetworkMember, guide: Guide) -> None:
    if not can_edit_guide(member, guide):
        raise PermissionDenied(
            "Only the network's staff editors and the officials of its author cities can "
            "change this guide."
        )


def _check_guide(member: NetworkMember, guide: Guide) -> None:
    if guide.network_id != member.network.pk or guide.in_trash:
        raise Http404("No such guide")


# == Writing =====================================================================================


def unique_slug(network: CityNetwork, title: str, guide: Guide | None = None) -> str:
    """A slug from `title` (its words: markup such as "<b>" left out) that no other guide of
    the network (trashed ones too) holds."""
    base = (slugify(strip_tags(title))[:70].strip("-") or "guide").lower()
    taken = set(
        Guide.all_objects.filter(network=network, slug__startswith=base)
        .exclude(pk=guide.pk if guide else None)
        .values_list("slug", flat=True)
    )
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _is_id(value: object) -> bool:
    """Whether `value` is a whole number a database id can be (1 to MAX_ID)."""
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ID


def _city_ids(member: NetworkMember, value: object, field: str) -> list[int]:
    """`value` as the ids of live cities of the network (distinct, in order);
    ValidationError on `field`."""
    if not isinstance(value, list | tuple) or not all(_is_id(v) for v in value):
        raise ValidationError({field: "Give a list of city ids."})
    ids = list(dict.fromkeys(value))
    known = set(
        MemberCity.objects.filter(network=member.network, pk__in=ids).values_list("pk", flat=True)
    )
    unknown = [str(i) for i in ids if i not in known]
    if unknown:
        raise ValidationError({field: f"No city {', '.join(unknown)} in this network."})
    return ids


def _authors(member: NetworkMember, value: object) -> list[tuple[int, str]]:
    """`value` (a list of {"city": id, "name": text}) as (city id, name) pairs;
    ValidationError on `authors` naming the row."""
    if not isinstance(value, list | tuple):
        raise ValidationError({"authors": "Give a list of authors, each a city and a name."})
    rows: list[tuple[int, str]] = []
    problems: list[str] = []
    for number, row in enumerate(value, start=1):
        city = row.get("city") if isinstance(row, dict) else None
        name = row.get("name") if isinstance(row, dict) else None
        if not isinstance(city, int) or not _is_id(city):
            problems.append(f"Author {number}: give the id of their city.")
            continue
        if not isinstance(name, str) or not name.strip():
            problems.append(f"Author {number}: give their name.")
            continue
        name = name.strip()
        if len(name) > 200 or "\x00" in name:
            problems.append(f"Author {number}: a name of at most 200 characters.")
            continue
        rows.append((city, name))
    if problems:
        raise ValidationError({"authors": problems})
    try:
        _city_ids(member, [city for city, _ in rows], "authors")
    except ValidationError as error:
        raise ValidationError({"authors": error.message_dict["authors"]}) from None
    return rows


def _set_authors(
    member: NetworkMember, guide: Guide, city_ids: list[int], authors: list[tuple[int, str]]
) -> None:
    """Replace the guide's author rows: one per named author, and one with no name for each
    author city without one. Rows of trashed cities are kept (they come back with the city); an
    author keeps their user, and the acting official becomes the user of an author of their
    city named as they are ("Name" or "Name, role")."""
    live = MemberCity.objects.filter(network=member.network)
    old = GuideAuthor.objects.filter(guide=guide, city__in=live)
    users = {(a.city_id, a.name): a.user_id for a in old if a.user_id is not None}
    old.delete()
    rows: list[GuideAuthor] = []
    for city_id in city_ids:
        names = [name for city, name in authors if city == city_id] or [""]
        rows += [GuideAuthor(guide=guide, city_id=city_id, name=name) for name in names]
    me = member.user.display_name
    for author in rows:
        author.user_id = users.get((author.city_id, author.name))
        if author.city_id in member.city_ids and (
            author.name == me or author.name.startswith(f"{me},")
        ):
            author.user = member.user
    GuideAuthor.objects.bulk_create(rows)


def snapshot(guide: Guide) -> dict[str, Any]:
    """What a version keeps of the guide: title, challenge, summary, author cities and names,
    and the live sections in order (heading, body, the case example's city by name)."""
    return {
        "title": guide.title,
        "challenge": guide.challenge,
        "summary": guide.summary,
        "authors": [
            {"city": str(city), "names": names}
            for city, names in authors_by_city(_with_authors(Guide.objects.filter(pk=guide.pk))[0])
        ],
        "sections": [
            {
                "heading": s.heading,
                "body": s.body,
                "case_city": str(s.case_city) if s.case_city else "",
            }
            for s in sections(guide)
        ],
    }


def _keep_version(member: NetworkMember, guide: Guide, note: str) -> GuideVersion:
    """A new version of the guide (locked by the caller's transaction) with `note`."""
    latest = GuideVersion.objects.filter(guide=guide).aggregate(n=Max("number"))["n"] or 0
    return GuideVersion.objects.create(
        guide=guide,
        number=latest + 1,
        snapshot=snapshot(guide),
        change_note=note,
        author=member.user,
    )


def _note(
    guide: Guide, change_note: str | None, errors: dict[str, list[str]], default: str = ""
) -> str:
    """The change note a save needs when the guide is published (ValidationError text on
    `change_note` into `errors` when it is missing and there is no `default`)."""
    note = (change_note or "").strip() or default
    if guide.is_published and not note:
        errors.setdefault("change_note", []).append(
            "Say what changed: the guide is published, and each change is kept as a version."
        )
    elif len(note) > 300:
        errors.setdefault("change_note", []).append("At most 300 characters.")
    return note


def _after_change(member: NetworkMember, guide: Guide, note: str) -> None:
    """What a change to a guide's content means: a version when published; the approvals start
    over while in review (the co-authors approve what will be published)."""
    if guide.is_published:
        _keep_version(member, guide, note)
    elif guide.status == GuideStatus.IN_REVIEW:
        GuideApproval.objects.filter(guide=guide).delete()
    Guide.objects.filter(pk=guide.pk).update(updated_at=timezone.now())


def _lock(guide: Guide) -> None:
    Guide.objects.select_for_update().filter(pk=guide.pk).first()


@transaction.atomic
def save_guide(
    member: NetworkMember,
    data: dict[str, Any],
    instance: Guide | None = None,
    change_note: str | None = None,
) -> Guide:
    """Start a guide (staff editors, or an official with their city among the authors) or change
    one (its writers, `require_guide_editor`) from `data`: GUIDE_FIELDS (`challenge` a key of the
    network's challenges), `cities` (ids of its author cities) and `authors` (a list of
    {"city": id, "name": text}; their cities join the author cities). A new guide needs an
    author city (an official's own cities by default); an official keeps one of theirs among
    them. Fields left out keep their value. `change_note` is required once published, and the
    save keeps a version. Every bad field at once."""
    errors: dict[str, list[str]] = {}
    if instance is None:
        if not member.can_edit and not member.city_ids:
            raise PermissionDenied("Only the network's staff editors and city officials can.")
        guide = Guide(network=member.network)
    else:
        _check_guide(member, instance)
        require_guide_editor(member, instance)
        _lock(instance)
        guide = instance
    note = _note(guide, change_note, errors) if instance is not None else ""
    for name in GUIDE_FIELDS:
        if name in data:
            value = "" if data[name] is None else data[name]
            setattr(guide, name, value.strip() if isinstance(value, str) else value)
    if instance is None or "challenge" in data:
        known = dict(challenge_choices(member.network))
        if guide.challenge not in known:
            errors.setdefault("challenge", []).append(
                f"Unknown challenge “{str(guide.challenge)[:50]}”; use one of {', '.join(known)}."
            )
    city_ids: list[int] | None = None
    authors: list[tuple[int, str]] = []
    if data.get("cities") is not None:
        try:
            city_ids = _city_ids(member, data["cities"], "cities")
        except ValidationError as error:
            collect_errors(errors, error)
    if data.get("authors") is not None:
        try:
            authors = _authors(member, data["authors"])
        except ValidationError as error:
            collect_errors(errors, error)
        if city_ids is None:
            city_ids = [c.pk for c in author_cities(guide)] if instance is not None else []
    if city_ids is None and instance is None:
        city_ids = sorted(member.city_ids)
    if city_ids is not None and not errors:
        city_ids = list(dict.fromkeys([*city_ids, *(city for city, _ in authors)]))
        if not city_ids:
            errors.setdefault("cities", []).append("Name at least one author city.")
        elif not member.can_edit and not set(city_ids) & member.city_ids:
            errors.setdefault("cities", []).append(
                "Keep your own city among the authors (staff can hand a guide over)."
            )
    if instance is None:
        guide.slug = unique_slug(member.network, guide.title or "guide")
    try:
        guide.full_clean(exclude=["challenge", "slug", "network"])
    except ValidationError as error:
        collect_errors(errors, error)
    if errors:
        raise ValidationError(errors)
    guide.save()
    if city_ids is not None:
        _set_authors(member, guide, city_ids, authors)
    if instance is not None:
        _after_change(member, guide, note)
    return get_guide(member, guide.pk)


def get_section(member: NetworkMember, guide: Guide, pk: int) -> GuideSection:
    """One live section of the guide; Http404 otherwise."""
    found = sections(guide).filter(pk=pk, network=member.network).first()
    if found is None:
        raise Http404("No such section")
    return found


@transaction.atomic
def save_section(
    member: NetworkMember,
    guide: Guide,
    data: dict[str, Any],
    instance: GuideSection | None = None,
    change_note: str | None = None,
) -> GuideSection:
    """Add a section at the end (or change one) of the guide from `data`: `heading` (up to 200
    characters), `body` (Markdown) and `case_city` (the id of a live city of the network the
    case example comes from, or None). The guide's writers; `change_note` once published (a
    version is kept). Every bad field at once."""
    _check_guide(member, guide)
    require_guide_editor(member, guide)
    _lock(guide)
    if instance is not None and (instance.guide_id != guide.pk or instance.in_trash):
        raise Http404("No such section")
    errors: dict[str, list[str]] = {}
    note = _note(guide, change_note, errors)
    section = instance or GuideSection(network=member.network, guide=guide)
    for name in ("heading", "body"):
        if name in data:
            value = "" if data[name] is None else data[name]
            setattr(section, name, value.strip() if isinstance(value, str) else value)
    if "case_city" in data:
        value = data["case_city"]
        if value in (None, ""):
            section.case_city = None
        else:
            city = None
            if isinstance(value, int | str) and str(value).isdigit() and _is_id(int(value)):
                city = MemberCity.objects.filter(network=member.network, pk=int(value)).first()
            if city is None:
                errors.setdefault("case_city", []).append(
                    f"No city {str(value)[:20]} in this network."
                )
            else:
                section.case_city = city
    if instance is None:
        last = GuideSection.objects.filter(guide=guide).aggregate(n=Max("order"))["n"]
        section.order = 0 if last is None else last + 1
    try:
        section.full_clean(exclude=["case_city", "network", "guide"])
    except ValidationError as error:
        collect_errors(errors, error)
    if errors:
        raise ValidationError(errors)
    section.save()
    _after_change(member, guide, note)
    return section


@transaction.atomic
def reorder_sections(
    member: NetworkMember, guide: Guide, ids: Sequence[int], change_note: str | None = None
) -> list[GuideSection]:
    """Put the guide's live sections in the order of `ids` (every live section's id once);
    the guide's writers. Once published a version is kept, noted `change_note` ("Sections
    reordered." when empty). ValidationError on `ids`."""
    _check_guide(member, guide)
    require_guide_editor(member, guide)
    _lock(guide)
    errors: dict[str, list[str]] = {}
    note = _note(guide, change_note, errors, "Sections reordered.")
    found = {s.pk: s for s in sections(guide)}
    if sorted(ids) != sorted(found) or len(set(ids)) != len(ids):
        errors.setdefault("ids", []).append(
            f"Give each of the guide's section ids once: {', '.join(map(str, sorted(found)))}."
        )
    if errors:
        raise ValidationError(errors)
    ordered = [found[pk] for pk in ids]
    for position, section in enumerate(ordered):
        section.order = position
    GuideSection.objects.bulk_update(ordered, ["order"])
    _after_change(member, guide, note)
    return ordered


def move_section(
    member: NetworkMember,
    guide: Guide,
    section: GuideSection,
    step: int,
    change_note: str | None = None,
) -> list[GuideSection]:
    """Move a section one place up (`step` -1) or down (+1); at either end nothing moves."""
    ids = [s.pk for s in sections(guide)]
    if section.pk not in ids:
        raise Http404("No such section")
    at = ids.index(section.pk)
    to = max(0, min(len(ids) - 1, at + (1 if step > 0 else -1)))
    ids[at], ids[to] = ids[to], ids[at]
    return reorder_sections(member, guide, ids, change_note)


@transaction.atomic
def trash_section(
    member: NetworkMember, guide: Guide, section: GuideSection, change_note: str | None = None
) -> uuid.UUID:
    """Move a section to the network's trash (restore_section brings it back); the guide's
    writers. Once published a version is kept, noted `change_note` (or what was removed)."""
    _check_guide(member, guide)
    require_guide_editor(member, guide)
    _lock(guide)
    if section.guide_id != guide.pk or section.in_trash:
        raise Http404("No such section")
    errors: dict[str, list[str]] = {}
    note = _note(guide, change_note, errors, f"Removed the section “{section.heading}”.")
    if errors:
        raise ValidationError(errors)
    batch = _trash([GuideSection.objects.filter(pk=section.pk)])
    _after_change(member, guide, note)
    return batch


def trashed_sections(member: NetworkMember, guide: Guide) -> QuerySet[GuideSection]:
    """The guide's sections in the trash, latest first."""
    return GuideSection.all_objects.filter(
        network=member.network, guide=guide, deleted_at__isnull=False
    ).order_by("-deleted_at", "pk")


@transaction.atomic
def restore_section(
    member: NetworkMember, guide: Guide, pk: int, change_note: str | None = None
) -> GuideSection:
    """Bring a trashed section back at the end of its guide; the guide's writers. Once
    published a version is kept, noted `change_note` (or what was restored)."""
    _check_guide(member, guide)
    require_guide_editor(member, guide)
    _lock(guide)
    section = trashed_sections(member, guide).filter(pk=pk).first()
    if section is None:
        raise Http404("No such section in the trash")
    errors: dict[str, list[str]] = {}
    note = _note(guide, change_note, errors, f"Restored the section “{section.heading}”.")
    if errors:
        raise ValidationError(errors)
    last = GuideSection.objects.filter(guide=guide).aggregate(n=Max("order"))["n"]
    section.order = 0 if last is None else last + 1
    section.deleted_at, section.deletion_batch = None, None
    section.save(update_fields=["order", "deleted_at", "deletion_batch", "updated_at"])
    _after_change(member, guide, note)
    return section


# == Review and publication ======================================================================


def approved_city_ids(guide: Guide) -> set[int]:
    """The author cities that have approved the guide in its current review."""
    return set(GuideApproval.objects.filter(guide=guide).values_list("city_id", flat=True))


def pending_cities(guide: Guide) -> list[MemberCity]:
    """The live author cities that have not approved the guide yet."""
    done = approved_city_ids(guide)
    return [c for c in author_cities(guide) if c.pk not in done]


@transaction.atomic
def submit_for_review(member: NetworkMember, guide: Guide) -> Guide:
    """Send a draft to its co-author cities for review (its writers); it needs a section.
    ValidationError on `status` otherwise."""
    _check_guide(member, guide)
    require_guide_editor(member, guide)
    _lock(guide)
    if guide.status != GuideStatus.DRAFT:
        raise ValidationError(
            {"status": f"Only a draft goes to review; this one is {guide.status}."}
        )
    if not sections(guide).exists():
        raise ValidationError({"status": "Write at least one section before the review."})
    GuideApproval.objects.filter(guide=guide).delete()
    guide.status = GuideStatus.IN_REVIEW
    guide.save(update_fields=["status", "updated_at"])
    return guide


@transaction.atomic
def return_to_draft(member: NetworkMember, guide: Guide) -> Guide:
    """Take a guide in review back to draft (its writers); its approvals are dropped."""
    _check_guide(member, guide)
    require_guide_editor(member, guide)
    _lock(guide)
    if guide.status != GuideStatus.IN_REVIEW:
        raise ValidationError({"status": "Only a guide in review goes back to draft."})
    GuideApproval.objects.filter(guide=guide).delete()
    guide.status = GuideStatus.DRAFT
    guide.save(update_fields=["status", "updated_at"])
    return guide


@transaction.atomic
def approve(member: NetworkMember, guide: Guide, city_id: int | None = None) -> list[MemberCity]:
    """Approve a guide in review for an author city: `city_id`, or when None every pending
    author city the member speaks for (an official their own; staff editors all). Officials
    approve only for their own city (PermissionDenied); staff editors for any. Returns the
    cities approved now. ValidationError on `status` (not in review) or `city` (not a pending
    author city)."""
    _check_guide(member, guide)
    _lock(guide)
    if guide.status != GuideStatus.IN_REVIEW:
        raise ValidationError({"status": "Only a guide in review is approved."})
    pending = pending_cities(guide)
    if city_id is None:
        chosen = [c for c in pending if member.can_edit or c.pk in member.city_ids]
        if not chosen:
            if not member.can_edit and not any(
                c.pk in member.city_ids for c in author_cities(guide)
            ):
                raise PermissionDenied("Only the author cities' officials and staff editors.")
            raise ValidationError({"city": "Your cities have approved this guide already."})
    else:
        chosen = [c for c in pending if c.pk == city_id]
        if not chosen:
            raise ValidationError({"city": f"City {city_id} is not an author awaiting approval."})
        if not (member.can_edit or city_id in member.city_ids):
            raise PermissionDenied("Only this city's officials or staff editors approve for it.")
    GuideApproval.objects.bulk_create(
        [GuideApproval(guide=guide, city=c, user=member.user) for c in chosen]
    )
    return chosen


def can_publish(member: NetworkMember, guide: Guide) -> bool:
    """Whether `member` may publish the guide now: a staff owner a draft or one in review; its
    writers once every live author city has approved it in review."""
    if guide.is_published:
        return False
    if member.is_owner:
        return True
    return (
        guide.status == GuideStatus.IN_REVIEW
        and can_edit_guide(member, guide)
        and not pending_cities(guide)
    )


@transaction.atomic
def publish(member: NetworkMember, guide: Guide, change_note: str | None = None) -> GuideVersion:
    """Publish the guide (can_publish) and keep its version with `change_note` ("Published."
    when empty). The first publication sets `published_at` and its public slug (from the title).
    ValidationError on `status` when it cannot be published yet (naming the cities awaiting),
    PermissionDenied for someone who may not."""
    _check_guide(member, guide)
    _lock(guide)
    if guide.is_published:
        raise ValidationError({"status": "The guide is published already."})
    if not can_publish(member, guide):
        if not can_edit_guide(member, guide):
            raise PermissionDenied("Only the guide's writers (or a staff owner) publish it.")
        if guide.status == GuideStatus.DRAFT:
            raise ValidationError({"status": "Send the guide to review first."})
        awaiting = ", ".join(str(c) for c in pending_cities(guide))
        raise ValidationError({"status": f"Awaiting the approval of {awaiting}."})
    if not sections(guide).exists():
        raise ValidationError({"status": "A guide needs at least one section to be published."})
    errors: dict[str, list[str]] = {}
    note = (change_note or "").strip() or PUBLISHED_NOTE
    if len(note) > 300:
        errors["change_note"] = ["At most 300 characters."]
    if errors:
        raise ValidationError(errors)
    if guide.published_at is None:
        guide.published_at = timezone.now()
        guide.slug = unique_slug(member.network, guide.title, guide)
    guide.status = GuideStatus.PUBLISHED
    guide.save(update_fields=["status", "published_at", "slug", "updated_at"])
    return _keep_version(member, guide, note)


# == Versions ====================================================================================


def versions(guide: Guide) -> QuerySet[GuideVersion]:
    """The guide's versions, latest first, their authors loaded."""
    return GuideVersion.objects.filter(guide=guide).select_related("author").order_by("-number")


def snapshot_text(snap: dict[str, Any]) -> list[str]:
    """A version's snapshot as lines of Markdown-like text, for a diff."""
    lines = [f"# {snap.get('title', '')}", f"Challenge: {snap.get('challenge', '')}"]
    for author in snap.get("authors", []):
        names = ", ".join(author.get("names", []))
        lines.append(f"Author city: {author.get('city', '')}" + (f" ({names})" if names else ""))
    lines += ["", *str(snap.get("summary", "")).splitlines()]
    for section in snap.get("sections", []):
        lines += ["", f"## {section.get('heading', '')}"]
        if section.get("case_city"):
            lines.append(f"Case example from: {section['case_city']}")
        lines += ["", *str(section.get("body", "")).splitlines()]
    return lines


def version_diff(older: GuideVersion | None, newer: GuideVersion) -> list[str]:
    """What changed from `older` to `newer` (or since nothing, for the first version): the lines
    of a unified diff (difflib, two lines of context), without the file header."""
    before = snapshot_text(older.snapshot) if older is not None else []
    after = snapshot_text(newer.snapshot)
    name_a = f"version {older.number}" if older else "nothing"
    diff = difflib.unified_diff(
        before, after, fromfile=name_a, tofile=f"version {newer.number}", lineterm="", n=2
    )
    return list(diff)[2:]


@dataclass(frozen=True)
class VersionChange:
    """A version and the diff from the one before it."""

    version: GuideVersion
    diff: list[str]


def version_history(guide: Guide) -> list[VersionChange]:
    """Each version of the guide, latest first, with what changed since the one before (one
    query)."""
    found = list(versions(guide))
    return [
        VersionChange(v, version_diff(found[i + 1] if i + 1 < len(found) else None, v))
        for i, v in enumerate(found)
    ]


# == Trash =======================================================================================


def _trash(records: Iterable[QuerySet[Any]]) -> uuid.UUID:
    batch, now = uuid.uuid4(), timezone.now()
    for queryset in records:
        queryset.filter(deleted_at__isnull=True).update(deleted_at=now, deletion_batch=batch)
    return batch


@transaction.atomic
def trash_guide(member: NetworkMember, guide: Guide) -> uuid.UUID:
    """Move a guide (with its sections) to the network's trash: staff editors, or its writers
    while it is not published. A trashed guide's public page is gone until it is restored."""
    _check_guide(member, guide)
    if guide.is_published or not can_edit_guide(member, guide):
        require_staff_editor(member)
    return _trash([GuideSection.objects.filter(guide=guide), Guide.objects.filter(pk=guide.pk)])


def trashed_guides(member: NetworkMember) -> QuerySet[Guide]:
    """The network's guides in the trash, latest first."""
    return Guide.all_objects.filter(network=member.network, deleted_at__isnull=False).order_by(
        "-deleted_at", "pk"
    )


@transaction.atomic
def restore_guide(member: NetworkMember, pk: int) -> Guide:
    """Bring a trashed guide back with the sections trashed with it (staff editors)."""
    require_staff_editor(member)
    guide = trashed_guides(member).filter(pk=pk).first()
    if guide is None:
        raise Http404("No such guide in the trash")
    model: type[TrackedRecord]
    for model in (GuideSection, Guide):
        model.all_objects.filter(
            network=member.network, deletion_batch=guide.deletion_batch
        ).update(deleted_at=None, deletion_batch=None)
    return get_guide(member, pk)


# == The public ==================================================================================


def public_network(slug: str) -> CityNetwork:
    """The network `slug` for its public guide pages; Http404 when there is none or it has no
    published guide (so a network's existence is not told by its address alone)."""
    network = CityNetwork.objects.filter(slug=slug).first()
    if (
        network is None
        or not Guide.objects.filter(network=network, status=GuideStatus.PUBLISHED).exists()
    ):
        raise Http404("No such network")
    return network


def public_guides(network: CityNetwork, challenge: str = "", q: str = "") -> QuerySet[Guide]:
    """The network's published live guides, latest published first, optionally only on
    `challenge` or holding `q` (as `guides`)."""
    found = Guide.objects.filter(network=network, status=GuideStatus.PUBLISHED)
    return _with_authors(_search(found, challenge, q)).order_by("-published_at", "pk")


def public_guide(network: CityNetwork, slug: str) -> Guide:
    """A published live guide of the network by its public slug; Http404 for anything else
    (drafts, guides in review, trashed guides, other networks')."""
    found = public_guides(network).filter(slug=slug).first()
    if found is None:
        raise Http404("No such guide")
    found.network = network
    return found
