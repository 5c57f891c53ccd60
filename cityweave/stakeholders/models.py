"""The network's nodes (stakeholders) and edges (ties)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse

from cityweave.stakeholders.names import name_key, sort_key, split_person_name
from cityweave.storable import StorableModel
from cityweave.vocabulary import PartnerRole, SectorChoice, ValueType
from cityweave.workspaces.models import Membership, Workspace, WorkspaceRecord

#: The built-in sectors' labels by key (`SectorChoice.values` builds a new list on every use).
BUILT_IN_SECTORS: dict[str, str] = {key: str(label) for key, label in SectorChoice.choices}


class Sector(StorableModel):
    """A sector a workspace adds to the built-in list (SectorChoice)."""

    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="custom_sectors"
    )
    key = models.SlugField(
        max_length=50,
        validators=[
            RegexValidator(r"^[a-z0-9][a-z0-9-]*$", "Use lowercase letters, digits and hyphens.")
        ],
    )
    label = models.CharField(max_length=100)

    class Meta:
        ordering = ["label"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "key"], name="sector_key_unique")
        ]

    def __str__(self) -> str:
        return self.label

    def clean(self) -> None:
        if self.key in BUILT_IN_SECTORS:
            raise ValidationError({"key": f"“{self.key}” is already a built-in sector."})


def sector_choices(workspace: Workspace) -> list[tuple[str, str]]:
    """The built-in sectors followed by the workspace's own."""
    own = [(s.key, s.label) for s in Sector.objects.filter(workspace=workspace)]
    return [*BUILT_IN_SECTORS.items(), *own]


def label_sectors(stakeholders: Iterable[Stakeholder]) -> None:
    """Let every stakeholder in a list name its sector from one query for the whole list (none when
    all their sectors are built in), instead of one query per stakeholder in a workspace's own sector."""
    own = [s for s in stakeholders if s.sector not in BUILT_IN_SECTORS]
    if not own:
        return
    labels: dict[int, dict[str, str]] = {s.workspace_id: {} for s in own}
    sectors = Sector.objects.filter(workspace_id__in=labels)
    for workspace_id, key, label in sectors.values_list("workspace_id", "key", "label"):
        labels[workspace_id][key] = label
    for stakeholder in own:
        stakeholder._sector_labels = labels[stakeholder.workspace_id]


class Tag(StorableModel):
    """A free label for stakeholders, shared within a workspace."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="tags")
    name = models.CharField(max_length=60)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="tag_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class WebsiteField(models.URLField):
    """A URL field whose form assumes https:// when the scheme is left out."""

    def formfield(self, **kwargs: Any) -> Any:  # type: ignore[override]
        return super().formfield(**{"assume_scheme": "https", **kwargs})


def scale_field(top: int, verbose_name: str, **kwargs: object) -> models.PositiveSmallIntegerField:
    """A 1..top rating, empty until known."""
    return models.PositiveSmallIntegerField(
        verbose_name,
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(top)],
        **kwargs,  # type: ignore[arg-type]
    )


