"""Background task of the outbox (thin: one delivery round, counts only in the log)."""

from __future__ import annotations

import logging

from django_tasks import task

from omni_privacy.outbox.delivery import outbox_deliver_due

logger = logging.getLogger(__name__)


@task()
def task_outbox_deliver() -> dict[str, int]:
    """Send what is due (queued, retry due, or left in "sending" past its lease). Safe to run in
    many workers at once: each message is claimed by a conditional update."""
    report = outbox_deliver_due()
    counts = report.as_dict()
    if any(counts.values()):
        logger.info("outbox round: %s", counts)
    return counts
