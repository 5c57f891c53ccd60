"""Lossless export and import of a whole workspace, trash included, as one JSON document.

Surveys travel whole: their questions, waves (with rosters) and respondents as record sections,
and each wave's responses nested under it ("responses": answers and survey ties, linked by uid;
a survey tie's other per-partner answers keyed by question uid). A personal or open link's
token is kept unless this installation already uses it (a copy beside its original), in which
case the copy's link gets a new token: the original's links keep answering the original.
Partnerships travel with their parts as record sections; a goal's and a benchmark's progress
and a meeting plan's agenda are nested under their record (NESTED).
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, models, transaction

from cityweave.accounts.models import User
from cityweave.engagement.models import Commitment, Interaction
from cityweave.goals.models import Goal, GoalProgress
from cityweave.partnerships.models import (
    Activity,
    AgendaItem,
    Asset,
    Benchmark,
    BenchmarkProgress,
    Channel,
    MeetingPlan,
    Need,
    Partner,
    Partnership,
    Risk,
)
from cityweave.stakeholders.models import Sector, Stakeholder, Tag, Tie
from cityweave.surveys.models import (
    Answer,
    Question,
    Respondent,
    Response,
    Survey,
    SurveyTie,
    Wave,
    new_token,
)
from cityweave.workspaces.bulk import update_column
from cityweave.workspaces.models import Membership, Role, TrashEntry, Workspace, WorkspaceRecord
from cityweave.workspaces.signals import records_changed

FORMAT = "cityweave-workspace"
VERSION = 1
BATCH_SIZE = 500

# Import order: every record's links point to sections before it, or to its own section.
RECORD_SECTIONS: tuple[tuple[str, type[WorkspaceRecord]], ...] = (
    ("stakeholders", Stakeholder),
    ("ties", Tie),
    ("goals", Goal),
    ("interactions", Interaction),
    ("commitments", Commitment),
    ("surveys", Survey),
    ("questions", Question),
    ("waves", Wave),
    ("respondents", Respondent),
    ("partnerships", Partnership),
    ("partners", Partner),
    ("benchmarks", Benchmark),
    ("assets", Asset),
    ("needs", Need),
    ("risks", Risk),
    ("activities", Activity),
    ("channels", Channel),
    ("meeting_plans", MeetingPlan),
)
#: Rows nested under their record (they are not workspace records): the record's model → the
#: key they are listed under, their model, the field naming the record, and their order.
NESTED: dict[type[WorkspaceRecord], tuple[str, type[models.Model], str, tuple[str, ...]]] = {
    Goal: ("progress", GoalProgress, "goal", ("recorded_on", "pk")),
    Benchmark: ("progress", BenchmarkProgress, "benchmark", ("recorded_on", "pk")),
    MeetingPlan: ("agenda", AgendaItem, "plan", ("position", "pk")),
}
#: A wave's nested responses: the keys of each, of its answers and of its survey ties.
RESPONSE_KEYS = frozenset({"answers", "ties"})
#: Unique tokens of links handed out: kept on import unless this installation already uses them.
TOKEN_FIELDS = ((Respondent, "token"), (Wave, "open_link_token"))
SECTIONS = ("workspace", "members", "sectors", "tags", *(s for s, _ in RECORD_SECTIONS), "trash")
#: Sections added since version 1 was first written: a file from before them has none.
LATER_SECTIONS = (
    "surveys", "questions", "waves", "respondents", "partnerships", "partners", "benchmarks",
    "assets", "needs", "risks", "activities", "channels", "meeting_plans",
)  # fmt: skip
MEMBER_KEYS = frozenset({"email", "name"})
TRASH_KEYS = frozenset({"kind", "record", "deleted_by"})

Keys = dict[Any, dict[Any, Any]]  # model → key in the file → row (import) or pk → key (export)
Known = dict[Any, set[str]]  # model → the keys the file defines for it


class TransferError(ValueError):
    """A workspace file cannot be imported; the message names the section, record and field."""


def to_json(data: dict[str, Any]) -> str:
    """The file form of exported data: stable key order, so equal workspaces give equal bytes."""
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def section_counts(data: dict[str, Any]) -> dict[str, int]:
    """How many entries each list section of exported data holds."""
    return {name: len(data[name]) for name in SECTIONS if isinstance(data.get(name), list)}


#: Values derived from other records, recomputed after an import rather than carried in the file.
DERIVED_FIELDS = {
    (Tie, "last_contact_at"),
    # Derived from the name when the record is cleaned (Stakeholder.fill_names).
    (Stakeholder, "sort_name"),
    (Stakeholder, "name_key"),
}


def _value_fields(model: type[models.Model]) -> list[models.Field]:
    """Concrete fields that hold values rather than links to other rows (derived ones left out)."""
    return [
        f
        for f in model._meta.concrete_fields
        if not f.is_relation and not f.primary_key and (model, f.name) not in DERIVED_FIELDS
    ]


def _link_fields(model: type[models.Model], parent: str = "workspace") -> list[models.ForeignKey]:
    return [f for f in model._meta.concrete_fields if f.is_relation and f.name != parent]  # type: ignore[misc]


def _many_fields(model: type[models.Model]) -> list[models.ManyToManyField]:
    return list(model._meta.many_to_many)  # type: ignore[arg-type]


def _noun(related: Any) -> str:
    """How the file names a linked row: records by uid, members by email, tags by name."""
    if related is Membership:
        return "member email"
    if related is Tag:
        return "tag"
    if isinstance(related, type) and issubclass(related, WorkspaceRecord):
        return f"{related._meta.verbose_name} uid"
    raise TypeError(f"workspace transfer does not know how to link to {related!r}")


def _encode(model_field: models.Field, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(model_field, models.DateTimeField):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(model_field, models.DateField):
        return value.isoformat()
    if isinstance(model_field, models.DecimalField):
        return str(Decimal(value).quantize(Decimal(1).scaleb(-(model_field.decimal_places or 0))))
    if isinstance(model_field, models.UUIDField):
        return str(value)
    return value


def _values(
    obj: models.Model, fields: list[models.Field], skip: frozenset[str] = frozenset()
) -> dict[str, Any]:
    return {f.name: _encode(f, getattr(obj, f.attname)) for f in fields if f.name not in skip}


def _record_order(record: WorkspaceRecord) -> tuple[dt.datetime, str]:
    return record.created_at, str(record.uid)


def _many_keys(
    many: models.ManyToManyField, workspace: Workspace, keys: Keys
) -> dict[int, list[str]]:
    """For each record of `many`'s model, the sorted keys of the rows it links to."""
    through: Any = many.remote_field.through
    source, target = many.m2m_field_name(), many.m2m_reverse_field_name()
    pairs = through.objects.filter(**{f"{source}__workspace": workspace}).values_list(
        f"{source}_id", f"{target}_id"
    )
    grouped: dict[int, list[str]] = defaultdict(list)
    for record_pk, target_pk in pairs:
        grouped[record_pk].append(keys[many.related_model][target_pk])
    return {pk: sorted(found) for pk, found in grouped.items()}


