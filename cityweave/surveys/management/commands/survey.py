"""`cityweave survey`: list surveys and waves, download links and results, send emails, close."""

from __future__ import annotations

import json
import os
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.http import Http404

from cityweave.cli import describe_validation_error, write_atomically
from cityweave.engagement.services import workspace_today
from cityweave.surveys import fieldwork, invitations
from cityweave.surveys.models import Respondent, Survey, Wave
from cityweave.surveys.results_views import DOWNLOAD_FORMATS, DOWNLOADS, wave_file, wave_table
from cityweave.workspaces.models import Membership, Workspace

ACTIONS = ("list", "links", "invite", "export", "close", "reopen")


def _percent(rate: fieldwork.ResponseRate) -> str:
    return f"{rate.percent}%" if rate.percent is not None else "—"


class Command(BaseCommand):
    """Survey work from the command line, on the same services as the survey pages."""

    help = "List surveys and waves, download a wave's links or results, email invitations, close."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="|".join(ACTIONS))

        def action(name: str, text: str, wave: bool = True, writes: bool = False) -> Any:
            sub = actions.add_parser(name, help=text, description=text)
            if wave:
                sub.add_argument(
                    "wave", type=int, metavar="WAVE_ID", help="The wave's id (`survey list`)."
                )
            sub.add_argument(
                "--workspace", required=True, metavar="SLUG", help="The workspace's slug."
            )
            if writes:
                sub.add_argument(
                    "--as",
                    dest="email",
                    required=True,
                    metavar="EMAIL",
                    help="The email of the member (an editor or owner) doing it.",
                )
            return sub

        listing = action("list", "The workspace's surveys and their waves.", wave=False)
        listing.add_argument("--format", choices=("table", "json"), default="table")
        links = action(
            "links", "The wave's personal links as CSV (as the links page downloads them)."
        )
        links.add_argument(
            "-o", "--output", metavar="FILE.csv", help="Write here (default: print)."
        )
        invite = action(
            "invite",
            "Email the wave's invitations to respondents not invited yet, through the worker.",
            writes=True,
        )
        invite.add_argument(
            "--reminders",
            action="store_true",
            help="Remind those invited who have not answered (and were not reminded in the "
            "last three days) instead.",
        )
        invite.add_argument(
            "--dry-run", action="store_true", help="List who would get what; send nothing."
        )
        export = action(
            "export", "The wave's answers, partner answers or scores, as the results page."
        )
        export.add_argument("--what", choices=DOWNLOADS, required=True)
        export.add_argument(
            "--format",
            choices=DOWNLOAD_FORMATS,
            help="Default: xlsx for a FILE ending in .xlsx, else csv.",
        )
        export.add_argument("-o", "--output", metavar="FILE", required=True)
        action("close", "Close the wave now: no answers are taken after.", writes=True)
        action(
            "reopen", "Reopen a wave closed by hand, if its last day has not passed.", writes=True
        )

    def handle(self, *args: Any, **options: Any) -> None:
        workspace = Workspace.objects.filter(slug=options["workspace"]).first()
        if workspace is None:
            raise CommandError(f"--workspace: no workspace “{options['workspace']}”.", returncode=2)
        member = self._member(workspace, options["email"]) if options.get("email") else None
        if options["action"] == "list":
            self._list(workspace, options["format"])
            return
        wave = self._wave(workspace, options["wave"])
        output = options.get("output")
        if output and Path(output).is_dir():
            raise CommandError(f"-o: {output} is a folder; name a file in it.", returncode=2)
        if output and not Path(output).parent.is_dir():
            raise CommandError(f"-o: no folder {Path(output).parent} for {output}.", returncode=2)
        try:
            with transaction.atomic():
                getattr(self, f"_{options['action']}")(workspace, member, wave, options)
        except ValidationError as error:
            raise CommandError(describe_validation_error(error), returncode=2) from None
        except PermissionDenied as error:
            raise CommandError(f"--as: {error}", returncode=2) from None
        except Http404 as error:  # trashed meanwhile
            raise CommandError(f"WAVE_ID: {error}.", returncode=2) from None

    def _member(self, workspace: Workspace, email: str) -> Membership:
        member = (
            Membership.objects.select_related("workspace", "user")
            .filter(workspace=workspace, user__email__iexact=email)
            .first()
        )
        if member is None:
            raise CommandError(
                f"--as: {email} is not a member of the workspace “{workspace.slug}”.", returncode=2
            )
        return member

    def _wave(self, workspace: Workspace, pk: int) -> Wave:
        # Another workspace's wave is not told apart from none at all, as on the pages (404).
        wave = (
            Wave.objects.select_related("survey", "workspace")
            .filter(workspace=workspace, pk=pk, survey__deleted_at=None)
            .first()
        )
        if wave is None:
            raise CommandError(
                f"WAVE_ID: no wave {pk} in the workspace “{workspace.slug}”.", returncode=2
            )
        return wave

    # == Reading ==================================================================================

    def _list(self, workspace: Workspace, fmt: str) -> None:
        today = workspace_today(workspace)
        found = list(Survey.objects.filter(workspace=workspace))  # by title, as on the page
        waves = list(
            Wave.objects.filter(workspace=workspace, survey__in=found).order_by("-opens_on", "-pk")
        )
        rates = fieldwork.response_rates(waves)
        by_survey: dict[int, list[Wave]] = {}
        for wave in waves:
            by_survey.setdefault(wave.survey_id, []).append(wave)
        surveys = [
            {
                "id": survey.pk,
                "title": survey.title,
                "kind": survey.kind,
                "anonymous": survey.anonymous,
                "waves": [
                    {
                        "id": wave.pk,
                        "name": wave.name,
                        "status": wave.status_on(today),
                        "opens_on": wave.opens_on.isoformat(),
                        "closes_on": wave.closes_on.isoformat(),
                        "respondents": rates[wave.pk].asked,
                        "submitted": rates[wave.pk].submitted,
                        "response_rate": rates[wave.pk].percent,
                        "open_link_submitted": rates[wave.pk].open_link,
                    }
                    for wave in by_survey.get(survey.pk, [])
                ],
            }
            for survey in found
        ]
        if fmt == "json":
            document = {
                "workspace": workspace.slug,
                "formula": fieldwork.ResponseRate.FORMULA,
                "surveys": surveys,
            }
            self.stdout.write(json.dumps(document, indent=2, ensure_ascii=False))
            return
        if not surveys:
            self.stdout.write(f"The workspace “{workspace.slug}” has no surveys.")
            return
        header = (
            "SURVEY", "WAVE", "STATUS", "OPENS", "CLOSES", "ASKED", "SUBMITTED", "RATE", "OPEN LINK",
        )  # fmt: skip
        rows: list[tuple[str, ...]] = []
        for survey, row in zip(found, surveys, strict=True):
            title = f"{survey.pk} {survey.title}"
            if not row["waves"]:
                rows.append((title, "—", "no waves yet", "", "", "", "", "", ""))
            for wave in by_survey.get(survey.pk, []):
                rate = rates[wave.pk]
                rows.append(
                    (
                        title,
                        f"{wave.pk} {wave.name}",
                        wave.status_on(today),
                        wave.opens_on.isoformat(),
                        wave.closes_on.isoformat(),
                        str(rate.asked),
                        str(rate.submitted),
                        _percent(rate),
                        str(rate.open_link),
                    )
                )
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
        for line in [header, *rows]:
            self.stdout.write(
                "  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip()
            )
        self.stdout.write(
            f"\n{fieldwork.ResponseRate.FORMULA}; answers through an open link (anonymous "
            "surveys) are counted beside it, not in it."
        )

    def _links(self, workspace: Workspace, member: None, wave: Wave, options: Any) -> None:
        if "CITYWEAVE_URL" not in os.environ:
            self.stderr.write(
                f"CITYWEAVE_URL is not set: the links start with {settings.CITYWEAVE_URL}. Set it "
                "to where people reach this server."
            )
        text = invitations.links_csv(wave)
        if options["output"]:
            write_atomically(options["output"], [text.encode()])
            count = fieldwork.respondents(wave).count()
            self.stdout.write(
                f"Wrote {count} link{'s' if count != 1 else ''} of “{wave}” to {options['output']}."
            )
        else:
            self.stdout.write(text, ending="")

    def _export(self, workspace: Workspace, member: None, wave: Wave, options: Any) -> None:
        output = options["output"]
        fmt = options["format"] or ("xlsx" if output.lower().endswith(".xlsx") else "csv")
        table = wave_table(workspace, wave, options["what"])
        write_atomically(output, wave_file(table, fmt))
        self.stdout.write(f"Wrote the {options['what']} of “{wave}” ({fmt}) to {output}.")

    # == Writing ==================================================================================

    def _invite(self, workspace: Workspace, member: Membership, wave: Wave, options: Any) -> None:
        kind = fieldwork.REMINDERS if options["reminders"] else fieldwork.INVITATIONS
        what = "reminder" if kind == fieldwork.REMINDERS else "invitation"
        due: list[Respondent] = list(
            fieldwork.due_reminders(wave)
            if kind == fieldwork.REMINDERS
            else fieldwork.uninvited(wave)
        )
        # The service checks the member, the wave and who is due exactly as the page's button;
        # a dry run rolls it back, and with it the queued sending.
        count = fieldwork.request_emails(member, wave, kind)
        if options["dry_run"]:
            transaction.set_rollback(True)
        verb = "Would send" if options["dry_run"] else "Queued"
        self.stdout.write(f"{verb} {count} {what}{'s' if count != 1 else ''} for “{wave}”:")
        for respondent in due:
            self.stdout.write(f"  {respondent} <{respondent.email}>")
        if not options["dry_run"]:
            self.stdout.write(
                self.style.SUCCESS(
                    "The worker (`cityweave worker`) sends them; the wave page shows when they "
                    "went out."
                )
            )

    def _close(self, workspace: Workspace, member: Membership, wave: Wave, options: Any) -> None:
        fieldwork.close_wave(member, wave)
        self.stdout.write(self.style.SUCCESS(f"“{wave}” is closed: no more answers are taken."))

    def _reopen(self, workspace: Workspace, member: Membership, wave: Wave, options: Any) -> None:
        fieldwork.reopen_wave(member, wave)
        self.stdout.write(self.style.SUCCESS(f"“{wave}” is open again."))
