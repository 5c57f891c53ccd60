"""A network of cities: the hosting organisation (`CityNetwork`) and its staff, its taxonomy of
challenges, its member cities with their profiles, challenges and strengths, and each city's
officials.

A member city may name its own cityweave workspace; that workspace stays private to the city:
nothing the network shows reads from it (the link only says that the city keeps one).
Every record of a network is scoped to it; cities and strengths go to the network's trash
(soft deletion, restorable by batch) like a workspace's records.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone as dj_timezone

from cityweave.storable import StorableModel
from cityweave.workspaces.models import Role, TrackedRecord, Workspace, validate_timezone

SLUG_VALIDATOR = RegexValidator(
    r"^[a-z0-9][a-z0-9-]*$", "Use lowercase letters, digits and hyphens."
)
#: The largest population a city can have (more than any city on Earth).
MAX_POPULATION = 100_000_000


class CityNetwork(StorableModel):
    """A national or regional network of cities: the hosting organisation."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True, validators=[SLUG_VALIDATOR])
    created_at = models.DateTimeField(default=dj_timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("peers:cities", args=[self.slug])


class NetworkStaff(models.Model):
    """A user on a network's staff, with a role (owner, editor or viewer, as in a workspace)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="network_staff"
    )
    network = models.ForeignKey(CityNetwork, on_delete=models.CASCADE, related_name="staff")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.VIEWER)
    created_at = models.DateTimeField(default=dj_timezone.now)

    class Meta:
        ordering = ["network__name", "user__email"]
        verbose_name_plural = "network staff"
        constraints = [
            models.UniqueConstraint(fields=["user", "network"], name="one_staff_seat_per_network")
        ]

    def __str__(self) -> str:
        return str(self.user)

    @property
    def can_edit(self) -> bool:
        return self.role in (Role.OWNER, Role.EDITOR)

    @property
    def is_owner(self) -> bool:
        return self.role == Role.OWNER


class BuiltInChallenge(models.TextChoices):
    """The challenges every network starts with; a network may add its own (`Challenge`)."""

    DIGITAL_INCLUSION = "digital-inclusion", "Digital inclusion"
    WORKFORCE_DEVELOPMENT = "workforce-development", "Workforce development"
    AFFORDABLE_HOUSING = "affordable-housing", "Affordable housing"
    FISCAL_HEALTH = "fiscal-health", "Fiscal health"
    PUBLIC_SAFETY = "public-safety", "Public safety"
    CLIMATE_RESILIENCE = "climate-resilience", "Climate resilience"


BUILT_IN_CHALLENGES = frozenset(BuiltInChallenge.values)


class Challenge(StorableModel):
    """A challenge a network adds to the built-in list (BuiltInChallenge)."""

    network = models.ForeignKey(
        CityNetwork, on_delete=models.CASCADE, related_name="custom_challenges"
    )
    key = models.SlugField(max_length=50, validators=[SLUG_VALIDATOR])
    label = models.CharField(max_length=100)

    class Meta:
        ordering = ["label"]
        constraints = [
            models.UniqueConstraint(fields=["network", "key"], name="challenge_key_unique")
        ]

    def __str__(self) -> str:
        return self.label

    def clean(self) -> None:
        if self.key in BUILT_IN_CHALLENGES:
            raise ValidationError({"key": f"“{self.key}” is already a built-in challenge."})


class NetworkRecord(TrackedRecord):
    """Base of every record of a network: a stable uid, timestamps and soft deletion (the
    conventions of a workspace's records), scoped to a network."""

    network = models.ForeignKey(CityNetwork, on_delete=models.CASCADE, related_name="+")

    class Meta(TrackedRecord.Meta):
        abstract = True
        constraints = [
            models.UniqueConstraint(
                fields=["network", "uid"], name="%(app_label)s_%(class)s_uid_unique"
            )
        ]


class SizeBand(models.TextChoices):
    """A city's size by population (bounds in SIZE_BANDS)."""

    SMALL = "small", "Small (under 50,000)"
    MID = "mid", "Mid-size (50,000 to 249,999)"
    LARGE = "large", "Large (250,000 to 999,999)"
    VERY_LARGE = "very-large", "Very large (1,000,000 or more)"


#: (smallest population, band), largest first.
SIZE_BANDS = (
    (1_000_000, SizeBand.VERY_LARGE),
    (250_000, SizeBand.LARGE),
    (50_000, SizeBand.MID),
    (0, SizeBand.SMALL),
)


def size_band(population: int | None) -> SizeBand | None:
    """The size band of a population (people); None when the population is not known."""
    if population is None:
        return None
    return next(band for floor, band in SIZE_BANDS if population >= floor)


class MemberCity(NetworkRecord):
    """A member city of a network and its profile, which the whole network sees."""

    name = models.CharField(max_length=200)
    region = models.CharField(
        "state or region", max_length=100, blank=True, help_text="e.g. TN or Tennessee."
    )
    country = models.CharField(max_length=100, default="United States")
    population = models.PositiveIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(MAX_POPULATION)]
    )
    timezone = models.CharField(
        "time zone", max_length=64, blank=True, validators=[validate_timezone]
    )
    officials = models.TextField(
        "participating officials", blank=True, help_text="One per line: name, title, contact."
    )
    partners = models.TextField(
        "participating partners", blank=True, help_text="One per line: organisation, contact."
    )
    geonameid = models.PositiveIntegerField(
        null=True, blank=True, editable=False, help_text="GeoNames id, when imported from it."
    )
    workspace = models.ForeignKey(
        Workspace,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The city's own cityweave workspace; private to the city, never shown.",
    )

    class Meta(NetworkRecord.Meta):
        ordering = ["name", "region", "pk"]
        verbose_name_plural = "member cities"

    def __str__(self) -> str:
        return f"{self.name}, {self.region}" if self.region else self.name

    def get_absolute_url(self) -> str:
        return reverse("peers:city", args=[self.network.slug, self.pk])

    @property
    def size_band(self) -> SizeBand | None:
        return size_band(self.population)


