"""Registry of periodic jobs run by `omni-privacy worker`.

A job is a task plus an interval. The worker's scheduler loop asks `due_jobs()` which slots have
come, claims each slot with a conditional UPDATE (so that several workers on several machines
start each slot once), and enqueues the task; the task queue does the rest and retries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q


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

    Returns the names enqueued. Safe to call from many workers at once.
    """
    from omni_privacy.core.models import PeriodicJobRun

    started = []
    for job in registered():
        slot = slot_for(now, job.interval)
        PeriodicJobRun.objects.get_or_create(name=job.name)
        with transaction.atomic():
            claimed = (
                PeriodicJobRun.objects.filter(name=job.name)
                .filter(Q(last_slot__isnull=True) | Q(last_slot__lt=slot))
                .update(last_slot=slot, last_enqueued_at=now)
            )
            if claimed:
                job.enqueue(now.date())
                started.append(job.name)
    return started
