"""The retention sweep reaches the stores (issue 17 point 4): when a person's data of a source
is due, the same person's data of that source is erased in every store, and only that."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from omni_privacy.audit.models import AuditEvent
from omni_privacy.core.digest import email_digest
from omni_privacy.policy.domain.facts import Interval
from omni_privacy.policy.loader import active_policy
from omni_privacy.retention.services import retention_run
from omni_privacy.stores.domain.dataset import parse_dataset
from omni_privacy.stores.domain.plan import build_plan
from omni_privacy.stores.domain.scope import scoped, table_sources
from omni_privacy.stores.jobs import store_erasures_run_due
from omni_privacy.stores.models import StoreErasure
from omni_privacy.stores.selectors import store_schema
from tests.retention.factory import ACTOR, organization, record
from tests.stores import fixture
from tests.stores.conftest import ExternalDb
from tests.stores.fixture import LEA

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2026, 11, 25)
ENDED = Interval(dt.date(2020, 1, 1), dt.date(2026, 6, 30))  # not renewed on 2026-07-01


def test_each_table_belongs_to_its_source_or_to_the_rows_it_hangs_from(sqlite_store) -> None:
    store = sqlite_store.store
    dataset, _problems = parse_dataset(fixture.DATASET, policy=active_policy())
    assert dataset is not None
    plan, _ = build_plan(dataset, store_schema(store))
    assert plan is not None
    sources = table_sources(dataset, plan)
    assert sources == {
        "customers": "sales", "addresses": "sales", "orders": "sales", "order_items": "sales",
        "payments": "administrative", "logins": "sales", "service_requests": "customer_service",
        "visits": "sales", "reports": "customer_service", "admins": "software_profile",
    }  # fmt: skip
    service = scoped(dataset, plan, "customer_service")
    assert service.tables["service_requests"].erase == "delete"
    assert service.tables["addresses"].erase == "keep"  # sales: kept on this source's erasure
    assert service.tables["customers"].columns["email"].erase == "keep"
    sales = scoped(dataset, plan, "sales")
    assert sales.tables["customers"].columns["email"].erase == "null"
    assert sales.tables["reports"].erase == "keep"


def _rows(db: ExternalDb) -> dict[str, int]:
    return fixture.counts(db.engine)


def test_a_due_source_is_erased_in_the_store_and_nothing_else(sqlite_store) -> None:
    db = sqlite_store.db
    before = _rows(db)
    nordik = organization("nordik", ENDED)
    record(nordik, "customer_service", LEA, collected_at=dt.date(2025, 6, 2))
    report = retention_run(actor=ACTOR, as_of=AS_OF)
    assert report.processed == 1
    # Asked in the sweep's own transaction, for the same person and source.
    (job,) = StoreErasure.objects.all()
    assert (job.source, job.reason, job.state) == ("customer_service", "retention:2026-11-25",
                                                   "pending")  # fmt: skip
    assert job.subject_digest == email_digest(LEA)
    event = AuditEvent.objects.get(action="store.erasures_requested")
    assert event.payload == {"people": 1, "stores": 1, "added": 1}
    assert LEA not in str(event.payload)

    assert store_erasures_run_due() == {"done": 1, "waiting": 0, "blocked": 0}
    after = _rows(db)
    # Léa's service requests (one by her customer id, one by its contact email) and their
    # reports are gone; her sales, administrative and software-profile data stay.
    assert before["service_requests"] - after["service_requests"] == 2
    assert before["reports"] - after["reports"] == 2
    assert {name: after[name] for name in after if name not in ("service_requests", "reports")} == {
        name: before[name] for name in before if name not in ("service_requests", "reports")
    }
    with db.engine.connect() as connection:
        assert (
            connection.execute(sa.text("SELECT full_name FROM customers WHERE id = 1")).scalar_one()
            == "Léa Tremblay"
        )
    job.refresh_from_db()
    assert (job.state, job.identity_sealed) == ("done", "")


def test_a_second_sweep_the_same_day_asks_nothing_twice(sqlite_store) -> None:
    nordik = organization("nordik", ENDED)
    record(nordik, "customer_service", LEA, collected_at=dt.date(2025, 6, 2))
    retention_run(actor=ACTOR, as_of=AS_OF)
    record(nordik, "customer_service", LEA, collected_at=dt.date(2025, 6, 2))
    retention_run(actor=ACTOR, as_of=AS_OF)
    assert StoreErasure.objects.count() == 1


def test_without_a_store_the_sweep_asks_nothing(tmp_path) -> None:
    nordik = organization("nordik", ENDED)
    record(nordik, "customer_service", LEA, collected_at=dt.date(2025, 6, 2))
    assert retention_run(actor=ACTOR, as_of=AS_OF).processed == 1
    assert not StoreErasure.objects.exists()
    assert not AuditEvent.objects.filter(action="store.erasures_requested").exists()
