"""Retry delays, the final status after a failure, and the per-minute budget."""

from __future__ import annotations

import datetime as dt

from omni_privacy.outbox.domain.schedule import after_failure, budget, retry_delay


def test_retry_delay_doubles_up_to_six_hours() -> None:
    assert [retry_delay(n, base_seconds=60).total_seconds() for n in range(1, 6)] == [
        60,
        120,
        240,
        480,
        960,
    ]
    assert retry_delay(40, base_seconds=60) == dt.timedelta(hours=6)


def test_after_failure() -> None:
    assert after_failure(attempts=1, max_attempts=3, permanent=False) == "queued"
    assert after_failure(attempts=3, max_attempts=3, permanent=False) == "failed"
    assert after_failure(attempts=1, max_attempts=3, permanent=True) == "failed"


def test_budget() -> None:
    assert budget(rate_per_minute=10, started_last_minute=4) == 6
    assert budget(rate_per_minute=10, started_last_minute=12) == 0
    assert budget(rate_per_minute=0, started_last_minute=10**6) > 10**6
