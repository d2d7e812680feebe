"""Discovery (issue 17 item 3): the scan finds the fixture's personal columns by name and by
sampled values, and flags what the notice does not allow for the table's source."""

from __future__ import annotations

import pytest

from omni_privacy.audit.models import AuditEvent
from omni_privacy.policy.loader import active_policy
from omni_privacy.stores.domain.dataset import parse_dataset
from omni_privacy.stores.services import store_scan
from tests.stores.conftest import registered
from tests.stores.fixture import BOB, LEA

pytestmark = pytest.mark.django_db


def test_scan_finds_the_personal_columns_and_flags_the_disallowed_ones(external) -> None:
    store = registered(external)
    report = store_scan(actor="test", store=store)
    found = {(f.table, f.column): (f.kind, f.by_name, f.source, f.declared)
             for f in report.findings}  # fmt: skip
    assert found == {
        ("customers", "email"): ("email", True, "sales", True),
        ("customers", "full_name"): ("full_name", True, "sales", True),
        ("customers", "phone"): ("phone", True, "sales", True),
        ("customers", "preferred_language"): ("preferred_language", True, "sales", True),
        ("customers", "birth_date"): ("birth_date", True, "sales", True),
        ("addresses", "street"): ("postal_address", True, None, False),
        ("addresses", "city"): ("postal_address", True, None, False),
        ("payments", "billing_email"): ("email", True, "administrative", True),
        ("service_requests", "contact_email"): ("email", True, "customer_service", True),
        ("admins", "email"): ("email", True, "software_profile", True),
        ("admins", "full_name"): ("full_name", True, "software_profile", False),
        ("admins", "phone"): ("phone", True, "software_profile", False),
    }
    evidence = {(f.table, f.column): (f.matched, f.sampled) for f in report.findings}
    assert evidence[("customers", "email")] == (2, 2)
    assert evidence[("service_requests", "contact_email")] == (2, 2)
    assert sorted((p.key, p.code, p.severity) for p in report.problems) == [
        ("tables.addresses.columns.city", "field_not_in_notice", "conformance"),
        ("tables.addresses.columns.street", "field_not_in_notice", "conformance"),
        ("tables.admins.columns.phone", "field_not_allowed", "conformance"),
        ("tables.customers.columns.birth_date", "field_not_allowed", "conformance"),
    ]
    admins_phone = next(p for p in report.problems if p.key == "tables.admins.columns.phone")
    assert admins_phone.params == {
        "field": "phone", "source": "software_profile", "section": "§2.1 ¶2, §2.4 scenario 1"
    }  # fmt: skip
    # The proposal is a dataset file to start from: TOML, with the findings as columns.
    proposed, _problems = parse_dataset(report.proposal, policy=active_policy())
    assert proposed is not None
    assert sorted(proposed.tables["admins"].columns) == ["email", "full_name", "phone"]
    # What was sampled is never stored or audited.
    store.refresh_from_db()
    assert LEA not in str(store.scan)
    assert BOB not in str(store.scan)
    event = AuditEvent.objects.get(action="store.scanned")
    assert event.payload == {"findings": 12, "conformance": 4}
