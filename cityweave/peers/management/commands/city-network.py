"""`cityweave city-network`: a network of cities as a network: log and list peer exchanges, its
measures (brokers between regions, isolated cities), cohorts, invitations of officials and who
is active; on the same services as its pages."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from cityweave.cli import describe_validation_error
from cityweave.peers import city_network, cohorts, exchanges, invitations, services
from cityweave.peers.access import NetworkMember
from cityweave.peers.management.seats import command_member
from cityweave.peers.models import ExchangeKind

ACTIONS = ("exchanges", "log-exchange", "measures", "cohorts", "invite", "activity")


class Command(BaseCommand):
    """The network of cities as a network, from the command line."""

    help = "Peer exchanges, the city network's brokers and isolated cities, cohorts, invitations."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="|".join(ACTIONS))

        def action(name: str, text: str, formats: bool = True) -> Any:
            sub = actions.add_parser(name, help=text, description=text)
            sub.add_argument("network", metavar="NETWORK_SLUG", help="The network's slug.")
            sub.add_argument(
                "--as", dest="email", required=True, metavar="EMAIL", help="Who is acting."
            )
            if formats:
                sub.add_argument("--format", choices=("table", "json"), default="table")
            return sub

        listed = action("exchanges", "The network's peer exchanges, latest first.")
        listed.add_argument("--city", type=int, metavar="CITY_ID", help="Only this city's.")
        log = action(
            "log-exchange",
            "Log a peer exchange between two cities (staff editors, or an official of either).",
            formats=False,
        )
        log.add_argument("city_a", type=int, metavar="CITY_ID")
        log.add_argument("city_b", type=int, metavar="OTHER_CITY_ID")
        log.add_argument("--date", required=True, metavar="YYYY-MM-DD")
        log.add_argument("--kind", default="visit", choices=ExchangeKind.values)
        log.add_argument("--note", default="")
        action("measures", "Every city's ties, betweenness and brokerage between regions.")
        plan = action("cohorts", "Split the cities into cohorts of about --size, with reasons.")
        plan.add_argument("--size", required=True, type=int, help="Cities per group (3 to 15).")
        plan.add_argument(
            "--challenge", action="append", default=[], metavar="KEY", help="Repeatable."
        )
        plan.add_argument(
            "--save", action="store_true", help="Keep the groups as saved cohorts (staff editors)."
        )
        invite = action(
            "invite", "Email someone a link to become an official of a city.", formats=False
        )
        invite.add_argument("city", type=int, metavar="CITY_ID")
        invite.add_argument("invitee", metavar="INVITEE_EMAIL")
        action("activity", "Each city's officials with their last login, and its last change.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            member = command_member(options["network"], options["email"])
            getattr(self, "_" + options["action"].replace("-", "_"))(member, options)
        except ValidationError as error:
            raise CommandError(describe_validation_error(error), returncode=2) from None
        except PermissionDenied as error:
            raise CommandError(f"--as: {error}", returncode=2) from None

    def _write(self, options: dict[str, Any], rows: Any, lines: list[str]) -> None:
        if options.get("format") == "json":
            self.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False, default=str))
        else:
            for line in lines:
                self.stdout.write(line)

    def _city(self, member: NetworkMember, pk: int, name: str) -> Any:
        try:
            return services.get_city(member, pk)
        except Http404:
            raise CommandError(f"{name}: no city {pk} in this network.", returncode=2) from None

    def _exchanges(self, member: NetworkMember, options: dict[str, Any]) -> None:
        city = self._city(member, options["city"], "--city") if options["city"] else None
        found = list(exchanges.exchanges(member, city))
        rows = [
            {
                "id": e.pk,
                "date": e.date.isoformat(),
                "kind": e.kind,
                "city_a": e.city_a_id,
                "city_b": e.city_b_id,
                "note": e.note,
            }
            for e in found
        ]
        self._write(options, rows, [f"{e.pk}  {e}" for e in found] or ["No exchanges yet."])

    def _log_exchange(self, member: NetworkMember, options: dict[str, Any]) -> None:
        exchange = exchanges.save_exchange(
            member,
            {
                "city_a": options["city_a"],
                "city_b": options["city_b"],
                "date": options["date"],
                "kind": options["kind"],
                "note": options["note"],
            },
        )
        self.stdout.write(f"Logged exchange {exchange.pk}: {exchange}.")

    def _measures(self, member: NetworkMember, options: dict[str, Any]) -> None:
        report = city_network.city_network(member.network)
        rows = [
            {
                "id": p.id,
                "name": p.name,
                "region": p.region,
                "degree": p.degree,
                "betweenness_normalized": p.betweenness_normalized,
                "between_regions": p.between_regions,
                "constraint": p.constraint,
                "effective_size": p.effective_size,
                "isolated": p.isolated,
            }
            for p in report.positions
        ]
        lines = [
            f"{report.summary['cities']} cities, {report.summary['links']} pairs tied by "
            f"{report.summary['ties']} ties; {report.summary['isolated']} isolated."
        ]
        lines += [
            f"Broker: {p.label}: {p.between_regions or 0} between regions, betweenness "
            f"{(p.betweenness_normalized or 0):.3f}"
            for p in report.brokers
        ]
        lines += [f"Isolated: {p.label}" for p in report.isolated]
        self._write(options, rows, lines)

    def _cohorts(self, member: NetworkMember, options: dict[str, Any]) -> None:
        plan = cohorts.network_cohorts(member, options["size"], options["challenge"])
        rows = [
            {
                "number": c.number,
                "theme": c.theme,
                "cities": [x.id for x in c.cities],
                "reason": c.reason,
            }
            for c in plan.cohorts
        ]
        lines = []
        for c in plan.cohorts:
            lines.append(f"Cohort {c.number} ({c.size}): {', '.join(x.name for x in c.cities)}")
            lines.append(f"  {c.reason}.")
        if plan.left_out:
            lines.append(f"Not grouped: {', '.join(x.name for x in plan.left_out)}.")
        if options["save"]:
            saved = cohorts.save_cohorts(member, options["size"], options["challenge"])
            lines.append(f"Saved {len(saved)} cohort(s): {', '.join(c.name for c in saved)}.")
        self._write(options, rows, lines)

    def _invite(self, member: NetworkMember, options: dict[str, Any]) -> None:
        city = self._city(member, options["city"], "CITY_ID")
        invitation = invitations.invite_official(member, city, options["invitee"])
        self.stdout.write(
            f"Invited {invitation.email} to speak for {city}; the link, emailed, works until "
            f"{invitation.expires_at:%Y-%m-%d}."
        )

    def _activity(self, member: NetworkMember, options: dict[str, Any]) -> None:
        found = invitations.activity(member)
        rows = [
            {
                "city": row.city.pk,
                "name": str(row.city),
                "officials": [
                    {"email": u.email, "last_login": u.last_login} for u in row.officials
                ],
                "last_change": row.last_change,
                "open_invitations": len(row.invitations),
            }
            for row in found
        ]
        lines = []
        for row in found:
            people = ", ".join(
                f"{u.email} ({u.last_login:%Y-%m-%d})" if u.last_login else f"{u.email} (never)"
                for u in row.officials
            )
            lines.append(
                f"{row.city}: {people or 'no officials'}; last change "
                f"{row.last_change:%Y-%m-%d}; {len(row.invitations)} open invitation(s)"
            )
        self._write(options, rows, lines)
