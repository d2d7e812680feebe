"""The collection gate (notice §2.1, §2.4, §3, §9): every refusal names its field.

Pure: the gate is given the policy and the organisation's facts; nothing touches the database.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from omni_privacy.policy.domain.facts import Interval, OrganizationFacts
from omni_privacy.policy.loader import SHIPPED_POLICY, load_policy_file
from omni_privacy.registry.domain.gate import (
    AcceptedHolding,
    GateResult,
    HoldingCandidate,
    check_holding,
    kind_of,
)
from tests.said import Said

POLICY = load_policy_file(SHIPPED_POLICY)
TODAY = dt.date(2026, 11, 25)
COLLECTED = dt.date(2026, 11, 2)
SUBSCRIBED = OrganizationFacts(subscriptions=(Interval(dt.date(2020, 1, 1)),))
NEVER_SUBSCRIBED = OrganizationFacts()
ENDED = OrganizationFacts(subscriptions=(Interval(dt.date(2020, 1, 1), dt.date(2025, 12, 31)),))

BASE: dict[str, dict[str, Any]] = {
    "software_profile": {
        "purpose": "communication_obligations",
        "legal_basis": "contract",
        "channel": "monthly_sync",
        "roles": ("system_administrator",),
        "phone": None,
    },
    "customer_service": {
        "purpose": "service_obligations",
        "legal_basis": "contract",
        "channel": "phone",
    },
    "sales": {"purpose": "sales_information", "legal_basis": "consent", "channel": "form"},
    "administrative": {
        "purpose": "order_and_account",
        "legal_basis": "legal_obligation",
        "channel": "email",
    },
}


def candidate(source: str, **changes: Any) -> HoldingCandidate:
    values: dict[str, Any] = {
        "source": source,
        "collected_at": COLLECTED,
        "full_name": "Camille Tremblay",
        "email": "camille.tremblay@example.com",
        "phone": "514-555-0100",
        "preferred_language": "fr",
    }
    values.update(BASE[source])
    values.update(changes)
    return HoldingCandidate(**values)


def check(offered: HoldingCandidate, organization: OrganizationFacts = SUBSCRIBED) -> GateResult:
    return check_holding(offered, POLICY, organization, today=TODAY)


def refusals(result: GateResult) -> list[tuple[str, str]]:
    assert result.accepted is None
    return [(error.field, kind_of(error.code)) for error in result.errors]


# --- accepted ----------------------------------------------------------------------------------


def test_accepted_customer_service_holding_is_normalised() -> None:
    result = check(
        candidate(
            "customer_service",
            full_name="  Camille \t  Tremblay\n",
            email="  Camille.Tremblay@EXAMPLE.COM ",
            phone="(514) 555-0100",
            last_contact_at=dt.date(2026, 11, 20),
        )
    )
    assert result.errors == []
    assert result.accepted == AcceptedHolding(
        source="customer_service",
        purpose="service_obligations",
        legal_basis="contract",
        channel="phone",
        collected_at=COLLECTED,
        email="Camille.Tremblay@example.com",
        full_name="Camille Tremblay",
        phone="+15145550100",
        preferred_language="fr",
        last_contact_at=dt.date(2026, 11, 20),
        roles=(),
        role_removed_at=None,
    )


def test_accepted_software_profile_holding() -> None:
    result = check(candidate("software_profile", roles=["system_administrator"]))
    assert result.accepted is not None
    assert result.accepted.roles == ("system_administrator",)
    assert result.accepted.phone is None


def test_profile_with_removed_role_is_still_recorded() -> None:
    result = check(candidate("software_profile", roles=(), role_removed_at=dt.date(2026, 11, 10)))
    assert result.errors == []
    assert result.accepted is not None
    assert result.accepted.role_removed_at == dt.date(2026, 11, 10)


def test_international_phone_keeps_its_country() -> None:
    result = check(candidate("sales", phone="+33 1 42 68 53 00"))
    assert result.accepted is not None
    assert result.accepted.phone == "+33142685300"


def test_empty_optional_values_are_not_held() -> None:
    result = check(candidate("sales", full_name="", phone="", preferred_language=None))
    assert result.accepted is not None
    assert (result.accepted.full_name, result.accepted.phone) == (None, None)
    assert result.accepted.preferred_language is None


# --- refused, one reason at a time -------------------------------------------------------------


def test_phone_on_software_profile() -> None:
    result = check(candidate("software_profile", phone="514-555-0100"))
    assert result.errors == [
        Said(
            "person.phone",
            "source software_profile may not hold this field (notice §2.1 ¶2, §2.4 scenario 1)",
            "not_allowed",
        )
    ]


def test_profile_without_role() -> None:
    assert refusals(check(candidate("software_profile", roles=()))) == [("roles", "condition")]


def test_unknown_role() -> None:
    result = check(candidate("software_profile", roles=("chief_executive",)))
    assert result.errors == [Said("roles[0]", "unknown role 'chief_executive'", "unknown")]


def test_unknown_second_role() -> None:
    offered = candidate("software_profile", roles=("system_administrator", "janitor"))
    assert refusals(check(offered)) == [("roles[1]", "unknown")]


def test_profile_needs_a_subscription() -> None:
    offered = candidate("software_profile")
    assert refusals(check(offered, NEVER_SUBSCRIBED)) == [("organization", "condition")]


def test_unknown_purpose() -> None:
    result = check(candidate("sales", purpose="marketing"))
    assert result.errors == [Said("purpose", "unknown purpose 'marketing'", "unknown")]


def test_purpose_of_another_source() -> None:
    result = check(candidate("sales", purpose="service_obligations"))
    assert result.errors == [
        Said(
            "purpose",
            "purpose 'service_obligations' is not allowed for source sales "
            "(notice §2.1 ¶4, §2.4 scenario 2)",
            "not_allowed",
        )
    ]


def test_unknown_legal_basis() -> None:
    result = check(candidate("sales", legal_basis="vital_interest"))
    assert result.errors == [Said("legal_basis", "unknown legal basis 'vital_interest'", "unknown")]


def test_legal_basis_of_another_source() -> None:
    assert refusals(check(candidate("customer_service", legal_basis="consent"))) == [
        ("legal_basis", "not_allowed")
    ]


def test_channel_email_for_a_profile() -> None:
    result = check(candidate("software_profile", channel="email"))
    assert result.errors == [
        Said(
            "channel",
            "channel 'email' is not how source software_profile collects (expected monthly_sync)",
            "not_allowed",
        )
    ]


def test_monthly_sync_for_a_service_call() -> None:
    assert refusals(check(candidate("customer_service", channel="monthly_sync"))) == [
        ("channel", "not_allowed")
    ]


def test_unknown_source() -> None:
    result = check(dataclasses.replace(candidate("sales"), source="marketing"))
    assert result.errors == [
        Said(
            "source",
            "unknown source 'marketing'; expected one of software_profile, customer_service, "
            "sales, administrative",
            "unknown",
        )
    ]


def test_invalid_email_does_not_echo_it() -> None:
    result = check(candidate("sales", email="camille.tremblay@@example"))
    assert result.errors == [Said("person.email", "is not a valid email address")]


def test_missing_email() -> None:
    result = check(candidate("sales", email=None))
    assert result.errors == [Said("person.email", "is required", "required")]


def test_invalid_phone() -> None:
    result = check(candidate("sales", phone="555-01"))
    assert result.errors == [Said("person.phone", "is not a valid telephone number")]


def test_phone_that_is_not_a_number() -> None:
    result = check(candidate("customer_service", phone="call me"))
    assert result.errors == [Said("person.phone", "is not a telephone number")]


def test_language_de() -> None:
    result = check(candidate("administrative", preferred_language="de"))
    assert result.errors == [Said("person.preferred_language", "must be fr or en")]


def test_name_too_long() -> None:
    assert refusals(check(candidate("sales", full_name="A" * 201))) == [
        ("person.full_name", "invalid")
    ]


@pytest.mark.parametrize("control", ["\x00", "\x07", "\x1b", "\x7f", "\x9b"])
def test_a_name_with_a_control_character_is_refused(control) -> None:
    result = check(candidate("sales", full_name=f"Camille{control}Tremblay"))
    assert result.errors == [Said("person.full_name", "contains a control character", "control")]


def test_future_collected_at() -> None:
    result = check(candidate("sales", collected_at=TODAY + dt.timedelta(days=1)))
    assert result.errors == [Said("collected_at", "is in the future (2026-11-26)")]


def test_collected_today_is_accepted() -> None:
    assert check(candidate("sales", collected_at=TODAY)).errors == []


def test_last_contact_before_collected() -> None:
    result = check(candidate("sales", last_contact_at=COLLECTED - dt.timedelta(days=1)))
    assert result.errors == [Said("last_contact_at", "is before collected_at")]


def test_role_removed_before_collected() -> None:
    offered = candidate("software_profile", role_removed_at=COLLECTED - dt.timedelta(days=1))
    assert refusals(check(offered)) == [("role_removed_at", "invalid")]


def test_roles_outside_profiles() -> None:
    offered = candidate(
        "sales", roles=("system_administrator",), role_removed_at=dt.date(2026, 11, 3)
    )
    assert refusals(check(offered)) == [("roles", "invalid"), ("role_removed_at", "invalid")]


def test_customer_service_when_not_subscribed() -> None:
    result = check(candidate("customer_service"), ENDED)
    assert result.errors == [
        Said(
            "organization",
            "has no subscription on 2026-11-02: a service call needs one (notice §2.1 ¶3, §3 ¶2)",
            "condition",
        )
    ]


def test_customer_service_on_the_last_day_of_the_subscription() -> None:
    offered = candidate("customer_service", collected_at=dt.date(2025, 12, 31))
    assert check(offered, ENDED).errors == []
    later = candidate("customer_service", collected_at=dt.date(2026, 1, 1))
    assert refusals(check(later, ENDED)) == [("organization", "condition")]


def test_sales_without_contact_nor_purchasing_group() -> None:
    result = check(candidate("sales", contacted_us=False), NEVER_SUBSCRIBED)
    assert result.errors == [
        Said(
            "contacted_us",
            "sales data needs the person to have contacted us, or an active purchasing-group "
            "contract on 2026-11-02 (notice §2.1 ¶4)",
            "condition",
        )
    ]


def test_sales_through_an_active_purchasing_group_contract() -> None:
    group = OrganizationFacts(
        purchasing_group_contracts=(Interval(dt.date(2026, 1, 1), dt.date(2026, 12, 31)),)
    )
    assert check(candidate("sales", contacted_us=False), group).errors == []


def test_sales_through_an_expired_purchasing_group_contract() -> None:
    group = OrganizationFacts(
        purchasing_group_contracts=(Interval(dt.date(2025, 1, 1), dt.date(2026, 11, 1)),)
    )
    assert refusals(check(candidate("sales", contacted_us=False), group)) == [
        ("contacted_us", "condition")
    ]


def test_sales_contact_needs_no_subscription() -> None:
    assert check(candidate("sales", contacted_us=True), NEVER_SUBSCRIBED).errors == []


def test_administrative_with_no_subscription_at_all() -> None:
    result = check(candidate("administrative"), NEVER_SUBSCRIBED)
    assert result.errors == [
        Said(
            "organization",
            "has no licence or subscription contract: administrative data needs one "
            "(notice §2.1 ¶5)",
            "condition",
        )
    ]


def test_administrative_after_the_subscription_ended() -> None:
    assert check(candidate("administrative"), ENDED).errors == []


# --- several reasons at once -------------------------------------------------------------------


def test_every_reason_is_reported() -> None:
    offered = candidate(
        "software_profile",
        purpose="sales_information",
        legal_basis="vital_interest",
        channel="phone",
        collected_at=TODAY + dt.timedelta(days=3),
        roles=("janitor",),
        email="not-an-address",
        phone="514-555-0100",
        preferred_language="de",
    )
    assert refusals(check(offered, NEVER_SUBSCRIBED)) == [
        ("purpose", "not_allowed"),
        ("legal_basis", "unknown"),
        ("channel", "not_allowed"),
        ("collected_at", "invalid"),
        ("roles[0]", "unknown"),
        ("organization", "condition"),
        ("person.phone", "not_allowed"),
        ("person.email", "invalid"),
        ("person.preferred_language", "invalid"),
    ]


def test_error_messages_hold_no_personal_data() -> None:
    offered = candidate(
        "customer_service",
        full_name="Camille " + "Tremblay" * 30,
        email="camille@@example.com",
        phone="555-0100-99",
    )
    result = check(offered)
    text = " ".join(str(error) for error in result.errors)
    assert [error.field for error in result.errors] == [
        "person.email",
        "person.full_name",
        "person.phone",
    ]
    for value in ("camille", "Tremblay", "555"):
        assert value not in text


# --- property: no field outside the source's list ----------------------------------------------

FIELD_VALUES = {
    "full_name": st.sampled_from(["Camille Tremblay", "  Alex   Roy ", "Ève Côté"]),
    "email": st.sampled_from(["alex.roy@example.com", "Eve.Cote@Example.ORG"]),
    "phone": st.sampled_from(["514-555-0100", "+1 (438) 555-0199", "+33 1 42 68 53 00"]),
    "preferred_language": st.sampled_from(["fr", "en"]),
}


@st.composite
def offers(draw: st.DrawFn) -> HoldingCandidate:
    source = draw(st.sampled_from(list(POLICY.sources)))
    changes: dict[str, Any] = {
        name: draw(st.none() | st.just("") | values) for name, values in FIELD_VALUES.items()
    }
    changes["purpose"] = draw(st.sampled_from(list(POLICY.purposes)))
    changes["legal_basis"] = draw(st.sampled_from(list(POLICY.legal_bases)))
    changes["channel"] = draw(st.sampled_from(["monthly_sync", "email", "form", "phone"]))
    return candidate(source, **changes)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(offered=offers())
def test_gate_never_accepts_a_field_outside_the_source(offered: HoldingCandidate) -> None:
    source = POLICY.sources[offered.source]
    result = check(offered)
    forbidden = [
        name
        for name in FIELD_VALUES
        if name not in source.fields and getattr(offered, name) not in (None, "")
    ]
    if result.accepted is None:
        fields = [error.field for error in result.errors]
        for name in forbidden:
            assert f"person.{name}" in fields
        return
    assert forbidden == []
    for name in FIELD_VALUES:
        if name not in source.fields:
            assert getattr(result.accepted, name) is None
    assert result.accepted.purpose in source.purposes
    assert result.accepted.legal_basis in source.legal_bases
    assert result.accepted.channel in source.channels


def test_blank_values_are_not_offered() -> None:
    result = check(
        candidate("software_profile", full_name="   ", phone=" \t", email="a@example.com")
    )
    assert result.errors == []
    assert result.accepted is not None
    assert (result.accepted.full_name, result.accepted.phone) == (None, None)


def test_future_last_contact_would_postpone_retention() -> None:
    result = check(candidate("sales", last_contact_at=TODAY + dt.timedelta(days=365)))
    assert result.errors == [Said("last_contact_at", "is in the future (2027-11-25)")]
    assert check(candidate("sales", last_contact_at=TODAY)).errors == []


def test_future_role_removal() -> None:
    offered = candidate("software_profile", roles=(), role_removed_at=TODAY + dt.timedelta(days=1))
    assert check(offered).errors == [Said("role_removed_at", "is in the future (2026-11-26)")]


def test_an_address_already_held_is_taken_as_stored() -> None:
    """The sync passes the addresses it holds: each passed normalisation when stored."""
    stored = "Camille.Tremblay@example.com"
    offered = candidate("software_profile", email=stored)
    kept = check_holding(offered, POLICY, SUBSCRIBED, today=TODAY, held_emails=frozenset({stored}))
    assert kept.accepted is not None
    assert kept.accepted.email == stored
    checked = check_holding(offered, POLICY, SUBSCRIBED, today=TODAY)
    assert checked.accepted is not None
    assert checked.accepted.email == "Camille.Tremblay@example.com"
    bad = candidate("software_profile", email="camille at example")
    assert refusals(
        check_holding(bad, POLICY, SUBSCRIBED, today=TODAY, held_emails=frozenset({stored}))
    ) == [("person.email", "invalid")]
