"""The retention evaluator against notice §4-§5: every clause, its edges, and its properties.

Pure: facts are plain values; time comes in as ``as_of``.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from omni_privacy.policy.domain.facts import HoldingFacts, Interval, OrganizationFacts
from omni_privacy.policy.domain.retention import Decision, Status, evaluate, status_on
from omni_privacy.policy.loader import SHIPPED_POLICY, load_policy_file

POLICY = load_policy_file(SHIPPED_POLICY)
D = dt.date
DAY = dt.timedelta(days=1)
DAYS_60 = dt.timedelta(days=60)
AS_OF = dt.date(2026, 11, 25)
START = dt.date(2020, 1, 1)
ONGOING = OrganizationFacts(subscriptions=(Interval(START),))
NEVER = OrganizationFacts()


def ended(end: dt.date) -> OrganizationFacts:
    return OrganizationFacts(subscriptions=(Interval(START, end),))


def decide(
    holding: HoldingFacts, organization: OrganizationFacts, as_of: dt.date = AS_OF
) -> Decision | None:
    return evaluate(holding, organization, POLICY, as_of=as_of)


# --- software profile (§4 ¶1, ¶2) --------------------------------------------------------------


def test_role_removed_is_due_that_day() -> None:
    removed = dt.date(2026, 3, 10)
    holding = HoldingFacts("software_profile", dt.date(2025, 1, 5), role_removed_at=removed)
    assert decide(holding, ONGOING) == Decision(
        rule_id="profile_role_removed",
        clause="§4 ¶1",
        action="delete",
        trigger_at=removed,
        due_at=removed,
        deadline_at=dt.date(2026, 5, 9),
        provisional=False,
    )


def test_profile_with_roles_and_ongoing_subscription_is_kept() -> None:
    holding = HoldingFacts("software_profile", dt.date(2025, 1, 5), roles=("system_administrator",))
    assert decide(holding, ONGOING) is None


def test_profile_of_an_organisation_that_did_not_renew() -> None:
    holding = HoldingFacts("software_profile", dt.date(2025, 1, 5), roles=("system_administrator",))
    decision = decide(holding, ended(dt.date(2026, 6, 30)))
    assert decision is not None
    assert (decision.rule_id, decision.due_at, decision.deadline_at) == (
        "profile_subscription_not_renewed",
        dt.date(2026, 7, 1),
        dt.date(2026, 8, 29),
    )


@pytest.mark.parametrize(
    ("removed", "end", "winner"),
    [
        (dt.date(2026, 3, 10), dt.date(2026, 6, 30), "profile_role_removed"),
        (dt.date(2026, 9, 10), dt.date(2026, 6, 30), "profile_subscription_not_renewed"),
    ],
)
def test_earliest_applicable_rule_wins(removed: dt.date, end: dt.date, winner: str) -> None:
    holding = HoldingFacts("software_profile", dt.date(2025, 1, 5), role_removed_at=removed)
    decision = decide(holding, ended(end))
    assert decision is not None
    assert decision.rule_id == winner
    assert decision.due_at == min(removed, end + DAY)


# --- customer service (§4 ¶2) ------------------------------------------------------------------


def test_service_due_the_day_after_the_subscription_ends() -> None:
    """Due on the first uncovered day; the 60 days count from the end day (the strict
    reading: docs/retention.md)."""
    end = dt.date(2026, 6, 30)
    holding = HoldingFacts("customer_service", dt.date(2025, 4, 2))
    assert decide(holding, ended(end)) == Decision(
        rule_id="service_not_renewed",
        clause="§4 ¶2",
        action="anonymize",
        trigger_at=end,
        due_at=end + DAY,
        deadline_at=end + DAYS_60,
        provisional=False,
    )


def test_service_deadline_for_a_subscription_ending_29_february() -> None:
    """Issue 12 case 4: 60 days from 29 February 2024 is 29 April, not 30 April."""
    decision = decide(HoldingFacts("customer_service", dt.date(2023, 4, 2)), ended(D(2024, 2, 29)))
    assert decision is not None
    assert (decision.due_at, decision.deadline_at) == (D(2024, 3, 1), D(2024, 4, 29))


def test_service_kept_while_subscribed() -> None:
    assert decide(HoldingFacts("customer_service", dt.date(2025, 4, 2)), ONGOING) is None


def test_service_kept_when_a_later_subscription_is_ongoing() -> None:
    renewed = OrganizationFacts(
        subscriptions=(Interval(START, dt.date(2024, 12, 31)), Interval(dt.date(2025, 1, 1)))
    )
    assert decide(HoldingFacts("customer_service", dt.date(2024, 4, 2)), renewed) is None


def test_service_uses_the_last_end_of_several_subscriptions() -> None:
    organization = OrganizationFacts(
        subscriptions=(
            Interval(dt.date(2024, 1, 1), dt.date(2026, 3, 31)),
            Interval(START, dt.date(2022, 12, 31)),
        )
    )
    decision = decide(HoldingFacts("customer_service", dt.date(2022, 4, 2)), organization)
    assert decision is not None
    assert decision.due_at == dt.date(2026, 4, 1)


def test_provisional_when_the_subscription_ends_after_as_of() -> None:
    end = AS_OF + dt.timedelta(days=10)
    decision = decide(HoldingFacts("customer_service", dt.date(2025, 4, 2)), ended(end))
    assert decision is not None
    assert decision.provisional is True
    assert decision.due_at == end + DAY
    assert decision.status(AS_OF) == Status.SCHEDULED


def test_not_provisional_once_the_trigger_day_has_come() -> None:
    end = AS_OF - DAY
    decision = decide(HoldingFacts("customer_service", dt.date(2025, 4, 2)), ended(end))
    assert decision is not None
    assert (decision.trigger_at, decision.due_at, decision.provisional) == (end, AS_OF, False)


def test_provisional_on_the_last_subscribed_day() -> None:
    """On its last day a subscription may still be renewed."""
    decision = decide(HoldingFacts("customer_service", dt.date(2025, 4, 2)), ended(AS_OF))
    assert decision is not None
    assert (decision.trigger_at, decision.provisional) == (AS_OF, True)


# --- administrative (§4 ¶4) --------------------------------------------------------------------


def test_administrative_due_five_years_after_non_renewal() -> None:
    end = dt.date(2026, 6, 30)
    decision = decide(HoldingFacts("administrative", dt.date(2021, 4, 2)), ended(end))
    assert decision == Decision(
        rule_id="administrative_not_renewed",
        clause="§4 ¶4",
        action="anonymize",
        trigger_at=end,
        due_at=dt.date(2031, 6, 30),
        deadline_at=dt.date(2031, 8, 29),
        provisional=False,
    )


def test_administrative_non_renewal_on_29_february() -> None:
    decision = decide(
        HoldingFacts("administrative", dt.date(2021, 4, 2)), ended(dt.date(2028, 2, 28))
    )
    assert decision is not None
    assert (decision.trigger_at, decision.due_at) == (dt.date(2028, 2, 28), dt.date(2033, 2, 28))


def test_administrative_ending_29_february_counts_like_sales() -> None:
    """Both 5-year clocks count from their event day: 29 February + 5 years = 28 February,
    for the last day of a subscription as for a last contact."""
    end = dt.date(2024, 2, 29)
    administrative = decide(HoldingFacts("administrative", dt.date(2021, 4, 2)), ended(end))
    sales = decide(HoldingFacts("sales", dt.date(2021, 4, 2), last_contact_at=end), NEVER)
    assert administrative is not None
    assert sales is not None
    assert (administrative.due_at, administrative.deadline_at) == (
        (sales.due_at, sales.deadline_at)
    )
    assert (sales.due_at, sales.deadline_at) == (dt.date(2029, 2, 28), dt.date(2029, 4, 29))


def test_administrative_kept_while_subscribed() -> None:
    assert decide(HoldingFacts("administrative", dt.date(2021, 4, 2)), ONGOING) is None


# --- sales (§4 ¶3, §5) -------------------------------------------------------------------------


def test_sales_due_five_years_after_last_contact() -> None:
    holding = HoldingFacts("sales", dt.date(2024, 5, 6), last_contact_at=dt.date(2025, 2, 3))
    assert decide(holding, NEVER) == Decision(
        rule_id="sales_last_contact",
        clause="§4 ¶3",
        action="anonymize",
        trigger_at=dt.date(2025, 2, 3),
        due_at=dt.date(2030, 2, 3),
        deadline_at=dt.date(2030, 4, 4),
        provisional=False,
    )


def test_sales_without_contact_counts_from_collection() -> None:
    decision = decide(HoldingFacts("sales", dt.date(2024, 5, 6)), NEVER)
    assert decision is not None
    assert decision.due_at == dt.date(2029, 5, 6)


def test_a_later_contact_restarts_the_clock() -> None:
    first = decide(HoldingFacts("sales", dt.date(2024, 5, 6), dt.date(2025, 2, 3)), NEVER)
    later = decide(HoldingFacts("sales", dt.date(2024, 5, 6), dt.date(2026, 8, 1)), NEVER)
    assert first is not None
    assert later is not None
    assert (first.due_at, later.due_at) == (dt.date(2030, 2, 3), dt.date(2031, 8, 1))


def test_erasure_request_by_a_non_subscriber_is_due_at_request() -> None:
    requested = dt.date(2026, 10, 1)
    holding = HoldingFacts("sales", dt.date(2024, 5, 6), erasure_requested_at=requested)
    assert decide(holding, NEVER) == Decision(
        rule_id="sales_erasure_request",
        clause="§4 ¶3, §5, §9.1",
        action="delete",
        trigger_at=requested,
        due_at=requested,
        deadline_at=dt.date(2026, 11, 30),
        provisional=False,
    )


def test_erasure_request_while_subscribed_applies_to_sales_data() -> None:
    """Issue 12 case 3: §9.1, no clause requires keeping a subscriber's sales data."""
    holding = HoldingFacts("sales", dt.date(2024, 5, 6), erasure_requested_at=dt.date(2026, 10, 1))
    decision = decide(holding, ONGOING)
    assert decision is not None
    assert (decision.rule_id, decision.due_at) == ("sales_erasure_request", dt.date(2026, 10, 1))


