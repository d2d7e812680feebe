"""Incident clocks at their edges (notice §8; GDPR art. 33(1); P-39.1 s.3.5). No database."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from omni_privacy.registers.domain import clocks, incidents
from omni_privacy.registers.domain.clocks import (
    DUE_SOON,
    GDPR_AUTHORITY,
    LATE_MET,
    MET,
    OPEN,
    OVERDUE,
    PERSONS,
    QUEBEC_CAI,
    incident_clocks,
)

TORONTO = ZoneInfo("America/Toronto")


def _by_kind(**kwargs):
    defaults = {"eu_residents": True, "serious_risk": None, "target_hours": 72}
    return {clock.kind: clock for clock in incident_clocks(**(defaults | kwargs))}


def test_72_hours_across_the_spring_change_end_one_wall_hour_later() -> None:
    # 2026-03-08 02:00 EST -> 03:00 EDT: 72 elapsed hours from Saturday 10:00 EST end on
    # Tuesday 11:00 EDT (local), not 10:00.
    aware = dt.datetime(2026, 3, 7, 10, 0, tzinfo=TORONTO)
    clock = _by_kind(aware_at=aware)[GDPR_AUTHORITY]
    assert clock.due_at.astimezone(TORONTO) == dt.datetime(2026, 3, 10, 11, 0, tzinfo=TORONTO)
    assert clock.due_at - aware == dt.timedelta(hours=72)
    last_minute = dt.datetime(2026, 3, 10, 10, 59, tzinfo=TORONTO)
    assert clock.state(last_minute) == DUE_SOON
    assert clock.state(dt.datetime(2026, 3, 10, 11, 0, tzinfo=TORONTO)) == DUE_SOON
    assert clock.state(dt.datetime(2026, 3, 10, 11, 1, tzinfo=TORONTO)) == OVERDUE


def test_72_hours_across_the_autumn_change_end_one_wall_hour_earlier() -> None:
    aware = dt.datetime(2026, 10, 31, 10, 0, tzinfo=TORONTO)  # EDT; 2026-11-01 back to EST
    clock = _by_kind(aware_at=aware)[GDPR_AUTHORITY]
    assert clock.due_at.astimezone(TORONTO) == dt.datetime(2026, 11, 3, 9, 0, tzinfo=TORONTO)


def test_a_weekend_does_not_stop_the_clock() -> None:
    friday = dt.datetime(2026, 11, 27, 17, 0, tzinfo=TORONTO)
    clock = _by_kind(aware_at=friday)[QUEBEC_CAI]
    assert clock.due_at.astimezone(TORONTO) == dt.datetime(2026, 11, 30, 17, 0, tzinfo=TORONTO)
    # Sunday 17:00: exactly 24 hours left, the alarm is raised; a minute before, not yet.
    assert clock.state(dt.datetime(2026, 11, 29, 17, 0, tzinfo=TORONTO)) == DUE_SOON
    assert clock.state(dt.datetime(2026, 11, 29, 16, 59, tzinfo=TORONTO)) == OPEN
    assert clock.state(dt.datetime(2026, 11, 30, 17, 0, 1, tzinfo=TORONTO)) == OVERDUE


def test_the_internal_target_is_configurable_and_gdpr_stays_72() -> None:
    aware = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)
    found = _by_kind(aware_at=aware, target_hours=48)
    assert found[QUEBEC_CAI].due_at == aware + dt.timedelta(hours=48)
    assert found[PERSONS].due_at == aware + dt.timedelta(hours=48)
    assert found[GDPR_AUTHORITY].due_at == aware + dt.timedelta(hours=72)


def test_which_clocks_run() -> None:
    aware = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)
    assert set(_by_kind(aware_at=aware, eu_residents=False)) == {QUEBEC_CAI, PERSONS}
    assert set(_by_kind(aware_at=aware, serious_risk=False)) == {GDPR_AUTHORITY}
    assert _by_kind(aware_at=aware, eu_residents=False, serious_risk=False) == {}


def test_a_notice_on_the_last_second_is_met_and_one_after_is_late() -> None:
    aware = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)
    due = aware + dt.timedelta(hours=72)
    on_time = _by_kind(aware_at=aware, authority_notified_at=due)[GDPR_AUTHORITY]
    late = _by_kind(aware_at=aware, authority_notified_at=due + dt.timedelta(seconds=1))
    assert on_time.state(due + dt.timedelta(days=9)) == MET
    assert late[GDPR_AUTHORITY].state(due + dt.timedelta(days=9)) == LATE_MET


def test_naive_moments_are_refused() -> None:
    with pytest.raises(clocks.NaiveMomentError):
        clocks.due_after(dt.datetime(2026, 6, 1, 9, 0), 72)  # noqa: DTZ001 - the point


def test_the_register_is_kept_five_years() -> None:
    aware = dt.datetime(2028, 2, 29, 12, 0, tzinfo=dt.UTC)
    assert incidents.register_kept_until(aware) == dt.date(2033, 2, 28)
    assert incidents.register_kept_until(aware.replace(day=1)) == dt.date(2033, 2, 1)


@pytest.mark.parametrize(
    ("sensitivity", "likelihood", "serious"),
    [
        ("low", "high", True),
        ("high", "medium", True),
        ("high", "low", False),
        ("medium", "medium", False),
    ],
)
def test_serious_risk_default(sensitivity: str, likelihood: str, serious: bool) -> None:
    facts = incidents.RiskFacts(sensitivity, "phishing", likelihood, officers_consulted=1)
    assert incidents.serious_risk(facts) is serious
