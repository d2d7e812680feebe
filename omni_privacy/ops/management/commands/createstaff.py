"""`omni-privacy createstaff --username U --team T [--password-stdin | --password P]`."""

from __future__ import annotations

import sys
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from omni_privacy.accounts.models import Team
from omni_privacy.audit.services import audit_record


def staff_create(*, actor: str, username: str, team: str, password: str) -> Any:
    """Create a staff account in ``team``; the audit event names the team only (the username
    may be a person's name)."""
    user_model = get_user_model()
    with transaction.atomic():
        user = user_model(username=username, team=team)
        user.set_password(password)
        user.save()
        audit_record(
            actor=actor,
            action="staff.created",
            object_type="user",
            object_id=str(user.public_id),
            payload={"team": team},
        )
    return user


class Command(BaseCommand):
    help = "Create a staff account in a team."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", required=True)
        parser.add_argument(
            "--team", required=True, help=", ".join(choice.value for choice in Team)
        )
        secret = parser.add_mutually_exclusive_group(required=True)
        secret.add_argument(
            "--password-stdin",
            action="store_true",
            help="read the password from the first line of standard input",
        )
        secret.add_argument("--password", help="the password (visible in the process list)")

    def handle(self, *args: Any, **options: Any) -> None:
        username = options["username"].strip()
        team = options["team"]
        if team not in Team.values:
            raise CommandError(
                _("--team must be one of %(teams)s, not %(team)r")
                % {"teams": ", ".join(Team.values), "team": team}
            )
        if not username:
            raise CommandError(_("--username must not be empty"))
        user_model = get_user_model()
        if user_model.objects.filter(username=username).exists():
            raise CommandError(_("--username: this account already exists"))
        if options["password_stdin"]:
            password = sys.stdin.readline().rstrip("\r\n")
        else:
            password = options["password"]
        try:
            validate_password(password, user_model(username=username, team=team))
        except ValidationError as exc:
            option = "--password-stdin" if options["password_stdin"] else "--password"
            raise CommandError(f"{option}: {' '.join(exc.messages)}") from exc
        staff_create(actor="cli", username=username, team=team, password=password)
        self.stdout.write(_("Staff account created in team %(team)s.") % {"team": Team(team).label})
