"""`omni-privacy api-token create|list|revoke`: staff API tokens, with a name, a scope and an
expiry; the token is printed once (only its hash is kept)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from omni_privacy.accounts.models import StaffApiToken, User
from omni_privacy.accounts.tokens import (
    DEFAULT_DAYS,
    SCOPES,
    api_token_create,
    api_token_revoke,
    api_tokens,
)
from omni_privacy.core import clock
from omni_privacy.core.errors import AppError
from omni_privacy.ops.tables import Table


def _row(token: StaffApiToken) -> dict[str, Any]:
    now = clock.now()
    if token.revoked_at is not None:
        state = "revoked"
    elif token.expires_at is not None and token.expires_at <= now:
        state = "expired"
    else:
        state = "active"
    return {
        "prefix": token.prefix,
        "user": token.user.username,
        "name": token.name,
        "scopes": token.scopes,
        "state": state,
        "expires_at": token.expires_at.isoformat() if token.expires_at else None,
        "last_used_at": token.last_used_at.isoformat() if token.last_used_at else None,
    }


class Command(BaseCommand):
    help = "Staff API tokens: create (shown once), list, revoke."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="create a token for a staff account")
        create.add_argument("username", help="the staff account's username")
        create.add_argument("--name", default="", help="what the token is for")
        create.add_argument(
            "--scope", action="append", choices=SCOPES, help="rights (default) or queue (officers)"
        )
        create.add_argument("--days", type=int, default=DEFAULT_DAYS, help="lifetime in days")
        listing = actions.add_parser("list", help="list the tokens (never the tokens themselves)")
        listing.add_argument("--user", help="only this username's tokens")
        listing.add_argument("--json", action="store_true", help="print JSON instead of text")
        revoke = actions.add_parser("revoke", help="revoke a token by the prefix list shows")
        revoke.add_argument("prefix")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, "_" + options["action"])(options)
        except AppError as error:
            raise CommandError("\n".join(error.said())) from None

    def _user(self, username: str) -> User:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(_("no active staff account with that username"))
        return user

    def _create(self, options: dict[str, Any]) -> None:
        user = self._user(options["username"])
        _token, raw = api_token_create(
            user=user, actor="cli", name=options["name"], scopes=options["scope"],
            days=options["days"],
        )  # fmt: skip
        self.stderr.write(_("Keep this token now: it is not shown again."))
        self.stdout.write(raw)

    def _list(self, options: dict[str, Any]) -> None:
        user = self._user(options["user"]) if options["user"] else None
        rows = [_row(token) for token in api_tokens(user=user)]
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False))
            return
        states = {
            "active": pgettext("api token", "active"),
            "expired": pgettext("api token", "expired"),
            "revoked": pgettext("api token", "revoked"),
        }
        table = Table(
            self.stdout,
            [(_("Prefix"), 8), (_("User"), 16), (_("Name"), 20), (_("Scope"), 12),
             (_("Status"), 8), (_("Expires"), 10), (_("Last used"), 10)],
        )  # fmt: skip
        for row in rows:
            table.row([row["prefix"], row["user"], row["name"], ", ".join(row["scopes"]),
                       states[row["state"]], (row["expires_at"] or "—")[:10],
                       (row["last_used_at"] or _("never"))[:10]])  # fmt: skip

    def _revoke(self, options: dict[str, Any]) -> None:
        api_token_revoke(prefix=options["prefix"], actor="cli")
        self.stdout.write(_("The token is revoked."))
