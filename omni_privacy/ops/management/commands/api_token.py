"""`omni-privacy api-token create USERNAME`: a staff API token, printed once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from omni_privacy.accounts.models import User
from omni_privacy.accounts.tokens import api_token_create


class Command(BaseCommand):
    help = "Create a staff API token (shown once; only its hash is kept)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="create a token for a staff account")
        create.add_argument("username", help="the staff account's username")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(_("no active staff account with that username"))
        _token, raw = api_token_create(user=user, actor="cli")
        self.stderr.write(_("Keep this token now: it is not shown again."))
        self.stdout.write(raw)
