"""`omni-privacy officers delegate|revoke|list`: the written delegations of the privacy-officer
role (notice §12: the CEO and the QA team leader hold it jointly). Rights requests are assigned
to, and incidents referred to, the holders of a current delegation."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from omni_privacy.accounts.models import PrivacyOfficerDelegation, User
from omni_privacy.accounts.selectors import delegations
from omni_privacy.accounts.services import privacy_officer_delegate, privacy_officer_revoke
from omni_privacy.core import clock
from omni_privacy.core.errors import InvalidInputError
from omni_privacy.ops.options import add_as_of, add_json, moment, write_json
from omni_privacy.ops.tables import Table

OPTIONS = {
    "user": "USERNAME",
    "document": "--document",
    "until": "--until",
    "recorded_by": "--by",
    "revoked_by": "--by",
    "delegation": "DELEGATION",
}


def _refused(error: InvalidInputError) -> CommandError:
    return CommandError(
        "; ".join(f"{OPTIONS.get(item.field, item.field)}: {item.message}" for item in error.errors)
    )


def _date(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(
            _("%(option)s must be a date as YYYY-MM-DD, not %(value)r")
            % {"option": option, "value": value}
        ) from exc


def _user(username: str, option: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        raise CommandError(
            _("%(option)s: no staff account %(name)r") % {"option": option, "name": username}
        )
    return user


def delegation_as_dict(item: PrivacyOfficerDelegation, *, at: dt.date) -> dict[str, Any]:
    return {
        "id": str(item.public_id),
        "username": item.user.get_username(),
        "from": item.valid_from.isoformat(),
        "until": item.valid_until.isoformat() if item.valid_until else None,
        "document": item.document,
        "revoked_on": item.revoked_on.isoformat() if item.revoked_on else None,
        "holds": item.holds_on(at),
    }


class Command(BaseCommand):
    help = "Record, revoke and list the written delegations of the privacy-officer role."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        add = actions.add_parser("delegate", help="record a written delegation of the role")
        add.add_argument("username", metavar="USERNAME", help="a privacy-office account")
        add.add_argument("--from", dest="valid_from", required=True, help="first day, YYYY-MM-DD")
        add.add_argument("--until", help="last day, YYYY-MM-DD (default: no end)")
        add.add_argument("--document", required=True, help="reference of the signed delegation")
        add.add_argument("--by", help="the privacy officer recording it (username)")
        revoke = actions.add_parser("revoke", help="end a delegation")
        revoke.add_argument("delegation", metavar="DELEGATION", help="its id (officers list)")
        revoke.add_argument("--on", help="from which day it no longer holds (default: --as-of)")
        revoke.add_argument("--by", help="the privacy officer revoking it (username)")
        for sub in (add, revoke):
            add_as_of(sub, "the day it is recorded (--from/--on default to it)")
            add_json(sub)
        listing = actions.add_parser("list", help="every delegation and whether it holds")
        listing.add_argument("--as-of", dest="as_of", help="the day asked about, YYYY-MM-DD")
        listing.add_argument("--json", action="store_true", help="print JSON instead of text")

    def handle(self, *args: Any, **options: Any) -> None:
        actor: User | str = _user(options["by"], "--by") if options.get("by") else "cli"
        try:
            if options["action"] == "delegate":
                self._delegate(options, actor)
            elif options["action"] == "revoke":
                self._revoke(options, actor)
            else:
                self._list(options)
        except InvalidInputError as error:
            raise _refused(error) from error

    def _delegate(self, options: dict[str, Any], actor: User | str) -> None:
        when = moment(options["as_of"])
        delegation = privacy_officer_delegate(
            user=_user(options["username"], "USERNAME"),
            valid_from=_date(options["valid_from"], "--from") or when.day,
            valid_until=_date(options["until"], "--until"),
            document=options["document"],
            actor=actor,
            at=when.now,
        )
        if options["json"]:
            write_json(self, delegation_as_dict(delegation, at=when.day))
            return
        self.stdout.write(_("Delegation recorded: %(id)s") % {"id": str(delegation.public_id)})

    def _revoke(self, options: dict[str, Any], actor: User | str) -> None:
        try:
            public_id = uuid.UUID(options["delegation"])
        except ValueError:
            public_id = uuid.UUID(int=0)
        delegation = PrivacyOfficerDelegation.objects.filter(public_id=public_id).first()
        if delegation is None:
            raise CommandError(_("DELEGATION: no delegation with this id"))
        when = moment(options["as_of"])
        on = _date(options["on"], "--on") or when.day
        privacy_officer_revoke(delegation=delegation, on=on, actor=actor, at=when.now)
        if options["json"]:
            delegation.refresh_from_db()
            write_json(self, delegation_as_dict(delegation, at=when.day))
            return
        self.stdout.write(_("Delegation revoked from %(day)s.") % {"day": on.isoformat()})

    def _list(self, options: dict[str, Any]) -> None:
        at = _date(options["as_of"], "--as-of") or clock.today()
        rows = [delegation_as_dict(item, at=at) for item in delegations()]
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False))
            return
        table = Table(
            self.stdout,
            [(_("Account"), 16), (_("From"), 10), (_("Until"), 10), (_("Revoked"), 10),
             (_("Holds"), 5), (_("Document"), 30), (_("Id"), 36)],
        )  # fmt: skip
        for row in rows:
            table.row(
                [
                    row["username"],
                    row["from"],
                    row["until"] or "—",
                    row["revoked_on"] or "—",
                    _("yes") if row["holds"] else _("no"),
                    row["document"],
                    row["id"],
                ]
            )
