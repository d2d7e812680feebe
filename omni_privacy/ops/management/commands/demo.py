"""`omni-privacy demo --people N --seed S [--as-of D]`: fill the registry with fictional data."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from omni_privacy.core.clock import parse_as_of
from omni_privacy.core.errors import InvalidInputError
from omni_privacy.demo.generate import demo_generate
from omni_privacy.registry.models import HoldingState, Source


class Command(BaseCommand):
    help = "Fill the registry with fictional organisations and people (same seed, same data)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--people", type=int, default=200, help="how many people (>= 1)")
        parser.add_argument("--seed", type=int, default=2024, help="random seed")
        parser.add_argument("--as-of", dest="as_of", help="the demo's today, YYYY-MM-DD")
        parser.add_argument(
            "--export-base",
            default="",
            help="where this application answers (http://127.0.0.1:8000): the first instance's "
            "export is then the demo export served there (with OMNI_DEMO set)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            as_of = parse_as_of(options["as_of"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        people = options["people"]
        if people < 1:
            raise CommandError(_("--people must be at least 1"))
        started = time.monotonic()
        try:
            summary = demo_generate(
                actor="cli",
                people=people,
                seed=options["seed"],
                as_of=as_of,
                export_base=options["export_base"],
            )
        except InvalidInputError as exc:
            # A demo refused by the gate is a bug in the generator; say which field, nothing else.
            raise CommandError(
                _("demo data refused by the gate: %(errors)s") % {"errors": exc}
            ) from exc
        elapsed = time.monotonic() - started
        self.stdout.write(
            _("Demo data as of %(as_of)s: %(people)d people, %(orgs)d organisations (%(s).1f s).")
            % {
                "as_of": as_of,
                "people": summary.people,
                "orgs": sum(summary.organizations.values()),
                "s": elapsed,
            }
        )
        self.stdout.write(_("Organisations by kind:"))
        for kind, count in sorted(summary.organizations.items()):
            self.stdout.write(f"  {kind:<20} {count:>5}")
        states = [state.value for state in HoldingState]
        self.stdout.write(_("Holdings by source and state:"))
        self.stdout.write(f"  {'':<18}" + "".join(f"{state:>18}" for state in states))
        for source in Source:
            row = "".join(
                f"{summary.holdings.get((source.value, state), 0):>18}" for state in states
            )
            self.stdout.write(f"  {source.value:<18}{row}")
        self.stdout.write(_("Active holdings by retention status:"))
        for status, count in summary.statuses.items():
            self.stdout.write(f"  {status:<20} {count:>5}")
