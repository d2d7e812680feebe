"""Background tasks of the stores app (thin)."""

from __future__ import annotations

import logging

from django_tasks import task

from omni_privacy.stores.jobs import store_erasures_run_due

logger = logging.getLogger(__name__)


@task()
def task_store_erasures(as_of: str) -> dict[str, int]:
    """`store_erasures_run_due`: try every per-store erasure whose time has come."""
    counts = store_erasures_run_due()
    logger.info("store erasures (%s): %s", as_of, counts)
    return counts
