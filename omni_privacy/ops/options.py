"""What every operator command shares: `--as-of`, `--json`, naming the staff member acting.

`--as-of YYYY-MM-DD` is the day a command acts for. Dates it records are that day; moments
(``placed_at``, ``verified_at``, ...) are the start of that day in ``OMNI_TIME_ZONE``, so that a
year can be replayed day by day and give the same answers. Without `--as-of`: today, now.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from omni_privacy.accounts.models import User
from omni_privacy.core import clock


@dataclass(frozen=True)
class Moment:
    """The day a command acts for and the moment it records."""

    day: dt.date
    now: dt.datetime


def add_as_of(parser: CommandParser, what: str = "the day the command acts for") -> None:
    parser.add_argument("--as-of", dest="as_of", help=f"{what} (YYYY-MM-DD, default today)")


def add_json(parser: CommandParser) -> None:
    parser.add_argument("--json", action="store_true", help="print one JSON document on stdout")


def parse_day(value: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(
            _("%(option)s must be a date as YYYY-MM-DD, not %(value)r")
            % {"option": option, "value": value}
        ) from exc


def moment(value: str | None) -> Moment:
    """``--as-of``: the day and the start of that day; None: today and the wall clock."""
    if value is None:
        return Moment(clock.today(), clock.now())
    day = parse_day(value, "--as-of")
    return Moment(day, clock.start_of_day(day))


def write_json(command: BaseCommand, data: Any) -> None:
    """One JSON document on stdout (UTF-8 kept as is, indented for people reading it)."""
    command.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))


def staff_account(username: str, option: str) -> User:
    """The active staff account ``username``; the permission itself is the service's to check."""
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(
            _("%(option)s: no active staff account %(name)r") % {"option": option, "name": username}
        )
    return user
