"""When an instance is synced again (notice §2.4 scenario 1: "at most one month between
refreshes"). Pure: time comes in as arguments.

- due: no success yet, or the last success is a calendar month old or more;
- after a failure, retry with exponential backoff (1 h, 2 h, 4 h, ... at most 24 h);
- stale (an alarm): no success for more than 31 days, or never synced though registered more
  than 31 days ago.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

STALE_AFTER = dt.timedelta(days=31)
FIRST_RETRY = dt.timedelta(hours=1)
LONGEST_RETRY = dt.timedelta(hours=24)


@dataclass(frozen=True)
class SyncHistory:
    registered_at: dt.datetime
    last_success: dt.datetime | None
    failures_since_success: int
    last_failure: dt.datetime | None


def one_month_after(moment: dt.datetime) -> dt.datetime:
    """The same day and time next month, or the month's last day (Jan 31 -> Feb 28/29)."""
    year, month = (moment.year + 1, 1) if moment.month == 12 else (moment.year, moment.month + 1)
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def retry_delay(failures: int) -> dt.timedelta:
    """The wait after ``failures`` consecutive failures (1 h doubling, at most 24 h)."""
    if failures <= 0:
        return dt.timedelta(0)
    return min(FIRST_RETRY * 2 ** (failures - 1), LONGEST_RETRY)


def sync_due(history: SyncHistory, *, now: dt.datetime) -> bool:
    if history.last_success is not None and now < one_month_after(history.last_success):
        return False
    if history.failures_since_success and history.last_failure is not None:
        return now >= history.last_failure + retry_delay(history.failures_since_success)
    return True


def sync_stale(history: SyncHistory, *, now: dt.datetime) -> bool:
    since = history.last_success or history.registered_at
    return now - since > STALE_AFTER
