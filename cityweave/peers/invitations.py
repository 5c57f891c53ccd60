"""Invitations for city officials, and who is active in a network.

A staff editor invites an email address to be an official of a member city: an email goes out
(Django's email backend, once the transaction commits) with a signed link that works once, for
INVITATION_DAYS days. Opening it, the invited person accepts while signed in with that address,
or, when the address has no account yet (or one without a password, as staff and owners make
for someone new), chooses a name and a password there, which makes the account. Accepting makes
the CityOfficial seat, so they read the network and edit their own city's profile. Inviting the
same address to the same city again withdraws the earlier link.

Staff see who is active: each city's officials with their last login, the city's last change
(its profile, strengths or exchanges, whoever made it) and the invitations still open.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from cityweave.accounts.models import User
from cityweave.accounts.services import normalise_email
from cityweave.peers.access import NetworkMember, require_staff_editor
from cityweave.peers.models import (
    CityOfficial,
    MemberCity,
    OfficialInvitation,
    PeerExchange,
)

#: How long an invitation's link works.
INVITATION_DAYS = 14
SALT = "cityweave.peers.invitation"


class InvitationError(Exception):
    """A link that cannot be used, and why, in words for the person who opened it. `gone` says
    the link was good once (expired, used, withdrawn) rather than never valid."""

    def __init__(self, message: str, *, gone: bool = True) -> None:
        super().__init__(message)
        self.gone = gone


def token_for(invitation: OfficialInvitation) -> str:
    """The signed token of an invitation's link (it names the invitation; the signature keeps
    anyone from making one up)."""
    return signing.dumps([invitation.pk, str(invitation.email)], salt=SALT, compress=True)


def link_for(invitation: OfficialInvitation, base_url: str | None = None) -> str:
    """The invitation's absolute link on `base_url` (CITYWEAVE_URL when None)."""
    path = reverse("peers:invitation-accept", args=[token_for(invitation)])
    return (base_url or settings.CITYWEAVE_URL).rstrip("/") + path


def invitation_for_token(token: str) -> OfficialInvitation:
    """The open invitation a token names, its city and network loaded. InvitationError (gone=False)
    for a token that was never valid; InvitationError for one expired, used or withdrawn, or
    whose city has left the network."""
    try:
        pk, email = signing.loads(token, salt=SALT)
        pk = int(pk)
    except (signing.BadSignature, ValueError, TypeError):
        raise InvitationError(
            "This invitation link is not valid: check that it was copied whole.", gone=False
        ) from None
    invitation = (
        OfficialInvitation.objects.filter(pk=pk, email=email)
        .select_related("city", "network", "invited_by")
        .first()
    )
    if invitation is None:
        raise InvitationError("This invitation no longer exists.", gone=False)
    check_open(invitation)
    return invitation


def check_open(invitation: OfficialInvitation) -> None:
    """InvitationError unless the invitation can still be accepted."""
    if invitation.accepted_at is not None:
        raise InvitationError(
            "This invitation has been used already; each link works once. If it was you, "
            "sign in to reach the network."
        )
    if invitation.revoked_at is not None:
        raise InvitationError(
            "This invitation was withdrawn (a newer one may have been sent): ask the network's "
            "staff for a new one."
        )
    if invitation.expires_at <= timezone.now():
        raise InvitationError(
            f"This invitation expired on {invitation.expires_at:%Y-%m-%d}: ask the network's "
            "staff for a new one."
        )
    if invitation.city.in_trash:
        raise InvitationError(f"{invitation.city} is no longer a member of the network.")


def needs_account(invitation: OfficialInvitation) -> bool:
    """Whether the invited address has no account that can sign in (none, or one without a
    password): the accept page then offers to choose a password."""
    user = User.objects.filter(email=invitation.email).first()
    return user is None or not user.has_usable_password()


@transaction.atomic
def invite_official(
    member: NetworkMember, city: MemberCity, email: str, *, base_url: str | None = None
) -> OfficialInvitation:
    """Invite `email` to be an official of `city` and email them the link (on `base_url`,
    CITYWEAVE_URL when None); staff editors only. Open invitations of the same address (in any
    letter case) to the same city are withdrawn, so one stays pending. ValidationError on `email` (not an address, an official of the city
    already); Http404 for a city not live in the network."""
    require_staff_editor(member)
    if city.network_id != member.network.pk or city.in_trash:
        raise Http404("No such city")
    address = normalise_email(email)
    if CityOfficial.objects.filter(city=city, user__email__iexact=address).exists():
        raise ValidationError({"email": f"{address} is an official of {city} already."})
    # Invitations to one city are made one at a time (the city's row locked on PostgreSQL), so
    # two sent at once cannot both miss the other and leave two pending; the address is matched
    # in any case (rows stored before addresses were lowercased).
    list(MemberCity.objects.select_for_update().filter(pk=city.pk).values_list("pk"))
    now = timezone.now()
    OfficialInvitation.objects.filter(
        city=city, email__iexact=address, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now)
    invitation = OfficialInvitation.objects.create(
        network=member.network,
        city=city,
        email=address,
        invited_by=member.user,
        created_at=now,
        expires_at=now + dt.timedelta(days=INVITATION_DAYS),
    )
    context = {
        "invitation": invitation,
        "city": city,
        "network": member.network,
        "by": member.user.display_name,
        "link": link_for(invitation, base_url),
        "days": INVITATION_DAYS,
    }
    subject = f"You are invited to speak for {city} in {member.network.name} on cityweave"
    body = render_to_string("peers/invitations/invitation_email.txt", context)
    transaction.on_commit(lambda: send_mail(subject, body, None, [address], fail_silently=False))
    return invitation


