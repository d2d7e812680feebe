"""Background tasks of the dsr app (thin)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging

from django_tasks import task

from omni_privacy.core import clock
from omni_privacy.dsr.maintenance import dsr_daily

logger = logging.getLogger(__name__)


@task()
def task_dsr_daily(as_of: str) -> dict[str, int]:
    """`dsr_daily`: reminders, expiry of unverified requests, purge of closed case files."""
    report = dsr_daily(today=dt.date.fromisoformat(as_of), now=clock.now())
    logger.info("rights requests: %s", report)
    return dataclasses.asdict(report)
