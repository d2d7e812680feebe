"""Background tasks of the registers (thin wrappers: call one service, log)."""

from __future__ import annotations

import logging

from django_tasks import task

from omni_privacy.core import clock
from omni_privacy.registers.reminders import incident_reminders

logger = logging.getLogger(__name__)


@task()
def task_incident_reminders() -> int:
    """Hourly (`incident_reminders_hourly`): remind the officers of running incident clocks."""
    count = incident_reminders(now=clock.now())
    logger.info("incident reminders: %d incident(s)", count)
    return count
