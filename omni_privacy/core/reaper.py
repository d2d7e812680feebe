"""Reaping tasks left RUNNING by a worker that died (kill -9, out of memory, power loss).

django-tasks-db marks a task RUNNING when a worker claims it and only the same worker marks it
finished; a worker killed in between leaves the row RUNNING for ever (upstream
RealOrangeOne/django-tasks-db#5, open). Here each `omni-privacy worker` keeps a beat row
(core.WorkerBeat) fresh while it lives. A RUNNING task is lost when the worker that claimed it
(the last of its ``worker_ids``) has a beat older than OMNI_WORKER_LOST_SECONDS, or, for a
worker that keeps no beat (a bare `db_worker`), when it started more than
OMNI_TASK_LOST_SECONDS ago.

A lost task is marked FAILED (exception ``omni_privacy.core.reaper.WorkerLost``), not run
again by the reaper: the tasks here are resumable (a retention sweep resumes its run, the
outbox reclaims its lease, a periodic job comes round at its next slot), so nothing is applied
twice and nothing is left hanging. The reaper runs as a periodic job (once per slot whatever
the number of workers) and when a worker starts.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from omni_privacy.core.models import WorkerBeat

logger = logging.getLogger(__name__)

BEAT_EVERY_SECONDS = 10.0


class WorkerLost(Exception):  # noqa: N818 - the name a person reads in the task table
    """The worker running this task stopped without finishing it."""


def beat(worker_id: str) -> None:
    WorkerBeat.objects.update_or_create(worker_id=worker_id, defaults={"beat_at": timezone.now()})


def forget(worker_id: str) -> None:
    WorkerBeat.objects.filter(worker_id=worker_id).delete()


def reap_lost_tasks(*, now: dt.datetime | None = None) -> int:
    """Mark FAILED every RUNNING task whose worker is gone; the number reaped."""
    now = now or timezone.now()
    quiet_since = now - dt.timedelta(seconds=settings.OMNI_WORKER_LOST_SECONDS)
    started_before = now - dt.timedelta(seconds=settings.OMNI_TASK_LOST_SECONDS)
    beats = dict(WorkerBeat.objects.values_list("worker_id", "beat_at"))
    reaped = 0
    with transaction.atomic():
        running = DBTaskResult.objects.select_for_update().filter(status=TaskResultStatus.RUNNING)
        for task in running:
            worker = task.worker_ids[-1] if task.worker_ids else None
            last_beat = beats.get(worker) if worker else None
            if last_beat is not None:
                lost = last_beat < quiet_since
            else:
                lost = task.started_at is None or task.started_at < started_before
            if not lost:
                continue
            task.status = TaskResultStatus.FAILED
            task.finished_at = now
            task.exception_class_path = f"{WorkerLost.__module__}.{WorkerLost.__qualname__}"
            task.traceback = (
                f"{WorkerLost.__qualname__}: worker {worker or '?'} stopped without finishing "
                "this task; reaped, not run again (its work resumes at its next run)."
            )
            task.save(update_fields=["status", "finished_at", "exception_class_path", "traceback"])
            logger.warning("reaped task %s (%s): its worker is gone", task.id, task.task_path)
            reaped += 1
        # Beats of workers gone long ago say nothing more.
        WorkerBeat.objects.filter(beat_at__lt=started_before).delete()
    return reaped
