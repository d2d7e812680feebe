"""Registry services on a real database: what is written, what is audited, what is refused."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from omni_privacy.audit.models import AuditEvent
from omni_privacy.audit.services import audit_verify
from omni_privacy.core.digest import email_digest
from omni_privacy.core.errors import InvalidInputError
from omni_privacy.policy.domain.facts import Interval
from omni_privacy.policy.domain.retention import evaluate
from omni_privacy.policy.domain.schema import Policy
from omni_privacy.registry.domain.gate import HoldingCandidate
from omni_privacy.registry.models import Holding, Organization, Person
from omni_privacy.registry.retention_columns import holding_facts_of
from omni_privacy.registry.selectors import organization_facts, person_by_email
from omni_privacy.registry.services import OrganizationInput, holding_record, organization_upsert
from tests.said import Said

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 25)
EMAIL = "camille.tremblay@example.com"


def organization(
    code: str = "acme", subscriptions: tuple[Interval, ...] = (Interval(dt.date(2020, 1, 1)),)
) -> Organization:
    return organization_upsert(
        actor="cli",
        data=OrganizationInput(code=code, name="Acme Inc.", subscriptions=subscriptions),
        as_of=TODAY,
    )


def service_call(**changes: Any) -> HoldingCandidate:
    values: dict[str, Any] = {
        "source": "customer_service",
        "purpose": "service_obligations",
        "legal_basis": "contract",
        "channel": "phone",
        "collected_at": dt.date(2026, 11, 2),
        "full_name": " Camille  Tremblay ",
        "email": EMAIL,
        "phone": "514 555 0100",
        "preferred_language": "fr",
    }
    values.update(changes)
    return HoldingCandidate(**values)


def sales_contact(**changes: Any) -> HoldingCandidate:
    values: dict[str, Any] = {
        "source": "sales",
        "purpose": "sales_information",
        "legal_basis": "consent",
        "channel": "form",
        "collected_at": dt.date(2025, 3, 4),
        "full_name": "Camille Tremblay",
        "email": EMAIL,
    }
    values.update(changes)
    return HoldingCandidate(**values)


def counts() -> tuple[int, int, int]:
    return Person.objects.count(), Holding.objects.count(), AuditEvent.objects.count()


def last_event() -> AuditEvent:
    return AuditEvent.objects.order_by("-sequence").first()  # type: ignore[return-value]


def test_holding_record_writes_one_holding_one_person_one_event() -> None:
    org = organization()
    before = counts()
    holding = holding_record(actor="cli", organization=org, candidate=service_call(), today=TODAY)
    assert counts() == (before[0] + 1, before[1] + 1, before[2] + 1)

    holding.refresh_from_db()
    person = Person.objects.get()
    assert person.email_digest == email_digest(EMAIL)
    assert person_by_email("Camille.Tremblay@EXAMPLE.com") == person
    assert (
        holding.person,
        holding.organization,
        holding.source,
        holding.purpose,
        holding.legal_basis,
        holding.channel,
        holding.collected_at,
        holding.last_contact_at,
        holding.state,
    ) == (
        person,
        org,
        "customer_service",
        "service_obligations",
        "contract",
        "phone",
        dt.date(2026, 11, 2),
        None,
        "active",
    )
    assert (holding.full_name, holding.email, holding.phone, holding.preferred_language) == (
        "Camille Tremblay",
        EMAIL,
        "+15145550100",
        "fr",
    )
    assert (holding.due_at, holding.deadline_at, holding.retention_rule) == (None, None, "")
    assert holding.retention_action == ""

    event = last_event()
    assert (event.actor, event.action, event.object_type, event.object_id) == (
        "cli",
        "holding.recorded",
        "holding",
        str(holding.public_id),
    )
    assert event.payload == {
        "person": str(person.public_id),
        "organization": "acme",
        "source": "customer_service",
        "purpose": "service_obligations",
        "legal_basis": "contract",
        "channel": "phone",
        "fields": ["full_name", "email", "phone", "preferred_language"],
        "retention_rule": None,
        "due_at": None,
    }
    text = json.dumps(event.payload)
    for personal in ("camille", "Camille", "Tremblay", "514", "5550100", "example.com"):
        assert personal not in text
    assert audit_verify() == (2, None)


def test_sales_holding_payload_names_its_rule() -> None:
    org = organization("prospect", subscriptions=())
    holding = holding_record(actor="cli", organization=org, candidate=sales_contact(), today=TODAY)
    assert last_event().payload == {
        "person": str(holding.person.public_id),  # type: ignore[union-attr]
        "organization": "prospect",
        "source": "sales",
        "purpose": "sales_information",
        "legal_basis": "consent",
        "channel": "form",
        "fields": ["full_name", "email"],
        "retention_rule": "sales_last_contact",
        "due_at": "2030-03-04",
    }


def test_refused_candidate_writes_nothing() -> None:
    org = organization()
    before = counts()
    with pytest.raises(InvalidInputError) as caught:
        holding_record(
            actor="cli",
            organization=org,
            candidate=service_call(purpose="sales_information", email="camille@@example.com"),
            today=TODAY,
        )
    assert caught.value.errors == [
        Said(
            "purpose",
            "purpose 'sales_information' is not allowed for source customer_service "
            "(notice §2.1 ¶3, §2.4 scenario 2)",
            "not_allowed",
        ),
        Said("person.email", "is not a valid email address"),
    ]
    assert "camille" not in str(caught.value)
    assert counts() == before


def test_refused_for_an_unsubscribed_organisation_writes_nothing() -> None:
    org = organization(subscriptions=(Interval(dt.date(2020, 1, 1), dt.date(2025, 12, 31)),))
    before = counts()
    with pytest.raises(InvalidInputError) as caught:
        holding_record(actor="cli", organization=org, candidate=service_call(), today=TODAY)
    assert [error.field for error in caught.value.errors] == ["organization"]
    assert counts() == before


def test_recording_again_updates_the_same_holding() -> None:
    org = organization()
    first = holding_record(actor="cli", organization=org, candidate=service_call(), today=TODAY)
    before = counts()
    second = holding_record(
        actor="cli",
        organization=org,
        candidate=service_call(
            email="Camille.Tremblay@EXAMPLE.COM", channel="email", preferred_language="en"
        ),
        today=TODAY,
    )
    assert counts() == (before[0], before[1], before[2] + 1)
    assert second.pk == first.pk
    second.refresh_from_db()
    assert (second.channel, second.preferred_language, second.email) == (
        "email",
        "en",
        "Camille.Tremblay@example.com",
    )
    event = last_event()
    assert (event.action, event.object_id) == ("holding.updated", str(first.public_id))
    assert event.payload["person"] == str(first.person.public_id)  # type: ignore[union-attr]
    assert event.payload["channel"] == "email"


def test_same_person_other_source_is_a_second_holding() -> None:
    org = organization()
    holding_record(actor="cli", organization=org, candidate=service_call(), today=TODAY)
    holding_record(actor="cli", organization=org, candidate=sales_contact(), today=TODAY)
    assert (Person.objects.count(), Holding.objects.count()) == (1, 2)


def test_later_contact_moves_due_later_and_earlier_never_back() -> None:
    org = organization("prospect", subscriptions=())
    holding = holding_record(actor="cli", organization=org, candidate=sales_contact(), today=TODAY)
    assert holding.due_at == dt.date(2030, 3, 4)

    later = holding_record(
        actor="cli",
        organization=org,
        candidate=sales_contact(last_contact_at=dt.date(2026, 6, 15)),
        today=TODAY,
    )
    later.refresh_from_db()
    assert (later.pk, later.last_contact_at, later.due_at, later.deadline_at) == (
        holding.pk,
        dt.date(2026, 6, 15),
        dt.date(2031, 6, 15),
        dt.date(2031, 8, 14),
    )
    assert last_event().payload["due_at"] == "2031-06-15"

    earlier = holding_record(
        actor="cli",
        organization=org,
        candidate=sales_contact(last_contact_at=dt.date(2025, 9, 1)),
        today=TODAY,
    )
    earlier.refresh_from_db()
    assert (earlier.last_contact_at, earlier.due_at) == (dt.date(2026, 6, 15), dt.date(2031, 6, 15))


def test_organization_upsert_reschedules_service_holdings() -> None:
    org = organization()
    holding = holding_record(actor="cli", organization=org, candidate=service_call(), today=TODAY)
    assert holding.due_at is None

    organization_upsert(
        actor="cli",
        data=OrganizationInput(
            code="acme",
            name="Acme Inc.",
            subscriptions=(Interval(dt.date(2020, 1, 1), dt.date(2026, 12, 31)),),
        ),
        as_of=TODAY,
    )
    holding.refresh_from_db()
    assert (holding.due_at, holding.deadline_at, holding.retention_rule) == (
        dt.date(2027, 1, 1),
        dt.date(2027, 3, 1),
        "service_not_renewed",
    )
    assert holding.retention_action == "anonymize"
    event = last_event()
    assert (event.action, event.object_type, event.object_id) == (
        "organization.updated",
        "organization",
        "acme",
    )
    assert event.payload == {
        "subscriptions": [["2020-01-01", "2026-12-31"]],
        "purchasing_group_contracts": [],
        "holdings_rescheduled": 1,
    }

    organization_upsert(
        actor="cli",
        data=OrganizationInput(
            code="acme", name="Acme Inc.", subscriptions=(Interval(dt.date(2020, 1, 1)),)
        ),
        as_of=TODAY,
    )
    holding.refresh_from_db()
    assert (holding.due_at, holding.deadline_at, holding.retention_rule) == (None, None, "")


def test_organization_created_event() -> None:
    organization_upsert(
        actor="cli",
        data=OrganizationInput(
            code="new-org",
            name=" New Org ",
            subscriptions=(Interval(dt.date(2024, 1, 1)),),
            purchasing_group_contracts=(Interval(dt.date(2024, 1, 1), dt.date(2024, 12, 31)),),
        ),
        as_of=TODAY,
    )
    assert Organization.objects.get(code="new-org").name == "New Org"
    event = last_event()
    assert (event.action, event.object_id) == ("organization.created", "new-org")
    assert event.payload == {
        "subscriptions": [["2024-01-01", None]],
        "purchasing_group_contracts": [["2024-01-01", "2024-12-31"]],
        "holdings_rescheduled": 0,
    }


def test_organization_upsert_refuses_bad_input_and_writes_nothing() -> None:
    before = (Organization.objects.count(), AuditEvent.objects.count())
    with pytest.raises(InvalidInputError) as caught:
        organization_upsert(
            actor="cli",
            data=OrganizationInput(
                code="bad code!",
                name="  ",
                subscriptions=(Interval(dt.date(2024, 1, 1), dt.date(2023, 1, 1)),),
            ),
            as_of=TODAY,
        )
    assert caught.value.errors == [
        Said("id", "must be letters, digits, - or _"),
        Said("name", "is required"),
        Said("subscriptions[0].end", "is before start"),
    ]
    assert (Organization.objects.count(), AuditEvent.objects.count()) == before


def test_stored_retention_columns_equal_the_evaluator(policy: Policy) -> None:
    org = organization(subscriptions=(Interval(dt.date(2020, 1, 1), dt.date(2026, 12, 31)),))
    prospect = organization("prospect", subscriptions=())
    recorded = [
        holding_record(actor="cli", organization=org, candidate=service_call(), today=TODAY),
        holding_record(
            actor="cli",
            organization=org,
            candidate=HoldingCandidate(
                source="administrative",
                purpose="order_and_account",
                legal_basis="contract",
                channel="email",
                collected_at=dt.date(2026, 1, 10),
                email="alex.roy@example.org",
            ),
            today=TODAY,
        ),
        holding_record(
            actor="cli",
            organization=org,
            candidate=HoldingCandidate(
                source="software_profile",
                purpose="communication_obligations",
                legal_basis="contract",
                channel="monthly_sync",
                collected_at=dt.date(2026, 10, 1),
                email="eve.cote@example.org",
                roles=(),
                role_removed_at=dt.date(2026, 11, 1),
            ),
            today=TODAY,
        ),
        holding_record(
            actor="cli",
            organization=prospect,
            candidate=sales_contact(last_contact_at=dt.date(2026, 2, 1)),
            today=TODAY,
        ),
    ]
    stored = []
    expected = []
    for holding in Holding.objects.filter(pk__in=[h.pk for h in recorded]).select_related(
        "person", "organization"
    ):
        decision = evaluate(
            holding_facts_of(holding),
            organization_facts(holding.organization),
            policy,
            as_of=TODAY,
        )
        assert decision is not None
        stored.append(
            (
                holding.source,
                holding.due_at,
                holding.deadline_at,
                holding.retention_rule,
                holding.retention_action,
            )
        )
        expected.append(
            (
                holding.source,
                decision.due_at,
                decision.deadline_at,
                decision.rule_id,
                decision.action,
            )
        )
    assert stored == expected
    assert sorted(stored) == [
        (
            "administrative",
            dt.date(2031, 12, 31),
            dt.date(2032, 2, 29),
            "administrative_not_renewed",
            "anonymize",
        ),
        (
            "customer_service",
            dt.date(2027, 1, 1),
            dt.date(2027, 3, 1),
            "service_not_renewed",
            "anonymize",
        ),
        ("sales", dt.date(2031, 2, 1), dt.date(2031, 4, 2), "sales_last_contact", "anonymize"),
        (
            "software_profile",
            dt.date(2026, 11, 1),
            dt.date(2026, 12, 31),
            "profile_role_removed",
            "delete",
        ),
    ]


def test_a_batch_refreshes_live_holdings_records_new_ones_and_audits_once() -> None:
    """Issue 18 point 4: what ``holding_record`` does one by one, set-based, with one event."""
    from omni_privacy.registry.services import HoldingItem, holdings_record_batch

    acme = organization()
    first = holding_record(actor="cli", organization=acme, candidate=service_call(), today=TODAY)
    before = AuditEvent.objects.count()
    report = holdings_record_batch(
        actor="cli",
        items=[
            HoldingItem(acme, service_call(collected_at=dt.date(2026, 11, 20))),
            HoldingItem(acme, service_call(email="lea@example.com", full_name="Léa Roy")),
            HoldingItem(acme, service_call(email="lea@example.com", full_name="Léa Roy")),
        ],
        today=TODAY,
    )
    assert (report.recorded, report.updated) == (1, 2)
    assert Holding.objects.count() == 2
    first.refresh_from_db()
    # A refresh never moves the collection day later (as holding_record does).
    assert first.collected_at == dt.date(2026, 11, 2)
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.get(action="holdings.imported")
    assert (event.payload["recorded"], event.payload["updated"]) == (1, 2)
    assert "lea@example.com" not in json.dumps(event.payload)
    assert audit_verify()[1] is None


def test_a_batch_with_one_refused_item_writes_nothing() -> None:
    from omni_privacy.registry.services import (
        BatchRefusedError,
        HoldingItem,
        holdings_record_batch,
    )

    acme = organization()
    counts = (Person.objects.count(), Holding.objects.count(), AuditEvent.objects.count())
    with pytest.raises(BatchRefusedError) as refused:
        holdings_record_batch(
            actor="cli",
            items=[
                HoldingItem(acme, service_call(email="lea@example.com")),
                HoldingItem(acme, service_call(purpose="marketing")),
            ],
            today=TODAY,
        )
    assert refused.value.index == 1
    assert (Person.objects.count(), Holding.objects.count(), AuditEvent.objects.count()) == counts
