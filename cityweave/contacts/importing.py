"""Contacts into stakeholders: a plan of what an import will create, update and skip (the preview
and dry run), and applying it in one transaction.

Matching (issue "Contacts in and out"): a person is the same stakeholder as an existing one with
one of their email addresses, else with the same name key (`stakeholders.names.name_key`) and a
shared organisation; a person whose name matches one without a shared organisation, or comes within
`FUZZY_PERSON` of one (rapidfuzz's `ratio` on the name keys, 0–100), is a *probable duplicate*: the
import skips it unless told to merge it into the existing one or to keep both. An organisation is
matched by name key, else within `FUZZY_ORGANISATION` (`token_sort_ratio`, word order ignored); a
person's organisations that match nothing are created once each and linked to them.

An update only fills what is empty (email, phone, job title, website) and adds organisation links:
an import never overwrites what someone typed. Re-importing a file therefore changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from rapidfuzz import fuzz, process

from cityweave.contacts.readers.records import ContactRecord, ReadResult
from cityweave.stakeholders.models import Stakeholder, Tag, sector_choices
from cityweave.stakeholders.names import name_key as _name_key
from cityweave.workspaces.models import Workspace
from cityweave.workspaces.signals import records_changed

#: Organisation names repeat down a file: each is keyed once.
name_key = lru_cache(maxsize=65_536)(_name_key)

#: rapidfuzz `ratio` of two people's name keys at or above which they are probably one person.
FUZZY_PERSON = 90.0
#: rapidfuzz `token_sort_ratio` of two organisations' name keys at or above which they are one.
FUZZY_ORGANISATION = 92.0
#: The fields an update may fill when the stakeholder has them empty.
FILLABLE = ("email", "phone", "title", "website")

CREATE, UPDATE, UNCHANGED, DUPLICATE, SKIP, ERROR = (
    "create",
    "update",
    "unchanged",
    "duplicate",
    "skip",
    "error",
)
#: What a person decides for a probable duplicate: merge it into the existing stakeholder, keep
#: both (create it), or skip the row (the default).
DECISIONS = ("merge", "keep", "skip")


#: How each count reads in a summary: (one, several).
COUNT_LABELS = {
    CREATE: ("to create", "to create"),
    UPDATE: ("to update", "to update"),
    UNCHANGED: ("unchanged", "unchanged"),
    DUPLICATE: ("probable duplicate", "probable duplicates"),
    SKIP: ("skipped", "skipped"),
    ERROR: ("with an error", "with errors"),
    "new organisations": ("new organisation", "new organisations"),
}


#: The same, once the import has run.
DONE_LABELS = {
    **COUNT_LABELS,
    CREATE: ("created", "created"),
    UPDATE: ("updated", "updated"),
    DUPLICATE: ("probable duplicate skipped", "probable duplicates skipped"),
    "new organisations": ("new organisation created", "new organisations created"),
}


def summary(counts: dict[str, int], *, done: bool = False) -> str:
    """The counts that are not zero, as "7 to create, 1 with an error, 5 new organisations", or
    once `done` as "7 created, …"."""
    labels = DONE_LABELS if done else COUNT_LABELS
    return ", ".join(f"{n} {labels[key][0 if n == 1 else 1]}" for key, n in counts.items() if n)


#: The most rows one import takes: more would hold a server process for minutes in the preview.
MAX_ROWS = 20_000


class ImportProblem(ValueError):
    """The import as a whole cannot go ahead (an unknown sector, a file too long); `field` names
    the field at fault and the message starts with it."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(f"{field}: {message}")


@dataclass
class Planned:
    """What the import will do with one row of the file.

    `existing` is the stakeholder an update (or unchanged row) matched, and the first probable
    duplicate of a `duplicate` row, whose `candidates` lists them all (ids). `organisations` pairs
    each organisation name as written with the id it matched, or None when it will be created.
    `fills` names the fields an update fills; `reason` says why a row is skipped or refused.
    """

    row: int
    action: str
    name: str
    record: ContactRecord | None = None
    #: For a row to create: the stakeholder, validated, not yet saved.
    stakeholder: Stakeholder | None = None
    existing: int | None = None
    candidates: tuple[int, ...] = ()
    organisations: list[tuple[str, int | None]] = field(default_factory=list)
    fills: tuple[str, ...] = ()
    reason: str = ""


@dataclass
class Plan:
    """An import's rows in file order, with the organisations it will create (by name key)."""

    rows: list[Planned]
    new_organisations: dict[str, str]
    sector: str

    def counts(self) -> dict[str, int]:
        """How many rows of each action, and how many organisations will be created."""
        tally = dict.fromkeys((CREATE, UPDATE, UNCHANGED, DUPLICATE, SKIP, ERROR), 0)
        for row in self.rows:
            tally[row.action] += 1
        tally["new organisations"] = len(self.new_organisations)
        return tally


