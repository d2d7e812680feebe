"""When a failed store erasure is tried again (stores/domain/retry.py)."""

import datetime as dt

from omni_privacy.stores.domain.retry import MAX_ATTEMPTS, is_transient, next_attempt

T0 = dt.datetime(2026, 12, 3, 12, 0, tzinfo=dt.UTC)


def test_a_store_that_is_down_waits_longer_each_time_then_blocks():
    waits = [next_attempt(attempts=n, failed_at=T0, code="unreachable") for n in range(1, 7)]
    assert [w - T0 for w in waits[:5] if w] == [
        dt.timedelta(minutes=1),
        dt.timedelta(minutes=5),
        dt.timedelta(minutes=30),
        dt.timedelta(hours=2),
        dt.timedelta(hours=12),
    ]
    assert MAX_ATTEMPTS == 6
    assert waits[5] is None


def test_only_failures_that_retrying_may_cure_are_retried():
    assert is_transient("statement_failed", "40P01")  # PostgreSQL deadlock
    assert is_transient("statement_failed", "1213")  # MariaDB deadlock
    assert not is_transient("statement_failed", "23502")  # NOT NULL violation
    assert not is_transient("remains")
    assert next_attempt(attempts=1, failed_at=T0, code="remains") is None
