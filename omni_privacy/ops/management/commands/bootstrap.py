"""`omni-privacy bootstrap`: a fresh installation gets the published privacy notice, demo data
and one account per team (two privacy officers, with their written delegations: notice §12).

Demo accounts and demo data only in an explicit demo run (``--demo`` or OMNI_DEMO=1: `make
run` sets both) on an empty database (no staff account, no person): they share a published
password, so anywhere else the command refuses, says why and exits 1 (issue 15). A real
deployment creates its first privacy officer with `omni-privacy createstaff --team
privacy_office` (docs/operations.md). The notice is published only while no version exists.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import reverse
from django.utils.translation import gettext as _

from omni_privacy.accounts.models import Team
from omni_privacy.accounts.permissions import may_hold_delegation
from omni_privacy.accounts.services import privacy_officer_delegate, staff_create
from omni_privacy.core import clock
from omni_privacy.core.clock import parse_as_of
from omni_privacy.demo.recipients import demo_recipients
from omni_privacy.notices.shipped import EFFECTIVE, shipped_notice_publish
from omni_privacy.ops.management.commands.run import served_url
from omni_privacy.registry.models import Person
from omni_privacy.retention.services import retention_run

DEMO_PEOPLE = 200
DEMO_SEED = 2024
DEMO_ACCOUNTS = (
    ("officer", Team.PRIVACY_OFFICE),  # the CEO
    ("qalead", Team.PRIVACY_OFFICE),  # the QA team leader
    ("service", Team.CUSTOMER_SERVICE),
    ("sales", Team.SALES),
    ("admin", Team.ADMINISTRATION),
)

# Fictional: a real installation records the reference of each signed delegation.
DEMO_DELEGATION = "DEMO-DELEGATION-QAC-REC-004-12"


class Command(BaseCommand):
    help = "First start: demo data and one demo account per team (does nothing the second time)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="for the printed sign-in URL")
        parser.add_argument("--port", default="8000", help="for the printed sign-in URL")
        parser.add_argument("--as-of", dest="as_of", help="the demo data's today, YYYY-MM-DD")
        parser.add_argument(
            "--demo",
            action="store_true",
            help="this is a demo run (what `make run` does): demo data and demo accounts",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        did_something = False
        notice = shipped_notice_publish(actor="cli", at=clock.now())
        if notice is not None:
            self.stdout.write(
                _("Privacy notice published: %(notice)s, in force from %(day)s.")
                % {"notice": str(notice), "day": notice.effective_on}
            )
            did_something = True
        if not (options["demo"] or settings.OMNI_DEMO):
            raise CommandError(
                _(
                    "bootstrap creates demo accounts with a published password and fictional "
                    "demo data: it runs only for a demo (--demo or OMNI_DEMO=1, as `make run` "
                    "does). On a real deployment, create the first privacy officer with "
                    "`omni-privacy createstaff --username NAME --team privacy_office` "
                    "(docs/operations.md)."
                )
            )
        user_model = get_user_model()
        if user_model.objects.exists() or Person.objects.exists():
            if all(user_model.objects.filter(username=name).exists() for name, _t in DEMO_ACCOUNTS):
                self.stdout.write(_("Already bootstrapped: nothing to do."))
                return
            raise CommandError(
                _(
                    "The database already holds staff accounts or people: bootstrap adds demo "
                    "accounts and demo data only to an empty database, so that it never puts a "
                    "published password on a database in use."
                )
            )
        if not Person.objects.exists():
            call_command(
                "demo",
                people=DEMO_PEOPLE,
                seed=DEMO_SEED,
                as_of=options["as_of"],
                # A demo run serves the first instance's export itself (demo/views.py).
                export_base=served_url(options["host"], int(options["port"]))
                if settings.OMNI_DEMO
                else "",
                stdout=self.stdout,
                stderr=self.stderr,
            )
            self._first_sweep(options["as_of"])
            did_something = True
        created = []
        for username, team in DEMO_ACCOUNTS:
            if user_model.objects.filter(username=username).exists():
                continue
            user = staff_create(
                actor="cli",
                username=username,
                team=team,
                password=settings.OMNI_DEMO_PASSWORD,
                demo_account=True,
            )
            if may_hold_delegation(user):
                privacy_officer_delegate(
                    user=user,
                    valid_from=EFFECTIVE,
                    document=DEMO_DELEGATION,
                    actor="cli",
                    at=clock.now(),
                )
            created.append((username, team))
        # Notice §6: the relay and Omni's infrastructure assessed, so that mail flows.
        first_officer = user_model.objects.filter(username=DEMO_ACCOUNTS[0][0]).first()
        if first_officer is not None and demo_recipients(
            officer=first_officer, today=clock.today()
        ):
            self.stdout.write(_("Demo recipients registered: the mail relay is assessed."))
            did_something = True
        if not did_something and not created:
            self.stdout.write(_("Already bootstrapped: nothing to do."))
            return
        url = f"{served_url(options['host'], int(options['port']))}{reverse('console:login')}"
        self.stdout.write(_("Sign in at %(url)s") % {"url": url})
        if created:
            self.stdout.write(
                _("Demo accounts (password: the OMNI_DEMO_PASSWORD setting, %(password)s):")
                % {"password": settings.OMNI_DEMO_PASSWORD}
            )
            for username, team in created:
                self.stdout.write(f"  {username:<10} {team.label}")
            self.stdout.write(
                _(
                    "Demo run (OMNI_DEMO): the demo privacy officers may sign in without a second "
                    "factor; they can set one up under Settings → My account. Outside a demo "
                    "run a privacy officer must."
                )
            )

    def _first_sweep(self, as_of: str | None) -> None:
        """The demo holds people already past their due day on purpose; the daily sweep would
        act on them minutes after the figures above were printed. It runs here instead, and
        says what it did, so that the console's dashboard agrees with what was printed."""
        day = parse_as_of(as_of)
        report = retention_run(actor="cli", as_of=day)
        self.stdout.write(
            _(
                "First retention sweep as of %(day)s: %(processed)d holdings past their due "
                "day processed, %(people)d people erased (the retention page lists them)."
            )
            % {"day": day, "processed": report.processed, "people": report.people_erased}
        )
