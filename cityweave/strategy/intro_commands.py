"""`cityweave budget introductions` and `cityweave budget next`: the subcommands' arguments and
their output, on the same services as the pages (strategy/introductions.py, next_best.py)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404

from cityweave.strategy import introductions, next_best
from cityweave.strategy.intro_api import introductions_out, next_best_out
from cityweave.workspaces.models import Membership


def add_introduction_commands(actions: Any) -> None:
    """Add the `introductions` and `next` subcommands to the `budget` command's subparsers."""
    text = (
        "Who can introduce you to a stakeholder, or to anyone in a sector, a community of the "
        "last network analysis or a value type (exactly one): the best paths from the people you "
        "know over active ties, through at most 2 people, the warmest first."
    )
    intro = actions.add_parser("introductions", help=text, description=text)
    _common(intro)
    target = intro.add_mutually_exclusive_group(required=True)
    target.add_argument("--stakeholder", type=int, metavar="ID", help="A stakeholder's id.")
    target.add_argument("--sector", metavar="KEY", help="A sector's key, e.g. philanthropy.")
    target.add_argument("--community", type=int, metavar="N", help="A community's number.")
    target.add_argument("--value-type", metavar="KEY", help="A value type, e.g. funding.")
    intro.add_argument(
        "--limit", type=int, default=introductions.DEFAULT_LIMIT, help="How many paths (1-50)."
    )
    text = (
        "The relationships you could start that would most raise goal coverage, sector "
        "diversity and bridging, each with who can introduce you; and your network's diversity "
        "by sector (Blau index, sectors missing)."
    )
    nxt = actions.add_parser("next", help=text, description=text)
    _common(nxt)
    for name in next_best.WEIGHTS:
        nxt.add_argument(f"--w-{name}", type=float, metavar="W", help=f"The {name} weight (0-10).")
    nxt.add_argument("--limit", type=int, default=next_best.DEFAULT_LIMIT, help="How many (1-100).")


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("workspace", metavar="WORKSPACE", help="The workspace's slug.")
    parser.add_argument("--as", dest="email", required=True, metavar="EMAIL", help="Who is asking.")
    parser.add_argument("--format", choices=("text", "json"), default="text")


def run_introduction_command(member: Membership, options: dict[str, Any]) -> str:
    """The subcommand's output; CommandError (exit 2) naming the option for bad input."""
    try:
        if options["action"] == "introductions":
            return _introductions(member, options)
        return _next(member, options)
    except Http404:
        raise CommandError(
            f"--stakeholder: no stakeholder {options.get('stakeholder')} in "
            f"“{member.workspace.slug}”.",
            returncode=2,
        ) from None
    except ValidationError as error:
        problems = "; ".join(
            f"--{name.replace('_', '-')}: {' '.join(messages)}"
            for name, messages in error.message_dict.items()
        )
        raise CommandError(problems, returncode=2) from None


def _introductions(member: Membership, options: dict[str, Any]) -> str:
    answer = introductions.introductions(
        member,
        stakeholder=options["stakeholder"],
        sector=options["sector"],
        community=options["community"],
        value_type=options["value_type"],
        limit=options["limit"],
    )
    if options["format"] == "json":
        return json.dumps(introductions_out(answer), indent=2, cls=DjangoJSONEncoder)
    lines = [f"Who can introduce you to {answer.label}"]
    if answer.kind != "stakeholder" and answer.targets:
        lines.append(
            f"{answer.reachable} of the {answer.targets} you do not know yet can be reached"
            + (
                f"; the {len(answer.paths)} warmest shown (--limit for more)."
                if answer.found > len(answer.paths)
                else "."
            )
        )
    elif answer.found > len(answer.paths):
        lines.append(f"The {len(answer.paths)} warmest of {answer.found} ways (--limit for more).")
    for number, path in enumerate(answer.paths, start=1):
        lines.append(f"{number}. {path.sentence}")
        lines.append(
            f"   trust product {path.product_text}, {path.hops} ties; {path.broker.name}: "
            f"{path.role}, {path.load} interaction{'s' * (path.load != 1)} in the last {introductions.LOAD_DAYS} days"
        )
    if answer.note:
        lines.append(answer.note)
    return "\n".join(lines)


def _next(member: Membership, options: dict[str, Any]) -> str:
    weights = next_best.weights_from({f"w_{n}": options[f"w_{n}"] for n in next_best.WEIGHTS})
    found = next_best.next_best(member, weights=weights, limit=options["limit"])
    if options["format"] == "json":
        return json.dumps(next_best_out(found), indent=2, cls=DjangoJSONEncoder)
    check = found.diversity
    blau = "none (you know nobody yet)" if check.blau is None else f"{check.blau:.3f}"
    lines = [
        f"Your network: {found.known} people; sector diversity (Blau index) {blau}",
        "  " + ", ".join(f"{found.label(k)} {n}" for k, n in check.counts.items()),
        "Missing sectors: " + (", ".join(found.label(k) for k in check.missing) or "none"),
        f"Next best relationships ({len(found.candidates)} of {found.considered} you do not know):",
    ]
    for number, c in enumerate(found.candidates, start=1):
        lines.append(f"{number}. [{c.score:.2f}] {c.reason}")
        lines.append(
            "   "
            + (c.introduction.sentence if c.introduction else "Nobody you know can introduce you.")
        )
    lines.extend(found.notes)
    return "\n".join(lines)
