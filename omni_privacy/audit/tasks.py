"""Background tasks of the audit app (thin wrappers: load, call one service, log)."""

from __future__ import annotations

import logging

from django_tasks import task

from omni_privacy.audit.services import audit_verify

logger = logging.getLogger(__name__)


@task()
def task_audit_verify() -> dict[str, int | None]:
    """Walk the audit chain (daily, `audit_verify_daily`). A break is logged as an ERROR naming
    the event number only: the log never carries an event's content."""
    checked, broken = audit_verify()
    if broken is not None:
        logger.error("audit chain broken at event #%d", broken.sequence)
        return {"checked": checked, "broken_at": broken.sequence}
    logger.info("audit chain verified: %d events", checked)
    return {"checked": checked, "broken_at": None}
