"""What the network-of-cities commands share: the seat of the user `--as` names."""

from __future__ import annotations

from django.core.management.base import CommandError
from django.http import Http404

from cityweave.accounts.models import User
from cityweave.peers.access import NetworkMember, network_member
from cityweave.peers.models import CityNetwork


def command_member(slug: str, email: str) -> NetworkMember:
    """The seat in the network `slug` of the user with `email` (any case). CommandError (exit 2)
    naming NETWORK_SLUG when there is no such network, or `--as` when the user has no seat in it
    (staff or an official of one of its live cities)."""
    if not CityNetwork.objects.filter(slug=slug).exists():
        raise CommandError(f"NETWORK_SLUG: no network “{slug}”.", returncode=2)
    user = User.objects.filter(email__iexact=email.strip()).first()
    try:
        if user is None:
            raise Http404
        return network_member(user, slug)
    except Http404:
        raise CommandError(
            f"--as: {email} is not on the staff of “{slug}” or an official of one of its cities.",
            returncode=2,
        ) from None
