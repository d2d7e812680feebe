"""The real processes: `omni-privacy serve` and `omni-privacy worker` as subprocesses on a
migrated SQLite file in a temporary directory (whatever database the rest of the suite uses)."""

import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

STARTUP_SECONDS = 30
STOP_SECONDS = 30


def _cli() -> list[str]:
    script = Path(sys.executable).with_name("omni-privacy")
    return [str(script)] if script.exists() else [sys.executable, "-m", "omni_privacy"]


def _env(directory: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("OMNI_TASK_BACKEND", None)
    env["OMNI_DATABASE_URL"] = f"sqlite:///{directory / 'db.sqlite3'}"
    env["OMNI_VAR_DIR"] = str(directory / "var")
    env["OMNI_SECRET_KEY"] = "test-only-secret-key-for-subprocesses"
    return env


@pytest.fixture(scope="module")
def migrated_template(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("template")
    subprocess.run(
        [*_cli(), "migrate", "--no-input", "-v", "0"],
        env=_env(directory),
        check=True,
        timeout=120,
    )
    return directory / "db.sqlite3"


@pytest.fixture
def site(tmp_path, migrated_template) -> Path:
    shutil.copy(migrated_template, tmp_path / "db.sqlite3")
    return tmp_path


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _stop(process: subprocess.Popen) -> int:
    process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=STOP_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        raise


def test_serve_answers_http_on_loopback_and_stops_on_sigterm(site):
    port = _free_port()
    with (site / "serve.log").open("wb") as log:
        process = subprocess.Popen(
            [*_cli(), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"],
            env=_env(site),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            status = None
            deadline = time.monotonic() + STARTUP_SECONDS
            while status is None and time.monotonic() < deadline:
                assert process.poll() is None, (site / "serve.log").read_text()
                try:
                    with urllib.request.urlopen(
                        f"http://127.0.0.1:{port}/console/login/", timeout=5
                    ) as response:
                        status = response.status
                        body = response.read()
                except OSError:
                    time.sleep(0.2)
        finally:
            code = _stop(process)
    assert status == 200
    assert b"<form" in body
    assert code == 0
    assert (site / "var" / "static").is_dir()


def test_worker_claims_the_periodic_job_and_stops_cleanly_on_sigterm(site):
    database = site / "db.sqlite3"
    with (site / "worker.log").open("wb") as log:
        process = subprocess.Popen(
            [*_cli(), "worker"], env=_env(site), stdout=log, stderr=subprocess.STDOUT
        )
        try:
            claimed = None
            deadline = time.monotonic() + STARTUP_SECONDS
            while claimed is None and time.monotonic() < deadline:
                assert process.poll() is None, (site / "worker.log").read_text()
                time.sleep(0.5)
                with sqlite3.connect(database, timeout=10) as db:
                    row = db.execute(
                        "SELECT last_slot FROM core_periodicjobrun WHERE name = ?",
                        ("audit_verify_daily",),
                    ).fetchone()
                db.close()
                claimed = row[0] if row else None
            time.sleep(1.5)  # let the worker pick the task up
        finally:
            code = _stop(process)
    assert claimed is not None
    assert code == 0
    with sqlite3.connect(database) as db:
        statuses = db.execute(
            "SELECT status FROM django_tasks_database_dbtaskresult WHERE task_path = ?",
            ("omni_privacy.audit.tasks.task_audit_verify",),
        ).fetchall()
    db.close()
    assert statuses == [("SUCCESSFUL",)]
    assert "audit chain verified: 0 events" in (site / "worker.log").read_text()
