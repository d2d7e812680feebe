"""core/reaper.py: a task left RUNNING by a worker that died is marked failed, once; a task
whose worker still beats is left alone."""

import datetime as dt

import pytest
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from omni_privacy.core.models import WorkerBeat
from omni_privacy.core.reaper import reap_lost_tasks

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def _running(worker: str | None, started_minutes_ago: float) -> DBTaskResult:
    return DBTaskResult.objects.create(
        status=TaskResultStatus.RUNNING,
        args_kwargs={"args": [], "kwargs": {}},
        task_path="omni_privacy.audit.tasks.task_audit_verify",
        worker_ids=[worker] if worker else [],
        backend_name="default",
        run_after=NOW,
        started_at=NOW - dt.timedelta(minutes=started_minutes_ago),
    )


def test_only_tasks_of_gone_workers_are_reaped_and_only_once(settings):
    settings.OMNI_WORKER_LOST_SECONDS = 120
    settings.OMNI_TASK_LOST_SECONDS = 6 * 3600
    WorkerBeat.objects.create(worker_id="dead", beat_at=NOW - dt.timedelta(minutes=10))
    WorkerBeat.objects.create(worker_id="alive", beat_at=NOW - dt.timedelta(seconds=5))
    dead = _running("dead", 11)
    alive = _running("alive", 300)  # a long task of a live worker
    unknown_recent = _running("bare-db-worker", 30)
    unknown_old = _running("bare-db-worker", 7 * 60)
    finished = _running("dead", 11)
    finished.set_successful(None)

    assert reap_lost_tasks(now=NOW) == 2
    statuses = {row.pk: row.status for row in DBTaskResult.objects.all()}
    assert statuses[dead.pk] == statuses[unknown_old.pk] == TaskResultStatus.FAILED
    assert statuses[alive.pk] == statuses[unknown_recent.pk] == TaskResultStatus.RUNNING
    assert statuses[finished.pk] == TaskResultStatus.SUCCESSFUL
    dead.refresh_from_db()
    assert dead.exception_class_path == "omni_privacy.core.reaper.WorkerLost"
    assert dead.finished_at == NOW
    assert reap_lost_tasks(now=NOW) == 0