class CityChallenge(models.Model):
    """A challenge a member city faces (a key of its network's taxonomy)."""

    city = models.ForeignKey(MemberCity, on_delete=models.CASCADE, related_name="challenge_rows")
    key = models.CharField(max_length=50)

    class Meta:
        ordering = ["key"]
        constraints = [
            models.UniqueConstraint(fields=["city", "key"], name="one_challenge_per_city_key")
        ]

    def __str__(self) -> str:
        return self.key


class Strength(NetworkRecord):
    """Something a city has done well and can share: a challenge it has made headway on, with a
    short description and the evidence for it."""

    city = models.ForeignKey(MemberCity, on_delete=models.CASCADE, related_name="strengths")
    challenge = models.CharField(max_length=50)
    description = models.CharField(max_length=300)
    evidence = models.TextField(blank=True, help_text="What shows it worked: results, reports.")

    class Meta(NetworkRecord.Meta):
        ordering = ["challenge", "pk"]

    def __str__(self) -> str:
        return self.description

    def clean(self) -> None:
        if self.city_id is not None and self.city.network_id != self.network_id:
            raise ValidationError({"city": "No such city in this network."})


class CityOfficial(models.Model):
    """A user who speaks for a member city: they read the network and edit their city's profile."""

    city = models.ForeignKey(MemberCity, on_delete=models.CASCADE, related_name="official_seats")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="city_official_seats"
    )
    created_at = models.DateTimeField(default=dj_timezone.now)

    class Meta:
        ordering = ["user__email"]
        constraints = [
            models.UniqueConstraint(fields=["city", "user"], name="one_official_seat_per_city")
        ]

    def __str__(self) -> str:
        return str(self.user)


# --- Peer exchanges, invitations of officials, saved cohorts (issue 13: the network as a network) ---


class ExchangeKind(models.TextChoices):
    """How two member cities met outside a convening."""

    VISIT = "visit", "Visit"
    CALL = "call", "Call"
    STUDY_TOUR = "study-tour", "Study tour"
    MENTORING = "mentoring", "Mentoring"
    OTHER = "other", "Other"