@dataclass
class _Known:
    """The workspace's live stakeholders, indexed for matching."""

    by_pk: dict[int, dict[str, Any]]
    people_by_key: dict[str, list[int]]
    orgs_by_key: dict[str, int]
    by_email: dict[str, int]
    orgs_of: dict[int, set[int]]


def _known(workspace: Workspace) -> _Known:
    rows = Stakeholder.objects.filter(workspace=workspace).values(
        "pk", "kind", "name", "name_key", *FILLABLE
    )
    by_pk = {row["pk"]: row for row in rows}
    people: dict[str, list[int]] = {}
    orgs: dict[str, int] = {}
    emails: dict[str, int] = {}
    for pk, row in sorted(by_pk.items()):
        key = row["name_key"] or name_key(row["name"])
        if row["kind"] == Stakeholder.Kind.PERSON:
            people.setdefault(key, []).append(pk)
        else:
            orgs.setdefault(key, pk)
        if row["email"]:
            emails.setdefault(row["email"].casefold(), pk)
    links: dict[int, set[int]] = {}
    through = Stakeholder.organisations.through
    for person, organisation in through.objects.filter(
        from_stakeholder__workspace=workspace
    ).values_list("from_stakeholder_id", "to_stakeholder_id"):
        links.setdefault(person, set()).add(organisation)
    return _Known(by_pk, people, orgs, emails, links)


#: The fields an imported row sets, which `_validated` checks.
CHECKED = frozenset({"kind", "name", "given_name", "family_name", "sector", "notes", *FILLABLE})


@cache
def _unchecked() -> frozenset[str]:
    """The stakeholder's fields an imported row does not set (and the sector, checked once)."""
    return frozenset({f.name for f in Stakeholder._meta.concrete_fields} - CHECKED | {"sector"})


def _validated(candidate: Stakeholder) -> str | None:
    """The first field of a stakeholder to be created that it cannot hold, as "field: problem",
    or None. Only the fields an import sets are checked (`clean_fields` with the others excluded);
    the sector was checked once for the whole import."""
    try:
        candidate.clean_fields(exclude=_unchecked())
    except ValidationError as error:
        name, messages = next(iter(error.message_dict.items()))
        return f"{name}: {' '.join(messages)}"
    return None


def _notes(record: ContactRecord) -> str:
    parts = [record.notes] if record.notes else []
    if record.connected_on:
        parts.append(f"Connected on {record.connected_on:%d %b %Y}.")
    return "\n".join(parts)


def _values(record: ContactRecord) -> dict[str, str]:
    url = record.url
    if url and "://" not in url:
        url = f"https://{url}"  # LinkedIn writes some profile addresses without a scheme
    return {
        "email": record.emails[0] if record.emails else "",
        "phone": record.phones[0] if record.phones else "",
        "title": record.title,
        "website": url,
    }