def export_workspace(workspace: Workspace) -> dict[str, Any]:
    """The whole workspace, trash included, as JSON data linking records by uid and members by email."""
    members = sorted(
        Membership.objects.filter(workspace=workspace).select_related("user"),
        key=lambda m: m.user.email,
    )
    tags = list(Tag.objects.filter(workspace=workspace).order_by("name"))
    keys: Keys = {
        Membership: {m.pk: m.user.email for m in members},
        Tag: {t.pk: t.name for t in tags},
    }
    records: dict[str, list[WorkspaceRecord]] = {}
    for section, model in RECORD_SECTIONS:
        rows = model.all_objects.filter(workspace=workspace).order_by()
        records[section] = sorted(rows, key=_record_order)
        keys[model] = {r.pk: str(r.uid) for r in records[section]}

    data: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "workspace": _values(workspace, _value_fields(Workspace)),
        "members": [
            {"email": m.user.email, "name": m.user.name, **_values(m, _value_fields(Membership))}
            for m in members
        ],
        "sectors": [
            _values(s, _value_fields(Sector))
            for s in Sector.objects.filter(workspace=workspace).order_by("key")
        ],
        "tags": [_values(t, _value_fields(Tag)) for t in tags],
    }
    for section, model in RECORD_SECTIONS:
        many = {m.name: _many_keys(m, workspace, keys) for m in _many_fields(model)}
        data[section] = [_export_record(r, keys, many) for r in records[section]]

    for section, model in RECORD_SECTIONS:
        if model not in NESTED:
            continue
        key, child, parent, order = NESTED[model]
        nested: dict[int, list[dict[str, Any]]] = defaultdict(list)
        entries = child._default_manager.filter(**{f"{parent}__workspace": workspace})
        for entry in entries.order_by(f"{parent}_id", *order):
            nested[getattr(entry, f"{parent}_id")].append(_values(entry, _value_fields(child)))
        for record, record_data in zip(records[section], data[section], strict=True):
            record_data[key] = nested.get(record.pk, [])
    responses = _export_responses(workspace, keys)
    for wave, wave_data in zip(records["waves"], data["waves"], strict=True):
        wave_data["responses"] = responses.get(wave.pk, [])

    data["trash"] = _export_trash(workspace, keys)
    return data


