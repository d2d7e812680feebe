"""Registry of periodic jobs run by `omni-privacy worker`.

A job is a task plus an interval. The worker's scheduler loop looks at which slots have come,
claims each slot by inserting a (job, slot) row under a unique constraint (so that several
workers on several machines start each slot exactly once: the database refuses the second
insert), and enqueues the task; the task queue does the rest and retries. A slot missed while
every worker was down is not lost: the first worker back finds the job's current slot
unclaimed and starts it (once, not once per missed slot).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, close_old_connections, connection, transaction
from django.db.models import Q
from django.utils import timezone

from omni_privacy.core import clock

logger = logging.getLogger(__name__)

SCHEDULER_EVERY_SECONDS = 30.0
CLAIMS_KEPT = 10


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    interval: dt.timedelta
    enqueue: Callable[[dt.date], Any]
    """Called with the slot's date (the job's --as-of) to enqueue the work."""


_JOBS: dict[str, PeriodicJob] = {}


def register(job: PeriodicJob) -> None:
    _JOBS[job.name] = job


def registered() -> list[PeriodicJob]:
    return sorted(_JOBS.values(), key=lambda job: job.name)


def slot_for(moment: dt.datetime, interval: dt.timedelta) -> dt.datetime:
    """The start of the interval slot that contains ``moment`` (slots are aligned on the epoch)."""
    epoch = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    count = (moment - epoch) // interval
    return epoch + count * interval


def claim_and_enqueue(*, now: dt.datetime) -> list[str]:
    """Enqueue every registered job whose current slot has not been claimed yet.

    Returns the names enqueued. Safe to call from many workers at once: the claim and the
    enqueue share one transaction, so a failed enqueue leaves the slot unclaimed for a retry.
    A slot older than the job's last one (a machine whose clock is behind) is never started.
    """
    from omni_privacy.core.models import PeriodicClaim, PeriodicJobRun

    started = []
    for job in registered():
        slot = slot_for(now, job.interval)
        with transaction.atomic():
            run, _ = PeriodicJobRun.objects.get_or_create(name=job.name)
            if run.last_slot is not None and run.last_slot >= slot:
                continue
            try:
                with transaction.atomic():
                    PeriodicClaim.objects.create(name=job.name, slot=slot, claimed_at=now)
            except IntegrityError:
                continue  # another worker has this slot
            PeriodicJobRun.objects.filter(name=job.name).filter(
                Q(last_slot__isnull=True) | Q(last_slot__lt=slot)
            ).update(last_slot=slot, last_enqueued_at=now)
            job.enqueue(timezone.localdate(now))
            # Claims far behind the current slot can no longer be contested.
            PeriodicClaim.objects.filter(
                name=job.name, slot__lt=slot - CLAIMS_KEPT * job.interval
            ).delete()
            started.append(job.name)
    return started


def run_scheduler(stop: threading.Event, *, every: float = SCHEDULER_EVERY_SECONDS) -> None:
    """Call `claim_and_enqueue` now and then every ``every`` seconds until ``stop`` is set.

    Meant for a thread of `omni-privacy worker`. A failing round is logged and retried at the
    next tick rather than ending the loop.
    """
    try:
        while not stop.is_set():
            close_old_connections()
            try:
                started = claim_and_enqueue(now=clock.now())
            except Exception:
                logger.exception("periodic scheduler: this round failed; retrying next tick")
            else:
                for name in started:
                    logger.info("periodic job %s enqueued", name)
            stop.wait(every)
    finally:
        # Connections are per thread: close this one rather than leave it to the collector.
        connection.close()
