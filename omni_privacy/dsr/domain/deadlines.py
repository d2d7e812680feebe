"""When a rights request must be answered (REQUIREMENTS #17-#21, #23). Pure: no Django, the
day comes in as an argument.

- Quebec (private-sector act s.32): 30 days from receipt, no extension; silence past the
  due day counts as a refusal, which the person may take to the CAI.
- PIPEDA (s.8(3)-(4)): 30 days; extendable by 30 more days with a notice sent to the person
  before the 30 days run out.
- GDPR (art. 12(3)): one month from receipt; extendable by two further months with a notice
  sent within the first month. Months are calendar months clamped at the month's end
  (31 January + 1 month = 28 February, or 29 in a leap year).
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from enum import StrEnum


class Jurisdiction(StrEnum):
    QUEBEC = "quebec"
    PIPEDA = "pipeda"
    GDPR = "gdpr"


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus whole calendar months, clamped to the last day of the target month."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))


@dataclass(frozen=True)
class Deadline:
    due_on: dt.date
    """The last day to answer without an extension."""
    extended_due_on: dt.date | None
    """The last day to answer once extended; None where the law allows no extension."""

    @property
    def extendable(self) -> bool:
        return self.extended_due_on is not None


def deadline(received_on: dt.date, jurisdiction: Jurisdiction | str) -> Deadline:
    rule = Jurisdiction(jurisdiction)
    if rule is Jurisdiction.QUEBEC:
        return Deadline(received_on + dt.timedelta(days=30), None)
    if rule is Jurisdiction.PIPEDA:
        return Deadline(received_on + dt.timedelta(days=30), received_on + dt.timedelta(days=60))
    return Deadline(add_months(received_on, 1), add_months(received_on, 3))


def due_date(received_on: dt.date, jurisdiction: Jurisdiction | str) -> dt.date:
    return deadline(received_on, jurisdiction).due_on


class ExtensionRefusedError(ValueError):
    """The law does not allow this extension (no extension at all, or its notice is late)."""


def extend(
    received_on: dt.date, jurisdiction: Jurisdiction | str, *, notice_on: dt.date
) -> dt.date:
    """The new due day when the extension notice goes out on ``notice_on``.

    The notice must leave no later than the original due day (PIPEDA: "before the 30 days",
    GDPR: "within one month of receipt"); Quebec allows no extension at all.
    """
    limits = deadline(received_on, jurisdiction)
    if limits.extended_due_on is None:
        raise ExtensionRefusedError("the Quebec act allows no extension of the 30 days")
    if notice_on > limits.due_on:
        raise ExtensionRefusedError("the extension notice must be sent before the due day")
    if notice_on < received_on:
        raise ExtensionRefusedError("the extension notice cannot precede the request")
    return limits.extended_due_on


def days_left(due_on: dt.date, today: dt.date) -> int:
    """Whole days until the due day (0 on the day itself, negative once overdue)."""
    return (due_on - today).days


def overdue(due_on: dt.date, today: dt.date) -> bool:
    return today > due_on