def _export_record(
    record: WorkspaceRecord, keys: Keys, many: dict[str, dict[int, list[str]]]
) -> dict[str, Any]:
    out = _values(record, _value_fields(type(record)))
    for link in _link_fields(type(record)):
        pk = getattr(record, link.attname)
        if pk is not None and pk not in keys[link.related_model]:
            raise TransferError(
                f"{record._meta.verbose_name} {record.uid}: its {link.name} is outside the workspace."
            )
        out[link.name] = None if pk is None else keys[link.related_model][pk]
    for name, by_record in many.items():
        out[name] = by_record.get(record.pk, [])
    return out


def _export_responses(workspace: Workspace, keys: Keys) -> dict[int, list[dict[str, Any]]]:
    """Each wave's responses by wave pk, with their answers and survey ties, linked by uid."""
    questions = keys[Question]
    answers: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for answer in Answer.objects.filter(response__workspace=workspace).order_by(
        "response_id", "question_id"
    ):
        answers[answer.response_id].append(
            {"question": questions[answer.question_id], "value": answer.value}
        )
    ties: dict[int, list[dict[str, Any]]] = defaultdict(list)
    tie_fields = [f for f in _value_fields(SurveyTie) if f.name != "answers"]
    for tie in SurveyTie.objects.filter(workspace=workspace).order_by("response_id", "target_id"):
        ties[tie.response_id].append(
            {
                **_values(tie, tie_fields),
                "source": keys[Stakeholder][tie.source_id],
                "target": keys[Stakeholder][tie.target_id],
                # Keyed by question uid; an answer to a question deleted for good is dropped.
                "answers": {
                    questions[int(pk)]: value
                    for pk, value in sorted(tie.answers.items())
                    if str(pk).isdigit() and int(pk) in questions
                },
            }
        )
    out: dict[int, list[dict[str, Any]]] = defaultdict(list)
    response_fields = _value_fields(Response)
    for response in Response.objects.filter(workspace=workspace).order_by("wave_id", "pk"):
        out[response.wave_id].append(
            {
                **_values(response, response_fields),
                "respondent": None
                if response.respondent_id is None
                else keys[Respondent][response.respondent_id],
                "represents": None
                if response.represents_id is None
                else keys[Stakeholder][response.represents_id],
                "answers": answers.get(response.pk, []),
                "ties": sorted(ties.get(response.pk, []), key=lambda t: t["target"]),
            }
        )
    return out


def _export_trash(workspace: Workspace, keys: Keys) -> list[dict[str, Any]]:
    sections = {model: section for section, model in RECORD_SECTIONS}
    entries = TrashEntry.objects.filter(workspace=workspace).select_related(
        "content_type", "deleted_by"
    )
    out = []
    for entry in sorted(entries, key=lambda e: (e.deleted_at, str(e.batch))):
        model = entry.content_type.model_class()
        if model not in sections:
            raise TransferError(
                f"trash: cannot export deleted {entry.content_type.model} records yet."
            )
        uid = keys[model].get(entry.object_id)
        if uid is None:
            continue  # its record was deleted for good, so the entry can no longer restore anything
        out.append(
            {
                **_values(entry, _value_fields(TrashEntry), skip=frozenset({"object_id"})),
                "kind": entry.content_type.model,
                "record": uid,
                "deleted_by": entry.deleted_by.email if entry.deleted_by else None,
            }
        )
    return out


