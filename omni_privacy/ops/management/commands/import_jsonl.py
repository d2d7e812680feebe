"""`omni-privacy import FILE.jsonl`: organisations and holdings, through the gate, all or nothing.

Format and error output: docs/import-format.md. The work is registry.importer.jsonl_import;
this command only parses options and prints.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import npgettext

from omni_privacy.core.errors import words
from omni_privacy.ops.options import add_json, moment, write_json
from omni_privacy.registry.importer import ImportRefusedError, jsonl_import

ACTOR = "cli"


def summary(report: Any) -> str:
    """The one-line report, each count agreeing with its number ("1 créée", "2 créées")."""
    counts = {
        "org_created": npgettext(
            "organisations", "%(count)d created", "%(count)d created", report.organizations_created
        ),
        "org_updated": npgettext(
            "organisations", "%(count)d updated", "%(count)d updated", report.organizations_updated
        ),
        "recorded": npgettext(
            "holdings", "%(count)d recorded", "%(count)d recorded", report.holdings_recorded
        ),
        "updated": npgettext(
            "holdings", "%(count)d updated", "%(count)d updated", report.holdings_updated
        ),
    }
    numbers = {
        "org_created": report.organizations_created,
        "org_updated": report.organizations_updated,
        "recorded": report.holdings_recorded,
        "updated": report.holdings_updated,
    }
    said = {key: text % {"count": numbers[key]} for key, text in counts.items()}
    return (
        _("organisations: %(org_created)s, %(org_updated)s; holdings: %(recorded)s, %(updated)s")
        % said
    )


class Command(BaseCommand):
    help = "Import organisations and holdings from a JSON Lines file (all lines or none)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the JSON Lines file to import")
        parser.add_argument(
            "--as-of", dest="as_of", help="the day of the import (YYYY-MM-DD; default today)"
        )
        add_json(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        as_of = moment(options["as_of"]).day
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("%(file)s: no such file") % {"file": path})
        try:
            report = jsonl_import(actor=ACTOR, path=path, as_of=as_of)
        except ImportRefusedError as exc:
            if options["json"]:
                problems = [
                    {"line": error.line, "field": error.field, "message": error.message}
                    for error in exc.errors
                ]
                write_json(self, {"imported": False, "as_of": as_of.isoformat(),
                                  "problems": problems})  # fmt: skip
            else:
                for error in exc.errors:
                    # The reader's words for "line N" and for a whole line (the messages are
                    # translated already); issue 13 point 3 turns these into codes.
                    field = _("(line)") if error.field == "(line)" else error.field
                    self.stderr.write(
                        _("line %(number)s: %(problem)s")
                        % {"number": error.line, "problem": f"{field}: {error.message}"}
                    )
            raise CommandError(words(exc.code, exc.params)) from None
        if options["json"]:
            write_json(
                self,
                {
                    "imported": True,
                    "as_of": as_of.isoformat(),
                    "organizations": {
                        "created": report.organizations_created,
                        "updated": report.organizations_updated,
                    },
                    "holdings": {
                        "recorded": report.holdings_recorded,
                        "updated": report.holdings_updated,
                    },
                },
            )
            return
        self.stdout.write(summary(report))
