"""The deadline calculator (issue 6 item 3): pure, at month ends and in leap years."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from omni_privacy.dsr.domain.deadlines import (
    ExtensionRefusedError,
    add_months,
    days_left,
    deadline,
    due_date,
    extend,
    overdue,
)

days = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 12, 31))


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        (dt.date(2026, 1, 31), dt.date(2026, 2, 28)),
        (dt.date(2028, 1, 31), dt.date(2028, 2, 29)),  # leap year
        (dt.date(2028, 1, 30), dt.date(2028, 2, 29)),
        (dt.date(2028, 2, 29), dt.date(2028, 3, 29)),
        (dt.date(2026, 3, 31), dt.date(2026, 4, 30)),
        (dt.date(2026, 12, 31), dt.date(2027, 1, 31)),
        (dt.date(2026, 11, 25), dt.date(2026, 12, 25)),
    ],
)
def test_gdpr_one_month_clamped_at_month_end(received: dt.date, expected: dt.date) -> None:
    assert due_date(received, "gdpr") == expected


def test_gdpr_extension_is_two_more_months_from_receipt() -> None:
    assert deadline(dt.date(2026, 11, 30), "gdpr").extended_due_on == dt.date(2027, 2, 28)
    assert deadline(dt.date(2027, 11, 30), "gdpr").extended_due_on == dt.date(2028, 2, 29)


def test_quebec_thirty_days_and_no_extension() -> None:
    limits = deadline(dt.date(2028, 2, 15), "quebec")
    assert (limits.due_on, limits.extended_due_on, limits.extendable) == (
        dt.date(2028, 3, 16),
        None,
        False,
    )
    with pytest.raises(ExtensionRefusedError, match="Quebec act allows no extension"):
        extend(dt.date(2028, 2, 15), "quebec", notice_on=dt.date(2028, 2, 16))


def test_pipeda_thirty_plus_thirty_with_a_notice_before_day_thirty() -> None:
    received = dt.date(2026, 12, 20)
    assert due_date(received, "pipeda") == dt.date(2027, 1, 19)
    assert extend(received, "pipeda", notice_on=dt.date(2027, 1, 19)) == dt.date(2027, 2, 18)
    with pytest.raises(ExtensionRefusedError, match="before the due day"):
        extend(received, "pipeda", notice_on=dt.date(2027, 1, 20))


def test_gdpr_extension_notice_within_the_first_month() -> None:
    received = dt.date(2026, 1, 31)
    assert extend(received, "gdpr", notice_on=dt.date(2026, 2, 28)) == dt.date(2026, 4, 30)
    with pytest.raises(ExtensionRefusedError):
        extend(received, "gdpr", notice_on=dt.date(2026, 3, 1))


def test_countdown() -> None:
    due = dt.date(2026, 12, 25)
    assert [days_left(due, dt.date(2026, 12, d)) for d in (24, 25, 26)] == [1, 0, -1]
    assert [overdue(due, dt.date(2026, 12, d)) for d in (25, 26)] == [False, True]


@given(days, st.integers(min_value=0, max_value=36))
def test_add_months_never_overflows_and_keeps_the_day_when_it_can(
    day: dt.date, months: int
) -> None:
    result = add_months(day, months)
    assert (result.year * 12 + result.month) - (day.year * 12 + day.month) == months
    assert result.day == day.day or (
        result.day < day.day and (result + dt.timedelta(days=1)).day == 1
    )


@given(days)
def test_one_month_is_between_28_and_31_days_and_later_rules_never_shorter(day: dt.date) -> None:
    gdpr = deadline(day, "gdpr")
    assert 28 <= (gdpr.due_on - day).days <= 31
    assert gdpr.extended_due_on is not None
    assert gdpr.extended_due_on > gdpr.due_on
    assert deadline(day, "pipeda").extended_due_on == day + dt.timedelta(days=60)
