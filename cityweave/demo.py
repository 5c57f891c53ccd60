"""The demo city Riverton: a made-up but realistic network with two years of history."""

from __future__ import annotations

import datetime as dt
import random
import re
from collections import defaultdict
from decimal import Decimal
from typing import Protocol

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from cityweave.accounts.models import User
from cityweave.demo_data import (
    AREAS,
    BRIDGES,
    BROKER_TIES,
    CADENCES,
    CITY_FOCUS,
    CITY_KEY,
    CITY_TZ,
    COMMUNITY_ABOUT,
    COMMUNITY_IMPROVE,
    COMMUNITY_RESPONSES,
    COMMUNITY_WORKS,
    DEMO_NAME,
    DEMO_PASSWORD,
    DEMO_SEED,
    DEMO_SLUG,
    DEMO_TIMEZONE,
    DEMO_USERS,
    GENERAL_TOPICS,
    GOALS,
    HISTORY_DAYS,
    HOLE,
    HOLE_BROKERS,
    KIND_WEIGHTS,
    LEVEL_BY_SECTOR,
    NOTE_LINES,
    NOTES,
    OFFERS_BY_SECTOR,
    ORGANISATIONS,
    PARTNER_TURNOUT,
    PARTNER_WAVES,
    PEOPLE,
    PRIVATE_SUMMARIES,
    ROLES_BY_SECTOR,
    STREETS,
    SUMMARIES,
    SURVEY_PARTNERS,
    SURVEY_ROLES,
    THEIR_PROMISES,
    TOPICS,
    US_PROMISES,
)
from cityweave.demo_network import build_demo_network
from cityweave.demo_partnerships import PartnershipBuilder
from cityweave.engagement.contacts import refresh_workspace
from cityweave.engagement.health import COLD, COOLING, HEALTHY
from cityweave.engagement.models import Commitment, Interaction
from cityweave.goals.models import Goal, GoalProgress
from cityweave.network.services import request_analysis
from cityweave.stakeholders.models import Stakeholder, Tag, Tie
from cityweave.strategy.demo import add_demo_budgets
from cityweave.surveys.instruments import Collaboration, Frequency, Measure
from cityweave.surveys.models import (
    Answer,
    Question,
    Respondent,
    Response,
    SurveyTie,
    Wave,
    new_token,
)
from cityweave.surveys.services import create_from_template
from cityweave.vocabulary import SectorChoice as S
from cityweave.vocabulary import ValueType
from cityweave.workspaces.models import Membership, Role, Workspace


class Writer(Protocol):
    """Where progress lines go: a file, or a management command's stdout."""

    def write(self, msg: str, /) -> object: ...


def demo_is_needed() -> bool:
    """True when the database has no workspace at all, so a first run should show the demo."""
    return not Workspace.objects.exists()


def build_demo(
    today: dt.date | None = None, *, stdout: Writer | None = None, rebuild: bool = False
) -> Workspace:
    """Build the demo city Riverton as of `today`; an existing one is kept unless `rebuild`."""
    today = today or timezone.localdate(timezone=CITY_TZ)
    with transaction.atomic():
        existing = Workspace.objects.filter(slug=DEMO_SLUG).first()
        if existing is not None and not rebuild:
            _say(
                stdout,
                f"The workspace “{existing.name}” ({DEMO_SLUG}) already exists; left it as is.",
            )
            return existing
        if existing is not None:
            existing.delete()
            _say(
                stdout, f"Deleted the workspace “{existing.name}” ({DEMO_SLUG}) to build it again."
            )
        builder = _RivertonBuilder(today)
        workspace = builder.build()
        add_demo_budgets(workspace)
        network = build_demo_network(today, workspace, builder.alice.user, DEMO_PASSWORD)
        # Queue the network analysis, so the worker beside the server has it ready.
        transaction.on_commit(lambda: request_analysis(workspace))
    _say(
        stdout, f"Built the demo city “{DEMO_NAME}” ({DEMO_SLUG}) as of {today}: {builder.summary}."
    )
    _say(stdout, f"Built the network of cities “{network.name}” (/networks/{network.slug}/).")
    return workspace


def _say(stdout: Writer | None, line: str) -> None:
    if stdout is not None:
        stdout.write(line + "\n")


