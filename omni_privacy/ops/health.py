"""`/healthz` and `/metrics`: how the service is doing, for a load balancer and for monitoring.

Both read the database at request time (counts and timestamps only: nothing about a person),
so that every gunicorn worker and every machine answers the same figures; there are no
in-process counters to add up across processes.

- `/healthz` answers 200 when the database answers, 503 otherwise, with a JSON body: the
  database, the task queue (depth, age of the oldest waiting task, tasks running), the last
  run of each periodic job and the alarms (a job late by more than two intervals, a queue
  waiting longer than QUEUE_ALARM_SECONDS, tasks that failed in the last day, mail that could
  not be delivered). Alarms do not make it 503: a load balancer must keep sending traffic to a
  web server whose worker is late; monitoring reads the alarms.
- `/metrics` is the Prometheus text format (prometheus-client). With OMNI_METRICS_TOKEN set,
  both ask for `Authorization: Bearer <token>`.
"""

from __future__ import annotations

import datetime as dt
import hmac
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Count, Min
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST

QUEUE_ALARM_SECONDS = 15 * 60
LATE_AFTER_INTERVALS = 2


def _queue() -> dict[str, Any]:
    """Depth, oldest waiting task's age and tasks running, whatever the task backend."""
    now = timezone.now()
    if settings.OMNI_TASKS == "rq":
        import django_rq

        queue = django_rq.get_queue("default")
        oldest = None
        first = queue.get_job_ids(0, 1)
        if first:
            job = queue.fetch_job(first[0])
            oldest = job.enqueued_at if job is not None else None
        if oldest is not None and timezone.is_naive(oldest):
            oldest = timezone.make_aware(oldest, dt.UTC)
        return {
            "backend": "rq",
            "depth": queue.count,
            "running": queue.started_job_registry.count,
            "oldest_age_seconds": (now - oldest).total_seconds() if oldest else None,
            "failed_last_day": queue.failed_job_registry.count,
        }
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    ready = DBTaskResult.objects.filter(status=TaskResultStatus.READY, run_after__lte=now)
    oldest = ready.aggregate(oldest=Min("enqueued_at"))["oldest"]
    return {
        "backend": "db",
        "depth": ready.count(),
        "running": DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).count(),
        "oldest_age_seconds": (now - oldest).total_seconds() if oldest else None,
        "failed_last_day": DBTaskResult.objects.filter(
            status=TaskResultStatus.FAILED, finished_at__gte=now - dt.timedelta(days=1)
        ).count(),
    }


def _periodic() -> dict[str, dict[str, Any]]:
    from omni_privacy.core.models import PeriodicJobRun
    from omni_privacy.core.periodic import registered

    now = timezone.now()
    runs = {run.name: run for run in PeriodicJobRun.objects.all()}
    jobs = {}
    for job in registered():
        run = runs.get(job.name)
        last = run.last_enqueued_at if run else None
        jobs[job.name] = {
            "interval_seconds": job.interval.total_seconds(),
            "last_run": last.isoformat() if last else None,
            "late": last is None or now - last > LATE_AFTER_INTERVALS * job.interval,
        }
    return jobs


def _outbox_failed() -> int:
    # The console dashboard raises the same alarm from the same selector.
    from omni_privacy.outbox.selectors import undelivered_count

    return undelivered_count()


def health() -> tuple[bool, dict[str, Any]]:
    """(database answers, the report)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        queue = _queue()
        periodic = _periodic()
        outbox_failed = _outbox_failed()
    except Exception as error:  # any failure to read is "not healthy"
        # The class only (a database message may quote a value): the database or, with
        # OMNI_TASKS=rq, Redis did not answer.
        return False, {"status": "fail", "error": type(error).__name__}
    alarms = [f"periodic_late:{name}" for name, job in periodic.items() if job["late"]]
    if (queue["oldest_age_seconds"] or 0) > QUEUE_ALARM_SECONDS:
        alarms.append("queue_waiting")
    if queue["failed_last_day"]:
        alarms.append("tasks_failed")
    if outbox_failed:
        alarms.append("outbox_failed")
    report = {
        "status": "ok" if not alarms else "warn",
        "database": "ok",
        "queue": queue,
        "periodic": periodic,
        "alarms": alarms,
    }
    return True, report


def _allowed(request: HttpRequest) -> bool:
    token = settings.OMNI_METRICS_TOKEN
    if not token:
        return True
    given = request.headers.get("Authorization", "").removeprefix("Bearer ")
    return hmac.compare_digest(given.encode(), token.encode())


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    if not _allowed(request):
        return HttpResponse(status=401)
    ok, report = health()
    return JsonResponse(report, status=200 if ok else 503)


class _DatabaseCollector:
    """Gauges computed from the database at each scrape."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from omni_privacy.dsr.models import RightsRequest
        from omni_privacy.intake.models import SyncRun
        from omni_privacy.outbox.models import OutboxMessage
        from omni_privacy.retention.models import RetentionRun

        ok, report = health()
        up = GaugeMetricFamily("omni_up", "1 when the database answers")
        up.add_metric([], 1 if ok else 0)
        yield up
        if not ok:
            return
        queue = report["queue"]
        for name, key, text in [
            ("omni_queue_depth", "depth", "tasks waiting to run"),
            ("omni_queue_running", "running", "tasks running"),
            (
                "omni_queue_oldest_age_seconds",
                "oldest_age_seconds",
                "age of the oldest waiting task",
            ),
            ("omni_tasks_failed_last_day", "failed_last_day", "tasks failed (last day; RQ: kept)"),
        ]:
            gauge = GaugeMetricFamily(name, text)
            gauge.add_metric([], float(queue[key] or 0))
            yield gauge
        last = GaugeMetricFamily(
            "omni_periodic_last_run_timestamp_seconds",
            "when each periodic job last started",
            labels=["job"],
        )
        for job, facts in report["periodic"].items():
            when = facts["last_run"]
            last.add_metric([job], dt.datetime.fromisoformat(when).timestamp() if when else 0)
        yield last
        alarms = GaugeMetricFamily("omni_alarms", "alarms raised by /healthz")
        alarms.add_metric([], len(report["alarms"]))
        yield alarms
        for name, text, model, field in [
            ("omni_retention_runs", "retention runs by status", RetentionRun, None),
            ("omni_sync_runs", "instance syncs by status", SyncRun, None),
            ("omni_rights_requests", "rights requests by state", RightsRequest, "state"),
            ("omni_outbox_messages", "outbox messages by status", OutboxMessage, None),
        ]:
            column = field or "status"
            gauge = GaugeMetricFamily(name, text, labels=[column])
            rows = model._default_manager.values(column).annotate(n=Count("id"))
            for row in rows.order_by(column):
                gauge.add_metric([row[column]], row["n"])
            yield gauge
        sweep = (
            RetentionRun.objects.filter(finished_at__isnull=False)
            .order_by("-finished_at")
            .values_list("finished_at", "processed")
            .first()
        )
        finished = GaugeMetricFamily(
            "omni_retention_last_finished_timestamp_seconds", "when the last sweep finished"
        )
        finished.add_metric([], sweep[0].timestamp() if sweep and sweep[0] else 0)
        yield finished


@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    if not _allowed(request):
        return HttpResponse(status=401)
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_DatabaseCollector())
    try:
        body = generate_latest(registry)
    except DatabaseError:
        return HttpResponse(b"omni_up 0\n", status=503, content_type=CONTENT_TYPE_LATEST)
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
