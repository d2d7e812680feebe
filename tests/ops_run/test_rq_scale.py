"""OMNI_TASKS=rq (issue 18, point 1): tasks on a real Redis, several processes scheduling and
working at once, each periodic job exactly once per slot.

Redis is the one at 127.0.0.1:6379, database REDIS_DB (OMNI_TEST_REDIS_DB), which must be
empty at the start and is emptied afterwards."""

from __future__ import annotations

import collections
import os
import signal
import subprocess
import time
from collections.abc import Iterator

import pytest
import redis

from tests.ops_run.conftest import Site, cli_command

REDIS_DB = int(os.environ.get("OMNI_TEST_REDIS_DB", "14"))
REDIS_URL = f"redis://127.0.0.1:6379/{REDIS_DB}"

# Three schedulers walk the same simulated day (a tick every 3 minutes), starting together.
SIMULATE_DAY = """
import datetime as dt, os, time
from omni_privacy.core.periodic import claim_and_enqueue
start = dt.datetime(2026, 11, 25, tzinfo=dt.UTC)  # slots are aligned on UTC days
while time.time() < float(os.environ["GO_AT"]):
    time.sleep(0.01)
for tick in range(24 * 20):
    claim_and_enqueue(now=start + dt.timedelta(minutes=3 * tick, seconds=tick % 7))
"""

# Slots of a day with a tick every 3 minutes, per task the job enqueues.
EXPECTED_PER_DAY = {
    "omni_privacy.outbox.tasks.task_outbox_deliver": 480,  # 1 minute: one slot per tick
    "omni_privacy.mailings.tasks.task_campaigns_close": 288,  # 5 minutes
    "omni_privacy.stores.tasks.task_store_erasures": 288,  # 5 minutes
    "omni_privacy.drp.tasks.task_drp_callbacks": 288,  # 5 minutes
    "omni_privacy.intake.tasks.task_sync_due": 24,  # 1 hour
    "omni_privacy.audit.tasks.task_audit_verify": 1,
    "omni_privacy.retention.tasks.task_retention_run": 1,
    "omni_privacy.dsr.tasks.task_dsr_daily": 1,
    "omni_privacy.registers.tasks.task_incident_reminders": 24,  # 1 hour
    "omni_privacy.conformance.tasks.task_conformance_daily": 1,
}


@pytest.fixture
def queue() -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(REDIS_URL)
    assert client.dbsize() == 0, f"Redis database {REDIS_DB} is not empty: set OMNI_TEST_REDIS_DB"
    try:
        yield client
    finally:
        client.flushdb()
        client.close()


def _rq_env(site: Site) -> dict[str, str]:
    return site.env() | {"OMNI_TASKS": "rq", "OMNI_REDIS_URL": REDIS_URL}


def _queued_tasks(client: redis.Redis) -> collections.Counter[str]:
    counts: collections.Counter[str] = collections.Counter()
    for job_id in client.lrange("rq:queue:default", 0, -1):
        description = client.hget(b"rq:job:" + job_id, "description") or b""
        counts[description.decode().split("(")[0]] += 1
    return counts


def test_three_schedulers_over_a_day_enqueue_each_job_once_per_slot(
    sqlite_site: Site, queue: redis.Redis
) -> None:
    _three_schedulers_over_a_day(sqlite_site, queue)


@pytest.mark.postgres_only
@pytest.mark.parametrize("postgres_site", ["rq_day"], indirect=True)
def test_three_schedulers_over_a_day_on_postgresql(postgres_site: Site, queue: redis.Redis) -> None:
    _three_schedulers_over_a_day(postgres_site, queue)


def _three_schedulers_over_a_day(site: Site, queue: redis.Redis) -> None:
    site.migrate()
    env = _rq_env(site) | {"GO_AT": str(time.time() + 4)}
    processes = [
        subprocess.Popen(
            [*cli_command(), "shell", "-c", SIMULATE_DAY],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(3)
    ]
    for process in processes:
        _out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err.decode()
    assert dict(_queued_tasks(queue)) == EXPECTED_PER_DAY
    claims = site.query("SELECT name, count(*) FROM core_periodicclaim GROUP BY name ORDER BY name")
    kept = 11  # core.periodic keeps a job's claims of its last CLAIMS_KEPT intervals
    assert dict(claims) == {
        "audit_verify_daily": 1,
        "conformance_daily": 1,
        "drp_callbacks": kept,
        "dsr_daily": 1,
        "incident_reminders_hourly": kept,
        "mailings_close": kept,
        "outbox_deliver": 4,  # its last 10 minutes hold 4 ticks
        "reap_lost_tasks": kept,
        "retention_sweep_daily": 1,
        "store_erasures": kept,
        "sync_monthly": kept,
    }


def _stop(process: subprocess.Popen[bytes]) -> int:
    process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        raise


def test_three_rq_workers_run_each_periodic_job_once(sqlite_site: Site, queue: redis.Redis) -> None:
    _three_rq_workers(sqlite_site, queue)


@pytest.mark.postgres_only
@pytest.mark.parametrize("postgres_site", ["rq_workers"], indirect=True)
def test_three_rq_workers_run_each_periodic_job_once_on_postgresql(
    postgres_site: Site, queue: redis.Redis
) -> None:
    _three_rq_workers(postgres_site, queue)


def _three_rq_workers(site: Site, queue: redis.Redis) -> None:
    site.migrate()
    env = _rq_env(site)
    logs = [site.directory / f"worker-{n}.log" for n in range(3)]
    workers = []
    for log_path in logs:
        with log_path.open("wb") as log:
            workers.append(
                subprocess.Popen(
                    [*cli_command(), "worker", "--schedule-every", "1"],
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
    try:
        deadline = time.monotonic() + 60
        finished = 0
        while time.monotonic() < deadline:
            for worker in workers:
                assert worker.poll() is None, "\n".join(log.read_text() for log in logs)
            claimed = site.scalar(
                "SELECT count(*) FROM core_periodicclaim WHERE name <> 'reap_lost_tasks'"
            )
            finished = queue.zcard("rq:finished:default")
            if claimed >= len(EXPECTED_PER_DAY) and finished == claimed:
                break
            time.sleep(0.5)
        time.sleep(3)  # a few more scheduler rounds on every worker: nothing more may start
    finally:
        codes = [_stop(worker) for worker in workers]
    text = "\n".join(log.read_text() for log in logs)
    assert codes == [0, 0, 0], text
    claims = site.query(
        "SELECT name, slot FROM core_periodicclaim WHERE name <> %s", ("reap_lost_tasks",)
    )
    assert len(claims) == len(set(claims))
    assert queue.zcard("rq:finished:default") == len(claims), text
    assert queue.zcard("rq:failed:default") == 0, text
    assert queue.llen("rq:queue:default") == 0
    # Each task ran as often as its job was claimed (one slot each, two if a minute or five
    # turned during the test), whatever the worker.
    ran = collections.Counter(
        line.split("path=")[1].split()[0]
        for line in text.splitlines()
        if "state=SUCCESSFUL" in line
    )
    by_job = collections.Counter(name for name, _slot in claims)
    assert ran["omni_privacy.audit.tasks.task_audit_verify"] == by_job["audit_verify_daily"] == 1
    assert ran["omni_privacy.retention.tasks.task_retention_run"] == 1
    assert ran["omni_privacy.outbox.tasks.task_outbox_deliver"] == by_job["outbox_deliver"]
    assert sum(ran.values()) == len(claims)