class Stakeholder(WorkspaceRecord):
    """A node of the network: a person or an organisation, with a sector."""

    class StakeholderKind(models.TextChoices):
        PERSON = "person", "Person"
        ORGANISATION = "organisation", "Organisation"

    Kind = StakeholderKind  # its own name in the API schema

    class StakeholderLevel(models.TextChoices):
        LOCAL = "local", "Local"
        REGIONAL = "regional", "Regional"
        STATE = "state", "State"
        NATIONAL = "national", "National"
        INTERNATIONAL = "international", "International"

    Level = StakeholderLevel  # its own name in the API schema

    class StakeholderStance(models.TextChoices):
        CHAMPION = "champion", "Champion"
        SUPPORTER = "supporter", "Supporter"
        NEUTRAL = "neutral", "Neutral"
        SCEPTIC = "sceptic", "Sceptic"
        OPPONENT = "opponent", "Opponent"

    Stance = StakeholderStance  # its own name in the API schema

    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.ORGANISATION)
    name = models.CharField(max_length=200, help_text="As written, e.g. “Dr. Alan Brooks”.")
    given_name = models.CharField(
        max_length=100, blank=True, help_text="For a person; filled from the name when left empty."
    )
    family_name = models.CharField(
        max_length=100,
        blank=True,
        help_text="For a person: lists sort by it. Filled from the name when left empty.",
    )
    sort_name = models.CharField(
        max_length=200,
        editable=False,
        blank=True,
        default="",
        help_text="What lists sort by: a person's family then given name, an organisation's name "
        "without a leading “The”; folded (names.sort_key).",
    )
    name_key = models.CharField(
        max_length=200,
        editable=False,
        blank=True,
        default="",
        help_text="The name without case, accents, punctuation, titles or legal suffixes "
        "(names.name_key): equal keys are probable duplicates.",
    )
    sector = models.CharField(
        max_length=50, help_text="A built-in sector or one of the workspace's own."
    )
    level = models.CharField(max_length=13, choices=Level.choices, default=Level.LOCAL)
    is_internal = models.BooleanField(
        "part of the city", default=False, help_text="The city's own organisation and its people."
    )
    organisations = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="people",
        limit_choices_to={"kind": "organisation"},
        help_text="For a person: the organisations they work in.",
    )
    title = models.CharField(max_length=200, blank=True, help_text="For a person: their job title.")
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=50, blank=True)
    website = WebsiteField(blank=True)
    address = models.CharField(max_length=300, blank=True)
    area = models.CharField(
        max_length=100, blank=True, help_text="Neighbourhood, district or region."
    )
    influence = scale_field(5, "influence")
    interest = scale_field(5, "interest")
    stance = models.CharField(max_length=10, choices=Stance.choices, blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="stakeholders")
    notes = models.TextField(blank=True)
    offers = models.JSONField(
        default=list, blank=True, help_text="Value types this stakeholder can offer."
    )

    class Meta(WorkspaceRecord.Meta):
        ordering = ["sort_name", "name"]
        indexes = [
            models.Index(fields=["workspace", "sector"]),
            models.Index(fields=["workspace", "name"]),
            models.Index(fields=["workspace", "sort_name"]),
            models.Index(fields=["workspace", "kind", "name_key"]),
        ]

    def get_absolute_url(self) -> str:
        return reverse("stakeholders:detail", args=[self.workspace.slug, self.pk])

    def __str__(self) -> str:
        return self.name

    @property
    def tag_list(self) -> list[Tag]:
        return self.related("tags")

    @property
    def organisation_list(self) -> list[Stakeholder]:
        return self.related("organisations")

    def fill_names(self) -> None:
        """Derive what the name decides: a person's given and family names when both are empty
        (an organisation has neither), the sort and duplicate keys. `clean` and `save` call it."""
        if self.kind == self.Kind.PERSON:
            if not self.given_name and not self.family_name:
                given, family = split_person_name(self.name)
                self.given_name, self.family_name = given[:100], family[:100]
        else:
            self.given_name = self.family_name = ""
        self.sort_name = sort_key(
            self.name, given_name=self.given_name, family_name=self.family_name
        )
        self.name_key = name_key(self.name)

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.fill_names()
        fields = kwargs.get("update_fields")
        if fields is not None and {"name", "kind", "given_name", "family_name"} & set(fields):
            kwargs["update_fields"] = {
                *fields,
                "given_name",
                "family_name",
                "sort_name",
                "name_key",
            }
        super().save(*args, **kwargs)

    def clean(self) -> None:
        self.fill_names()
        errors: dict[str, str] = {}
        if self.sector and self.workspace_id is not None:
            known = {k for k, _ in sector_choices(self.workspace)}
            if self.sector not in known:
                errors["sector"] = f"Unknown sector “{self.sector}”."
        if not isinstance(self.offers, list) or any(o not in ValueType.values for o in self.offers):
            errors["offers"] = "Offers must be value types: " + ", ".join(ValueType.values) + "."
        if errors:
            raise ValidationError(errors)

    #: The labels of the workspace's own sectors by key, when `label_sectors` loaded them for a list.
    _sector_labels: dict[str, str] | None = None

    @property
    def sector_label(self) -> str:
        """The sector's name; a workspace's own sector costs a query unless `label_sectors` ran."""
        if self.sector in BUILT_IN_SECTORS:
            return BUILT_IN_SECTORS[self.sector]
        if self._sector_labels is not None:
            return self._sector_labels.get(self.sector, self.sector)
        custom = Sector.objects.filter(workspace_id=self.workspace_id, key=self.sector).first()
        return custom.label if custom else self.sector


#: The longest contact cadence: ten years (and dates past it stay within what a calendar holds).
MAX_CADENCE_DAYS = 3650


