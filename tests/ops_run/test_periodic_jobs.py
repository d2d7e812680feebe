import datetime as dt
import logging

import pytest
from django_tasks import task_backends

from omni_privacy.audit.tasks import task_audit_verify
from omni_privacy.core.models import PeriodicJobRun
from omni_privacy.core.periodic import claim_and_enqueue, registered

DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
NOW = dt.datetime(2026, 11, 25, 14, 30, tzinfo=dt.UTC)


def test_the_audit_check_is_registered_daily():
    jobs = {job.name: job for job in registered()}
    assert jobs["audit_verify_daily"].interval == dt.timedelta(days=1)


@pytest.mark.django_db
def test_a_slot_is_enqueued_once_even_when_claimed_twice(settings):
    settings.TASKS = DUMMY
    every_job = [job.name for job in registered()]

    assert claim_and_enqueue(now=NOW) == every_job
    # The same slots again: nothing. 29 minutes later only the jobs of minutes; two hours later
    # the hourly job too.
    assert claim_and_enqueue(now=NOW + dt.timedelta(seconds=30)) == []
    assert claim_and_enqueue(now=NOW + dt.timedelta(minutes=29)) == [
        "drp_callbacks",
        "mailings_close",
        "outbox_deliver",
        "reap_lost_tasks",
        "store_erasures",
    ]
    assert claim_and_enqueue(now=NOW + dt.timedelta(hours=2)) == [
        "drp_callbacks",
        "incident_reminders_hourly",
        "mailings_close",
        "outbox_deliver",
        "reap_lost_tasks",
        "store_erasures",
        "sync_monthly",
    ]

    results = task_backends["default"].results
    audit_runs = [r for r in results if r.task.func == task_audit_verify.func]
    assert len(audit_runs) == 1
    run = PeriodicJobRun.objects.get(name="audit_verify_daily")
    assert run.last_slot == dt.datetime(2026, 11, 25, tzinfo=dt.UTC)
    assert run.last_enqueued_at == NOW

    assert "audit_verify_daily" in claim_and_enqueue(now=NOW + dt.timedelta(days=1))
    audit_runs = [r for r in results if r.task.func == task_audit_verify.func]
    assert len(audit_runs) == 2


@pytest.mark.django_db
def test_an_enqueued_audit_check_runs_on_the_immediate_backend(settings, caplog):
    settings.TASKS = IMMEDIATE
    with caplog.at_level(logging.INFO, logger="omni_privacy.audit.tasks"):
        assert "audit_verify_daily" in claim_and_enqueue(now=NOW)
    assert [
        (r.levelname, r.getMessage())
        for r in caplog.records
        if r.name == "omni_privacy.audit.tasks"
    ] == [("INFO", "audit chain verified: 0 events")]


@pytest.mark.django_db
def test_a_slot_missed_while_every_worker_was_down_runs_once_when_one_comes_back(settings):
    from omni_privacy.core.models import PeriodicClaim

    settings.TASKS = DUMMY
    claim_and_enqueue(now=NOW)
    # Every worker down for three hours and a half: the first one back starts each job once,
    # for its current slot (not once per missed slot).
    back = NOW + dt.timedelta(hours=3, minutes=30)
    assert "sync_monthly" in claim_and_enqueue(now=back)
    slots = list(PeriodicClaim.objects.filter(name="sync_monthly").values_list("slot", flat=True))
    assert slots == [dt.datetime(2026, 11, 25, 14, tzinfo=dt.UTC), back.replace(minute=0)]
    # A machine whose clock is behind cannot start a slot older than the last one.
    assert "sync_monthly" not in claim_and_enqueue(now=NOW + dt.timedelta(hours=1))
