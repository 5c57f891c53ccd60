"""The API's write routes, read from its own OpenAPI schema, and hypothesis strategies for the
values each kind of field takes: valid ones and hostile ones, each with how it must fare.

tests/test_api_generated.py sends them; a route added to the API is in ROUTES the day it is added,
and a field of a kind without a strategy here fails loudly rather than going unexercised.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from django.apps import apps
from django.urls import reverse
from hypothesis import strategies as st

from cityweave.api import api
from cityweave.storable import MAX_ID, TEXT_MAX_LENGTH

# How a value must fare, in increasing severity: OK stands on its own (it may still be refused
# for its company, e.g. a tie that already exists); MAYBE may go either way; BAD must be refused;
# SCHEMA_BAD must be refused naming its field, whatever else the body holds.
OK, MAYBE, BAD, SCHEMA_BAD = 0, 1, 2, 3

WRITE_METHODS = ("post", "put", "patch")

# ---------------------------------------------------------------------------------------------
# The routes, from the OpenAPI schema


@dataclass(frozen=True)
class Spec:
    """What one field of a request body takes, as the OpenAPI schema says."""

    name: str
    kind: str  # text, enum, integer, id, decimal, boolean, date, datetime, list
    nullable: bool | None = False  # None: the schema cannot tell (a PATCH without its create)
    required: bool = False
    low: int | None = None
    high: int | None = None
    min_length: int = 0
    max_length: int | None = None
    choices: tuple[str, ...] = ()
    item: Spec | None = None
    refers_to: str = ""  # an id's model label


@dataclass(frozen=True)
class Route:
    """One create or update route."""

    method: str
    path: str  # /api/v1/workspaces/{slug}/ties/{tie_id}
    fields: dict[str, Spec]
    reads_back: tuple[str, ...] = ()  # response fields a body must never set (id, created_at…)

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.path.split('{slug}', 1)[1]}"

    @property
    def creates(self) -> bool:
        return self.method == "post"

    def record_url(self, url: str, answer: dict[str, Any]) -> str:
        """Where the record the route wrote reads back: the record itself for an update, the new
        record for a create, the parent record for a create in a sub-collection (a goal's progress)."""
        if not self.creates:
            return url
        if any(path.startswith(f"{self.path}/{{") for path in _GET_PATHS):
            return f"{url}/{answer['id']}"
        parent = self.path.rsplit("/", 1)[0]
        assert parent in _GET_PATHS, f"{self}: no GET route reads back what it writes"
        return url.rsplit("/", 1)[0]

    def record_before(self, url: str) -> str | None:
        """The record a write changes, when it exists before the write."""
        if not self.creates:
            return url
        parent = url.rsplit("/", 1)[0]
        return parent if self.path.rsplit("/", 1)[0] in _GET_PATHS else None


SCHEMA = api.get_openapi_schema(path_prefix=reverse("api:api-root"))
_GET_PATHS = {path for path, operations in SCHEMA["paths"].items() if "get" in operations}


def deref(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema or len(schema.get("allOf", ())) == 1:
        if "allOf" in schema:
            schema = schema["allOf"][0]
        name = schema.get("$ref", "").rsplit("/", 1)[-1]
        if name:
            schema = SCHEMA["components"]["schemas"][name]
    return schema


def relations() -> dict[str, str]:
    """Model label by the name of every relation of the app's models (`owner` → Membership)."""
    found: dict[str, set[str]] = {}
    for model in apps.get_app_configs():
        if not model.name.startswith("cityweave"):
            continue
        for each in model.get_models():
            for relation in each._meta.get_fields():
                if relation.is_relation and not relation.auto_created and relation.related_model:
                    label = relation.related_model._meta.label  # type: ignore[union-attr]
                    found.setdefault(relation.name, set()).add(label)
    return {name: labels.pop() for name, labels in found.items() if len(labels) == 1}


RELATIONS = relations()


def spec_of(name: str, schema: dict[str, Any], *, required: bool = False) -> Spec:
    options = deref(schema).get("anyOf", [schema])
    nullable = any(option.get("type") == "null" for option in options)
    kinds = [deref(option) for option in options if option.get("type") != "null"]
    types = {option.get("type") for option in kinds}
    base = {"name": name, "nullable": nullable, "required": required}
    if types == {"number", "string"}:
        return Spec(kind="decimal", **base)
    assert len(kinds) == 1, f"{name}: no strategy for {schema}"
    (kind,) = kinds
    if "enum" in kind:
        return Spec(kind="enum", choices=tuple(kind["enum"]), **base)
    if kind.get("type") == "string":
        if kind.get("format") in ("date", "date-time"):
            return Spec(kind={"date": "date", "date-time": "datetime"}[kind["format"]], **base)
        return Spec(
            kind="text",
            min_length=kind.get("minLength", 0),
            max_length=kind.get("maxLength"),
            **base,
        )
    if kind.get("type") == "integer":
        if kind.get("maximum") == MAX_ID:
            assert name in RELATIONS, f"{name}: an id field must name a relation of a model"
            return Spec(kind="id", refers_to=RELATIONS[name], **base)
        return Spec(kind="integer", low=kind.get("minimum"), high=kind.get("maximum"), **base)
    if kind.get("type") == "boolean":
        return Spec(kind="boolean", **base)
    if kind.get("type") == "array":
        item = spec_of(name, kind["items"])
        return Spec(kind="list", item=item, **base)
    raise AssertionError(f"{name}: no strategy for {schema}")


def body_schema(operation: dict[str, Any]) -> dict[str, Any]:
    return deref(operation["requestBody"]["content"]["application/json"]["schema"])


def write_routes() -> list[Route]:
    """Every route that creates or changes a record, with its body's fields."""
    routes = []
    paths = SCHEMA["paths"]
    for path, operations in paths.items():
        for method, operation in operations.items():
            if method not in WRITE_METHODS or "requestBody" not in operation:
                continue
            if "notifications" in operation.get("tags", ()):
                # The caller's own notifications and digest rhythm, which viewers may change too
                # (cityweave.api.PERSONAL_ROUTES): not a workspace record; their tests are in
                # cityweave/reminders/tests/test_api.py.
                continue
            if "strategy" in operation.get("tags", ()):
                # The caller's own relationship budget and plan, which viewers may set too
                # (cityweave.api.PERSONAL_ROUTES), and accepting that plan: their tests (bad
                # fields named, nothing written, another member's untouched) are in
                # cityweave/strategy/tests/test_api.py and test_plan_api.py.
                continue
            if "peers" in operation.get("tags", ()):
                # A network of cities: its records belong to a network, not a workspace; its
                # tests (bad fields named, seats, nothing written) are in
                # cityweave/peers/tests/test_api.py.
                continue
            if "application/json" not in operation["requestBody"]["content"]:
                # A file upload (multipart/form-data): the contact import, whose tests are in
                # cityweave/contacts/tests/test_api.py.
                continue
            body = body_schema(operation)
            required = set(body.get("required", ()))
            fields = {
                name: spec_of(name, schema, required=name in required)
                for name, schema in body["properties"].items()
            }
            if method != "post":
                # An update's null clears only what its create lets be null.
                create = paths.get(path.rsplit("/", 1)[0], {}).get("post")
                creates = body_schema(create)["properties"] if create else {}
                fields = {
                    name: Spec(
                        **{
                            **spec.__dict__,
                            "nullable": spec_of(name, creates[name]).nullable
                            if name in creates
                            else None,
                        }
                    )
                    for name, spec in fields.items()
                }
            answer = next(
                iter(
                    response
                    for status, response in operation["responses"].items()
                    if str(status).startswith("2")
                )
            )
            shown = deref(answer["content"]["application/json"]["schema"])["properties"]
            identity = {"id", "uid", "created_at", "author"} & set(shown) - set(fields)
            routes.append(Route(method, path, fields, tuple(sorted(identity))))
    return routes


ROUTES = write_routes()


@dataclass
class World:
    """What generated values may cite: the workspace written to, the ids it may use by model, ids
    it must not reach (another workspace's, the trash's, another member's private record), the
    records each path parameter names, and the values its records hold by field."""

    slug: str
    zone: ZoneInfo
    usable: dict[str, list[int]]
    foreign: dict[str, list[int]]
    records: dict[str, list[int]] = field(default_factory=dict)  # path parameter → ids
    exemplars: dict[str, list[Any]] = field(default_factory=dict)  # field → values stored


# ---------------------------------------------------------------------------------------------
# Values of each kind, with how they must fare

INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"  # the invisible characters storable.py names
NICE_TEXTS = [
    "Riverton Public Library", "مكتبة ريفرتون العامة", "ספריית ריברטון", "李明 (Li Ming)",
    "🏙️ Riverton 👩‍👩‍👧 partners", "Zoë Ñúñez-O'Brien", "e\u0301\u0301 combining", "\u202eevil\u202c",
    "Robert'); DROP TABLE stakeholders;--", "1' OR '1'='1", "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>', "{{ request.user }} {% csrf_token %}", "%s %(name)s {0}",
    "\\N", "line one\r\nline two\ttab", "  padded  ", "a\u200bb", "null", "true", "0",
]  # fmt: skip
HOSTILE_TEXTS = [
    "", " ", "\t\n ", "\u200b", "\u200b\u200d\ufeff", " \u00ad\u2060 ", "\u200b \u200b \u200b",
    "a\x00b", "\x00", "\udfff", "ok\ud800",
]  # fmt: skip
#: A value and how it must fare.
Pair = tuple[Any, int]


def is_blank(text: str) -> bool:
    return all(char.isspace() or char in INVISIBLE for char in text)


def text_verdict(spec: Spec, text: str, exemplars: list[Any]) -> int:
    surrogate = re.search("[\ud800-\udfff]", text)
    measured = spec.min_length or spec.max_length is not None
    if len(text) < spec.min_length or (spec.max_length is not None and len(text) > spec.max_length):
        return SCHEMA_BAD
    if surrogate and measured:
        return SCHEMA_BAD  # pydantic reads a text it measures, and finds it is not Unicode
    if surrogate or "\x00" in text or len(text) > TEXT_MAX_LENGTH:
        return BAD  # refused by the storable checks, after the schema
    if spec.min_length and is_blank(text):
        return BAD
    # A limit in the schema marks free text; an e-mail address, a sector, a tag may hold rules
    # of their own, so only what a record already holds is sure for them.
    return OK if spec.max_length is not None or text in exemplars else MAYBE


def stored_texts(spec: Spec, world: World) -> list[str]:
    """The texts the workspace's records hold in a field of this name (items of lists too)."""
    stored = world.exemplars.get(spec.name, [])
    found = [v for value in stored for v in (value if isinstance(value, list) else [value])]
    return [value for value in found if isinstance(value, str)]


def out_of_range(spec: Spec) -> list[int]:
    low, high = bounds(spec)
    edges = [low - 1, high + 1, 0, -1, 2**63, 2**64, -(2**63) - 1, 10**30]
    return [n for n in edges if not low <= n <= high]


def bounds(spec: Spec) -> tuple[int, int]:
    return (
        spec.low if spec.low is not None else -(10**6),
        spec.high if spec.high is not None else 10**6,
    )


def decimal_verdict(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return SCHEMA_BAD
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return SCHEMA_BAD
    if not number.is_finite():
        return SCHEMA_BAD
    if abs(number) >= 10**15:
        return BAD  # no amount the databases keep
    exponent = number.as_tuple().exponent
    small = abs(number) < 10**6 and isinstance(exponent, int) and exponent >= -2
    plain = not isinstance(value, str) or value == value.strip()
    return OK if small and number >= 0 and plain else MAYBE


EARLIEST, LATEST = dt.date(1900, 1, 1), dt.date(2200, 12, 31)
OFFSETS = [None, dt.UTC, *(dt.timezone(dt.timedelta(hours=h)) for h in (14, 5.5, -12, -3))]


def moment_verdict(moment: dt.datetime, zone: ZoneInfo) -> int:
    """OK when the moment falls within the years allowed in UTC (a time without an offset is
    read in the workspace's zone), else BAD."""
    try:
        utc = moment.replace(tzinfo=moment.tzinfo or zone).astimezone(dt.UTC)
    except OverflowError:
        return BAD
    return OK if EARLIEST.year <= utc.year <= LATEST.year else BAD


def iso(moment: dt.datetime) -> str:
    text = moment.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") and moment.second % 2 else text


def null_verdict(spec: Spec) -> int:
    return {True: OK, False: SCHEMA_BAD, None: MAYBE}[spec.nullable]


# Every hostile example of a kind, with how it must fare: the sweep sends each one, the random
# requests draw from them and from the generated values further below.


def hostile_examples(spec: Spec, world: World) -> list[Pair]:
    """The listed hostile values for a field: of its kind, then null and wrong JSON types."""
    own = {
        "text": text_examples, "integer": integer_examples, "id": id_examples,
        "decimal": decimal_examples, "boolean": boolean_examples, "enum": enum_examples,
        "date": date_examples, "datetime": datetime_examples, "list": list_examples,
    }[spec.kind](spec, world)  # fmt: skip
    wrong = [{"nested": True}] if spec.kind == "list" else [{"nested": True}, ["a", "b"]]
    return [*own, (None, null_verdict(spec)), *((value, SCHEMA_BAD) for value in wrong)]


def text_examples(spec: Spec, world: World) -> list[Pair]:
    exemplars = stored_texts(spec, world)
    longest = [spec.max_length + 1] if spec.max_length else []
    over = ["x" * n for n in [*longest, TEXT_MAX_LENGTH + 1]]
    return [(text, text_verdict(spec, text, exemplars)) for text in [*HOSTILE_TEXTS, *over]]


def integer_examples(spec: Spec, world: World) -> list[Pair]:
    low, high = bounds(spec)
    refused = [1.5, -0.5, float("nan"), float("inf"), "NaN", "Infinity", "-Infinity", "", "three",
               "1e400", True, False, [low], {"value": low}]  # fmt: skip
    return [
        *((n, SCHEMA_BAD) for n in out_of_range(spec)),
        *((value, SCHEMA_BAD) for value in refused),
        *((value, MAYBE) for value in [str(low), float(low), f" {high} "]),
    ]


def id_examples(spec: Spec, world: World) -> list[Pair]:
    usable = world.usable[spec.refers_to][0]
    refused = [0, -1, MAX_ID + 1, 2**64, True, False, "1", str(usable), float(usable), [1], {}]
    return [
        *((pk, BAD) for pk in [*world.foreign[spec.refers_to], MAX_ID]),
        *((value, SCHEMA_BAD) for value in refused),
    ]


def decimal_examples(spec: Spec, world: World) -> list[Pair]:
    listed = [float("nan"), float("inf"), "NaN", "-Infinity", "sNaN", "", "ten", True, False,
              [1], {}, 1e20, 10**30, "1e400", -(10**12), 0.001, "12.345", 999999999999.99]  # fmt: skip
    return [(value, decimal_verdict(value)) for value in listed]


def boolean_examples(spec: Spec, world: World) -> list[Pair]:
    lax = ["true", "false", "yes", "no", "on", "off", "1", "0", "t", "f", "y", "n", 0, 1]
    refused = [2, -1, 1.5, "maybe", "", "TRUE ", [], {}, [True]]
    return [*((v, MAYBE) for v in lax), *((v, SCHEMA_BAD) for v in refused)]


def enum_examples(spec: Spec, world: World) -> list[Pair]:
    first = spec.choices[0]
    near = [f" {first}", first.upper(), "other", "", 1, True, [first]]
    return [(value, SCHEMA_BAD) for value in near if value not in spec.choices]


def date_examples(spec: Spec, world: World) -> list[Pair]:
    far = [dt.date(1, 1, 1), dt.date(1899, 12, 31), dt.date(2201, 1, 1), dt.date(9999, 12, 31)]
    refused = ["2026-02-30", "2026-13-01", "2026-00-10", "31/12/2026", "2026-3-2", "", "tomorrow",
               "+10000-01-01", "2026-03-02T10:00:00Z", True, 1.5, [], {}, 10**20]  # fmt: skip
    return [
        *((day.isoformat(), BAD) for day in far),
        *((value, SCHEMA_BAD) for value in refused),
        *((value, MAYBE) for value in ["2026-03-02T00:00:00Z", 0, 86_400]),
    ]


def datetime_examples(spec: Spec, world: World) -> list[Pair]:
    return [
        ("9999-12-31T23:59:59-12:00", BAD), ("0001-01-01T03:00:00Z", BAD),
        ("0001-01-01T00:00:00+14:00", BAD), ("2201-01-01T00:00:00Z", BAD),
        ("1899-12-31T23:59:59Z", BAD), ("1900-01-01T00:30:00+01:00", BAD),
        ("2200-12-31T23:30:00-01:00", BAD), ("2200-12-31T23:00:00", BAD),
        ("1900-01-01T00:00:00Z", OK), ("2200-12-31T23:59:59Z", OK),
        ("2026-02-30T10:00:00Z", SCHEMA_BAD), ("2026-03-02T25:00:00Z", SCHEMA_BAD),
        ("2026-03-02T10:00:00+25:00", SCHEMA_BAD), ("", SCHEMA_BAD), ("now", SCHEMA_BAD),
        (10**20, SCHEMA_BAD), ([], SCHEMA_BAD), ({}, SCHEMA_BAD), (True, SCHEMA_BAD),
        (-2_208_988_801, BAD), (0, MAYBE), (1.5, MAYBE), ("2026-03-02", MAYBE),
    ]  # fmt: skip


def list_examples(spec: Spec, world: World) -> list[Pair]:
    """A list with one bad item after a valid one, for each of the item's values that must be
    refused; the valid item where a list belongs, nested, or repeated 300 times."""
    assert spec.item is not None
    item, verdict = valid_example(spec.item, world)
    refused = [(bad, how) for bad, how in hostile_examples(spec.item, world) if how >= BAD]
    return [
        *(([item, bad], max(verdict, how)) for bad, how in refused),
        (item, SCHEMA_BAD), ([[item]], SCHEMA_BAD), ([item] * 300, max(verdict, MAYBE)),
        ("a,b", SCHEMA_BAD), (1, SCHEMA_BAD), (True, SCHEMA_BAD),
    ]  # fmt: skip


def valid_example(spec: Spec, world: World) -> Pair:
    """One valid value of a field, the same every time (the sweep's base body)."""
    usable = world.usable.get(spec.refers_to, [])
    if spec.kind == "text":
        stored = stored_texts(spec, world)
        text = stored[0] if stored else "Riverton Public Library"[: spec.max_length]
        return text, text_verdict(spec, text, stored)
    return {
        "integer": lambda: (bounds(spec)[0], OK),
        # Ids differ by field (a tie's source and target), the same on every run.
        "id": lambda: (usable[sum(map(ord, spec.name)) % len(usable)], OK),
        "decimal": lambda: ("12.50", OK),
        "boolean": lambda: (False, OK),
        "enum": lambda: (spec.choices[0], OK),
        "date": lambda: ("2026-03-02", OK),
        "datetime": lambda: ("2026-03-02T10:00:00Z", OK),
        "list": lambda: ([], OK),
    }[spec.kind]()


# Values drawn at random, valid and hostile.


def texts(spec: Spec, world: World, *, hostile: bool) -> st.SearchStrategy[Pair]:
    exemplars = stored_texts(spec, world)
    if hostile:
        strategy = st.one_of(
            st.text(st.sampled_from(INVISIBLE + " \t\n\x00"), max_size=8),
            st.text(max_size=40),  # any character, NUL and other controls included
        )
    else:
        strategy = st.one_of(
            *([st.sampled_from(exemplars)] * 3 if exemplars else []),
            st.sampled_from(NICE_TEXTS),
            st.text(
                st.characters(codec="utf-8", exclude_characters="\x00"), min_size=1, max_size=30
            ),
            st.just("Ω" * (spec.max_length or 200)),
        )
    return strategy.map(lambda text: (text, text_verdict(spec, text, exemplars)))


def dates(*, hostile: bool) -> st.SearchStrategy[Pair]:
    if not hostile:
        return st.one_of(
            st.dates(EARLIEST, LATEST), st.sampled_from([EARLIEST, LATEST, dt.date(2024, 2, 29)])
        ).map(lambda d: (d.isoformat(), OK))
    return st.one_of(
        st.dates(max_value=EARLIEST - dt.timedelta(days=1)),
        st.dates(min_value=LATEST + dt.timedelta(days=1)),
    ).map(lambda d: (d.isoformat(), BAD))


def datetimes(world: World, *, hostile: bool) -> st.SearchStrategy[Pair]:
    def aware(low: dt.datetime, high: dt.datetime) -> st.SearchStrategy[Pair]:
        moments = st.builds(
            lambda moment, zone: moment.replace(tzinfo=zone),
            st.datetimes(low, high),
            st.sampled_from(OFFSETS),
        )
        return moments.map(lambda m: (iso(m), moment_verdict(m, world.zone)))

    if not hostile:
        return aware(dt.datetime(1900, 1, 2), dt.datetime(2200, 12, 30))
    return st.one_of(
        aware(dt.datetime(1, 1, 2), dt.datetime(1899, 12, 30)),
        aware(dt.datetime(2201, 1, 2), dt.datetime(9999, 12, 30)),
    )


def lists(spec: Spec, world: World, *, hostile: bool) -> st.SearchStrategy[Pair]:
    assert spec.item is not None
    good = values(spec.item, world, hostile=False)
    items = st.one_of(good, values(spec.item, world, hostile=True)) if hostile else good

    def gathered(pairs: list[Pair]) -> Pair:
        return [value for value, _ in pairs], max((verdict for _, verdict in pairs), default=OK)

    return st.lists(items, min_size=int(hostile), max_size=4).map(gathered)


def values(spec: Spec, world: World, *, hostile: bool) -> st.SearchStrategy[Pair]:
    """Values for one field: valid ones, or hostile ones (the listed examples, null and wrong
    types among them, and generated ones)."""
    if not hostile:
        return {
            "text": lambda: texts(spec, world, hostile=False),
            "integer": lambda: st.integers(*bounds(spec)).map(lambda n: (n, OK)),
            "id": lambda: st.sampled_from(world.usable[spec.refers_to]).map(lambda pk: (pk, OK)),
            "decimal": lambda: st.one_of(
                st.decimals(0, 10**6, places=2).map(float),
                st.decimals(0, 10**6, places=2).map(str),
                st.integers(0, 10**6),
            ).map(lambda value: (value, decimal_verdict(value))),
            "boolean": lambda: st.booleans().map(lambda b: (b, OK)),
            "enum": lambda: st.sampled_from(spec.choices).map(lambda v: (v, OK)),
            "date": lambda: dates(hostile=False),
            "datetime": lambda: datetimes(world, hostile=False),
            "list": lambda: lists(spec, world, hostile=False),
        }[spec.kind]()
    listed = st.sampled_from(hostile_examples(spec, world))
    generated = {
        "text": lambda: texts(spec, world, hostile=True),
        "decimal": lambda: st.floats().map(lambda value: (value, decimal_verdict(value))),
        "date": lambda: dates(hostile=True),
        "datetime": lambda: datetimes(world, hostile=True),
        "list": lambda: lists(spec, world, hostile=True),
    }.get(spec.kind)
    return st.one_of(listed, listed, generated()) if generated else listed