def _split(refs: str) -> list[str]:
    return [ref.strip() for ref in refs.split(",") if ref.strip()]


def _email_name(name: str) -> str:
    words = re.sub(r"[^A-Za-z ]", "", name).lower().split()
    return f"{words[-2]}.{words[-1]}"


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


class _RivertonBuilder:
    """Builds one Riverton as of a given day, drawing every choice from one seeded generator."""

    def __init__(self, today: dt.date) -> None:
        self.today = today
        self.rng = random.Random(DEMO_SEED)
        # Maxima draw from their own generator, so that giving some ties one moves nothing else.
        self.maxima_rng = random.Random(DEMO_SEED + 1)
        self.by_ref: dict[str, Stakeholder] = {}
        self.topic_tags: dict[str, list[str]] = {}
        self.ties: list[Tie] = []
        self.city_ties: list[Tie] = []
        self.pairs: set[tuple[int, int]] = set()
        self.neighbours: dict[int, list[Stakeholder]] = defaultdict(list)
        self.neighbour_sectors: dict[int, set[str]] = defaultdict(set)
        self.contacts: dict[int, list[tuple[int, Interaction]]] = defaultdict(list)

    def at(self, days_ago: int, hour: int = 10, minute: int = 0) -> dt.datetime:
        day = self.today - dt.timedelta(days=days_ago)
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=CITY_TZ)

    def office_hours(self, days_ago: int) -> dt.datetime:
        return self.at(days_ago, self.rng.randint(8, 17), self.rng.choice((0, 15, 30, 45)))

    def build(self) -> Workspace:
        self.workspace = Workspace.objects.create(
            name=DEMO_NAME, slug=DEMO_SLUG, timezone=DEMO_TIMEZONE, created_at=self.at(HISTORY_DAYS)
        )
        self._members()
        self._stakeholders()
        self._ties()
        self._goals()
        self._interactions()
        self._commitments()
        self._surveys()
        self.partnerships = PartnershipBuilder(
            self.today, self.at, self.members, self.by_ref, self.goals
        ).build()
        # Bulk inserts send no signals: each tie's last contact is computed once, here.
        refresh_workspace(self.workspace)
        return self.workspace

    @property
    def summary(self) -> str:
        return (
            f"{len(self.by_ref)} stakeholders, {len(self.ties)} ties, "
            f"{len(self.interactions)} interactions, {len(self.commitments)} commitments, "
            f"{len(self.goals)} goals, {len(self.partnerships)} partnerships"
        )

    def _members(self) -> None:
        emails = [demo_user.email for demo_user in DEMO_USERS]
        existing = {user.email: user for user in User.objects.filter(email__in=emails)}
        # Hashing is slow by design, so new demo users share one hash of the published password.
        password = make_password(DEMO_PASSWORD) if len(existing) < len(DEMO_USERS) else ""
        self.members = []
        for email, name, role in DEMO_USERS:
            user = existing.get(email) or User.objects.create(
                email=email, name=name, password=password
            )
            created_at = self.at(HISTORY_DAYS)
            self.members.append(
                Membership(workspace=self.workspace, user=user, role=role, created_at=created_at)
            )
        Membership.objects.bulk_create(self.members)
        self.alice = self.members[0]
        self.writers = [m for m in self.members if m.role != Role.VIEWER]

    def _stakeholders(self) -> None:
        rng = self.rng
        for org in ORGANISATIONS:
            level = org.level or LEVEL_BY_SECTOR.get(org.sector, Stakeholder.Level.LOCAL)
            kind = Stakeholder.Kind.ORGANISATION
            tags = _split(org.tags)
            organisation = self._stakeholder(org.key, kind, org.name, org.sector, level, tags)
            organisation.is_internal = org.key == CITY_KEY
            if level == Stakeholder.Level.LOCAL:
                organisation.area = rng.choice(AREAS)
                organisation.address = f"{rng.randint(100, 2999)} {rng.choice(STREETS)}, Riverton"
            if rng.random() < 0.6:
                organisation.email = f"{_slug(org.name)}@example.org"
                organisation.website = f"https://{_slug(org.name)}.example.org"
        self.affiliations: list[tuple[Stakeholder, Stakeholder]] = []
        for row in PEOPLE:
            orgs = [self.by_ref[key] for key in _split(row.orgs)]
            main = orgs[0] if orgs else None
            sector = main.sector if main else row.sector
            level = main.level if main else LEVEL_BY_SECTOR.get(sector, Stakeholder.Level.LOCAL)
            tags = _split(row.tags) or (self.topic_tags[_split(row.orgs)[0]] if main else [])
            kind = Stakeholder.Kind.PERSON
            person = self._stakeholder(row.name, kind, row.name, sector, level, tags)
            person.is_internal = bool(main and main.is_internal)
            person.title, person.area = row.title, row.area or (main.area if main else "")
            if rng.random() < 0.55:
                person.email = f"{_email_name(row.name)}@example.org"
            if rng.random() < 0.35:
                person.phone = f"555-01{rng.randint(0, 99):02d}"
            self.affiliations += [(person, org) for org in orgs]
        for ref, note in NOTES.items():
            self.by_ref[ref].notes = note
        for stakeholder in self.by_ref.values():
            if stakeholder.is_internal:
                stakeholder.stance = rng.choice(("champion", "supporter"))
                if stakeholder.kind == Stakeholder.Kind.PERSON:
                    stakeholder.offers = []  # the city's staff offer what the city offers
        for stakeholder in self.by_ref.values():
            stakeholder.fill_names()  # bulk_create skips save(), which derives them
        Stakeholder.objects.bulk_create(self.by_ref.values())
        names = sorted({tag for tags in self.topic_tags.values() for tag in tags})
        created = Tag.objects.bulk_create(
            Tag(workspace=self.workspace, name=name) for name in names
        )
        tag_ids = {tag.name: tag.pk for tag in created}
        Stakeholder.tags.through.objects.bulk_create(
            Stakeholder.tags.through(stakeholder_id=self.by_ref[ref].pk, tag_id=tag_ids[name])
            for ref, tag_names in self.topic_tags.items()
            for name in tag_names
        )
        Stakeholder.organisations.through.objects.bulk_create(
            Stakeholder.organisations.through(from_stakeholder_id=p.pk, to_stakeholder_id=o.pk)
            for p, o in self.affiliations
        )
        self.tags_by_pk = {self.by_ref[ref].pk: tags for ref, tags in self.topic_tags.items()}
        self.external = [s for s in self.by_ref.values() if not s.is_internal]
        self.internal = [s for s in self.by_ref.values() if s.is_internal]
        self.brokers = {self.by_ref[ref].pk for ref in HOLE_BROKERS}

    def _stakeholder(
        self, ref: str, kind: str, name: str, sector: str, level: str, tags: list[str]
    ) -> Stakeholder:
        rng = self.rng
        pool = OFFERS_BY_SECTOR[sector]
        offers = (
            set(rng.sample(pool, rng.randint(1, min(3, len(pool))))) if rng.random() < 0.75 else ()
        )
        stance = rng.choices(("", *Stakeholder.Stance.values), (12, 10, 32, 28, 13, 5))[0]
        stakeholder = Stakeholder(
            workspace=self.workspace,
            kind=kind,
            name=name,
            sector=sector,
            level=level,
            influence=rng.randint(1, 2) if sector == S.RESIDENT else rng.randint(2, 5),
            interest=rng.randint(1, 5),
            stance=stance,
            offers=[str(value) for value in pool if value in offers],
            created_at=self.at(HISTORY_DAYS + rng.randint(0, 60)),
        )
        self.by_ref[ref], self.topic_tags[ref] = stakeholder, tags
        return stakeholder

    def _ties(self) -> None:
        rng = self.rng
        for person, organisation in self.affiliations:
            self._tie(person, organisation, Tie.Kind.MEMBER_OF)
        mayor, manager = self.by_ref["Mayor Dana Whitfield"], self.by_ref["Tom Brandt"]
        for person in self.internal:
            if person.kind == Stakeholder.Kind.PERSON and person != mayor:
                boss = mayor if person.name in ("Tom Brandt", "Alice Reyes") else manager
                self._tie(person, boss, Tie.Kind.REPORTS_TO)
        for ref, others in BROKER_TIES:
            for other in _split(others):
                self._tie(self.by_ref[ref], self.by_ref[other])
        for ref, (focus, tags, count) in CITY_FOCUS.items():
            candidates = [
                s
                for s in self.external
                if s.sector in focus or set(tags) & set(self.tags_by_pk[s.pk])
            ]
            rng.shuffle(candidates)
            added = 0
            for candidate in candidates:
                if added < count and self._tie(self.by_ref[ref], candidate, city=True):
                    added += 1
        sectors: dict[str, list[Stakeholder]] = defaultdict(list)
        for stakeholder in self.external:
            sectors[stakeholder.sector].append(stakeholder)
        for members in sectors.values():
            chance = min(0.4, 2.4 / len(members))  # dense clusters whatever a sector's size
            for i, first in enumerate(members):
                for second in members[i + 1 :]:
                    if rng.random() < chance:
                        self._tie(first, second)
        for one, other, count in BRIDGES:
            for _ in range(count * 4):
                if count and self._tie(rng.choice(sectors[one]), rng.choice(sectors[other])):
                    count -= 1
        Tie.objects.bulk_create(self.ties)

    def _tie(self, a: Stakeholder, b: Stakeholder, kind: str = "", *, city: bool = False) -> bool:
        """Plan a tie unless it is a self-tie, a duplicate or would bridge the hole."""
        pair = (min(a.pk, b.pk), max(a.pk, b.pk))
        if a == b or pair in self.pairs or self._bridges_hole(a, b) or self._bridges_hole(b, a):
            return False
        rng = self.rng
        structural = bool(kind)
        kind, directed = (kind, True) if structural else self._kind_for(a, b)
        status = (
            Tie.Status.ACTIVE if structural else rng.choices(Tie.Status.values, (7, 78, 9, 6))[0]
        )
        since = rng.randint(90, 3000)
        started = None if status == Tie.Status.PROSPECT else self.today - dt.timedelta(days=since)
        ended = None
        if status == Tie.Status.ENDED:
            ended = self.today - dt.timedelta(days=rng.randint(30, since - 45))
        rated = (
            not structural
            and status != Tie.Status.PROSPECT
            and rng.random() < (0.85 if city else 0.55)
        )
        roles = list(ROLES_BY_SECTOR[b.sector]) if rng.random() < (0.6 if city else 0.1) else []
        tie = Tie(
            workspace=self.workspace,
            source=a,
            target=b,
            kind=kind,
            directed=directed,
            status=status,
            started_on=started,
            ended_on=ended,
            cadence_days=rng.choice(CADENCES)
            if city and not ended and rng.random() < 0.8
            else None,
            roles=[str(role) for role in rng.sample(roles, min(len(roles), rng.randint(1, 2)))],
            owner=rng.choice(self.writers) if city or rng.random() < 0.25 else None,
            trust=rng.choices((1, 2, 3, 4), (1, 3, 5, 3))[0] if rated else None,
            value=rng.choices((1, 2, 3, 4), (1, 4, 5, 2))[0] if rated else None,
            created_at=self.at(min(HISTORY_DAYS, since) if started else rng.randint(10, 150)),
        )
        tie.max_cadence_days = self._maximum(tie.cadence_days)
        self.ties.append(tie)
        if city:
            self.city_ties.append(tie)
        self.pairs.add(pair)
        for one, other in ((a, b), (b, a)):
            self.neighbours[one.pk].append(other)
            self.neighbour_sectors[one.pk].add(other.sector)
        return True

    def _maximum(self, cadence: int | None) -> int | None:
        """A maximum gap for about one cadenced tie in six: half as long again as the ideal
        ("monthly, at most every six weeks") or three times it; the others keep the default."""
        if not cadence or self.maxima_rng.random() >= 1 / 6:
            return None
        return self.maxima_rng.choice((cadence + cadence // 2, 3 * cadence))

    def _bridges_hole(self, node: Stakeholder, other: Stakeholder) -> bool:
        """Would a tie to `other` cross the hole directly, or make `node` a new bridge over it?"""
        if other.sector not in HOLE:
            return False
        far_side = HOLE[1] if other.sector == HOLE[0] else HOLE[0]
        if node.sector == far_side:
            return True
        return node.pk not in self.brokers and far_side in self.neighbour_sectors[node.pk]

    def _kind_for(self, a: Stakeholder, b: Stakeholder) -> tuple[str, bool]:
        rng = self.rng
        if a.sector == S.PHILANTHROPY and b.sector not in (S.PHILANTHROPY, S.BUSINESS, S.MEDIA):
            return (Tie.Kind.FUNDER, True) if rng.random() < 0.7 else (Tie.Kind.PARTNER, False)
        if a.sector == S.ACADEMIA and b.sector != S.ACADEMIA and rng.random() < 0.5:
            return Tie.Kind.ADVISOR, True
        if a.kind == b.kind == Stakeholder.Kind.PERSON:
            return rng.choice((Tie.Kind.INFORMAL, Tie.Kind.PEER)), False
        kinds = (Tie.Kind.PARTNER, Tie.Kind.PEER, Tie.Kind.INFORMAL, Tie.Kind.ADVISOR)
        return rng.choices(kinds, (40, 25, 25, 10))[0], False

    def _goals(self) -> None:
        self.goals: list[Goal] = []
        self.goal_stakeholders: list[tuple[Goal, int, set[int]]] = []
        progress: list[GoalProgress] = []
        for plan in GOALS:
            goal = Goal.objects.create(
                workspace=self.workspace,
                statement=plan.statement,
                metric=plan.metric,
                baseline=Decimal(plan.baseline),
                target=Decimal(plan.target),
                unit=plan.unit,
                deadline=self.today + dt.timedelta(days=plan.deadline),
                owner=self.members[plan.owner],
                status=plan.status,
                created_at=self.at(plan.started),
            )
            stakeholders = [self.by_ref[ref] for ref in _split(plan.stakeholders)]
            goal.stakeholders.set(stakeholders)
            self.goals.append(goal)
            self.goal_stakeholders.append((goal, plan.started, {s.pk for s in stakeholders}))
            # Monthly readings from the start to today (or the deadline, when it has passed).
            last = max(0, -plan.deadline)
            readings = max(1, (plan.started - last) // 30)
            rounding = 5000 if plan.unit == "USD" else 1
            for i in range(1, readings + 1):
                noise = self.rng.uniform(-0.03, 0.03) if i < readings else 0.0
                share = max(0.0, plan.reached * (i / readings) ** 0.8 + noise)
                amount = plan.baseline + (plan.target - plan.baseline) * share
                days_ago = plan.started - i * (plan.started - last) // readings
                progress.append(
                    GoalProgress(
                        goal=goal,
                        recorded_on=self.today - dt.timedelta(days=days_ago),
                        value=Decimal(round(amount / rounding) * rounding),
                        note="Counted at the monthly partnership review." if i % 3 == 0 else "",
                    )
                )
        GoalProgress.objects.bulk_create(progress)

    def _last_contacts(self) -> dict[Tie, int]:
        """For each cadenced counterpart's tightest tie, the days since the last contact planned."""
        tightest: dict[int, Tie] = {}
        for tie in self.city_ties:
            if tie.cadence_days and tie.status != Tie.Status.ENDED:
                best = tightest.get(tie.target.pk)
                if best is None or tie.cadence_days < (best.cadence_days or 0):
                    tightest[tie.target.pk] = tie
        count = len(tightest)
        states = [COLD] * (count // 5) + [COOLING] * (count // 4)
        states += [HEALTHY] * (count - len(states))
        self.rng.shuffle(states)
        plan = {}
        for tie, state in zip(tightest.values(), states, strict=True):
            cadence, maximum = int(tie.cadence_days or 0), int(tie.max_gap_days or 0)
            # Margins of a few days keep each state whatever the hour of the day it is read.
            low, high = {
                HEALTHY: (1, cadence - 3),
                COOLING: (cadence + 2, maximum - 2),
                COLD: (maximum + 3, maximum + 150),
            }[state]
            plan[tie] = self.rng.randint(low, high)
        return plan

    def _interactions(self) -> None:
        rng = self.rng
        last_contacts = self._last_contacts()
        planned = [(days, [tie.source, tie.target]) for tie, days in last_contacts.items()]
        cutoff = {tie.target.pk: days for tie, days in last_contacts.items()}
        city_seeds = [t for t in self.city_ties if t.status != Tie.Status.ENDED]
        seeds = [t for t in self.ties if not (t.source.is_internal and t.target.is_internal)]
        while len(planned) < 600:
            days = 1 + int((HISTORY_DAYS - 1) * rng.random() ** 1.2)
            tie = rng.choice(city_seeds if rng.random() < 0.6 else seeds)
            people = [tie.source, tie.target]
            far_end = tie.target if tie.source.is_internal else tie.source
            for _ in range(rng.choices((0, 1, 2), (60, 30, 10))[0]):
                people.append(rng.choice(self.neighbours[far_end.pk]))
            if rng.random() < 0.3:
                people = [p for p in people if not p.is_internal]
            # Nobody is met after their planned last contact, so health comes out as planned.
            people = [p for p in dict.fromkeys(people) if cutoff.get(p.pk, 0) <= days]
            if any(not p.is_internal for p in people):
                planned.append((days, people[:4]))
        planned.sort(key=lambda item: -item[0])
        self.interactions = [self._interaction(days, people) for days, people in planned]
        for i in rng.sample(range(len(planned)), 10):
            name = _first_external(planned[i][1]).name
            interaction = self.interactions[i]
            interaction.summary = rng.choice(PRIVATE_SUMMARIES).format(name=name)
            interaction.author, interaction.private, interaction.goal = self.alice, True, None
        present = [
            rng.sample(self.members, rng.choices((0, 1, 2, 3), (25, 45, 22, 8))[0]) for _ in planned
        ]
        Interaction.objects.bulk_create(self.interactions)
        participants = Interaction.participants.through
        participants.objects.bulk_create(
            participants(interaction_id=interaction.pk, stakeholder_id=person.pk)
            for interaction, (_, people) in zip(self.interactions, planned, strict=True)
            for person in people
        )
        attendance = Interaction.members_present.through
        attendance.objects.bulk_create(
            attendance(interaction_id=interaction.pk, membership_id=member.pk)
            for interaction, members in zip(self.interactions, present, strict=True)
            for member in members
        )
        for interaction, (days, people) in zip(self.interactions, planned, strict=True):
            for person in people:
                self.contacts[person.pk].append((days, interaction))

    def _interaction(self, days: int, people: list[Stakeholder]) -> Interaction:
        rng = self.rng
        kind = rng.choices(list(SUMMARIES), KIND_WEIGHTS)[0]
        first = _first_external(people)
        goal = None
        for candidate, started, stakeholder_ids in self.goal_stakeholders:
            if days <= started and stakeholder_ids & {p.pk for p in people} and rng.random() < 0.5:
                goal = candidate
                break
        when = self.office_hours(days)
        return Interaction(
            workspace=self.workspace,
            occurred_at=when,
            kind=kind,
            summary=SUMMARIES[kind].format(name=first.name, topic=self._topic(first)),
            notes=rng.choice(NOTE_LINES) if rng.random() < 0.2 else "",
            author=rng.choice(self.writers),
            goal=goal,
            created_at=when,
        )

    def _topic(self, stakeholder: Stakeholder) -> str:
        topics = [t for tag in self.tags_by_pk[stakeholder.pk] for t in TOPICS[tag]]
        return self.rng.choice(topics or GENERAL_TOPICS)

    def _surveys(self) -> None:
        _SurveyBuilder(self).build()

    def _commitments(self) -> None:
        rng = self.rng
        counterparts = list(dict.fromkeys(t.target for t in self.city_ties))
        met = [s for s in self.external if self.contacts[s.pk]]
        # (how many, the earliest and latest due day from today, whether they are still open):
        # a few overdue, a few due this week, more due later, and a history of closed ones.
        quotas = ((5, -30, -1, True), (6, 0, 7, True), (24, 8, 120, True), (85, -700, -1, False))
        self.commitments: list[Commitment] = []
        for count, earliest, latest, still_open in quotas:
            for _ in range(count):
                stakeholder = rng.choice(counterparts if rng.random() < 0.75 else met)
                due = rng.randint(earliest, latest)
                self.commitments.append(self._commitment(stakeholder, due, still_open))
        Commitment.objects.bulk_create(self.commitments)

    def _commitment(self, stakeholder: Stakeholder, due: int, still_open: bool) -> Commitment:
        """A promise due `due` days from today, made at a recent contact at least 3 days before."""
        rng = self.rng
        owed_by = rng.choices(Commitment.OwedBy.values, (55, 45))[0]
        window = (3 - due, max(60 - due, 45))
        earlier = [(d, i) for d, i in self.contacts[stakeholder.pk] if window[0] <= d <= window[1]]
        made, interaction = min(earlier, key=lambda item: item[0]) if earlier else (14 - due, None)
        template = rng.choice(US_PROMISES if owed_by == Commitment.OwedBy.US else THEIR_PROMISES)
        status, closed_at = Commitment.Status.OPEN, None
        if not still_open:
            statuses = (
                Commitment.Status.DONE,
                Commitment.Status.MISSED,
                Commitment.Status.CANCELLED,
            )
            status = rng.choices(statuses, (70, 17, 13))[0]
            after_due = (
                rng.randint(3, 20) if status == Commitment.Status.MISSED else rng.randint(-3, 2)
            )
            closed_at = self.office_hours(max(1, -due - after_due))
        return Commitment(
            workspace=self.workspace,
            description=template.format(name=stakeholder.name, topic=self._topic(stakeholder)),
            owed_by=owed_by,
            stakeholder=stakeholder,
            owner=rng.choice(self.writers) if owed_by == "us" or rng.random() < 0.7 else None,
            due_on=self.today + dt.timedelta(days=due),
            status=status,
            closed_at=closed_at,
            interaction=interaction,
            created_at=self.at(max(made, 1)),
        )


class _SurveyBuilder:
    """The demo's surveys, drawn from their own seeded generator so nothing else moves: a
    partner network survey whose partners' trust and value drift between waves, and a
    community feedback survey of anonymous answers."""

    def __init__(self, builder: _RivertonBuilder) -> None:
        self.today = builder.today
        self.workspace = builder.workspace
        self.owner = builder.alice
        self.pairs = builder.pairs
        self.rng = random.Random(DEMO_SEED + 2)
        self.named: dict[tuple[int, int], bool] = {}
        self.partners = [s for s in builder.external if s.kind == Stakeholder.Kind.ORGANISATION][
            :SURVEY_PARTNERS
        ]

    def day(self, days_ago: int) -> dt.date:
        return self.today - dt.timedelta(days=days_ago)

    def build(self) -> None:
        self.partner_survey()
        self.community_survey()

    def partner_survey(self) -> None:
        rng = self.rng
        survey = create_from_template(
            self.owner, "partner", title="Riverton partner network survey", min_raters=3
        )
        questions = {q.measure: q for q in survey.questions.all() if q.measure}
        # Each partner's standing as others see it (1–4), drifting from wave to wave.
        trust = {p.pk: rng.uniform(1.8, 3.8) for p in self.partners}
        value = {p.pk: rng.uniform(1.5, 3.7) for p in self.partners}
        for (name, opens, closes), (submit, draft) in zip(
            PARTNER_WAVES, PARTNER_TURNOUT, strict=True
        ):
            wave = Wave.objects.create(
                workspace=self.workspace,
                survey=survey,
                name=name,
                opens_on=self.day(opens),
                closes_on=self.day(closes),
                invitations_sent_at=self.at_day(opens),
            )
            wave.roster.set(self.partners)
            sent = self.at_day(opens)
            for partner in self.partners:
                respondent = Respondent.objects.create(
                    workspace=self.workspace,
                    wave=wave,
                    stakeholder=partner,
                    represents=partner,
                    email=partner.email,
                    invited_at=sent,
                )
                luck = rng.random()
                if luck < submit:
                    self.partner_response(wave, respondent, questions, trust, value, opens, closes)
                elif luck < submit + draft:
                    self.partner_response(
                        wave, respondent, questions, trust, value, opens, closes, draft=True
                    )
            for pk in trust:
                trust[pk] = min(4.0, max(1.0, trust[pk] + rng.gauss(0, 0.35)))
                value[pk] = min(4.0, max(1.0, value[pk] + rng.gauss(0, 0.3)))

    def names(self, me: Stakeholder, other: Stakeholder) -> bool:
        """Whether `me` names `other` this wave: most keep last wave's choice, a few change."""
        pair = (me.pk, other.pk)
        if pair not in self.named:
            known = (min(pair), max(pair)) in self.pairs
            self.named[pair] = self.rng.random() < (0.8 if known else 0.12)
        elif self.rng.random() < (0.1 if self.named[pair] else 0.03):
            self.named[pair] = not self.named[pair]
        return self.named[pair]

    def at_day(self, days_ago: int) -> dt.datetime:
        return dt.datetime.combine(self.day(days_ago), dt.time(9), tzinfo=CITY_TZ)

    def rating(self, centre: float) -> int | None:
        if self.rng.random() < 0.06:
            return None  # left unanswered
        return min(4, max(1, round(centre + self.rng.gauss(0, 0.6))))

    def partner_response(
        self,
        wave: Wave,
        respondent: Respondent,
        questions: dict[str, Question],
        trust: dict[int, float],
        value: dict[int, float],
        opens: int,
        closes: int,
        *,
        draft: bool = False,
    ) -> None:
        rng = self.rng
        me = respondent.represents
        assert me is not None
        answered = self.day(rng.randint(max(closes, 0), opens))
        response = Response.objects.create(
            workspace=self.workspace,
            wave=wave,
            respondent=respondent,
            represents=me,
            saved_on=answered,
            submitted_on=None if draft else answered,
        )
        keys = [str(key) for key in ValueType.values]
        Answer.objects.bulk_create(
            Answer(response=response, question=questions[measure], value=answer)
            for measure, answer in (
                (Measure.ORGANISATION, me.name),
                (Measure.ROLE, rng.choice(SURVEY_ROLES)),
                (Measure.CONTRIBUTIONS, sorted(rng.sample(keys, rng.randint(1, 4)))),
                (Measure.KEY_CONTRIBUTION, rng.choice(keys)),
            )
        )
        ties = []
        for other in self.partners:
            if other == me or not self.names(me, other):
                continue
            known = (min(me.pk, other.pk), max(me.pk, other.pk)) in self.pairs
            level = rng.choices(Collaboration.values, (1, 3, 5, 4, 2) if known else (2, 6, 3, 1, 0))
            ties.append(
                SurveyTie(
                    workspace=self.workspace,
                    wave=wave,
                    response=response,
                    source=me,
                    target=other,
                    frequency=rng.choice(Frequency.values[1:]),
                    collaboration=level[0],
                    power=self.rating(value[other.pk]),
                    involvement=self.rating(value[other.pk]),
                    resources=self.rating(value[other.pk] - 0.3),
                    reliability=self.rating(trust[other.pk]),
                    mission=self.rating(trust[other.pk] + 0.2),
                    openness=self.rating(trust[other.pk]),
                )
            )
        SurveyTie.objects.bulk_create(ties)
        if not draft:
            Respondent.objects.filter(pk=respondent.pk).update(responded=True)

    def community_survey(self) -> None:
        rng = self.rng
        survey = create_from_template(
            self.owner,
            "community",
            title="Food access: community feedback",
            about=COMMUNITY_ABOUT,
        )
        satisfaction, communication, works, improve = survey.questions.order_by("position")
        wave = Wave.objects.create(
            workspace=self.workspace,
            survey=survey,
            name="Winter listening round",
            opens_on=self.day(40),
            closes_on=self.day(12),
            open_link_token=new_token(),
        )
        answers = []
        for _ in range(COMMUNITY_RESPONSES):
            day = self.day(rng.randint(12, 40))
            response = Response.objects.create(
                workspace=self.workspace, wave=wave, saved_on=day, submitted_on=day
            )
            answers.append(
                Answer(
                    response=response,
                    question=satisfaction,
                    value=rng.choices((1, 2, 3, 4, 5), (2, 4, 10, 24, 20))[0],
                )
            )
            if rng.random() < 0.9:
                score = rng.choices((1, 2, 3, 4, 5), (4, 8, 14, 20, 10))[0]
                answers.append(Answer(response=response, question=communication, value=score))
            if rng.random() < 0.7:
                answers.append(
                    Answer(response=response, question=works, value=rng.choice(COMMUNITY_WORKS))
                )
            if rng.random() < 0.6:
                text = rng.choice(COMMUNITY_IMPROVE)
                answers.append(Answer(response=response, question=improve, value=text))
        Answer.objects.bulk_create(answers)


def _first_external(people: list[Stakeholder]) -> Stakeholder:
    return next(p for p in people if not p.is_internal)
