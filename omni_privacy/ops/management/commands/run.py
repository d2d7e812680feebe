"""`omni-privacy run`: the worker and the web server together (what `make run` starts).

Both run as child processes of this one, which only supervises. A child that dies (a crash, an
out-of-memory kill, a database that stayed unreachable) is started again after a short pause,
with a log line, so that one failing process does not take the whole service down; a child
that keeps dying (more than MAX_RESTARTS times within RESTART_WINDOW_SECONDS) stops everything
with an error instead of looping for ever. On Ctrl-C / SIGTERM every child is stopped with
SIGTERM (each stops gracefully on it) and, if it has not stopped after a grace period, killed.
Two children rather than gunicorn in this process, because gunicorn's master reaps every child
it sees and would hide the worker's exit.

The children get process groups of their own, so that Ctrl-C in the terminal reaches this
supervisor only and each child receives exactly one SIGTERM: a second signal would make the
task worker abandon the task it is finishing.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from collections import deque
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from omni_privacy.outbox.mailbox import mailbox_dir, mailbox_in_use

logger = logging.getLogger(__name__)

GRACE_SECONDS = 30
POLL_SECONDS = 0.2
RESTART_PAUSE_SECONDS = 1.0
MAX_RESTARTS = 5
RESTART_WINDOW_SECONDS = 300.0


def served_url(host: str, port: int) -> str:
    """The address the application really answers at (loopback for a wildcard host)."""
    if host in ("0.0.0.0", "::"):  # noqa: S104 - only describing what was asked
        return f"http://127.0.0.1:{port}"
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


def startup_lines(host: str, port: int) -> list[str]:
    """Where the application really answers and where its mail goes, in words."""
    base = served_url(host, port)
    lines = [
        _(
            "Omni privacy answers at %(url)s/ (privacy centre: %(url)s/fr/ and %(url)s/en/; "
            "console: %(url)s/console/)."
        )
        % {"url": base},
    ]
    if mailbox_in_use():
        lines.append(
            _(
                "Outgoing mail is kept in a development mailbox, not sent: %(folder)s "
                "(one .eml file per message; set OMNI_SMTP_HOST to send)."
            )
            % {"folder": mailbox_dir()}
        )
    else:
        lines.append(
            _("Outgoing mail is sent over SMTP to %(host)s:%(port)s (TLS: %(tls)s).")
            % {
                "host": settings.OMNI_SMTP_HOST,
                "port": settings.OMNI_SMTP_PORT,
                "tls": settings.OMNI_SMTP_TLS,
            }
        )
    return lines


class Command(BaseCommand):
    help = "Run the worker and the web server together; restart either if it dies."
    requires_system_checks = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2, help="web worker processes")
        parser.add_argument(
            "--max-restarts",
            type=int,
            default=MAX_RESTARTS,
            help=f"restarts of one child allowed within {RESTART_WINDOW_SECONDS:.0f} s before "
            "giving up (default: %(default)s)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        stopping = False

        def request_stop(_signum: int, _frame: FrameType | None) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, request_stop)
        signal.signal(signal.SIGINT, request_stop)
        command = [sys.executable, "-m", "omni_privacy"]
        # The links in mails (verification, status, withdrawal) point where this run answers,
        # unless the operator said where the public reaches it (OMNI_PUBLIC_URL).
        os.environ.setdefault("OMNI_PUBLIC_URL", served_url(options["host"], options["port"]))
        for line in startup_lines(options["host"], options["port"]):
            self.stdout.write(line)
        commands = {
            "worker": [*command, "worker"],
            "serve": [
                *command,
                "serve",
                "--host",
                options["host"],
                "--port",
                str(options["port"]),
                "--workers",
                str(options["workers"]),
            ],
        }
        children = {name: self._start(name, argv) for name, argv in commands.items()}
        restarts: dict[str, deque[float]] = {name: deque() for name in commands}
        given_up: tuple[str, int] | None = None
        while not stopping and given_up is None:
            for name, child in list(children.items()):
                code = child.poll()
                if code is None or stopping:
                    continue
                now = time.monotonic()
                recent = restarts[name]
                while recent and now - recent[0] > RESTART_WINDOW_SECONDS:
                    recent.popleft()
                if len(recent) >= options["max_restarts"]:
                    logger.error(
                        "%s exited with status %d; %d restarts within %d s: giving up",
                        name,
                        code,
                        len(recent),
                        RESTART_WINDOW_SECONDS,
                    )
                    given_up = (name, code)
                    break
                recent.append(now)
                logger.warning(
                    "%s (pid %d) exited with status %d; restarting it (%d of %d within %d s)",
                    name,
                    child.pid,
                    code,
                    len(recent),
                    options["max_restarts"],
                    RESTART_WINDOW_SECONDS,
                )
                time.sleep(RESTART_PAUSE_SECONDS)
                if not stopping:
                    children[name] = self._start(name, commands[name])
            else:
                time.sleep(POLL_SECONDS)
        self._stop_all(children)
        if given_up is not None:
            raise CommandError(
                _("%(name)s kept exiting (last status %(code)d); every process was stopped.")
                % {"name": given_up[0], "code": given_up[1]}
            )

    @staticmethod
    def _start(name: str, argv: list[str]) -> subprocess.Popen[bytes]:
        child = subprocess.Popen(argv, process_group=0)  # noqa: S603 - our own CLI
        logger.info("%s started (pid %d)", name, child.pid)
        return child

    @staticmethod
    def _stop_all(children: dict[str, subprocess.Popen[bytes]]) -> None:
        for child in children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + GRACE_SECONDS
        for child in children.values():
            try:
                child.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
