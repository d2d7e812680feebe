"""Background task of the conformance report (thin wrapper)."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from omni_privacy.conformance.runs import conformance_run
from omni_privacy.core import clock


@task()
def task_conformance_daily(as_of: str) -> bool:
    """Daily (`conformance_daily`): run the report; True when a check fails."""
    run, _ = conformance_run(as_of=dt.date.fromisoformat(as_of), now=clock.now())
    return run.failed
