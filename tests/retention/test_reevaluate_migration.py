"""Migrations registry 0005 and retention 0003: an installation upgraded from the old counting
carries each erasure request onto the holdings it covered and stores the new answer."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("registry", "0004_holding_fewer_indexes_fillfactor"),
    ("retention", "0002_anonymised_fact"),
]
AFTER = [
    ("registry", "0005_holding_erasure_requested_at"),
    ("retention", "0003_reevaluate_holdings"),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_upgrade_carries_the_request_and_recounts_the_deadlines() -> None:
    old = _migrate(BEFORE)
    organization = old.get_model("registry", "Organization").objects.create(
        code="acme", name="Acme"
    )
    old.get_model("registry", "Subscription").objects.create(
        organization=organization, start=dt.date(2020, 1, 1), end=dt.date(2024, 2, 29)
    )
    person = old.get_model("registry", "Person").objects.create(
        email_digest="d" * 64, erasure_requested_at=dt.date(2025, 6, 1)
    )
    holdings = old.get_model("registry", "Holding").objects
    common = {"person": person, "organization": organization, "channel": "email"}
    # Stored the old way: service data's deadline counted from the first uncovered day, and a
    # sales contact made after the request inheriting it.
    service = holdings.create(
        source="customer_service", purpose="service_obligations", legal_basis="contract",
        collected_at=dt.date(2023, 1, 5), due_at=dt.date(2024, 3, 1),
        deadline_at=dt.date(2024, 4, 30), retention_rule="service_not_renewed",
        retention_action="anonymize", **common,
    )  # fmt: skip
    later_sales = holdings.create(
        source="sales", purpose="sales_information", legal_basis="consent",
        collected_at=dt.date(2025, 9, 1), due_at=dt.date(2025, 6, 1),
        deadline_at=dt.date(2025, 7, 31), retention_rule="sales_erasure_request",
        retention_action="delete", **common,
    )  # fmt: skip

    new = _migrate(AFTER)
    upgraded = new.get_model("registry", "Holding").objects
    service_now = upgraded.get(pk=service.pk)
    sales_now = upgraded.get(pk=later_sales.pk)
    assert (
        service_now.erasure_requested_at,
        service_now.due_at,
        service_now.deadline_at,
        service_now.retention_rule,
    ) == (dt.date(2025, 6, 1), dt.date(2024, 3, 1), dt.date(2024, 4, 29), "service_not_renewed")
    assert (
        sales_now.erasure_requested_at,
        sales_now.due_at,
        sales_now.deadline_at,
        sales_now.retention_rule,
    ) == (None, dt.date(2030, 9, 1), dt.date(2030, 10, 31), "sales_last_contact")