class PeerExchange(NetworkRecord):
    """A peer exchange between two member cities of a network (a visit, a call, a study tour,
    mentoring): one of the ties of the network of cities, and past contact for peer matching."""

    city_a = models.ForeignKey(MemberCity, on_delete=models.CASCADE, related_name="+")
    city_b = models.ForeignKey(MemberCity, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=ExchangeKind.choices, default=ExchangeKind.VISIT)
    date = models.DateField(help_text="When it took place (the first day, for a tour).")
    note = models.TextField(blank=True, help_text="What it was about, what came of it.")
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta(NetworkRecord.Meta):
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.city_a} and {self.city_b}, {self.date:%Y-%m-%d}"


class OfficialInvitation(models.Model):
    """An invitation to an email address to become an official of a member city; accepted once,
    through the signed link emailed to it, before it expires."""

    network = models.ForeignKey(CityNetwork, on_delete=models.CASCADE, related_name="+")
    city = models.ForeignKey(MemberCity, on_delete=models.CASCADE, related_name="+")
    email = models.EmailField()
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=dj_timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.email} to {self.city}"

    @property
    def status(self) -> str:
        """accepted, revoked, expired or pending."""
        if self.accepted_at is not None:
            return "accepted"
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at <= dj_timezone.now():
            return "expired"
        return "pending"


