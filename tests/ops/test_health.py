"""/healthz and /metrics (issue 18, point 6), and JSON logs without personal data."""

import datetime as dt
import json
import logging
import sys

import pytest
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from omni_privacy.core.jsonlog import JsonFormatter
from omni_privacy.core.periodic import claim_and_enqueue

pytestmark = pytest.mark.django_db

DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def _waiting_task(minutes_ago: float) -> None:
    task = DBTaskResult.objects.create(
        status=TaskResultStatus.READY,
        args_kwargs={"args": [], "kwargs": {}},
        task_path="omni_privacy.audit.tasks.task_audit_verify",
        backend_name="default",
        run_after=timezone.now() - dt.timedelta(minutes=minutes_ago),
    )
    DBTaskResult.objects.filter(pk=task.pk).update(
        enqueued_at=timezone.now() - dt.timedelta(minutes=minutes_ago)
    )


def test_healthz_reports_the_queue_the_periodic_jobs_and_alarms(client, settings):
    answer = client.get("/healthz")
    assert answer.status_code == 200
    report = answer.json()
    assert report["database"] == "ok"
    assert report["queue"]["depth"] == 0
    assert report["queue"]["oldest_age_seconds"] is None
    assert "periodic_late:audit_verify_daily" in report["alarms"]  # never ran yet

    settings.TASKS = DUMMY
    claim_and_enqueue(now=timezone.now())
    _waiting_task(minutes_ago=20)
    report = client.get("/healthz").json()
    assert report["queue"]["depth"] == 1
    assert 1190 < report["queue"]["oldest_age_seconds"] < 1300
    assert report["periodic"]["audit_verify_daily"]["late"] is False
    assert report["periodic"]["audit_verify_daily"]["last_run"] is not None
    assert report["alarms"] == ["queue_waiting"]
    assert report["status"] == "warn"


def test_metrics_are_prometheus_text_and_may_ask_for_a_token(client, settings):
    _waiting_task(minutes_ago=1)
    answer = client.get("/metrics")
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/plain")
    text = answer.content.decode()
    assert "omni_up 1.0" in text
    assert "omni_queue_depth 1.0" in text
    for family in (
        "omni_periodic_last_run_timestamp_seconds",
        "omni_retention_runs",
        "omni_sync_runs",
        "omni_rights_requests",
        "omni_outbox_messages",
    ):
        assert f"# TYPE {family} gauge" in text

    settings.OMNI_METRICS_TOKEN = "scrape-secret"
    assert client.get("/metrics").status_code == 401
    assert client.get("/healthz").status_code == 401
    authorised = {"HTTP_AUTHORIZATION": "Bearer scrape-secret"}
    assert client.get("/metrics", **authorised).status_code == 200


def test_json_logs_leave_out_the_exception_text():
    try:
        raise ValueError("duplicate key person@example.com")
    except ValueError:
        record = logging.LogRecord(
            "omni", logging.ERROR, __file__, 1, "sync of %s failed", ("i-42",), sys.exc_info()
        )
    line = JsonFormatter().format(record)
    entry = json.loads(line)
    assert entry["message"] == "sync of i-42 failed"
    assert entry["level"] == "ERROR"
    assert entry["exception"] == "ValueError"
    assert entry["stack"]
    assert "example.com" not in line


def test_healthz_is_503_when_the_database_or_the_queue_does_not_answer(client, monkeypatch):
    from django.db import OperationalError

    from omni_privacy.ops import health

    def unreachable() -> None:
        raise OperationalError("could not connect to server at db.internal")

    monkeypatch.setattr(health, "_queue", unreachable)
    answer = client.get("/healthz")
    assert answer.status_code == 503
    assert answer.json() == {"status": "fail", "error": "OperationalError"}
    assert "omni_up 0.0" in client.get("/metrics").content.decode()
