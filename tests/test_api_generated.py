"""Generated requests for every API create and update route: each example is one case of a
whole kind. The routes come from the app's own OpenAPI schema (a new route is covered the day
it is added); each field of a route's body gets values of its kind, mostly valid with one to
three hostile (empty, blank, zero-width, NUL, lone surrogate, over-long, RTL and emoji, SQL- and
HTML-looking text; numbers beyond 64 bits, negative, fractional, NaN and Infinity, booleans and
numeric strings; dates and times outside 1900-2200, offsets that carry them out, invalid text;
ids of another workspace or of the trash; nulls, wrong JSON types, lists for scalars and back).

For every request: never a 5xx; a refusal is JSON naming fields of the body, and every value
the schema forbids is named; a refused write changes no row; a certainly-bad value is never
accepted; an accepted write reads back as it was answered, and the record's pages, its list and
the dashboard still answer 200; the viewer's same request is 403 and changes nothing. The
figures are printed at the end of the run (conftest.py); CITYWEAVE_GENERATED_EXAMPLES=N runs N
random examples per route instead of the fixed set.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.db import connection, models, transaction
from django.test import Client
from django.urls import Resolver404, resolve
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cityweave.accounts.models import ApiToken
from cityweave.goals.models import Goal
from cityweave.partnerships import activities, benchmarks, channels, gaps, meetings, risks
from cityweave.partnerships import services as partnership_services
from cityweave.partnerships.models import Partner
from cityweave.partnerships.testing import make_partner, make_partnership
from cityweave.stakeholders.models import Stakeholder
from cityweave.surveys.testing import make_respondent, make_survey, make_wave
from cityweave.testing import (
    make_commitment,
    make_goal,
    make_interaction,
    make_member,
    make_stakeholder,
    make_tie,
    make_user,
)
from cityweave.workspaces import derived
from cityweave.workspaces.models import Membership
from tests.api_strategies import (
    BAD,
    OK,
    ROUTES,
    SCHEMA_BAD,
    Route,
    World,
    hostile_examples,
    valid_example,
    values,
)

pytestmark = pytest.mark.django_db

#: Examples per route: a fixed set in CI (the file takes about 50 s), more on request.
EXAMPLES = int(os.environ.get("CITYWEAVE_GENERATED_EXAMPLES") or 0)


def test_every_write_route_is_generated():
    """The routes found are the API's writes: none is missed by a change in the schema's shape."""
    assert {str(route) for route in ROUTES} >= {
        "POST /stakeholders", "PATCH /stakeholders/{stakeholder_id}",
        "POST /ties", "PATCH /ties/{tie_id}",
        "POST /interactions", "PATCH /interactions/{interaction_id}",
        "POST /commitments", "PATCH /commitments/{commitment_id}",
        "POST /goals", "PATCH /goals/{goal_id}", "POST /goals/{goal_id}/progress",
    }  # fmt: skip


# ---------------------------------------------------------------------------------------------
# The workspace the requests write to


def live_ids(queryset: models.QuerySet[Any]) -> list[int]:
    return sorted(queryset.values_list("pk", flat=True))


@pytest.fixture
def world(riverton, alice_member, bob_member, lakeside, alice_api) -> World:
    """Riverton with records of every kind (one of each in the trash, an interaction private to
    Dana), and Lakeside beside it: what the requests may cite, and what they must not reach."""
    dana = make_member(riverton, make_user("dana@riverton.example", "Dana Wu"), "editor")
    city = make_stakeholder(riverton, "City of Riverton", sector="local-government", is_internal=True)  # fmt: skip
    bank = make_stakeholder(
        riverton, "Riverton Savings Bank", sector="business", email="info@rsb.example",
        website="https://rsb.example/", phone="+1 555 0100", offers=["funding"], influence=4,
    )  # fmt: skip
    person = make_stakeholder(riverton, "Ana Ruiz", kind="person", title="Director")
    person.organisations.set([bank])
    trashed = make_stakeholder(riverton, "Old Foundation", deleted_at=dt.datetime.now(dt.UTC))
    make_tie(city, bank, cadence_days=30, roles=["funder"], trust=3)
    meeting = make_interaction(riverton, [city, bank], author=alice_member)
    hidden = make_interaction(riverton, [bank], author=dana, private=True)
    make_commitment(bank, interaction=meeting, owner=alice_member)
    goal = make_goal(riverton, owner=alice_member)
    goal.stakeholders.set([bank])
    old_goal = make_goal(riverton, deleted_at=dt.datetime.now(dt.UTC))
    carol = make_member(lakeside, make_user("carol@lakeside.example"), "owner")
    far = [make_stakeholder(lakeside, f"Lakeside {n}") for n in (1, 2)]
    far_meeting = make_interaction(lakeside, far)
    far_goal = make_goal(lakeside)
    # Surveys: a partner survey with a wave, its roster and a respondent to write to.
    survey_wave = make_wave(make_survey(alice_member, "partner"), roster=[bank])
    make_respondent(survey_wave, bank)
    # Partnerships: one with a partner and a benchmark with progress.
    partnership = make_partnership(alice_member, officer=alice_member.pk, goals=[goal])
    make_partner(alice_member, partnership, bank, "funder", responsibility="Funds the pilot")
    benchmark = benchmarks.save_benchmark(
        alice_member,
        partnership,
        {"statement": "Pilot", "metric": "homes", "target": 10, "due_on": dt.date(2030, 1, 1)},
    )
    benchmarks.record_progress(alice_member, benchmark, 2)
    # Partnerships' activities, channels and meeting plans: one of each, the plan confirmed with
    # an agenda item and a follow-up; a partner in the trash and Lakeside's must not be reached.
    convener = make_partner(alice_member, partnership, city, "convener")
    activities.save_activity(
        alice_member,
        partnership,
        {"name": "Forum", "held_on": dt.date(2026, 5, 9), "partners": [convener]},
    )
    channels.save_channel(
        alice_member, partnership, {"kind": "email-list", "name": "Steering", "every_days": 7}
    )
    plan = meetings.save_plan(
        alice_member,
        partnership,
        {
            "title": "Budget",
            "starts_at": dt.datetime.now(dt.UTC) + dt.timedelta(days=30),
            "agenda": [{"text": "Next year's budget", "roles": ["funder"]}],
        },
    )
    meetings.confirm_plan(alice_member, plan)
    meetings.add_follow_up(
        alice_member,
        plan,
        {"description": "Send figures", "stakeholder": bank, "due_on": dt.date(2030, 1, 1)},
    )
    gone = make_partner(alice_member, partnership, person, "advisor")
    partnership_services.trash_partner(alice_member, gone)
    theirs = make_partner(carol, make_partnership(carol, "Lakeside's"), far[0], "funder")

    world = World(
        slug=riverton.slug,
        zone=ZoneInfo(riverton.timezone),
        usable={
            "stakeholders.Stakeholder": live_ids(Stakeholder.objects.filter(workspace=riverton)),
            "workspaces.Membership": live_ids(Membership.objects.filter(workspace=riverton)),
            "goals.Goal": live_ids(Goal.objects.filter(workspace=riverton)),
            "engagement.Interaction": [meeting.pk],
            "partnerships.Partner": live_ids(Partner.objects.filter(workspace=riverton)),
        },
        foreign={
            "stakeholders.Stakeholder": [trashed.pk, *(s.pk for s in far)],
            "workspaces.Membership": [carol.pk],
            "goals.Goal": [old_goal.pk, far_goal.pk],
            "engagement.Interaction": [hidden.pk, far_meeting.pk],
            "partnerships.Partner": [gone.pk, theirs.pk],
        },
    )
    # Partnerships: the partnership's assets, needs and risks.
    first = partnership
    gaps.save_asset(
        alice_member,
        first,
        {"kind": "land", "holder": city.pk, "description": "Lot 7", "amount": 5},
    )
    gaps.save_need(alice_member, first, {"value_type": "funding", "description": "Seed"})
    risks.save_risk(
        alice_member, first, {"title": "Turnover", "likelihood": 2, "impact": 3, "owner": dana.pk}
    )
    # Records to write to, and values stored fields hold, as the API lists them to Alice.
    for route in ROUTES:
        for parameter in re.findall(r"\{(\w+)\}", route.path):
            if parameter == "slug":
                continue
            listing = route.path.split(f"/{{{parameter}}}")[0].replace("{slug}", riverton.slug)
            for known, ids in world.records.items():  # a nested collection: under its first parent
                listing = listing.replace(f"{{{known}}}", str(ids[0]))
            items = alice_api.get(listing).json()["items"]
            world.records[parameter] = [item["id"] for item in items]
            for item in items:
                for name, value in item.items():
                    if value not in world.exemplars.setdefault(name, []):
                        world.exemplars[name].append(value)
    return world


def test_every_id_field_has_records_to_cite(world):
    for route in ROUTES:
        for spec in route.fields.values():
            refers = (spec.item or spec).refers_to
            if refers:
                assert world.usable.get(refers) and world.foreign.get(refers), (route, spec.name)


@dataclass
class Request:
    """A generated write: its body, each field's verdict, and fields a body must not set."""

    body: dict[str, Any]
    verdicts: dict[str, int]
    injected: dict[str, Any]
    path_ids: dict[str, int]

    @property
    def worst(self) -> int:
        return max(self.verdicts.values(), default=OK)


