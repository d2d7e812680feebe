"""The daily sweep (issue 3 item 1) is the periodic job `retention_sweep_daily`: registered,
enqueued once per daily slot for that slot's day, and run by the real `omni-privacy worker`
(the process `make run` starts) on a SQLite file."""

from __future__ import annotations

import datetime as dt
import json
import signal
import subprocess
import time
from zoneinfo import ZoneInfo

import pytest
from django_tasks import task_backends

from omni_privacy.core.models import PeriodicJobRun
from omni_privacy.core.periodic import claim_and_enqueue, registered
from omni_privacy.policy.domain.facts import Interval
from omni_privacy.registry.domain.gate import HoldingCandidate
from omni_privacy.registry.models import Holding, Person
from omni_privacy.registry.services import OrganizationInput, holding_record, organization_upsert
from omni_privacy.retention.models import AnonymisedFact, RetentionRun
from omni_privacy.retention.tasks import task_retention_run
from tests.ops_run.conftest import Site, as_json, as_uuid, fill_registry

DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
NOW = dt.datetime(2026, 11, 25, 14, 30, tzinfo=dt.UTC)
WAIT_SECONDS = 30
TASK_PATH = "omni_privacy.retention.tasks.task_retention_run"


def test_the_sweep_is_registered_as_a_daily_periodic_job():
    jobs = {job.name: job for job in registered()}
    assert jobs["retention_sweep_daily"].interval == dt.timedelta(days=1)


@pytest.mark.django_db
def test_each_daily_slot_enqueues_one_sweep_for_its_day(settings):
    settings.TASKS = DUMMY
    results = task_backends["default"].results

    assert "retention_sweep_daily" in claim_and_enqueue(now=NOW)
    assert "retention_sweep_daily" not in claim_and_enqueue(now=NOW + dt.timedelta(hours=3))
    assert "retention_sweep_daily" in claim_and_enqueue(now=NOW + dt.timedelta(days=1))

    sweeps = [result.args for result in results if result.task.func == task_retention_run.func]
    assert sweeps == [["2026-11-25"], ["2026-11-26"]]
    assert PeriodicJobRun.objects.get(name="retention_sweep_daily").last_slot == dt.datetime(
        2026, 11, 26, tzinfo=dt.UTC
    )


@pytest.mark.django_db
def test_an_enqueued_sweep_erases_what_is_due(settings, today):
    settings.TASKS = IMMEDIATE
    lapsed = organization_upsert(
        actor="test",
        data=OrganizationInput(
            code="lapsed",
            name="Lapsed Example",
            subscriptions=(Interval(dt.date(2021, 1, 1), dt.date(2025, 6, 30)),),
        ),
        as_of=today,
    )
    due = holding_record(
        actor="test",
        organization=lapsed,
        candidate=HoldingCandidate(
            source="customer_service",
            purpose="service_obligations",
            legal_basis="contract",
            channel="form",
            collected_at=dt.date(2024, 1, 10),
            full_name="Ada Example",
            email="ada@example.com",
        ),
        today=today,
    )
    assert (due.retention_rule, due.due_at) == ("service_not_renewed", dt.date(2025, 7, 1))

    assert "retention_sweep_daily" in claim_and_enqueue(now=NOW)

    assert not Holding.objects.filter(pk=due.pk).exists()
    assert list(AnonymisedFact.objects.values_list("source", "retention_rule")) == [
        ("customer_service", "service_not_renewed")
    ]
    assert Person.objects.count() == 0
    assert list(RetentionRun.objects.values_list("actor", "as_of", "status", "processed")) == [
        ("system", today, "finished", 1)
    ]


def _worker_log(site: Site) -> str:
    return (site.directory / "worker.log").read_text("utf-8")


def test_the_worker_runs_the_daily_sweep(sqlite_site: Site):
    site = sqlite_site
    site.migrate()
    office_day = dt.datetime.now(ZoneInfo("America/Toronto")).date()
    # 8 people, 12 holdings: 10 due (4 deleted, 6 anonymised), 2 kept; 6 people erased.
    assert fill_registry(site, people=8, as_of=office_day.isoformat()) == {
        "people": 8,
        "holdings": 12,
    }
    with (site.directory / "worker.log").open("wb") as log:
        process = site.popen("worker", "--schedule-every", "0.5", "--interval", "0.2", log=log)
        try:
            finished: list[tuple[object, ...]] = []
            deadline = time.monotonic() + WAIT_SECONDS
            while not finished:
                assert time.monotonic() < deadline, _worker_log(site)
                assert process.poll() is None, _worker_log(site)
                time.sleep(0.2)
                finished = site.query(
                    "SELECT args_kwargs, return_value FROM django_tasks_database_dbtaskresult"
                    " WHERE task_path = %s AND status = 'SUCCESSFUL'",
                    (TASK_PATH,),
                )
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                code = process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
                raise
    assert code == 0
    [(args_kwargs, return_value)] = finished
    as_of = as_json(args_kwargs)["args"][0]
    # The slot's day in the office's time zone (the test may straddle midnight).
    assert as_of in {office_day.isoformat(), (office_day + dt.timedelta(days=1)).isoformat()}
    assert as_json(return_value) == {"processed": 10, "people_erased": 6}

    runs = site.query(
        "SELECT public_id, kind, actor, as_of, status, processed, people_erased, receipt_event"
        " FROM retention_retentionrun"
    )
    assert [row[1:7] for row in runs] == [("sweep", "system", as_of, "finished", 10, 6)]
    assert runs[0][7] is not None
    assert site.query(
        "SELECT action, COUNT(*) FROM audit_auditevent WHERE action LIKE 'retention.%%'"
        " GROUP BY action ORDER BY action"
    ) == [
        ("retention.anonymisation_registered", 1),
        ("retention.sweep.chunk", 1),
        ("retention.sweep.receipt", 1),
        ("retention.sweep.started", 1),
    ]
    assert site.query(
        "SELECT state, COUNT(*) FROM registry_holding GROUP BY state ORDER BY state"
    ) == [("active", 2)]
    assert site.scalar("SELECT COUNT(*) FROM retention_anonymisedfact") == 6
    assert site.scalar("SELECT COUNT(*) FROM registry_person") == 2
    assert site.scalar(
        "SELECT last_slot IS NOT NULL FROM core_periodicjobrun WHERE name = %s",
        ("retention_sweep_daily",),
    )
    ledger = [json.loads(line) for line in site.ledger.read_text("utf-8").splitlines()]
    assert len([entry for entry in ledger if "digest" in entry]) == 10
    assert len([entry for entry in ledger if "committed" in entry]) == 1
    logged = f"retention run {as_uuid(runs[0][0])}: 10 holdings processed, 6 people erased"
    assert logged in _worker_log(site)
    assert "Traceback" not in _worker_log(site)
