"""Owner operations on a workspace: its members and their roles, its name, time zone and sectors."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Case, CharField, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce, NullIf
from django.http import Http404, HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from cityweave.accounts.models import User
from cityweave.accounts.services import normalise_email
from cityweave.engagement.models import Commitment, Interaction
from cityweave.goals.models import Goal
from cityweave.stakeholders.models import Sector, Stakeholder, Tie
from cityweave.workspaces.models import Membership, Role, Workspace
from cityweave.workspaces.services import require_owner


def members(member: Membership) -> QuerySet[Membership]:
    """Everyone in the acting member's workspace, by email."""
    return (
        Membership.objects.filter(workspace=member.workspace)
        .select_related("user")
        .order_by("user__email")
    )


def lookup_members(member: Membership, query: str, limit: int = 20) -> list[Membership]:
    """Members whose name or email holds every word of `query`, for a search-as-you-type picker:
    names or emails starting with it first, then names with a word starting with it."""
    words = query.split()
    if not words:
        return []
    found = members(member)
    for word in words:
        found = found.filter(Q(user__name__icontains=word) | Q(user__email__icontains=word))
    phrase = " ".join(words)
    rank = Case(
        When(Q(user__name__istartswith=phrase) | Q(user__email__istartswith=phrase), then=Value(0)),
        When(user__name__icontains=f" {phrase}", then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    shown_as = Coalesce(NullIf("user__name", Value("")), "user__email", output_field=CharField())
    return list(found.annotate(rank=rank, shown_as=shown_as).order_by("rank", "shown_as")[:limit])


def get_membership(member: Membership, pk: int) -> Membership:
    """A membership of the acting member's workspace; 404 for another workspace's."""
    membership = members(member).filter(pk=pk).first()
    if membership is None:
        raise Http404("No such member")
    return membership


def _check_role(role: str) -> None:
    if role not in Role.values:
        raise ValidationError(
            {"role": f"Unknown role “{role}”; use one of {', '.join(Role.values)}."}
        )


def _ensure_another_owner(membership: Membership, consequence: str) -> None:
    """Refuse to leave the workspace without an owner; locks the owners while checking."""
    owners = list(
        Membership.objects.select_for_update()
        .filter(workspace_id=membership.workspace_id, role=Role.OWNER)
        .values_list("pk", flat=True)
    )
    if owners == [membership.pk]:
        raise ValidationError(
            {
                "role": f"{membership.user} is the last owner; {consequence} once someone else is one."
            }
        )


@transaction.atomic
@dataclass(frozen=True)
class Added:
    """A member just added, and whether they still have to choose a password (`invited`: an
    account made for them now, or earlier and never used)."""

    membership: Membership
    invited: bool


@transaction.atomic
def add_member_by_email(member: Membership, email: str, role: str) -> Added:
    """Give the person with `email` a role in the workspace; owners only.

    Someone without an account gets one with no password, to be set from the email `tell_added`
    sends; the owner is told the same either way, so adding never reveals which addresses have
    an account. ValidationError on `email` (not an address, already a member) or `role`."""
    require_owner(member)
    _check_role(role)
    address = normalise_email(email)
    user = User.objects.filter(email=address).first()
    if user is None:
        user = User.objects.create_user(address)  # no password: unusable until they set one
    # Someone added before who never chose a password is invited again, with a fresh link.
    invited = not user.has_usable_password()
    existing = Membership.objects.filter(workspace=member.workspace, user=user).first()
    if existing is not None:
        raise ValidationError(
            {"email": f"{user.email} is already a member ({existing.get_role_display().lower()})."}
        )
    membership = Membership.objects.create(workspace=member.workspace, user=user, role=role)
    return Added(membership, invited)


def tell_added(request: HttpRequest, added: Added, by: Membership) -> None:
    """Email the person `added` (once the transaction commits): who added them to which
    workspace with what role, and the link to open it; for a new account, a link to choose a
    password (Django's password-reset token, valid for PASSWORD_RESET_TIMEOUT)."""
    membership = added.membership
    user = membership.user
    context = {
        "user": user,
        "workspace": membership.workspace,
        "role": membership.get_role_display().lower(),
        "by": by.user.display_name,
        "workspace_url": request.build_absolute_uri(
            reverse("dashboard", args=[membership.workspace.slug])
        ),
        "invited": added.invited,
        "days": settings.PASSWORD_RESET_TIMEOUT // 86400,
    }
    if added.invited:
        context["password_url"] = request.build_absolute_uri(
            reverse(
                "password_reset_confirm",
                kwargs={
                    "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                    "token": default_token_generator.make_token(user),
                },
            )
        )
    subject = f"You have been added to {membership.workspace.name} on cityweave"
    body = render_to_string("workspaces/member_added_email.txt", context)
    transaction.on_commit(lambda: send_mail(subject, body, None, [user.email], fail_silently=False))


@transaction.atomic
def change_role(member: Membership, pk: int, role: str) -> Membership:
    """Change a member's role; the last owner keeps theirs. Owners only."""
    require_owner(member)
    _check_role(role)
    membership = get_membership(member, pk)
    if membership.role == Role.OWNER and role != Role.OWNER:
        _ensure_another_owner(membership, "change their role")
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@dataclass(frozen=True)
class RemovalConsequences:
    """What a member leaves behind: records that lose their owner, and notes only they could read."""

    ties: int
    open_commitments: int
    goals: int
    private_interactions: int

    @property
    def any(self) -> bool:
        return bool(self.ties or self.open_commitments or self.goals or self.private_interactions)


def removal_consequences(membership: Membership) -> RemovalConsequences:
    """Count the live records tied to a membership that its removal would orphan."""
    return RemovalConsequences(
        ties=Tie.objects.filter(owner=membership).count(),
        open_commitments=Commitment.objects.filter(
            owner=membership, status=Commitment.Status.OPEN
        ).count(),
        goals=Goal.objects.filter(owner=membership).count(),
        private_interactions=Interaction.objects.filter(author=membership, private=True).count(),
    )


@transaction.atomic
def remove_member(member: Membership, pk: int) -> Membership:
    """Take a user out of the workspace; never the last owner. Owners only."""
    require_owner(member)
    membership = get_membership(member, pk)
    if membership.role == Role.OWNER:
        _ensure_another_owner(membership, "they can leave")
    membership.delete()
    return membership


@transaction.atomic
def update_workspace(member: Membership, name: str, timezone_name: str) -> Workspace:
    """Rename the workspace or change its time zone; owners only."""
    require_owner(member)
    workspace = Workspace.objects.select_for_update().get(pk=member.workspace.pk)
    workspace.name = name.strip()
    workspace.timezone = timezone_name
    workspace.full_clean()
    workspace.save(update_fields=["name", "timezone"])
    member.workspace = workspace
    return workspace


@transaction.atomic
def remove_sector(member: Membership, pk: int) -> None:
    """Delete one of the workspace's own sectors that no stakeholder (live or in the trash) uses."""
    require_owner(member)
    sector = Sector.objects.filter(workspace=member.workspace, pk=pk).first()
    if sector is None:
        raise Http404("No such sector")
    in_use = Stakeholder.all_objects.filter(workspace=member.workspace, sector=sector.key).count()
    if in_use:
        noun = "stakeholder uses" if in_use == 1 else "stakeholders use"
        raise ValidationError(
            {"sector": f"{in_use} {noun} “{sector.label}” (counting the trash); move them first."}
        )
    sector.delete()