@st.composite
def requests(draw: st.DrawFn, route: Route, world: World) -> Request:
    """A body from the route's fields: required ones mostly valid, one to three fields hostile."""
    names = sorted(route.fields)
    required = [name for name in names if route.fields[name].required]
    optional = [name for name in names if name not in required]
    chosen = set(required)
    if optional:
        chosen |= draw(st.sets(st.sampled_from(optional)))
    if not route.creates and not chosen:
        chosen = {draw(st.sampled_from(names))}
    hostile = (
        draw(
            st.one_of(
                st.just(set()),
                st.sets(st.sampled_from(sorted(chosen)), min_size=1, max_size=min(3, len(chosen))),
            )
        )
        if chosen  # a create whose fields are all optional may send none
        else set()
    )
    body, verdicts = {}, {}
    for name in sorted(chosen):
        body[name], verdicts[name] = draw(
            values(route.fields[name], world, hostile=name in hostile)
        )
    if required and draw(st.integers(0, 9)) == 0:
        missing = draw(st.sampled_from(required))
        del body[missing]
        verdicts[missing] = SCHEMA_BAD
    injected = {}
    for name in draw(st.sets(st.sampled_from([*route.reads_back, "workspace"]), max_size=2)):
        injected[name] = {
            "id": 987_654, "uid": "00000000-0000-0000-0000-000000000000",
            "created_at": "1901-01-01T00:00:00Z",
            "author": world.foreign["workspaces.Membership"][0], "workspace": "lakeside",
        }[name]  # fmt: skip
    path_ids = {
        name: draw(st.sampled_from(world.records[name]))
        for name in re.findall(r"\{(\w+)\}", route.path)
        if name != "slug"
    }
    return Request({**body, **injected}, verdicts, injected, path_ids)


