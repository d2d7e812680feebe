"""The monthly schedule (intake/domain/schedule.py): due, backoff and the 31-day alarm."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from omni_privacy.intake.domain.schedule import (
    SyncHistory,
    one_month_after,
    retry_delay,
    sync_due,
    sync_stale,
)

UTC = dt.UTC
T = dt.datetime(2026, 10, 1, 3, 0, tzinfo=UTC)


def history(success=T, failures=0, failure=None, registered=dt.datetime(2026, 1, 1, tzinfo=UTC)):
    return SyncHistory(registered, success, failures, failure)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (dt.datetime(2026, 1, 31, 3, tzinfo=UTC), dt.datetime(2026, 2, 28, 3, tzinfo=UTC)),
        (dt.datetime(2028, 1, 31, 3, tzinfo=UTC), dt.datetime(2028, 2, 29, 3, tzinfo=UTC)),
        (dt.datetime(2026, 12, 15, 3, tzinfo=UTC), dt.datetime(2027, 1, 15, 3, tzinfo=UTC)),
        (dt.datetime(2026, 3, 31, 3, tzinfo=UTC), dt.datetime(2026, 4, 30, 3, tzinfo=UTC)),
    ],
)
def test_one_month_after_clamps_to_the_months_end(moment, expected) -> None:
    assert one_month_after(moment) == expected


def test_due_a_month_after_the_last_success_not_before() -> None:
    assert not sync_due(history(), now=dt.datetime(2026, 11, 1, 2, 59, tzinfo=UTC))
    assert sync_due(history(), now=dt.datetime(2026, 11, 1, 3, 0, tzinfo=UTC))
    assert sync_due(history(success=None), now=T)


def test_failures_back_off_one_hour_doubling_to_a_day() -> None:
    assert [retry_delay(n) for n in range(7)] == [
        dt.timedelta(0),
        *(dt.timedelta(hours=h) for h in (1, 2, 4, 8, 16, 24)),
    ]
    assert retry_delay(30) == dt.timedelta(hours=24)
    failed = dt.datetime(2026, 11, 1, 4, 0, tzinfo=UTC)
    after_three = history(failures=3, failure=failed)
    assert not sync_due(after_three, now=failed + dt.timedelta(hours=3, minutes=59))
    assert sync_due(after_three, now=failed + dt.timedelta(hours=4))


def test_stale_after_31_days_without_success() -> None:
    assert not sync_stale(history(), now=T + dt.timedelta(days=31))
    assert sync_stale(history(), now=T + dt.timedelta(days=31, seconds=1))
    never = history(success=None, registered=T)
    assert not sync_stale(never, now=T + dt.timedelta(days=30))
    assert sync_stale(never, now=T + dt.timedelta(days=32))


# Hypothesis takes naive bounds and adds the time zone itself.
NAIVE_FROM, NAIVE_TO = dt.datetime(2000, 1, 1), dt.datetime(2100, 1, 1)  # noqa: DTZ001


@given(st.datetimes(min_value=NAIVE_FROM, max_value=NAIVE_TO, timezones=st.just(UTC)))
def test_a_due_instance_is_never_stale_before_it_was_due(moment) -> None:
    """A month is at most 31 days: the schedule always tries before the alarm would ring."""
    assert one_month_after(moment) - moment <= dt.timedelta(days=31)