def plan_import(
    workspace: Workspace,
    read: ReadResult[ContactRecord],
    *,
    sector: str,
    decisions: dict[int, str] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Plan:
    """What importing `read` into `workspace` would do, row by row; nothing is written.

    `sector` is given to every stakeholder the import creates (a key of the workspace's sectors;
    ImportProblem otherwise). `decisions` maps a row number to "merge", "keep" or "skip" for its
    probable duplicate. `progress(done, total)` is called every 500 rows. Cost: one pass over the
    workspace's stakeholders, then per row a dictionary lookup and, for a new name, one rapidfuzz
    scan of the workspace's people (C++, about 0.1 ms per 1,000 names).
    """
    if sector not in {key for key, _ in sector_choices(workspace)}:
        raise ImportProblem("sector", f"“{sector}” is not one of this workspace's sectors.")
    rows_read = len(read.records) + len(read.errors)
    if rows_read > MAX_ROWS:
        raise ImportProblem(
            "file", f"{rows_read:,} rows; an import takes at most {MAX_ROWS:,}: split the file."
        )
    decisions = decisions or {}
    known = _known(workspace)
    person_keys = _blocks(known.people_by_key)
    org_keys = list(known.orgs_by_key)
    new_orgs: dict[str, str] = {}
    seen_emails: dict[str, int] = {}
    seen_people: dict[tuple[str, frozenset[str]], int] = {}
    rows: list[Planned] = [
        Planned(
            error.row,
            ERROR,
            "",
            reason=f"{error.field}: {error.reason}" if error.field else error.reason,
        )
        for error in read.errors
    ]
    total = len(read.records)
    for done, record in enumerate(read.records, 1):
        if progress and done % 500 == 0:
            progress(done, total)
        rows.append(
            _plan_row(
                record,
                workspace,
                sector,
                decisions,
                known,
                person_keys,
                org_keys,
                new_orgs,
                seen_emails,
                seen_people,
            )
        )
    rows.sort(key=lambda planned: planned.row)
    if progress:
        progress(total, total)
    return Plan(rows, new_orgs, sector)


def _blocks(keys: Iterable[str]) -> dict[str, list[str]]:
    """Name keys by the first letter of their first word and of their last word: a probable
    duplicate shares one of them (a close spelling rarely changes both), so each row is compared
    with a few hundred names rather than every person of a large workspace."""
    blocks: dict[str, list[str]] = {}
    for key in keys:
        words = key.split()
        for letter in {words[0][:1], words[-1][:1]} if words else set():
            blocks.setdefault(letter, []).append(key)
    return blocks


def _near(key: str, blocks: dict[str, list[str]]) -> list[str]:
    words = key.split()
    if not words:
        return []
    first, last = words[0][:1], words[-1][:1]
    near = blocks.get(first, [])
    return near if first == last else near + blocks.get(last, [])


def _organisation(
    name: str, known: _Known, org_keys: list[str], new_orgs: dict[str, str]
) -> tuple[str, int | None]:
    """The organisation a name as written stands for: an existing one's id, or None to create."""
    key = name_key(name)
    if key in known.orgs_by_key:
        return name, known.orgs_by_key[key]
    if key in new_orgs:
        return name, None
    close = process.extractOne(
        key, org_keys, scorer=fuzz.token_sort_ratio, score_cutoff=FUZZY_ORGANISATION
    )
    if close is not None:
        return name, known.orgs_by_key[close[0]]
    new_orgs[key] = name
    return name, None


def _plan_row(
    record: ContactRecord,
    workspace: Workspace,
    sector: str,
    decisions: dict[int, str],
    known: _Known,
    person_keys: dict[str, list[str]],
    org_keys: list[str],
    new_orgs: dict[str, str],
    seen_emails: dict[str, int],
    seen_people: dict[tuple[str, frozenset[str]], int],
) -> Planned:
    name = record.full_name
    candidate = _new_stakeholder(workspace, sector, record)
    problem = _validated(candidate)
    if problem:
        return Planned(record.row, ERROR, name, reason=problem)
    emails = [email.casefold() for email in record.emails]
    key = name_key(name)
    org_names = frozenset(name_key(org) for org in record.organisations)
    # A file that names one person twice: the first row wins.
    for email in emails:
        if email in seen_emails:
            return Planned(
                record.row, SKIP, name, record, reason=f"repeats row {seen_emails[email]}"
            )
    if (key, org_names) in seen_people:
        return Planned(
            record.row, SKIP, name, record, reason=f"repeats row {seen_people[(key, org_names)]}"
        )
    for email in emails:
        seen_emails[email] = record.row
    seen_people[(key, org_names)] = record.row
    organisations = (
        [_organisation(org, known, org_keys, new_orgs) for org in record.organisations]
        if record.kind != "org"
        else []
    )
    existing = next((known.by_email[e] for e in emails if e in known.by_email), None)
    if existing is None and (
        record.kind == "org"
        # A row that gives only a name, and the name of an organisation here: that organisation.
        or not (record.organisations or record.given_name or record.family_name)
    ):
        existing = known.orgs_by_key.get(key)
    if existing is None:
        matched_orgs = {pk for _, pk in organisations if pk is not None}
        same_name = known.people_by_key.get(key, []) if record.kind != "org" else []
        # The same name is the same person unless both name organisations and share none.
        existing = next(
            (
                pk
                for pk in same_name
                if not record.organisations
                or not known.orgs_of.get(pk)
                or known.orgs_of[pk] & matched_orgs
            ),
            None,
        )
        if existing is None:
            candidates = tuple(same_name)
            if not candidates and record.kind != "org":
                close = process.extract(
                    key, _near(key, person_keys), scorer=fuzz.ratio, score_cutoff=FUZZY_PERSON
                )
                candidates = tuple(
                    dict.fromkeys(
                        pk for match, _, _ in close[:3] for pk in known.people_by_key[match]
                    )
                )
            if candidates:
                decision = decisions.get(record.row, "skip")
                if decision == "keep":
                    return Planned(
                        record.row,
                        CREATE,
                        name,
                        record,
                        stakeholder=candidate,
                        organisations=organisations,
                    )
                if decision != "merge":
                    return Planned(
                        record.row,
                        DUPLICATE,
                        name,
                        record,
                        existing=candidates[0],
                        candidates=candidates,
                        organisations=organisations,
                        reason="probable duplicate",
                    )
                existing = candidates[0]
    if existing is None:
        return Planned(
            record.row, CREATE, name, record, stakeholder=candidate, organisations=organisations
        )
    current = known.by_pk[existing]
    fills = tuple(
        field_name
        for field_name, value in _values(record).items()
        if value and not current[field_name]
    )
    linked = known.orgs_of.get(existing, set())
    adds_org = any(pk is None or pk not in linked for _, pk in organisations)
    action = UPDATE if fills or adds_org else UNCHANGED
    return Planned(
        record.row,
        action,
        name,
        record,
        existing=existing,
        organisations=organisations,
        fills=fills,
        reason="" if action == UPDATE else "nothing new",
    )


@dataclass
class Outcome:
    """What an import wrote: stakeholder ids created and updated, organisations created."""

    created: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    organisations: list[int] = field(default_factory=list)


def apply_plan(workspace: Workspace, plan: Plan, *, tag: str = "") -> Outcome:
    """Write a plan's creates and updates in one transaction (all or nothing); rows planned as
    duplicates, skips, errors or unchanged write nothing. `tag` (optional) is added to every
    stakeholder created or updated. Sends `records_changed` so caches and the analysis follow."""
    outcome = Outcome()
    with transaction.atomic():
        org_ids: dict[str, int] = {}
        if plan.new_organisations:
            made = Stakeholder.objects.bulk_create(
                _new_organisation(workspace, plan.sector, name)
                for name in plan.new_organisations.values()
            )
            org_ids = {
                key: made_org.pk for key, made_org in zip(plan.new_organisations, made, strict=True)
            }
            outcome.organisations = [made_org.pk for made_org in made]
        creates = [row for row in plan.rows if row.action == CREATE and row.record]
        made_people = Stakeholder.objects.bulk_create(
            row.stakeholder or _new_stakeholder(workspace, plan.sector, row.record)
            for row in creates
            if row.record
        )
        outcome.created = [person.pk for person in made_people]
        updates = [row for row in plan.rows if row.action == UPDATE and row.existing and row.record]
        changed = []
        for row in updates:
            assert row.record is not None and row.existing is not None
            if row.fills:
                stakeholder = Stakeholder(pk=row.existing)
                values = _values(row.record)
                for name in row.fills:
                    setattr(stakeholder, name, values[name])
                changed.append((stakeholder, row.fills))
        for fields in {fills for _, fills in changed}:
            Stakeholder.objects.bulk_update(
                [stakeholder for stakeholder, fills in changed if fills == fields], list(fields)
            )
        outcome.updated = [row.existing for row in updates if row.existing]
        through = Stakeholder.organisations.through
        links = []
        for row, person_pk in [
            *zip(creates, outcome.created, strict=True),
            *((r, r.existing) for r in updates),
        ]:
            for name, pk in row.organisations:
                target = pk if pk is not None else org_ids.get(name_key(name))
                if target is not None and target != person_pk:
                    links.append(through(from_stakeholder_id=person_pk, to_stakeholder_id=target))
        through.objects.bulk_create(links, ignore_conflicts=True)
        if tag:
            tag_stakeholders(workspace, tag, [*outcome.created, *outcome.updated])
        records_changed.send(sender=Stakeholder, workspace=workspace, pks=None)
    return outcome


def _new_stakeholder(workspace: Workspace, sector: str, record: ContactRecord) -> Stakeholder:
    """The stakeholder a row creates, with its given and family names as the file has them (or
    split from the name) and its sort and duplicate keys: `bulk_create` calls no `save`."""
    person = record.kind != "org"
    stakeholder = Stakeholder(
        workspace=workspace,
        kind=Stakeholder.Kind.PERSON if person else Stakeholder.Kind.ORGANISATION,
        name=record.full_name,
        given_name=record.given_name[:100] if person else "",
        family_name=record.family_name[:100] if person else "",
        sector=sector,
        notes=_notes(record),
        **_values(record),
    )
    stakeholder.fill_names()
    return stakeholder


def _new_organisation(workspace: Workspace, sector: str, name: str) -> Stakeholder:
    organisation = Stakeholder(
        workspace=workspace, kind=Stakeholder.Kind.ORGANISATION, name=name, sector=sector
    )
    organisation.fill_names()
    return organisation


def tag_stakeholders(workspace: Workspace, name: str, pks: Iterable[int]) -> None:
    """Tag stakeholders `pks` with `name` (the tag created if new; links already there kept)."""
    tag, _ = Tag.objects.get_or_create(workspace=workspace, name=name)
    through = Stakeholder.tags.through
    through.objects.bulk_create(
        [through(stakeholder_id=pk, tag_id=tag.pk) for pk in set(pks)], ignore_conflicts=True
    )


def today_tag(source: str, on: dt.date) -> str:
    """The default tag of an import: "imported linkedin 2026-12-01"."""
    return f"imported {source} {on.isoformat()}"