# ---------------------------------------------------------------------------------------------
# Sending them


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the app's tables (tokens aside: using one stamps it), one query a table."""
    rows = {}
    with connection.cursor() as cursor:
        for table in SNAPSHOT_TABLES:
            cursor.execute(f"SELECT * FROM {table}")
            rows[table] = sorted(cursor.fetchall(), key=repr)
    return rows


SNAPSHOT_TABLES = [
    connection.ops.quote_name(model._meta.db_table)
    for app in apps.get_app_configs()
    if app.name.startswith("cityweave")
    for model in app.get_models(include_auto_created=True)
    if model is not ApiToken
]


def send(client: Client, method: str, url: str, body: Any, tally: Counter[str]) -> Any:
    raw = json.dumps(body, ensure_ascii=True)  # lone surrogates travel as \\udfff escapes
    try:
        response = getattr(client, method)(url, raw, content_type="application/json")
    except Exception:
        tally["5xx"] += 1
        raise
    if response.status_code >= 500:
        tally["5xx"] += 1
    assert response.status_code < 500, (url, body, response.content[:500])
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    return response


def read(client: Client, url: str, tally: Counter[str]) -> Any:
    tally["reads"] += 1
    try:
        response = client.get(url)
    except Exception:
        tally["5xx"] += 1
        raise
    if response.status_code >= 500:
        tally["5xx"] += 1
    assert response.status_code == 200, (url, response.status_code, response.content[:500])
    return response