def test_erasure_request_on_the_last_and_first_unsubscribed_days() -> None:
    end = dt.date(2026, 6, 30)
    on_last_day = HoldingFacts("sales", dt.date(2024, 5, 6), erasure_requested_at=end)
    day_after = HoldingFacts("sales", dt.date(2024, 5, 6), erasure_requested_at=end + DAY)
    first = decide(on_last_day, ended(end))
    second = decide(day_after, ended(end))
    assert first is not None
    assert second is not None
    assert (first.rule_id, first.due_at) == ("sales_erasure_request", end)
    assert (second.rule_id, second.due_at) == ("sales_erasure_request", end + DAY)


def test_holding_collected_after_its_period_ran_is_not_born_overdue() -> None:
    """Administrative data recorded six years after the last subscription ended: due on the
    day it was collected, and gone within 60 days of it."""
    collected = dt.date(2030, 5, 1)
    decision = decide(HoldingFacts("administrative", collected), ended(dt.date(2024, 3, 31)))
    assert decision is not None
    assert (decision.due_at, decision.deadline_at) == (collected, collected + DAYS_60)


# --- status ------------------------------------------------------------------------------------


def test_status_at_each_edge() -> None:
    removed = dt.date(2026, 3, 10)
    decision = decide(
        HoldingFacts("software_profile", dt.date(2025, 1, 5), role_removed_at=removed), ONGOING
    )
    assert decision is not None
    deadline = removed + DAYS_60
    assert [decision.status(day) for day in (removed - DAY, removed, deadline, deadline + DAY)] == [
        Status.SCHEDULED,
        Status.DUE,
        Status.DUE,
        Status.OVERDUE,
    ]
    assert status_on(decision.due_at, decision.deadline_at, deadline + DAY) == Status.OVERDUE


