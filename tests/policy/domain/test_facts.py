"""Organisation and holding facts: intervals include both ends; non-renewal is the day after."""

from __future__ import annotations

import datetime as dt

from omni_privacy.policy.domain.facts import HoldingFacts, Interval, OrganizationFacts

D = dt.date


def test_interval_covers_both_ends() -> None:
    period = Interval(D(2025, 1, 1), D(2025, 12, 31))
    assert [period.covers(day) for day in (D(2024, 12, 31), D(2025, 1, 1), D(2025, 12, 31))] == [
        False,
        True,
        True,
    ]
    assert period.covers(D(2026, 1, 1)) is False
    assert Interval(D(2025, 1, 1)).covers(D(2099, 1, 1)) is True


def test_non_renewal_is_the_day_after_the_last_end() -> None:
    facts = OrganizationFacts(
        subscriptions=(
            Interval(D(2021, 1, 1), D(2023, 6, 30)),
            Interval(D(2020, 1, 1), D(2020, 12, 31)),
        )
    )
    assert facts.non_renewal_on() == D(2023, 7, 1)
    assert facts.has_subscription() is True


def test_no_non_renewal_while_ongoing_or_never_subscribed() -> None:
    ongoing = OrganizationFacts(
        subscriptions=(Interval(D(2020, 1, 1), D(2020, 12, 31)), Interval(D(2021, 1, 1)))
    )
    assert ongoing.non_renewal_on() is None
    assert OrganizationFacts().non_renewal_on() is None
    assert OrganizationFacts().has_subscription() is False


def test_purchasing_group_active_on() -> None:
    facts = OrganizationFacts(purchasing_group_contracts=(Interval(D(2025, 1, 1), D(2025, 6, 30)),))
    assert facts.purchasing_group_active_on(D(2025, 6, 30)) is True
    assert facts.purchasing_group_active_on(D(2025, 7, 1)) is False


def test_last_contact_is_never_before_collection() -> None:
    assert HoldingFacts("sales", D(2025, 3, 1)).last_contact == D(2025, 3, 1)
    assert HoldingFacts("sales", D(2025, 3, 1), D(2025, 9, 1)).last_contact == D(2025, 9, 1)
    assert HoldingFacts("sales", D(2025, 3, 1), D(2025, 1, 1)).last_contact == D(2025, 3, 1)