def instants(record: dict[str, Any]) -> dict[str, Any]:
    """The record with its times as instants: a write may answer a time in the workspace's
    offset that a read answers in UTC."""
    found = {}
    for name, value in record.items():
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d\d-\d\dT.*(Z|[+-]\d\d:\d\d)", value):
            value = dt.datetime.fromisoformat(value)
        found[name] = value
    return found


def root(field_name: str | None) -> str | None:
    return re.split(r"[.\[]", field_name)[0] if field_name else None


def pages_of(api_path: str) -> list[str]:
    """The HTML pages that show an API record or list (…/ties/7 → /w/riverton/ties/7/)."""
    path = "/w/" + api_path.split("/workspaces/", 1)[1].strip("/") + "/"
    try:
        resolve(path)
    except Resolver404:
        return []
    return [path]


def cited_pages(route: Route, request: Request) -> list[str]:
    """The pages of the records an accepted body cites (a participant's page shows the interaction)."""
    found = []
    for name, value in request.body.items():
        spec = route.fields.get(name)
        refers = spec and (spec.item or spec).refers_to
        if not refers or refers not in ("stakeholders.Stakeholder", "goals.Goal"):
            continue
        model = apps.get_model(refers)
        for pk in value if isinstance(value, list) else [value]:
            record = model._default_manager.filter(pk=pk).first()
            if record is not None:
                found.append(record.get_absolute_url())
    return sorted(set(found))[:3]


@pytest.fixture
def clients(alice, bob, world) -> dict[str, Client]:
    """Alice by token and by session (for pages), Bob the viewer by token."""
    session = Client()
    session.force_login(alice)
    return {
        "alice": Client(headers={"Authorization": f"Bearer {ApiToken.issue(alice, 'gen')[1]}"}),
        "bob": Client(headers={"Authorization": f"Bearer {ApiToken.issue(bob, 'gen')[1]}"}),
        "pages": session,
    }


