"""`omni-privacy retention plan|run|check|replay|hold|release|holds|runs|register`.

Thin: argument parsing here, the work in retention services and selectors, the printing in
ops/retention_cli.py. Every time-dependent sub-command takes --as-of (default: today).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from omni_privacy.ops import retention_cli
from omni_privacy.ops.options import moment


def _as_of(parser: CommandParser, what: str) -> None:
    parser.add_argument("--as-of", dest="as_of", help=f"{what} (YYYY-MM-DD, default today)")


class Command(BaseCommand):
    help = "Retention: plan, run the sweep, check for late holdings, replay erasures, legal holds."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        plan = actions.add_parser("plan", help="list holdings by due date")
        _as_of(plan, "the day to plan from")
        plan.add_argument(
            "--within",
            default=str(retention_cli.DEFAULT_WITHIN_DAYS),
            help="days after --as-of to look ahead (default 90), or 'all'",
        )
        plan.add_argument("--json", action="store_true", help="print a JSON list")

        run = actions.add_parser("run", help="delete or anonymise everything due (the sweep)")
        _as_of(run, "the day the sweep acts for")
        run.add_argument("--dry-run", action="store_true", help="count only, change nothing")
        run.add_argument("--json", action="store_true", help="print the receipt as JSON")
        run.add_argument("--chunk", type=int, help="holdings per transaction (default 5000)")

        check = actions.add_parser(
            "check", help="exit 1 and list live holdings past their due day (monitoring)"
        )
        _as_of(check, "the day to check")
        check.add_argument("--json", action="store_true", help="print JSON")

        replay = actions.add_parser(
            "replay", help="re-apply the erasure ledger (after a database backup is restored)"
        )
        _as_of(replay, "the day of the replay")
        replay.add_argument("--json", action="store_true", help="print the receipt as JSON")

        hold = actions.add_parser("hold", help="place a legal hold on a person or organisation")
        target = hold.add_mutually_exclusive_group(required=True)
        target.add_argument("--person", metavar="EMAIL", help="the person's email address")
        target.add_argument("--organization", metavar="CODE", help="the organisation's code")
        hold.add_argument("--reason", required=True, help="why (legal claim, authority, ...)")
        hold.add_argument("--until", help="last day held (YYYY-MM-DD); default until released")
        hold.add_argument("--by", required=True, metavar="USERNAME", help="the privacy officer")
        _as_of(hold, "the day the hold is placed (in force from the start of that day)")
        hold.add_argument("--json", action="store_true", help="print the hold as JSON")

        release = actions.add_parser("release", help="release a legal hold")
        release.add_argument("hold_id", help="the hold's id")
        release.add_argument("--by", required=True, metavar="USERNAME", help="the privacy officer")
        _as_of(release, "the day the hold is released (that day is no longer covered)")
        release.add_argument("--json", action="store_true", help="print the hold as JSON")

        holds = actions.add_parser("holds", help="list legal holds")
        _as_of(holds, "the day holds are in force")
        holds.add_argument("--json", action="store_true", help="print JSON")

        runs = actions.add_parser("runs", help="list sweep and replay runs with their receipts")
        runs.add_argument("--limit", type=int, default=20, help="how many (newest first)")
        runs.add_argument("--json", action="store_true", help="print JSON")

        register = actions.add_parser("register", help="print the anonymisation register")
        register.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        when = moment(options.get("as_of"))
        handler = getattr(retention_cli, f"do_{action}")
        code = handler(self, {**options, "day": when.day, "now": when.now})
        if code:
            # Monitoring reads the exit status; the listing is already printed.
            raise SystemExit(code)
