"""Migrations registry 0005 and retention 0004: an installation upgraded from the old counting
carries each erasure request onto the holdings it covered and stores the new answer.

The data steps run on rows stored the old way (the schema step is Django's own AddField)."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps

from omni_privacy.registry.models import Holding, Organization, Person, Subscription

registry_0005 = importlib.import_module(
    "omni_privacy.registry.migrations.0005_holding_erasure_requested_at"
)
retention_0003 = importlib.import_module(
    "omni_privacy.retention.migrations.0004_reevaluate_holdings"
)


@pytest.mark.django_db
def test_upgrade_carries_the_request_and_recounts_the_deadlines() -> None:
    organization = Organization.objects.create(code="acme", name="Acme")
    Subscription.objects.create(
        organization=organization, start=dt.date(2020, 1, 1), end=dt.date(2024, 2, 29)
    )
    person = Person.objects.create(email_digest="d" * 64, erasure_requested_at=dt.date(2025, 6, 1))
    common = {"person": person, "organization": organization, "channel": "email"}
    # Stored the old way: service data's deadline counted from the first uncovered day, and a
    # sales contact made after the request inheriting it.
    service = Holding.objects.create(
        source="customer_service", purpose="service_obligations", legal_basis="contract",
        collected_at=dt.date(2023, 1, 5), due_at=dt.date(2024, 3, 1),
        deadline_at=dt.date(2024, 4, 30), retention_rule="service_not_renewed",
        retention_action="anonymize", **common,
    )  # fmt: skip
    later_sales = Holding.objects.create(
        source="sales", purpose="sales_information", legal_basis="consent",
        collected_at=dt.date(2025, 9, 1), due_at=dt.date(2025, 6, 1),
        deadline_at=dt.date(2025, 7, 31), retention_rule="sales_erasure_request",
        retention_action="delete", **common,
    )  # fmt: skip

    registry_0005.copy_requests_to_holdings(apps, None)
    retention_0003.reevaluate_live_holdings(apps, None)

    service.refresh_from_db()
    later_sales.refresh_from_db()
    assert (
        service.erasure_requested_at,
        service.due_at,
        service.deadline_at,
        service.retention_rule,
    ) == (dt.date(2025, 6, 1), dt.date(2024, 3, 1), dt.date(2024, 4, 29), "service_not_renewed")
    assert (
        later_sales.erasure_requested_at,
        later_sales.due_at,
        later_sales.deadline_at,
        later_sales.retention_rule,
    ) == (None, dt.date(2030, 9, 1), dt.date(2030, 10, 31), "sales_last_contact")
