"""`omni-privacy conformance [--as-of D] [--json]`: the live conformance report, clause by
clause (docs/conformance.md). Exit status 1 when any check fails."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from omni_privacy.conformance.report import FAIL, PASS, WARN, check_words, conformance_report
from omni_privacy.ops.options import moment
from omni_privacy.ops.tables import Table


class Command(BaseCommand):
    help = "The conformance report: for each clause of the notice, the checks that prove it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", help="the day to report on (YYYY-MM-DD; default today)")
        parser.add_argument("--json", action="store_true", help="print JSON instead of text")

    def handle(self, *args: Any, **options: Any) -> None:
        as_of = moment(options["as_of"]).day
        report = conformance_report(as_of=as_of)
        if options["json"]:
            self.stdout.write(json.dumps({
                "as_of": as_of.isoformat(),
                "failed": report.failed,
                "checks": [
                    {"clause": c.clause, "code": c.code, "outcome": c.outcome,
                     "params": c.params, "message": check_words(c)}
                    for c in report.checks
                ],
            }, ensure_ascii=False))  # fmt: skip
        else:
            outcomes = {PASS: _("pass"), FAIL: _("FAIL"), WARN: _("warning"),
                        "unchecked": _("unchecked")}  # fmt: skip
            table = Table(self.stdout, [(_("Clause"), 18), (_("Result"), 12), (_("Check"), 100)])
            for check in report.checks:
                table.row([check.clause, outcomes[check.outcome], check_words(check)])
        if report.failed:
            raise SystemExit(1)