class Cohort(NetworkRecord):
    """A saved group of member cities built around a shared challenge (peers/cohorts.py), with
    the reason it was made; staff keep the groups they decided on."""

    name = models.CharField(max_length=200)
    theme = models.CharField(max_length=50, blank=True, help_text="A challenge key.")
    reason = models.TextField(blank=True)
    size = models.PositiveSmallIntegerField(help_text="The group size asked for.")
    cities = models.ManyToManyField(MemberCity, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta(NetworkRecord.Meta):
        ordering = ["-created_at", "name", "pk"]

    def __str__(self) -> str:
        return self.name


# --- Peer guides (guides.py) ---


class GuideStatus(models.TextChoices):
    """Where a guide is in its life: written, read by its co-authors, public."""

    DRAFT = "draft", "Draft"
    IN_REVIEW = "in-review", "In review"
    PUBLISHED = "published", "Published"


class Guide(NetworkRecord):
    """A peer guide "for cities, by cities": a challenge, its author cities and their authors,
    sections in Markdown with case examples; drafted, reviewed by the co-author cities and
    published (then public at /guides/<network>/<slug>/), with its versions kept."""

    title = models.CharField(max_length=200)
    challenge = models.CharField(max_length=50, help_text="A key of the network's challenges.")
    summary = models.TextField(blank=True, help_text="A paragraph: who it is for, what it shows.")
    status = models.CharField(max_length=10, choices=GuideStatus.choices, default=GuideStatus.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    slug = models.SlugField(
        max_length=80, validators=[SLUG_VALIDATOR], help_text="The public address's last part."
    )

    class Meta(NetworkRecord.Meta):
        ordering = ["title", "pk"]
        constraints = [
            *NetworkRecord.Meta.constraints,
            models.UniqueConstraint(fields=["network", "slug"], name="guide_slug_unique"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("peers:guide", args=[self.network.slug, self.pk])

    @property
    def is_published(self) -> bool:
        return self.status == GuideStatus.PUBLISHED


class GuideAuthor(models.Model):
    """An author city of a guide and, where named, one of its authors (a person, optionally a
    user); a city with no one named yet has a row with an empty name."""

    guide = models.ForeignKey(Guide, on_delete=models.CASCADE, related_name="authors")
    city = models.ForeignKey(MemberCity, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=200, blank=True, help_text="e.g. Maria Lopez, CIO.")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.city})" if self.name else str(self.city)


class GuideSection(NetworkRecord):
    """A section of a guide: a heading, a body in Markdown and, for a case example, the member
    city it comes from. Removed sections go to the network's trash."""

    guide = models.ForeignKey(Guide, on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveIntegerField(default=0)
    heading = models.CharField(max_length=200)
    body = models.TextField(blank=True, help_text="Markdown.")
    case_city = models.ForeignKey(
        MemberCity,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="case example from",
    )

    class Meta(NetworkRecord.Meta):
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.heading


class GuideApproval(models.Model):
    """An author city's approval of a guide in review (by its official, or by staff for it)."""

    guide = models.ForeignKey(Guide, on_delete=models.CASCADE, related_name="approvals")
    city = models.ForeignKey(MemberCity, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=dj_timezone.now)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["guide", "city"], name="one_approval_per_guide_city")
        ]

    def __str__(self) -> str:
        return f"{self.city} approved {self.guide}"


class GuideVersion(models.Model):
    """A kept version of a guide: made at publication and at every save of a published guide,
    with a snapshot of its title, summary and sections and a note of what changed."""

    guide = models.ForeignKey(Guide, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    snapshot = models.JSONField(default=dict)
    change_note = models.CharField("what changed", max_length=300)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=dj_timezone.now)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["guide", "number"], name="one_guide_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.guide} v{self.number}"


# --- Convenings ---


def new_registration_token() -> str:
    """An unguessable URL-safe token for a delegate's personal registration link (256 bits)."""
    return secrets.token_urlsafe(32)


class Convening(NetworkRecord):
    """A gathering of city delegations: where and when, its theme, capacity and the rule each
    delegation should meet (by default two officials and one local partner)."""

    title = models.CharField(max_length=200)
    host_city = models.ForeignKey(
        MemberCity, on_delete=models.RESTRICT, related_name="hosted_convenings"
    )
    venue = models.CharField(max_length=200, help_text="e.g. Chattanooga Convention Center.")
    starts_on = models.DateField("first day")
    ends_on = models.DateField("last day")
    theme = models.CharField(
        max_length=50, blank=True, help_text="A challenge of the network's taxonomy (its key)."
    )
    capacity = models.PositiveIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(10_000)],
        help_text="The most delegates the venue holds.",
    )
    officials_required = models.PositiveSmallIntegerField(
        "officials per delegation", default=2, validators=[MaxValueValidator(20)]
    )
    partners_required = models.PositiveSmallIntegerField(
        "local partners per delegation", default=1, validators=[MaxValueValidator(20)]
    )
    description = models.TextField(blank=True)

    class Meta(NetworkRecord.Meta):
        ordering = ["-starts_on", "title", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("peers:convening", args=[self.network.slug, self.pk])

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = "The last day cannot come before the first day."
        if self.starts_on and self.ends_on and (self.ends_on - self.starts_on).days > 30:
            errors["ends_on"] = "A convening lasts at most 31 days."
        if self.host_city_id is not None and self.host_city.network_id != self.network_id:
            errors["host_city"] = "No such city in this network."
        if errors:
            raise ValidationError(errors)


class Delegation(NetworkRecord):
    """A city invited to a convening, and the delegation it sends."""

    convening = models.ForeignKey(Convening, on_delete=models.CASCADE, related_name="delegations")
    city = models.ForeignKey(MemberCity, on_delete=models.CASCADE, related_name="delegations")

    class Meta(NetworkRecord.Meta):
        ordering = ["city__name", "pk"]
        constraints = [
            *NetworkRecord.Meta.constraints,
            models.UniqueConstraint(
                fields=["convening", "city"],
                condition=models.Q(deleted_at__isnull=True),
                name="one_live_delegation_per_city",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.city} at {self.convening}"


class DelegateKind(models.TextChoices):
    """What a delegate is in their city's delegation."""

    OFFICIAL = "official", "City official"
    PARTNER = "partner", "Local partner"


class Delegate(NetworkRecord):
    """A person in a delegation: a city official or a local partner (a foundation, anchor
    institution, chamber of commerce…), with their personal registration link and attendance.

    A partner picked from the city's own workspace keeps a reference to that stakeholder, but its
    name, title and organisation are copied here: the network never reads the workspace."""

    delegation = models.ForeignKey(Delegation, on_delete=models.CASCADE, related_name="delegates")
    kind = models.CharField(max_length=10, choices=DelegateKind.choices)
    name = models.CharField(max_length=200)
    title = models.CharField(max_length=200, blank=True, help_text="e.g. Mayor.")
    organisation = models.CharField(
        max_length=200, blank=True, help_text="A partner's organisation, e.g. Benwood Foundation."
    )
    email = models.EmailField(blank=True)
    stakeholder = models.ForeignKey(
        "stakeholders.Stakeholder",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        help_text="The stakeholder of the city's workspace this partner was picked from.",
    )
    token = models.CharField(
        max_length=64, unique=True, default=new_registration_token, editable=False
    )
    registered_at = models.DateTimeField(null=True, blank=True, editable=False)
    dietary_needs = models.CharField(max_length=300, blank=True)
    access_needs = models.CharField("access needs", max_length=300, blank=True)
    attended = models.BooleanField(null=True, blank=True)

    class Meta(NetworkRecord.Meta):
        ordering = ["kind", "name", "pk"]

    def __str__(self) -> str:
        return self.name


class SessionFormat(models.TextChoices):
    """How a participant-led session runs."""

    CASE_STUDY = "case-study", "Case study"
    WORKSHOP = "workshop", "Workshop"
    PEER_PROBLEM_SOLVING = "peer-problem-solving", "Peer problem-solving"
    CITY_TOUR = "city-tour", "City tour"
    NETWORKING = "networking", "Networking"


class SessionStatus(models.TextChoices):
    """Where a proposed session stands in the staff's review."""

    PROPOSED = "proposed", "Proposed"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"


class Session(NetworkRecord):
    """A participant-led session a city proposes for a convening; once accepted, the staff give
    it a room and a time, and its presenters are delegates."""

    convening = models.ForeignKey(Convening, on_delete=models.CASCADE, related_name="sessions")
    city = models.ForeignKey(MemberCity, on_delete=models.CASCADE, related_name="proposed_sessions")
    title = models.CharField(max_length=200)
    challenge = models.CharField(max_length=50, blank=True)
    format = models.CharField(max_length=24, choices=SessionFormat.choices)
    description = models.TextField(blank=True)
    status = models.CharField(
        max_length=10, choices=SessionStatus.choices, default=SessionStatus.PROPOSED
    )
    room = models.CharField(max_length=100, blank=True)
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    presenters = models.ManyToManyField(Delegate, blank=True, related_name="sessions")

    class Meta(NetworkRecord.Meta):
        ordering = ["starts_at", "room", "title", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_scheduled(self) -> bool:
        return self.status == SessionStatus.ACCEPTED and self.starts_at is not None


class FollowUpStatus(models.TextChoices):
    """Where an idea a delegation took home stands."""

    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in-progress", "In progress"
    DONE = "done", "Done"
    DROPPED = "dropped", "Dropped"


#: Statuses that count as an idea moved to action.
ACTED_ON = (FollowUpStatus.IN_PROGRESS, FollowUpStatus.DONE)
#: The reviews of a follow-up, in days after the convening's last day.
REVIEW_DAYS = (30, 90, 180)


class FollowUp(NetworkRecord):
    """An idea a delegation will act on after a convening, with an owner and a due date, reviewed
    30, 90 and 180 days after the convening."""

    delegation = models.ForeignKey(Delegation, on_delete=models.CASCADE, related_name="follow_ups")
    idea = models.CharField(max_length=300)
    owner_name = models.CharField("owner", max_length=200)
    due_on = models.DateField("due")
    status = models.CharField(
        max_length=12, choices=FollowUpStatus.choices, default=FollowUpStatus.PLANNED
    )
    reviewed_30_on = models.DateField("30-day review", null=True, blank=True)
    reviewed_90_on = models.DateField("90-day review", null=True, blank=True)
    reviewed_180_on = models.DateField("180-day review", null=True, blank=True)
    notes = models.TextField(blank=True)

    class Meta(NetworkRecord.Meta):
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.idea
