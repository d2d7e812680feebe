"""The embedded default survives long work (issue 18, point 3): a request behind a long write
answers 503 in its language rather than 500, the worker outlives database errors, and
`omni-privacy run` restarts a child that dies."""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import OperationalError

from omni_privacy.ops.management.commands import worker as worker_command
from tests.ops_run.conftest import Site, cli_command

STARTUP_SECONDS = 30


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str, language: str = "fr", data: bytes | None = None) -> tuple[int, bytes]:
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    request = urllib.request.Request(  # noqa: S310 - loopback
        url, data=data, headers={"Accept-Language": language}
    )
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()
        try:
            if _get(url)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError(log.read_text())


def _stop(process: subprocess.Popen[bytes]) -> int:
    process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=40)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        raise


PASSWORD = "correct horse battery staple 18"


def _sign_in(url: str) -> bytes:
    status, page = _get(url)
    assert status == 200
    token = re.search(rb'name="login_token" value="([^"]+)"', page)
    assert token is not None
    return urllib.parse.urlencode(
        {"login_token": token.group(1).decode(), "username": "officer", "password": PASSWORD}
    ).encode()


HOLD_WRITE = """
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN IMMEDIATE")
db.execute("INSERT INTO core_throttlehit (bucket, at) VALUES ('long-write', '2026-01-01')")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
db.execute("ROLLBACK")
"""


def test_the_console_behind_a_long_write_answers_503_in_its_language_never_500(
    sqlite_site: Site,
) -> None:
    sqlite_site.migrate()
    made = sqlite_site.cli(
        "createstaff", "--username", "officer", "--team", "privacy_office", "--password", PASSWORD
    )
    assert made.returncode == 0, made.stderr
    port = _free_port()
    url = f"http://127.0.0.1:{port}/console/login/"
    log_path = sqlite_site.directory / "serve.log"
    env = sqlite_site.env() | {"OMNI_WEB_DB_BUSY_SECONDS": "1"}
    with log_path.open("wb") as log:
        serve = subprocess.Popen(
            [*cli_command(), "serve", "--port", str(port), "--workers", "1"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_until_up(url, serve, log_path)
            database = str(sqlite_site.directory / "db.sqlite3")
            holder = subprocess.Popen(
                [sys.executable, "-c", HOLD_WRITE, database, "8"], stdout=subprocess.PIPE
            )
            assert holder.stdout is not None
            assert holder.stdout.readline().strip() == b"locked"
            started = time.monotonic()
            # Signing in writes (the session, last_login): behind the held lock.
            french = _get(url, "fr", _sign_in(url))
            english = _get(url, "en", _sign_in(url))
            elapsed = time.monotonic() - started
            holder.wait(timeout=30)
            holder.stdout.close()
            after = _get(url, "en")
        finally:
            assert _stop(serve) == 0
    assert (french[0], english[0]) == (503, 503), (french, english)
    assert b"Temporairement indisponible" in french[1]
    assert b"Temporarily unavailable" in english[1]
    assert elapsed < 6
    assert after[0] == 200


def test_the_worker_outlives_database_errors_with_backoff(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[str] = []
    pauses: list[float] = []

    def fake_call_command(name: str, **options: object) -> None:
        calls.append(name)
        if len(calls) <= 3:
            raise OperationalError("database is locked")

    monkeypatch.setattr(worker_command, "call_command", fake_call_command)
    monkeypatch.setattr(worker_command, "run_scheduler", lambda stop, **_: stop.wait(0))
    monkeypatch.setattr(worker_command.time, "sleep", pauses.append)
    monkeypatch.setattr(worker_command.Command, "_reap_at_start", lambda *_: None)
    monkeypatch.setattr(worker_command.Command, "_forget", lambda *_: None)
    call_command("worker")
    assert calls == ["db_worker"] * 4
    assert pauses == [1.0, 2.0, 4.0]


def test_run_restarts_a_worker_that_was_killed(sqlite_site: Site) -> None:
    sqlite_site.migrate()
    port = _free_port()
    log_path = sqlite_site.directory / "run.log"
    with log_path.open("wb") as log:
        run = subprocess.Popen(
            [*cli_command(), "run", "--port", str(port), "--workers", "1"],
            env=sqlite_site.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_until_up(f"http://127.0.0.1:{port}/console/login/", run, log_path)
            first = re.findall(r"worker started \(pid (\d+)\)", log_path.read_text())
            assert len(first) == 1, log_path.read_text()
            os.kill(int(first[0]), signal.SIGKILL)
            deadline = time.monotonic() + STARTUP_SECONDS
            pids = first
            while len(pids) < 2 and time.monotonic() < deadline:
                assert run.poll() is None, log_path.read_text()
                time.sleep(0.2)
                pids = re.findall(r"worker started \(pid (\d+)\)", log_path.read_text())
            assert len(pids) == 2, log_path.read_text()
            assert run.poll() is None
            assert _get(f"http://127.0.0.1:{port}/console/login/")[0] == 200
            time.sleep(2)
            os.kill(int(pids[1]), 0)  # the new worker is alive
        finally:
            code = _stop(run)
    text = log_path.read_text()
    assert re.search(r"worker \(pid \d+\) exited with status -9; restarting it \(1 of 5", text)
    assert code == 0


def _wait_for(condition, what: str, log: Path, seconds: float = STARTUP_SECONDS) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.3)
    raise AssertionError(f"{what}\n{log.read_text()}")


def test_a_task_whose_worker_was_killed_is_reaped_not_run_twice(sqlite_site: Site) -> None:
    sqlite_site.migrate()
    env = sqlite_site.env() | {
        "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
        "OMNI_WORKER_LOST_SECONDS": "2",
    }
    enqueued = subprocess.run(
        [
            *cli_command(),
            "shell",
            "-c",
            "from tests.ops_run.slow_tasks import hold_a_minute; hold_a_minute.enqueue()",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert enqueued.returncode == 0, enqueued.stderr
    task_status = "SELECT status FROM django_tasks_database_dbtaskresult WHERE task_path LIKE %s"
    slow = ("%hold_a_minute",)
    started = "SELECT count(*) FROM core_throttlehit WHERE bucket = 'slow-task-started'"
    log_path = sqlite_site.directory / "worker.log"
    with log_path.open("wb") as log:
        first = subprocess.Popen(
            [*cli_command(), "worker"], env=env, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            _wait_for(lambda: sqlite_site.scalar(started) == 1, "task never started", log_path)
            assert sqlite_site.scalar(task_status, slow) == "RUNNING"
        finally:
            first.kill()
            first.wait()
        time.sleep(3)  # its beat goes quiet past OMNI_WORKER_LOST_SECONDS
        second = subprocess.Popen(
            [*cli_command(), "worker"], env=env, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            _wait_for(
                lambda: sqlite_site.scalar(task_status, slow) == "FAILED", "not reaped", log_path
            )
            time.sleep(1.5)
            assert second.poll() is None
        finally:
            assert _stop(second) == 0
    assert sqlite_site.scalar(started) == 1  # reaped, not run a second time
    assert "reaped 1 task(s) left running by a worker that died" in log_path.read_text()
    assert sqlite_site.scalar("SELECT count(*) FROM core_workerbeat") == 1  # the dead one's