def check(route: Route, request: Request, world: World, clients: dict[str, Client], tally, *,
          thorough: bool = True):  # fmt: skip
    """Send one generated request as the viewer and as Alice, and hold the answers to the rules
    (all of them when `thorough`; else Alice's request, and the record and its page after it)."""
    url = route.path.format(slug=world.slug, **request.path_ids)
    if thorough:
        before = snapshot()
        refused = send(clients["bob"], route.method, url, request.body, tally)
        tally["viewer writes"] += 1
        assert refused.status_code == 403, refused.content[:300]
        assert snapshot() == before, "a viewer's refused write changed rows"

    record_before = route.record_before(url) if thorough else None
    shown_before = read(clients["alice"], record_before, tally).json() if record_before else None
    before = snapshot()
    response = send(clients["alice"], route.method, url, request.body, tally)
    tally["generated"] += 1
    status, answer = response.status_code, response.json()
    schema_bad = {name for name, verdict in request.verdicts.items() if verdict == SCHEMA_BAD}
    if status in (400, 413, 422):
        tally["refused"] += 1
        tally["bad refused"] += request.worst >= BAD
        assert isinstance(answer["detail"], list), answer
        named = set()
        for error in answer["detail"]:
            assert isinstance(error["loc"], list) and isinstance(error["msg"], str), error
            named.add(root(error["field"]))
        if status == 422:
            assert named <= set(route.fields), f"errors name no field of the body: {answer}"
        assert schema_bad <= named, f"{schema_bad} not named in {answer}"
        assert snapshot() == before, "a refused write changed rows"
        if record_before:
            assert read(clients["alice"], record_before, tally).json() == shown_before
        return
    if status == 409:
        # A probable duplicate stakeholder: a refusal listing them, after every field passed.
        tally["duplicates refused"] += 1
        assert answer["duplicates"] and all(isinstance(d["id"], int) for d in answer["duplicates"])
        bad = {name: request.body[name] for name, v in request.verdicts.items() if v >= BAD}
        assert not bad, f"refused as a duplicate before naming bad values: {bad!r}"
        assert snapshot() == before, "a refused write changed rows"
        return
    assert status == (201 if route.creates else 200), (status, answer)
    tally["accepted"] += 1
    bad = {name: request.body[name] for name, v in request.verdicts.items() if v >= BAD}
    assert not bad, f"accepted values it must refuse: {bad!r}"

    record_url = route.record_url(url, answer)
    stored = read(clients["alice"], record_url, tally).json()
    assert instants(stored) == instants(answer), "the record reads back otherwise than written"
    for name, value in request.injected.items():
        if name in stored and not (shown_before and shown_before.get(name) == value):
            assert stored[name] != value, f"the body set {name}"
    if record_before and shown_before and shown_before.get("id") == stored.get("id"):
        for name in route.reads_back:
            assert stored[name] == shown_before[name], f"the body changed {name}"
    if not thorough:
        for page in pages_of(record_url):
            read(clients["pages"], page, tally)
        return
    listing = record_url.rsplit("/", 1)[0]
    read(clients["alice"], listing, tally)
    pages = [f"/w/{world.slug}/", *pages_of(listing), *pages_of(record_url)]
    for page in [*pages, *cited_pages(route, request)]:
        read(clients["pages"], page, tally)


@pytest.mark.parametrize("route", ROUTES, ids=str)
@settings(
    max_examples=EXAMPLES or 20,
    derandomize=not EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_a_generated_write_is_refused_naming_the_field_or_stored_and_shown(
    route, data, world, clients, generated_tally
):
    request = data.draw(requests(route, world), label="request")
    with fresh_workspace():
        check(route, request, world, clients, generated_tally)


@contextmanager
def fresh_workspace() -> Iterator[None]:
    """The example's writes are rolled back after it, and what pages keep between requests is
    forgotten, so each example starts from the same workspace."""
    with transaction.atomic():
        derived.MEMO.clear()
        derived._uncommitted().clear()
        yield
        transaction.set_rollback(True)


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_every_listed_hostile_value_of_every_field_is_refused_or_stored_and_shown(
    route, world, clients, generated_tally
):
    """Each field in turn takes each hostile example of its kind (tests/api_strategies.py), the
    rest of the body valid: every listed example is sent on every route, whatever the draws."""
    base = {
        name: valid_example(spec, world) for name, spec in route.fields.items() if spec.required
    }
    path_ids = {name: ids[0] for name, ids in world.records.items() if f"{{{name}}}" in route.path}
    for name, spec in sorted(route.fields.items()):
        for value, verdict in hostile_examples(spec, world):
            body = {field: pair[0] for field, pair in base.items()}
            verdicts = {field: pair[1] for field, pair in base.items()}
            request = Request({**body, name: value}, {**verdicts, name: verdict}, {}, path_ids)
            with fresh_workspace():
                check(route, request, world, clients, generated_tally, thorough=False)
