"""Restart survival of the outbox: `omni-privacy outbox deliver` is SIGKILLed while the SMTP
server holds the third of six messages; a new process reclaims the one left in "sending" once
its lease has run out and finishes the queue. Every message reaches the server exactly once.
On a SQLite file and on a scratch PostgreSQL database, each migrated by the real script."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from typing import Any

import pytest

from tests.factories import ASSESS_RELAY
from tests.ops_run.conftest import Site, cli_command
from tests.smtp import Handler, SmtpServer

SUBJECTS = [f"Message {index}" for index in range(6)]
ENQUEUE = (
    ASSESS_RELAY
    + """
from django.db import transaction
from omni_privacy.outbox.services import outbox_enqueue
with transaction.atomic():
    for index in range(6):
        outbox_enqueue(to=f"person{index}@example.com", subject=f"Message {index}",
                       body_text="Bonjour", language="fr", kind="test")
"""
)
LEASE_SECONDS = 2
FINAL_ROWS = (
    "SELECT subject, status, attempts, recipient_sealed FROM outbox_outboxmessage ORDER BY id"
)


class HoldingHandler(Handler):
    """Holds the third DATA until released, then drops it (its client is dead by then)."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0
        self.third = threading.Event()
        self.release = threading.Event()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        import asyncio

        self.count += 1
        if self.count == 3:
            self.third.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            return "421 closing"
        return await super().handle_DATA(server, session, envelope)


def _env(site: Site, server: SmtpServer) -> dict[str, str]:
    env = site.env()
    env.pop("OMNI_TASK_BACKEND", None)
    env.update(
        OMNI_SMTP_HOST="127.0.0.1",
        OMNI_SMTP_PORT=str(server.port),
        OMNI_SMTP_TLS="none",
        OMNI_SMTP_RATE="0",
        OMNI_OUTBOX_LEASE_SECONDS=str(LEASE_SECONDS),
    )
    return env


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*cli_command(), *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def _kill_then_finish(site: Site) -> None:
    server = SmtpServer()
    handler = HoldingHandler()
    server.handler = handler
    server.start()
    try:
        site.migrate()
        env = _env(site, server)
        done = _run(env, "shell", "--no-imports", "-c", ENQUEUE)
        assert (done.returncode, done.stderr) == (0, ""), done.stderr
        with (site.directory / "killed.log").open("wb") as log:
            process = subprocess.Popen(
                [*cli_command(), "outbox", "deliver"], env=env, stdout=log, stderr=log
            )
            try:
                assert handler.third.wait(timeout=60), (site.directory / "killed.log").read_text()
                os.kill(process.pid, signal.SIGKILL)
            finally:
                if process.poll() is None:
                    process.kill()
                process.wait(timeout=30)
        assert process.returncode == -signal.SIGKILL
        handler.release.set()
        rows = site.query("SELECT subject, status, attempts FROM outbox_outboxmessage ORDER BY id")
        assert [tuple(row) for row in rows] == [
            ("Message 0", "sent", 1),
            ("Message 1", "sent", 1),
            ("Message 2", "sending", 1),
            ("Message 3", "queued", 0),
            ("Message 4", "queued", 0),
            ("Message 5", "queued", 0),
        ]
        time.sleep(LEASE_SECONDS + 0.5)
        done = _run(env, "outbox", "deliver")
        assert done.returncode == 0, done.stderr
        rows = site.query(FINAL_ROWS)
        assert [tuple(row) for row in rows] == [
            (subject, "sent", 2 if subject == "Message 2" else 1, "") for subject in SUBJECTS
        ]
        assert sorted((r.recipients, r.subject) for r in server.received) == [
            ((f"person{index}@example.com",), f"Message {index}") for index in range(6)
        ]
    finally:
        handler.release.set()
        server.stop()


def test_outbox_survives_a_killed_worker_on_sqlite(sqlite_site: Site) -> None:
    _kill_then_finish(sqlite_site)


@pytest.mark.postgres_only
def test_outbox_survives_a_killed_worker_on_postgresql(postgres_site: Site) -> None:
    _kill_then_finish(postgres_site)
