"""`cityweave peers`: create a network of cities, import its cities from GeoNames, list them,
list a city's peers, and list the network's convenings."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from cityweave.accounts.models import User
from cityweave.cli import describe_validation_error
from cityweave.peers import city_network, convening_cli, geo, matching, services
from cityweave.peers.access import NetworkMember
from cityweave.peers.management.seats import command_member

ACTIONS = ("create", "import-cities", "cities", "matches", "convenings")


class Command(BaseCommand):
    """The network of cities from the command line, on the same services as its pages."""

    help = "Create a network of cities, import its cities from GeoNames, list cities and peers."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="|".join(ACTIONS))

        def action(name: str, text: str) -> Any:
            sub = actions.add_parser(name, help=text, description=text)
            sub.add_argument("network", metavar="NETWORK_SLUG", help="The network's slug.")
            return sub

        create = action("create", "Create a network, its first staff owner given by --owner.")
        create.add_argument("--name", required=True, help="The network's name.")
        create.add_argument(
            "--owner", required=True, metavar="EMAIL", help="An existing user's email."
        )
        imports = action(
            "import-cities",
            "Add US cities by name and state (“Chattanooga, TN”) with state, population and "
            "time zone from GeoNames (cities of 15,000 people or more, shipped offline).",
        )
        imports.add_argument("places", nargs="+", metavar='"CITY, ST"')
        imports.add_argument(
            "--as",
            dest="email",
            required=True,
            metavar="EMAIL",
            help="The email of a staff editor or owner doing it.",
        )
        for name, text in (
            ("cities", "The network's cities with their challenges."),
            ("matches", "A city's peers, best first, with the score and why."),
            ("convenings", convening_cli.HELP),
        ):
            sub = action(name, text)
            sub.add_argument(
                "--as", dest="email", required=True, metavar="EMAIL", help="Who is asking."
            )
            sub.add_argument("--format", choices=("table", "json"), default="table")
            if name == "matches":
                sub.add_argument("city", type=int, metavar="CITY_ID", help="The city's id.")
                sub.add_argument("--challenge", default="", metavar="KEY")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "create":
                self._create(options)
                return
            member = command_member(options["network"], options["email"])
            getattr(self, "_" + options["action"].replace("-", "_"))(member, options)
        except ValidationError as error:
            raise CommandError(describe_validation_error(error), returncode=2) from None
        except PermissionDenied as error:
            raise CommandError(f"--as: {error}", returncode=2) from None

    def _create(self, options: dict[str, Any]) -> None:
        owner = User.objects.filter(email__iexact=options["owner"].strip()).first()
        if owner is None:
            raise CommandError(
                f"--owner: no user {options['owner']} (create one with `cityweave createuser`).",
                returncode=2,
            )
        network = services.create_network(options["name"], options["network"], owner)
        self.stdout.write(
            f"Created the network “{network.name}” ({network.slug}), owned by {owner}."
        )

    def _import_cities(self, member: NetworkMember, options: dict[str, Any]) -> None:
        report = geo.import_cities(member, options["places"])
        for city in report.added:
            self.stdout.write(
                f"Added {city} (id {city.pk}): {city.population:,} people, {city.timezone}."
            )
        for place in report.already:
            self.stdout.write(f"{place} is in the network already; left as it is.")

    def _cities(self, member: NetworkMember, options: dict[str, Any]) -> None:
        labels = dict(services.challenge_choices(member.network))
        rows: list[dict[str, Any]] = [
            {
                "id": city.pk,
                "name": city.name,
                "region": city.region,
                "population": city.population,
                "size_band": city.size_band,
                "challenges": services.city_challenges(city),
            }
            for city in services.cities(member)
        ]
        if options["format"] == "json":
            self.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False))
            return
        for row in rows:
            faces = ", ".join(labels.get(k, k) for k in row["challenges"]) or "no challenges yet"
            self.stdout.write(f"{row['id']}  {row['name']}, {row['region']}: {faces}")

    def _convenings(self, member: NetworkMember, options: dict[str, Any]) -> None:
        convening_cli.list_convenings(member, options, self.stdout)

    def _matches(self, member: NetworkMember, options: dict[str, Any]) -> None:
        try:
            city = services.get_city(member, options["city"])
        except Http404:
            raise CommandError(
                f"CITY_ID: no city {options['city']} in this network.", returncode=2
            ) from None
        labels = dict(services.challenge_choices(member.network))
        if options["challenge"] and options["challenge"] not in labels:
            raise CommandError(
                f"--challenge: unknown challenge “{options['challenge']}”; use one of {', '.join(labels)}.",
                returncode=2,
            )
        facts = matching.load_facts(member.network)
        mine = next(f for f in facts if f.id == city.pk)
        found = matching.matches(
            mine,
            facts,
            challenge=options["challenge"],
            labels=labels,
            known=city_network.known_cities(member.network, city.pk),
        )
        if options["format"] == "json":
            rows = [
                {
                    "id": m.peer.id,
                    "name": m.peer.name,
                    "score": m.score,
                    "status": m.status,
                    "reason": m.reason,
                }
                for m in found
            ]
            self.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False))
            return
        if not found:
            self.stdout.write(f"{city} has no peers yet: no city shares its challenges.")
        for m in found:
            self.stdout.write(
                f"{m.score:5.2f}  {m.peer.name}, {m.peer.region} ({m.status}): {m.reason}"
            )
