"""A person's erasure in every store as work that survives faults (issue 17 point 5): one row
per store and reason, retried with backoff while the store is down, blocked when retrying
cannot help, and never applied twice when a worker dies between the store's commit and ours."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from omni_privacy.audit.models import AuditEvent
from omni_privacy.core.digest import email_digest
from omni_privacy.stores.connect import dispose_engines
from omni_privacy.stores.jobs import (
    store_erasure_attempt,
    store_erasure_retry,
    store_erasures_request,
    store_erasures_run_due,
)
from omni_privacy.stores.models import StoreErasure
from omni_privacy.stores.selectors import store_erasures_blocked, store_erasures_of
from omni_privacy.stores.services import store_erase
from tests.stores.conftest import ExternalDb
from tests.stores.fixture import LEA

pytestmark = pytest.mark.django_db
REASON = "rights_request:TEST-1"


def _customers_named(db: ExternalDb, email: str) -> int:
    with db.engine.connect() as connection:
        query = sa.text("SELECT count(*) FROM customers WHERE lower(email) = :email")
        return connection.execute(query, {"email": email}).scalar_one()


def test_one_erasure_per_store_done_once_and_the_address_destroyed(sqlite_store):
    db = sqlite_store.db
    jobs = store_erasures_request(actor="test", reason=REASON, email="Lea.Tremblay@example.com")
    assert [(job.store.name, job.state) for job in jobs] == [("crm", "pending")]
    assert jobs[0].identity_sealed
    assert LEA not in jobs[0].identity_sealed
    # Asking again for the same reason and person adds nothing.
    assert len(store_erasures_request(actor="test", reason=REASON, email=LEA)) == 1

    assert store_erasures_run_due() == {"done": 1, "waiting": 0, "blocked": 0}
    job = StoreErasure.objects.get()
    assert (job.state, job.identity_sealed, job.attempts) == ("done", "", 1)
    assert job.subject_digest == email_digest(LEA)
    assert job.result["tables"]["customers"]["found"] == 1
    assert job.result["tables"]["orders"]["clause"] == "Tax Administration Act, s. 34"
    assert _customers_named(db, LEA) == 0
    assert store_erasures_run_due() == {"done": 0, "waiting": 0, "blocked": 0}
    assert [j.state for j in store_erasures_of(REASON)] == ["done"]
    for event in AuditEvent.objects.filter(action__startswith="store.erasure"):
        assert LEA not in str(event.payload)


def test_a_store_that_is_down_is_retried_after_its_wait_then_done(sqlite_store):
    db, folder = sqlite_store.db, sqlite_store.folder
    (job,) = store_erasures_request(actor="test", reason=REASON, email=LEA)
    hidden = folder.with_name("crm-away")
    folder.rename(hidden)  # the store is unreachable
    dispose_engines()
    now = job.next_attempt_at
    failed = store_erasure_attempt(job.pk, now=now)
    assert failed is not None
    assert (failed.state, failed.failure_code, failed.attempts) == ("pending", "unreachable", 1)
    assert failed.next_attempt_at == now + dt.timedelta(minutes=1)
    # Before its wait is over, nothing is tried.
    assert store_erasure_attempt(job.pk, now=now + dt.timedelta(seconds=30)) is None

    hidden.rename(folder)  # the store is back
    dispose_engines()
    done = store_erasure_attempt(job.pk, now=now + dt.timedelta(minutes=2))
    assert done is not None
    assert (done.state, done.attempts, done.failure_code) == ("done", 2, "")
    assert _customers_named(db, LEA) == 0


def test_a_worker_killed_after_the_store_committed_applies_nothing_twice(sqlite_store):
    db, store = sqlite_store.db, sqlite_store.store
    (job,) = store_erasures_request(actor="test", reason=REASON, email=LEA)
    # The worker claimed the attempt and the store committed, then the worker was killed
    # before it could record the result: the row still says pending, with its lease.
    StoreErasure.objects.filter(pk=job.pk).update(attempts=1)
    first = store_erase(actor="test", store=store, email=LEA)
    erased_first = {table.table: table.erased + table.anonymised for table in first.tables}
    assert erased_first["customers"] == 1

    again = store_erasure_attempt(job.pk, now=job.next_attempt_at)
    assert again is not None
    assert again.state == "done"
    assert {name: t["erased"] + t["anonymised"] for name, t in again.result["tables"].items()} == (
        dict.fromkeys(erased_first, 0)
    )
    assert _customers_named(db, LEA) == 0


def test_a_failure_retrying_cannot_cure_is_blocked_until_an_officer_retries(sqlite_store):
    db = sqlite_store.db
    with db.engine.begin() as connection:
        connection.execute(sa.text("DROP TABLE reports"))  # the schema moved under the dataset
    (job,) = store_erasures_request(actor="test", reason=REASON, email=LEA)
    blocked = store_erasure_attempt(job.pk, now=job.next_attempt_at)
    assert blocked is not None
    assert (blocked.state, blocked.next_attempt_at) == ("blocked", None)
    assert blocked.identity_sealed  # kept (sealed) until the store is done
    assert [j.pk for j in store_erasures_blocked()] == [job.pk]
    assert _customers_named(db, LEA) == 1  # rolled back whole

    retried = store_erasure_retry(actor="officer", job=blocked)
    assert (retried.state, retried.attempts) == ("pending", 0)
