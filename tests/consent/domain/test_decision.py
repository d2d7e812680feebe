"""The may_use rule, without a database (consent/domain/decision.py)."""

from __future__ import annotations

import datetime as dt

from omni_privacy.consent.domain.decision import (
    ConsentMark,
    HeldPurpose,
    SuppressionMark,
    UseDecision,
    decide_use,
    scope_covers,
)

T0 = dt.datetime(2026, 11, 1, 12, tzinfo=dt.UTC)
T1 = T0 + dt.timedelta(days=1)
T2 = T0 + dt.timedelta(days=2)
SALES_CONSENT = HeldPurpose("sales_information", "consent")
PROFILE = HeldPurpose("communication_obligations", "contract")


def decide(purpose, held, suppressions=(), consents=(), at=T2):
    return decide_use(
        purpose=purpose, held=held, suppressions=suppressions, consents=consents, at=at
    )


def test_no_holding_with_the_purpose_is_refused() -> None:
    assert decide("sales_information", [PROFILE]) == UseDecision(False, "no_holding")


def test_a_contract_basis_needs_no_consent_event() -> None:
    assert decide("communication_obligations", [PROFILE]) == UseDecision(True, "allowed")


def test_a_consent_basis_needs_a_consent_given() -> None:
    assert decide("sales_information", [SALES_CONSENT]) == UseDecision(False, "no_consent")
    given = [ConsentMark("sales_information", given=True, at=T0)]
    assert decide("sales_information", [SALES_CONSENT], consents=given) == UseDecision(
        True, "allowed"
    )


def test_the_latest_event_wins_and_later_events_do_not_count_yet() -> None:
    events = [
        ConsentMark("sales_information", given=True, at=T0, sequence=1),
        ConsentMark("sales_information", given=False, at=T1, sequence=2),
    ]
    assert decide("sales_information", [SALES_CONSENT], consents=events).reason == (
        "consent_withdrawn"
    )
    assert decide("sales_information", [SALES_CONSENT], consents=events, at=T0).allowed
    # Same instant: the later row (higher sequence) is the latest.
    tied = [
        ConsentMark("sales_information", given=False, at=T0, sequence=1),
        ConsentMark("sales_information", given=True, at=T0, sequence=2),
    ]
    assert decide("sales_information", [SALES_CONSENT], consents=tied).allowed


def test_a_consent_for_another_purpose_does_not_count() -> None:
    other = [ConsentMark("communication_obligations", given=True, at=T0)]
    assert decide("sales_information", [SALES_CONSENT], consents=other).reason == "no_consent"


def test_a_mixed_basis_purpose_is_allowed_by_its_other_basis() -> None:
    held = [SALES_CONSENT, HeldPurpose("sales_information", "legitimate_interest")]
    withdrawn = [ConsentMark("sales_information", given=False, at=T0)]
    assert decide("sales_information", held, consents=withdrawn).allowed


def test_suppressions_by_scope() -> None:
    dm = [SuppressionMark("direct_marketing", T0)]
    given = [ConsentMark("sales_information", given=True, at=T0)]
    assert decide("sales_information", [SALES_CONSENT], dm, given).reason == "suppressed"
    # Direct marketing does not cover the contract's communications.
    assert decide("communication_obligations", [PROFILE], dm).allowed
    assert decide("communication_obligations", [PROFILE], [SuppressionMark("all", T0)]).reason == (
        "suppressed"
    )
    scoped = [SuppressionMark("communication_obligations", T0)]
    assert decide("communication_obligations", [PROFILE], scoped).reason == "suppressed"
    # Not yet in force at T0 - 1 day.
    assert decide("communication_obligations", [PROFILE], scoped, at=T0 - T1 + T0).allowed


def test_scope_covers() -> None:
    assert [
        scope_covers(scope, purpose)
        for scope, purpose in [
            ("all", "order_and_account"),
            ("direct_marketing", "sales_information"),
            ("direct_marketing", "service_obligations"),
            ("service_obligations", "service_obligations"),
            ("service_obligations", "order_and_account"),
        ]
    ] == [True, True, False, True, False]
