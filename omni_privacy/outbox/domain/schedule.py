"""When to try a message again, and how many may go this minute."""

from __future__ import annotations

import datetime as dt

MAX_DELAY = dt.timedelta(hours=6)


def retry_delay(attempts: int, *, base_seconds: int) -> dt.timedelta:
    """Exponential backoff: ``base`` after the first failed attempt, doubled after each next
    one, never more than six hours (60 s, 2 min, 4 min, ... for a 60 s base)."""
    exponent = max(attempts - 1, 0)
    seconds = base_seconds * (2 ** min(exponent, 30))
    return min(dt.timedelta(seconds=seconds), MAX_DELAY)


def after_failure(*, attempts: int, max_attempts: int, permanent: bool) -> str:
    """The status after a failed attempt: "failed" when the error is permanent (an SMTP 5xx
    for this message) or the attempts are used up, else back to "queued" for a retry."""
    if permanent or attempts >= max_attempts:
        return "failed"
    return "queued"


def budget(*, rate_per_minute: int, started_last_minute: int) -> int:
    """How many more non-urgent messages may start now (0 or more); a rate of 0 or less means
    no limit."""
    if rate_per_minute <= 0:
        return 1 << 30
    return max(rate_per_minute - started_last_minute, 0)
