"""The one place that reads the wall clock, so that commands can take --as-of instead."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def now() -> dt.datetime:
    return timezone.now()


def today() -> dt.date:
    return timezone.localdate()


def parse_as_of(value: str | None) -> dt.date:
    """Parse a --as-of YYYY-MM-DD argument; None means today."""
    if value is None:
        return today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(f"--as-of must be a date as YYYY-MM-DD, not {value!r}") from exc


def start_of_day(day: dt.date) -> dt.datetime:
    """Midnight of ``day`` in the configured time zone, as an aware datetime."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))