# Import: parse and check the whole file first, then write it in one transaction.


def _read_moment(value: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError("no UTC offset")
    return moment


def _read_date(value: str) -> dt.date:
    if len(value) != 10:
        raise ValueError("not YYYY-MM-DD")
    return dt.date.fromisoformat(value)


def _read_decimal(value: str) -> Decimal:
    number = Decimal(value)
    if not number.is_finite():
        raise ValueError("not a finite number")
    return number


# (field class, what the file must hold, its JSON type, reader); subclasses before their bases.
_READERS: tuple[tuple[type[models.Field], str, type, Any], ...] = (
    (models.BooleanField, "true or false", bool, bool),
    (models.IntegerField, "a whole number", int, int),
    (models.DateTimeField, "a date and time in ISO 8601 with its UTC offset", str, _read_moment),
    (models.DateField, "a date as YYYY-MM-DD", str, _read_date),
    (models.DecimalField, "a decimal number as a string", str, _read_decimal),
    (models.UUIDField, "a uid", str, uuid.UUID),
    (models.CharField, "a string", str, str),
    (models.TextField, "a string", str, str),
)


def _decode(model_field: models.Field, value: Any, where: str) -> Any:
    """The Python value of a file value, checked for its JSON type; full_clean checks the rest."""
    if value is None:
        if model_field.null:
            return None
        raise TransferError(f"{where}: may not be null.")
    if isinstance(model_field, models.JSONField):
        return value
    for field_class, expected, json_type, read in _READERS:
        if isinstance(model_field, field_class):
            # JSON true is a Python int too, but never a number here.
            if isinstance(value, json_type) and (json_type is bool or not isinstance(value, bool)):
                try:
                    return read(value)
                except (ValueError, InvalidOperation):
                    pass
            shown = json.dumps(value, ensure_ascii=False)
            raise TransferError(f"{where}: expected {expected}, got {shown}.")
    raise TypeError(f"workspace transfer cannot read {type(model_field).__name__} values")


def _is_required(model_field: models.Field) -> bool:
    optional = model_field.has_default() or model_field.null or model_field.blank
    return not (optional or getattr(model_field, "auto_now", False))


def _uid_key(value: Any) -> str | None:
    try:
        return str(uuid.UUID(value)) if isinstance(value, str) else None
    except ValueError:
        return None


def _link_key(related: Any, value: Any) -> str | None:
    """The file's key for a linked row, in the form the index uses."""
    if related is Membership:
        return value.strip().lower() if isinstance(value, str) else None
    if related is Tag:
        return value if isinstance(value, str) else None
    return _uid_key(value)


def _email(value: Any, where: str, nullable: bool = False) -> str | None:
    """An email as users are stored (lowercase)."""
    if value is None and nullable:
        return None
    try:
        validate_email(value.strip() if isinstance(value, str) else None)
    except ValidationError:
        raise TransferError(f"{where}: {json.dumps(value)} is not an email address.") from None
    return value.strip().lower()


@dataclass
class _Row:
    """One entry of the file, checked and decoded: values, links by key, extras, nested rows."""

    where: str
    values: dict[str, Any]
    links: dict[str, str | None] = field(default_factory=dict)
    many: dict[str, list[str]] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    children: list[_Row] = field(default_factory=list)


@dataclass
class _Plan:
    """A checked workspace file, ready to write."""

    workspace: _Row
    members: list[_Row]
    sectors: list[_Row]
    tags: list[_Row]
    records: dict[str, list[_Row]]
    trash: list[_Row]


def _parse_row(
    item: Any,
    where: str,
    model: type[models.Model],
    known: Known,
    *,
    parent: str = "workspace",
    extra: frozenset[str] = frozenset(),
    required: frozenset[str] = frozenset(),
    skip: frozenset[str] = frozenset(),
) -> _Row:
    """Check one entry's keys and decode it; `extra` keys stay raw, `skip` fields are the caller's."""
    if not isinstance(item, dict):
        raise TransferError(f"{where}: expected an object.")
    values = {f.name: f for f in _value_fields(model) if f.name not in skip}
    links = {f.name: f for f in _link_fields(model, parent) if f.name not in skip}
    many = {f.name: f for f in _many_fields(model)}
    unknown = sorted(set(item) - set(values) - set(links) - set(many) - extra)
    if unknown:
        raise TransferError(f"{where}: unknown key “{unknown[0]}”.")
    needed = {n for n, f in {**values, **links}.items() if _is_required(f)} | required
    missing = sorted(needed - set(item))
    if missing:
        raise TransferError(f"{where}: missing key “{missing[0]}”.")
    row = _Row(
        where,
        values={n: _decode(f, item[n], f"{where}.{n}") for n, f in values.items() if n in item},
        extra={n: item[n] for n in extra if n in item},
    )
    for name, link in links.items():
        if name in item:
            row.links[name] = _resolve(
                link.related_model, item[name], known, f"{where}.{name}", link.null
            )
    for name, m2m in many.items():
        keys = item.get(name, [])
        if not isinstance(keys, list):
            raise TransferError(f"{where}.{name}: expected a list.")
        row.many[name] = [
            _resolve(m2m.related_model, k, known, f"{where}.{name}") or "" for k in keys
        ]
        _unique(((f"{where}.{name}", key) for key in row.many[name]), "")
    return row


def _parse_section(
    items: Any, section: str, model: type[models.Model], known: Known, **options: Any
) -> list[_Row]:
    if not isinstance(items, list):
        raise TransferError(f"{section}: expected a list.")
    return [
        _parse_row(item, f"{section}[{i}]", model, known, **options) for i, item in enumerate(items)
    ]


def _resolve(
    related: Any, value: Any, known: Known, where: str, nullable: bool = False
) -> str | None:
    if value is None:
        if nullable:
            return None
        raise TransferError(f"{where}: may not be null.")
    noun = _noun(related)
    key = _link_key(related, value)
    if key is None or key not in known[related]:
        raise TransferError(f"{where}: unknown {noun} {json.dumps(value, ensure_ascii=False)}.")
    return key


def _unique(entries: Any, name: str) -> None:
    """Refuse the second of two equal keys; `entries` are (where, key) pairs."""
    seen: set[Any] = set()
    for where, key in entries:
        if key in seen:
            raise TransferError(f"{where}{'.' if name else ''}{name}: “{key}” appears twice.")
        seen.add(key)


def parse_workspace(data: Any) -> _Plan:
    """Check a workspace file completely, without touching the database."""
    if not isinstance(data, dict):
        raise TransferError("The file must hold one JSON object.")
    if data.get("format") != FORMAT:
        raise TransferError(f"format: expected “{FORMAT}”, got {json.dumps(data.get('format'))}.")
    if data.get("version") != VERSION:
        raise TransferError(
            f"version: this cityweave reads version {VERSION}, not {json.dumps(data.get('version'))}."
        )
    data = {**{name: [] for name in LATER_SECTIONS}, **data}
    unknown = sorted(set(data) - {"format", "version", *SECTIONS})
    if unknown:
        raise TransferError(f"unknown section “{unknown[0]}”.")
    missing = [s for s in SECTIONS if s not in data]
    if missing:
        raise TransferError(f"missing section “{missing[0]}”.")

    known: Known = {}
    workspace = _parse_row(data["workspace"], "workspace", Workspace, known, parent="")
    members = _parse_section(
        data["members"], "members", Membership, known,
        extra=MEMBER_KEYS, required=frozenset({"email", "role"}), skip=frozenset({"user"}),
    )  # fmt: skip
    for row in members:
        row.extra["email"] = _email(row.extra["email"], f"{row.where}.email")
        if not isinstance(row.extra.setdefault("name", ""), str):
            raise TransferError(f"{row.where}.name: expected a string.")
        if row.values["role"] not in Role.values:
            raise TransferError(f"{row.where}.role: unknown role “{row.values['role']}”.")
    _unique(((row.where, row.extra["email"]) for row in members), "email")
    known[Membership] = {row.extra["email"] for row in members}
    sectors = _parse_section(data["sectors"], "sectors", Sector, known)
    _unique(((row.where, row.values["key"]) for row in sectors), "key")
    tags = _parse_section(data["tags"], "tags", Tag, known)
    _unique(((row.where, row.values["name"]) for row in tags), "name")
    known[Tag] = {row.values["name"] for row in tags}

    # Every uid first: links may point forward, to a later section or a later record.
    for section, model in RECORD_SECTIONS:
        items = data[section] if isinstance(data[section], list) else []
        uids = []
        for i, item in enumerate(items):
            uid = _uid_key(item.get("uid") if isinstance(item, dict) else None)
            if uid is None:
                raise TransferError(f"{section}[{i}].uid: missing or not a uid.")
            uids.append((f"{section}[{i}]", uid))
        _unique(uids, "uid")
        known[model] = {uid for _, uid in uids}
    records = {}
    for section, model in RECORD_SECTIONS:
        extra = frozenset(
            {NESTED[model][0]} if model in NESTED else {"responses"} if model is Wave else ()
        )
        records[section] = _parse_section(data[section], section, model, known, extra=extra)
        if model in NESTED:
            key, child, parent, _ = NESTED[model]
            for row in records[section]:
                items, where = row.extra.get(key, []), f"{row.where}.{key}"
                row.children = _parse_section(items, where, child, known, parent=parent)
    for wave in records["waves"]:
        wave.children = _parse_responses(wave.extra.get("responses", []), wave.where, known)

    trash = _parse_section(
        data["trash"], "trash", TrashEntry, known, extra=TRASH_KEYS,
        required=frozenset({"batch", "kind", "record"}),
        skip=frozenset({"object_id", "content_type", "deleted_by"}),
    )  # fmt: skip
    kinds = {str(model._meta.model_name): model for _, model in RECORD_SECTIONS}
    for row in trash:
        deleted = kinds.get(row.extra["kind"])
        if deleted is None:
            raise TransferError(
                f"{row.where}.kind: unknown kind {json.dumps(row.extra['kind'])}; use one of {', '.join(sorted(kinds))}."
            )
        row.extra["model"] = deleted
        row.extra["record"] = _resolve(deleted, row.extra["record"], known, f"{row.where}.record")
        row.extra["deleted_by"] = _email(
            row.extra.get("deleted_by"), f"{row.where}.deleted_by", nullable=True
        )
    _unique(((row.where, row.values["batch"]) for row in trash), "batch")
    return _Plan(workspace, members, sectors, tags, records, trash)


def _parse_responses(items: Any, wave_where: str, known: Known) -> list[_Row]:
    """A wave's nested responses, each with its answers and survey ties as children."""
    where = f"{wave_where}.responses"
    rows = _parse_section(
        items, where, Response, known, parent="wave", extra=RESPONSE_KEYS,
        skip=frozenset({"workspace"}),
    )  # fmt: skip
    for row in rows:
        answers = _parse_section(
            row.extra.get("answers", []), f"{row.where}.answers", Answer, known, parent="response"
        )
        _unique(((a.where, a.links["question"]) for a in answers), "question")
        ties = _parse_section(
            row.extra.get("ties", []), f"{row.where}.ties", SurveyTie, known, parent="response",
            skip=frozenset({"workspace", "wave"}),
        )  # fmt: skip
        _unique(((t.where, t.links["target"]) for t in ties), "target")
        for tie in ties:
            given = tie.values.get("answers", {})
            if not isinstance(given, dict):
                raise TransferError(f"{tie.where}.answers: expected an object.")
            for key in given:
                _resolve(Question, key, known, f"{tie.where}.answers")
        row.children = [*answers, *ties]
    return rows


def import_workspace(data: Any, slug: str | None = None, name: str | None = None) -> Workspace:
    """Create a workspace from exported data, under `slug` and `name` instead of the file's when
    given; a TransferError names the first problem, unwritten."""
    plan = parse_workspace(data)
    with transaction.atomic():
        workspace = _write(plan, slug, name)
    _refresh_statistics()
    return workspace


def _refresh_statistics() -> None:
    """Let the query planner see the rows just imported: with the statistics of nearly empty
    tables (or none, on SQLite) it picks plans that take seconds on thousands of rows. SQLite
    analyses its whole file in milliseconds; on PostgreSQL, the tables imported into."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        return
    if connection.vendor != "postgresql":
        return
    tables = [model._meta.db_table for _, model in RECORD_SECTIONS]
    tables += [model._meta.db_table for model in (Response, Answer, SurveyTie)]
    tables += [child._meta.db_table for _, child, _, _ in NESTED.values()]
    for _, model in RECORD_SECTIONS:
        tables += [many.m2m_db_table() for many in _many_fields(model)]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


def _clean(obj: models.Model, where: str, exclude: list[str]) -> None:
    """Model validation; uniqueness was checked on the file and links were resolved already."""
    try:
        obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        name, messages = next(iter(error.message_dict.items()))
        at = "" if name == "__all__" else f".{name}"
        raise TransferError(f"{where}{at}: {' '.join(messages)}") from None


def _bulk_create(manager: Any, objs: list[Any], where: str) -> None:
    try:
        with transaction.atomic():
            manager.bulk_create(objs, batch_size=BATCH_SIZE)
    except IntegrityError as error:
        raise TransferError(f"{where}: {error}") from None


def _write(plan: _Plan, slug: str | None, name: str | None = None) -> Workspace:
    values = {**plan.workspace.values, **({"slug": slug} if slug is not None else {})}
    if name is not None:
        values["name"] = name
    if Workspace.objects.filter(slug=values.get("slug")).exists():
        raise TransferError(
            f"workspace.slug: a workspace “{values['slug']}” already exists; give a new slug (--slug)."
        )
    workspace = Workspace(**values)
    _clean(workspace, "workspace", [])
    workspace.save()

    users = _users(plan)
    index: Keys = {Membership: {}}
    for row in plan.members:
        membership = Membership(workspace=workspace, user=users[row.extra["email"]], **row.values)
        _clean(membership, row.where, ["workspace", "user"])
        index[Membership][row.extra["email"]] = membership
    _bulk_create(Membership.objects, list(index[Membership].values()), "members")
    named: tuple[tuple[str, Any, list[_Row]], ...] = (
        ("sectors", Sector, plan.sectors),
        ("tags", Tag, plan.tags),
    )
    for section, named_model, rows in named:
        objs = [named_model(workspace=workspace, **row.values) for row in rows]
        for obj, row in zip(objs, rows, strict=True):
            _clean(obj, row.where, ["workspace"])
        _bulk_create(named_model.objects, objs, section)
    index[Tag] = {tag.name: tag for tag in Tag.objects.filter(workspace=workspace)}

    for section, model in RECORD_SECTIONS:
        _write_records(workspace, section, model, plan.records[section], index)
    _write_responses(workspace, plan.records["waves"], index)

    content_types = ContentType.objects.get_for_models(*(model for _, model in RECORD_SECTIONS))
    entries = []
    for row in plan.trash:
        model, email = row.extra["model"], row.extra["deleted_by"]
        entry = TrashEntry(
            workspace=workspace,
            content_type=content_types[model],
            object_id=index[model][row.extra["record"]].pk,
            deleted_by=users[email] if email else None,
            **row.values,
        )
        _clean(entry, row.where, ["workspace", "content_type", "deleted_by"])
        entries.append(entry)
    _bulk_create(TrashEntry.objects, entries, "trash")
    # Bulk inserts send no model signals: let what derives from the records recompute it.
    for _, model in RECORD_SECTIONS:
        records_changed.send(sender=model, workspace=workspace, pks=None)
    return workspace


def _users(plan: _Plan) -> dict[str, User]:
    """The users the file names, by email; those this installation lacks are created, unable to log in."""
    where = {row.extra["email"]: row.where for row in plan.members}
    for row in plan.trash:
        if row.extra["deleted_by"]:
            where.setdefault(row.extra["deleted_by"], f"{row.where}.deleted_by")
    names = {row.extra["email"]: row.extra["name"] for row in plan.members}
    users = {user.email: user for user in User.objects.filter(email__in=list(where))}
    for email in sorted(set(where) - set(users)):
        user = User(email=email, name=names.get(email, ""))
        user.set_unusable_password()
        _clean(user, where[email], ["password"])
        user.save()
        users[email] = user
    return users


def _restore_updated_at(model: type[WorkspaceRecord], objs: list[Any], stamps: list[Any]) -> None:
    """Put back the file's updated_at, which inserting replaced with the current time (auto_now)."""
    kept = [(stamp, obj) for obj, stamp in zip(objs, stamps, strict=True) if stamp is not None]
    for stamp, obj in kept:
        obj.updated_at = stamp
    update_column(model, "updated_at", ((stamp, obj.pk) for stamp, obj in kept))


def _write_records(
    workspace: Workspace,
    section: str,
    model: type[WorkspaceRecord],
    rows: list[_Row],
    index: Keys,
) -> None:
    """Insert one record section with its many-to-many links (and its NESTED rows)."""
    objs: list[Any] = []
    _fresh_tokens(model, rows)
    for row in rows:
        obj = model(workspace=workspace, **row.values)
        for name, key in row.links.items():
            related = model._meta.get_field(name).related_model
            setattr(obj, name, None if key is None else index[related][key])
        _clean(obj, row.where, ["workspace", *row.links])
        objs.append(obj)
    _bulk_create(model.all_objects, objs, section)
    _restore_updated_at(model, objs, [row.values.get("updated_at") for row in rows])
    index[model] = {str(obj.uid): obj for obj in objs}

    for many in _many_fields(model):
        through: Any = many.remote_field.through
        source, target = many.m2m_field_name(), many.m2m_reverse_field_name()
        links = [
            through(**{f"{source}_id": obj.pk, f"{target}_id": index[many.related_model][key].pk})
            for obj, row in zip(objs, rows, strict=True)
            for key in row.many.get(many.name, [])
        ]
        _bulk_create(through.objects, links, f"{section}.{many.name}")

    if model not in NESTED:
        return
    key, child_model, parent_field, _ = NESTED[model]
    entries = []
    for parent, row in zip(objs, rows, strict=True):
        for child in row.children:
            entry = child_model(**{parent_field: parent}, **child.values)
            _clean(entry, child.where, [parent_field])
            entries.append(entry)
    _bulk_create(child_model._default_manager, entries, f"{section}.{key}")


def _fresh_tokens(model: type[WorkspaceRecord], rows: list[_Row]) -> None:
    """Give a new token to each link whose token this installation already uses."""
    for token_model, name in TOKEN_FIELDS:
        if token_model is not model:
            continue
        tokens = [row.values[name] for row in rows if row.values.get(name)]
        taken = set(
            model.all_objects.filter(**{f"{name}__in": tokens}).values_list(name, flat=True)
        )
        for row in rows:
            if row.values.get(name) in taken:
                row.values[name] = new_token()


def _write_responses(workspace: Workspace, waves: list[_Row], index: Keys) -> None:
    """Insert every wave's responses, then their answers and survey ties."""
    responses: list[Response] = []
    children: list[list[_Row]] = []
    for wave_row in waves:
        wave = index[Wave][str(wave_row.values["uid"])]
        for row in wave_row.children:
            response = Response(workspace=workspace, wave=wave, **row.values)
            for name, key in row.links.items():
                related = Response._meta.get_field(name).related_model
                setattr(response, name, None if key is None else index[related][key])
            _clean(response, row.where, ["workspace", "wave", *row.links])
            responses.append(response)
            children.append(row.children)
    _bulk_create(Response.objects, responses, "waves.responses")
    answers, ties = [], []
    questions = index[Question]
    for response, rows in zip(responses, children, strict=True):
        for row in rows:
            if "question" in row.links:
                answer = Answer(response=response, question=questions[row.links["question"] or ""])
                answer.value = row.values["value"]
                answers.append(answer)
                continue
            values = dict(row.values)
            values["answers"] = {
                str(questions[key].pk): value for key, value in values.get("answers", {}).items()
            }
            tie = SurveyTie(
                workspace=workspace,
                wave=response.wave,
                response=response,
                source=index[Stakeholder][row.links["source"] or ""],
                target=index[Stakeholder][row.links["target"] or ""],
                **values,
            )
            _clean(tie, row.where, ["workspace", "wave", "response", "source", "target"])
            ties.append(tie)
    _bulk_create(Answer.objects, answers, "waves.responses.answers")
    _bulk_create(SurveyTie.objects, ties, "waves.responses.ties")
