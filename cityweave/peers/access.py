"""Who may do what in a network of cities: a user's seat (`NetworkMember`), found from the URL.

A user reaches a network through a staff seat (owner, editor or viewer) or as an official of one
of its live member cities. Staff editors and owners change the network; owners also manage its
staff and restore its trash; a city official reads the network and edits only their own city's
profile; a staff viewer reads. Everyone else, signed in or not, finds no such network (404).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404

from cityweave.accounts.models import User
from cityweave.peers.models import CityNetwork, CityOfficial, MemberCity, NetworkStaff


@dataclass(frozen=True)
class NetworkMember:
    """A user acting in a network: their staff seat (or None) and the ids of the live member
    cities they are an official of (possibly none, for staff)."""

    network: CityNetwork
    user: User
    staff: NetworkStaff | None
    city_ids: frozenset[int]

    @property
    def is_staff(self) -> bool:
        return self.staff is not None

    @property
    def can_edit(self) -> bool:
        """May change the network: add cities and challenges, edit any city (staff editors)."""
        return self.staff is not None and self.staff.can_edit

    @property
    def is_owner(self) -> bool:
        return self.staff is not None and self.staff.is_owner

    @property
    def role_label(self) -> str:
        if self.staff is not None:
            return f"Staff: {self.staff.get_role_display().lower()}"
        return "City official"

    def can_edit_city(self, city: MemberCity) -> bool:
        """Staff editors edit any city; an official edits only their own."""
        return self.can_edit or city.pk in self.city_ids


def network_member(user: User, slug: str) -> NetworkMember:
    """The user's seat in the network `slug`: Http404 when the network does not exist or the user
    has no seat in it (staff or an official of a live city), so neither is told apart. Two
    queries."""
    if not user.is_authenticated:
        raise Http404("No such network")
    network = CityNetwork.objects.filter(slug=slug).first()
    if network is None:
        raise Http404("No such network")
    staff = NetworkStaff.objects.filter(network=network, user=user).first()
    city_ids = frozenset(
        CityOfficial.objects.filter(
            user=user, city__network=network, city__deleted_at__isnull=True
        ).values_list("city_id", flat=True)
    )
    if staff is None and not city_ids:
        raise Http404("No such network")
    if staff is not None:
        staff.network = network
    return NetworkMember(network=network, user=user, staff=staff, city_ids=city_ids)


def require_staff_editor(member: NetworkMember) -> None:
    if not member.can_edit:
        raise PermissionDenied("Only the network's staff (editors and owners) can do this.")


def require_staff_owner(member: NetworkMember) -> None:
    if not member.is_owner:
        raise PermissionDenied("Only an owner of the network's staff can do this.")


def require_city_editor(member: NetworkMember, city: MemberCity) -> None:
    if not member.can_edit_city(city):
        raise PermissionDenied(
            "Only the network's staff editors and this city's officials can change its profile."
        )