@transaction.atomic
def accept(invitation: OfficialInvitation, user: User) -> CityOfficial:
    """Accept the invitation as `user`, who must have the invited address (PermissionDenied
    otherwise): makes (or keeps) their official seat on the city and uses up the link.
    InvitationError when it is no longer open (checked again under a row lock, so a link used
    twice at once makes one seat)."""
    locked = (
        OfficialInvitation.objects.select_for_update()
        .select_related("city", "network")
        .get(pk=invitation.pk)
    )
    check_open(locked)
    if user.email.casefold() != locked.email.casefold():
        raise PermissionDenied(
            f"This invitation is for {locked.email}; you are signed in as {user.email}."
        )
    seat, _ = CityOfficial.objects.get_or_create(city=locked.city, user=user)
    locked.accepted_at, locked.accepted_by = timezone.now(), user
    locked.save(update_fields=["accepted_at", "accepted_by"])
    invitation.accepted_at, invitation.accepted_by = locked.accepted_at, user
    return seat


@transaction.atomic
def accept_with_new_account(
    invitation: OfficialInvitation, name: str, password: str
) -> tuple[User, CityOfficial]:
    """Accept for an address that cannot sign in yet: make its account (or give the one made
    for it a password) with `name` and `password`, then accept. ValidationError on `name` or
    `password` (Django's password validators); InvitationError when the link is no longer open;
    PermissionDenied when the address has an account with a password (sign in instead)."""
    check_open(invitation)
    user = User.objects.filter(email=invitation.email).first()
    if user is not None and user.has_usable_password():
        raise PermissionDenied(f"{invitation.email} has an account: sign in to accept.")
    user = user or User(email=invitation.email)
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = ["Give your name, as the network's other cities will see it."]
    elif len(name) > User._meta.get_field("name").max_length:  # type: ignore[operator]
        errors["name"] = ["The name is too long."]
    if not password:
        errors["password"] = ["Choose a password."]
    else:
        try:
            validate_password(password, user)
        except ValidationError as error:
            errors["password"] = list(error.messages)
    if errors:
        raise ValidationError(errors)
    user.name = name
    user.set_password(password)
    user.save()
    return user, accept(invitation, user)


def open_invitations(member: NetworkMember) -> QuerySet[OfficialInvitation]:
    """The network's invitations not yet accepted or withdrawn (expired ones included, marked by
    their status), newest first; staff only."""
    if not member.is_staff:
        raise PermissionDenied("Only the network's staff see its invitations.")
    return (
        OfficialInvitation.objects.filter(
            network=member.network,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            city__deleted_at__isnull=True,
        )
        .select_related("city", "invited_by")
        .order_by("-created_at", "-pk")
    )


@transaction.atomic
def withdraw(member: NetworkMember, pk: int) -> OfficialInvitation:
    """Withdraw an open invitation (its link stops working); staff editors only."""
    require_staff_editor(member)
    invitation = open_invitations(member).filter(pk=pk).first()
    if invitation is None:
        raise Http404("No such invitation")
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    return invitation


@dataclass(frozen=True)
class CityActivity:
    """A city and who speaks for it: its officials (users, by email, `last_login` loaded), the
    last change to its profile, its strengths or its exchanges (whoever made it), and its open
    invitations."""

    city: MemberCity
    officials: list[User]
    last_change: dt.datetime
    invitations: list[OfficialInvitation]

    @property
    def last_login(self) -> dt.datetime | None:
        """The latest login of any of its officials."""
        logins = [u.last_login for u in self.officials if u.last_login is not None]
        return max(logins) if logins else None


def activity(member: NetworkMember) -> list[CityActivity]:
    """Every live city of the network, by name, with its officials, last change and open
    invitations; staff only (PermissionDenied otherwise). Five queries whatever the size."""
    if not member.is_staff:
        raise PermissionDenied("Only the network's staff see who is active.")
    network = member.network
    cities = list(
        MemberCity.objects.filter(network=network)
        .annotate(
            strength_change=Max("strengths__updated_at", filter=Q(strengths__deleted_at=None))
        )
        .order_by("name", "region", "pk")
    )
    seats: dict[int, list[User]] = {}
    for seat in (
        CityOfficial.objects.filter(city__network=network, city__deleted_at__isnull=True)
        .select_related("user")
        .order_by("user__email")
    ):
        seats.setdefault(seat.city_id, []).append(seat.user)
    exchange_change: dict[int, dt.datetime] = {}
    for a, b, changed in PeerExchange.objects.filter(network=network).values_list(
        "city_a_id", "city_b_id", "updated_at"
    ):
        for city_id in (a, b):
            if city_id not in exchange_change or changed > exchange_change[city_id]:
                exchange_change[city_id] = changed
    invitations: dict[int, list[OfficialInvitation]] = {}
    for invitation in open_invitations(member):
        invitations.setdefault(invitation.city_id, []).append(invitation)
    rows = []
    for city in cities:
        changes: list[Any] = [
            city.updated_at,
            getattr(city, "strength_change", None),
            exchange_change.get(city.pk),
        ]
        rows.append(
            CityActivity(
                city=city,
                officials=seats.get(city.pk, []),
                last_change=max(c for c in changes if c is not None),
                invitations=invitations.get(city.pk, []),
            )
        )
    return rows
