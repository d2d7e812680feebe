"""`omni-privacy createstaff --username U --team T [--password-file F | --password-stdin |
--password P]`: parses the options and calls `accounts.services.staff_create`, which checks
the password with the password validators and records. Without a password option it asks for
the password twice on the terminal (getpass): how a real deployment creates its first privacy
officer (docs/operations.md)."""

from __future__ import annotations

import getpass
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from omni_privacy.accounts.models import Team
from omni_privacy.accounts.services import ALREADY_EXISTS, EMPTY, staff_create
from omni_privacy.core.errors import InvalidInputError


class Command(BaseCommand):
    help = "Create a staff account in a team."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", required=True)
        parser.add_argument(
            "--team", required=True, help=", ".join(choice.value for choice in Team)
        )
        secret = parser.add_mutually_exclusive_group()
        secret.add_argument(
            "--password-file",
            help="read the password from the first line of this file (readable by you only)",
        )
        secret.add_argument(
            "--password-stdin",
            action="store_true",
            help="read the password from the first line of standard input",
        )
        secret.add_argument("--password", help="the password (visible in the process list)")

    def handle(self, *args: Any, **options: Any) -> None:
        username = options["username"].strip()
        team = options["team"]
        if options["password_stdin"]:
            password = sys.stdin.readline().rstrip("\r\n")
        elif options["password_file"]:
            try:
                lines = Path(options["password_file"]).read_text(encoding="utf-8").splitlines()
            except OSError as exc:
                raise CommandError(
                    _("--password-file: cannot read %(file)s (%(why)s)")
                    % {"file": options["password_file"], "why": exc.strerror}
                ) from exc
            password = lines[0] if lines else ""
        elif options["password"] is not None:
            password = options["password"]
        else:
            password = self._prompt()
        try:
            staff_create(actor="cli", username=username, team=team, password=password)
        except InvalidInputError as refused:
            raise CommandError(self._words(refused, team=team, options=options)) from refused
        self.stdout.write(_("Staff account created in team %(team)s.") % {"team": Team(team).label})

    @staticmethod
    def _prompt() -> str:
        if not sys.stdin.isatty():
            raise CommandError(
                _(
                    "Give the password with --password-file or --password-stdin "
                    "(there is no terminal to ask on)."
                )
            )
        first = getpass.getpass(_("Password (at least 12 characters): "))
        if getpass.getpass(_("The same password again: ")) != first:
            raise CommandError(_("The two passwords differ: nothing was created."))
        return first

    @staticmethod
    def _words(refused: InvalidInputError, *, team: str, options: dict[str, Any]) -> str:
        problem = refused.errors[0]
        if problem.field == "team":
            return _("--team must be one of %(teams)s, not %(team)r") % {
                "teams": ", ".join(Team.values),
                "team": team,
            }
        if problem.code == EMPTY:
            return _("--username must not be empty")
        if problem.code == ALREADY_EXISTS:
            return _("--username: this account already exists")
        option = (
            "--password-stdin"
            if options["password_stdin"]
            else "--password-file"
            if options["password_file"]
            else "--password"
            if options["password"] is not None
            else _("password")
        )
        return f"{option}: {problem.message}"
