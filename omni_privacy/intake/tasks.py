"""Background tasks of the intake app (thin: call one service, log counts and names only)."""

from __future__ import annotations

import datetime as dt
import logging

from django_tasks import task

from omni_privacy.core import clock
from omni_privacy.intake.selectors import instance_syncs
from omni_privacy.intake.services import SyncRefusedError, sync_pull
from omni_privacy.registry.models import Instance

logger = logging.getLogger(__name__)


@task()
def task_sync_due(as_of: str) -> dict[str, int]:
    """`sync_monthly` (hourly): pull every instance whose last success is a month old, or
    whose last failure's backoff has passed. A refused pull is recorded (failed sync run) and
    retried by a later round; one instance's failure never stops the others."""
    day = dt.date.fromisoformat(as_of)
    done = {"synced": 0, "refused": 0}
    for item in instance_syncs(now=clock.now()):
        if not (item.pullable and item.due):
            continue
        instance = Instance.objects.select_related("organization").get(pk=item.instance_id)
        try:
            report = sync_pull(actor="system", instance=instance, as_of=day)
        except SyncRefusedError as refused:
            done["refused"] += 1
            logger.warning("sync of %s refused: %d problems", instance.code, len(refused.problems))
        else:
            done["synced"] += 1
            logger.info("sync of %s: %d rows, %s", instance.code, report.rows, report.counts)
    for item in instance_syncs(now=clock.now()):
        if item.stale:
            logger.error("instance %s not refreshed for more than 31 days", item.name)
    return done