class Tie(WorkspaceRecord):
    """A relationship between two stakeholders."""

    class TieKind(models.TextChoices):
        PARTNER = "partner", "Partner"
        FUNDER = "funder", "Funder"
        ADVISOR = "advisor", "Advisor"
        REPORTS_TO = "reports-to", "Reports to"
        PEER = "peer", "Peer"
        MEMBER_OF = "member-of", "Member of"
        INFORMAL = "informal", "Informal"

    Kind = TieKind  # its own name in the API schema

    class TieStatus(models.TextChoices):
        PROSPECT = "prospect", "Prospect"
        ACTIVE = "active", "Active"
        DORMANT = "dormant", "Dormant"
        ENDED = "ended", "Ended"

    Status = TieStatus  # its own name in the API schema

    source = models.ForeignKey(Stakeholder, on_delete=models.CASCADE, related_name="ties_out")
    target = models.ForeignKey(Stakeholder, on_delete=models.CASCADE, related_name="ties_in")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.PARTNER)
    directed = models.BooleanField(default=False, help_text="The tie runs from source to target.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    started_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    cadence_days = models.PositiveIntegerField(
        "contact every (days)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_CADENCE_DAYS)],
        help_text="How often this relationship should be touched, 1 to 3,650 days; empty for none.",
    )
    max_cadence_days = models.PositiveIntegerField(
        "contact at most every (days)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_CADENCE_DAYS)],
        help_text="The longest gap before the relationship is cold, from the ideal cadence up to "
        "3,650 days; empty for twice the ideal.",
    )
    roles = models.JSONField(
        default=list, blank=True, help_text="Roles the target plays (champion, funder…)."
    )
    notes = models.TextField(blank=True)
    owner = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="owned_ties"
    )
    trust = scale_field(4, "trust")
    value = scale_field(4, "value")
    last_contact_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="The latest live interaction with the tie's counterparts, planned ones included; "
        "kept by cityweave.engagement.contacts.",
    )

    class Meta(WorkspaceRecord.Meta):
        ordering = ["source__name", "target__name"]
        constraints = [
            *WorkspaceRecord.Meta.constraints,
            models.CheckConstraint(
                condition=~models.Q(source=models.F("target")),
                name="tie_not_self",
                violation_error_message="A tie needs two different stakeholders.",
            ),
            models.CheckConstraint(
                condition=models.Q(max_cadence_days__isnull=True)
                | models.Q(
                    cadence_days__isnull=False, max_cadence_days__gte=models.F("cadence_days")
                ),
                name="tie_max_cadence_not_below_cadence",
                violation_error_message="The maximum gap needs an ideal cadence no longer than it.",
            ),
        ]

    def get_absolute_url(self) -> str:
        return reverse("ties:detail", args=[self.workspace.slug, self.pk])

    def __str__(self) -> str:
        arrow = "→" if self.directed else "—"
        return f"{self.source} {arrow} {self.target}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.source_id is not None and self.source_id == self.target_id:
            errors["target"] = "A tie needs two different stakeholders."
        for field in ("source", "target"):
            other = getattr(self, field, None) if getattr(self, f"{field}_id") else None
            if other is not None and other.workspace_id != self.workspace_id:
                errors[field] = "No such stakeholder in this workspace."
        if (
            self.owner_id is not None
            and self.owner is not None
            and self.owner.workspace_id != self.workspace_id
        ):
            errors["owner"] = "The owner must be a member of this workspace."
        if self.started_on and self.ended_on and self.ended_on < self.started_on:
            errors["ended_on"] = "The end date is before the start date."
        if not isinstance(self.roles, list) or any(r not in PartnerRole.values for r in self.roles):
            errors["roles"] = "Roles must be among: " + ", ".join(PartnerRole.values) + "."
        if self.max_cadence_days is not None:
            if not self.cadence_days:
                errors["max_cadence_days"] = (
                    "A maximum gap needs an ideal cadence: set “contact every” as well, "
                    "or leave the maximum empty."
                )
            elif self.max_cadence_days < self.cadence_days:
                errors["max_cadence_days"] = (
                    f"The maximum gap ({self.max_cadence_days} days) is shorter than the ideal "
                    f"cadence ({self.cadence_days} days); make it at least as long."
                )
        if errors:
            raise ValidationError(errors)

    def other_end(self, stakeholder: Stakeholder) -> Stakeholder:
        return self.target if self.source_id == stakeholder.pk else self.source

    @property
    def max_gap_days(self) -> int | None:
        """The longest gap in days before the tie is cold: `max_cadence_days`, else twice the
        ideal `cadence_days`; None without a cadence."""
        return effective_max_days(self.cadence_days, self.max_cadence_days)


def effective_max_days(cadence_days: int | None, max_cadence_days: int | None) -> int | None:
    """A tie's maximum gap in days: `max_cadence_days` when set, else twice `cadence_days`;
    None when `cadence_days` is None or 0 (no cadence, no health)."""
    if not cadence_days:
        return None
    return max_cadence_days or 2 * cadence_days


class StakeholderMerge(models.Model):
    """A merge of `merged` into `kept` (stakeholders.merging): `merged` went to the trash in
    `batch`, and `journal` lists every change, which restoring that batch undoes."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    kept = models.ForeignKey(Stakeholder, on_delete=models.CASCADE, related_name="+")
    merged = models.ForeignKey(Stakeholder, on_delete=models.CASCADE, related_name="+")
    batch = models.UUIDField(help_text="The trash batch `merged` went to the trash in.")
    merged_at = models.DateTimeField(auto_now_add=True)
    merged_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    journal = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "batch"], name="one_merge_per_batch")
        ]

    def __str__(self) -> str:
        return f"{self.merged} → {self.kept}"
