"""A few slow clients cannot stall `omni-privacy serve` (issue 15 §7): three connections that
send half a request and then nothing hold three threads of one gthread worker; a fourth
visitor is still answered at once. (With the sync worker they used to hold the only process.)"""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.request

from tests.ops_run.test_processes import (  # noqa: F401 (fixtures)
    STARTUP_SECONDS,
    _cli,
    _env,
    _free_port,
    _stop,
    migrated_template,
    site,
)


def _up(port: int, process: subprocess.Popen, log) -> None:
    deadline = time.monotonic() + 3 * STARTUP_SECONDS  # collectstatic on a loaded machine
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/console/login/", timeout=5):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(log.read_text())


def test_three_slow_clients_do_not_stall_one_worker(site):  # noqa: F811 (the fixture)
    port = _free_port()
    log_path = site / "serve.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [*_cli(), "serve", "--port", str(port), "--workers", "1", "--threads", "4"],
            env=_env(site),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        slow: list[socket.socket] = []
        try:
            _up(port, process, log_path)
            for _client in range(3):
                connection = socket.create_connection(("127.0.0.1", port))
                connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
                slow.append(connection)
            time.sleep(1)  # the worker has read their first bytes and waits for the rest
            started = time.monotonic()
            with urllib.request.urlopen(
                f"http://127.0.0.1:{port}/console/login/", timeout=10
            ) as answer:
                status = answer.status
            elapsed = time.monotonic() - started
        finally:
            for connection in slow:
                connection.close()
            _stop(process)
    assert status == 200
    assert elapsed < 2