def test_status_of_kept() -> None:
    assert status_on(None, None, AS_OF) == Status.KEPT  # no decision: kept


# --- properties --------------------------------------------------------------------------------

DATES = st.dates(min_value=dt.date(2015, 1, 1), max_value=dt.date(2035, 12, 31))


@st.composite
def intervals(draw: st.DrawFn) -> Interval:
    start = draw(DATES)
    end = draw(st.none() | st.dates(min_value=start, max_value=dt.date(2036, 12, 31)))
    return Interval(start, end)


@st.composite
def cases(draw: st.DrawFn) -> tuple[HoldingFacts, OrganizationFacts, dt.date]:
    source = draw(st.sampled_from(list(POLICY.sources)))
    collected = draw(DATES)
    later = st.none() | st.dates(min_value=collected, max_value=dt.date(2036, 12, 31))
    holding = HoldingFacts(
        source=source,
        collected_at=collected,
        last_contact_at=draw(later),
        role_removed_at=draw(later) if source == "software_profile" else None,
        erasure_requested_at=draw(later),
    )
    organization = OrganizationFacts(
        subscriptions=tuple(draw(st.lists(intervals(), max_size=3))),
        purchasing_group_contracts=tuple(draw(st.lists(intervals(), max_size=1))),
    )
    return holding, organization, draw(DATES)


