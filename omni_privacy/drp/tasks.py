"""Background tasks of the drp app (thin)."""

from __future__ import annotations

import logging

from django_tasks import task

from omni_privacy.drp.services import drp_callbacks_send

logger = logging.getLogger(__name__)


@task()
def task_drp_callbacks(as_of: str) -> dict[str, int]:
    """`drp_callbacks_send`: tell agents whose requests changed status."""
    counts = drp_callbacks_send()
    logger.info("DRP status callbacks (%s): %s", as_of, counts)
    return counts
