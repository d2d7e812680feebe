"""How long a process waits for a busy SQLite database before giving up.

The settings give every process OMNI_DB_BUSY_SECONDS (the CLI and the worker may wait long for
another writer). `omni-privacy serve` shortens it to OMNI_WEB_DB_BUSY_SECONDS for the web
workers it forks, so that a request behind a long import answers 503 within seconds instead
of holding a gunicorn worker for the whole timeout (core/views.py turns the error into the 503).
"""

from __future__ import annotations

from typing import Any

_busy_seconds: list[float] = []


def use_busy_timeout(seconds: float) -> None:
    """Apply ``seconds`` to every SQLite connection this process opens from now on."""
    _busy_seconds[:] = [seconds]


def on_connection_created(sender: Any, connection: Any, **kwargs: Any) -> None:  # noqa: ARG001
    if _busy_seconds and connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA busy_timeout = {int(_busy_seconds[0] * 1000)}")