def expected_triggers(holding: HoldingFacts, organization: OrganizationFacts) -> dict[str, dt.date]:
    """An independent reading of notice §4-§5 and §9.1: the event day each applicable rule's
    clock counts from (the last day its condition held: docs/retention.md)."""
    subscriptions = organization.subscriptions
    last_end = None
    if subscriptions and all(period.end is not None for period in subscriptions):
        last_end = max(period.end for period in subscriptions if period.end)
    contact = max(day for day in (holding.collected_at, holding.last_contact_at) if day)
    candidates = {
        "profile_role_removed": holding.role_removed_at,
        "profile_subscription_not_renewed": last_end,
        "service_not_renewed": last_end,
        "sales_last_contact": contact,
        "sales_erasure_request": holding.erasure_requested_at,
        "administrative_not_renewed": last_end,
    }
    return {
        rule.id: day
        for rule in POLICY.rules_for(holding.source)
        if (day := candidates[rule.id]) is not None
    }


def expected_due(rule_id: str, event: dt.date, holding: HoldingFacts) -> tuple[dt.date, dt.date]:
    """(due, deadline): the period run from the event day, never on a subscribed day nor before
    collection; the deadline the delay after the later of the period's end and collection."""
    rule = POLICY.rule(rule_id)
    ends = rule.period.add_to(event)
    floor = holding.collected_at
    if rule.trigger == "subscription_not_renewed":
        floor = max(floor, event + DAY)
    return max(ends, floor), max(ends, holding.collected_at) + DAYS_60


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=cases())
def test_decision_respects_the_notice(
    case: tuple[HoldingFacts, OrganizationFacts, dt.date],
) -> None:
    holding, organization, as_of = case
    decision = decide(holding, organization, as_of)
    triggers = expected_triggers(holding, organization)
    if not triggers:
        assert decision is None
        return
    assert decision is not None
    rule = POLICY.rule(decision.rule_id)
    assert rule.source == holding.source
    assert decision.trigger_at == triggers[rule.id]
    # Never due before the notice allows: the whole period has run from the event day.
    assert decision.due_at >= rule.period.add_to(decision.trigger_at)
    if rule.period.years:
        elapsed = (decision.due_at - decision.trigger_at).days
        assert elapsed >= 365 * rule.period.years
    # No holding is ever due before it was collected, nor past its deadline when it arrives.
    assert holding.collected_at <= decision.due_at <= decision.deadline_at
    assert decision.deadline_at >= holding.collected_at + DAYS_60
    # Never later than the promised delay, counted the strict way.
    assert (decision.due_at, decision.deadline_at) == expected_due(
        rule.id, decision.trigger_at, holding
    )
    # The earliest applicable rule wins.
    dues = {ident: expected_due(ident, day, holding) for ident, day in triggers.items()}
    assert (decision.due_at, decision.deadline_at) == min(dues.values())
    assert decision.action == rule.default_action
    assert decision.clause == rule.section
    known = decision.trigger_at + (DAY if rule.trigger == "subscription_not_renewed" else 0 * DAY)
    assert decision.provisional == (known > as_of)
