"""Background tasks of the retention app (thin: call one service, log counts only)."""

from __future__ import annotations

import datetime as dt
import logging

from django_tasks import task

from omni_privacy.retention.services import retention_run

logger = logging.getLogger(__name__)


@task()
def task_retention_run(as_of: str) -> dict[str, int]:
    """The daily sweep (`retention_sweep_daily`). Safe to retry: a run acts only on what is
    still due, and a run killed half-way is finished by the next one."""
    report = retention_run(actor="system", as_of=dt.date.fromisoformat(as_of))
    logger.info(
        "retention run %s: %d holdings processed, %d people erased",
        report.run_id,
        report.processed,
        report.people_erased,
    )
    return {"processed": report.processed, "people_erased": report.people_erased}
