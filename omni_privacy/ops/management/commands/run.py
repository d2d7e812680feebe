"""`omni-privacy run`: the worker and the web server together (what `make run` starts).

Both run as child processes of this one, which only supervises: when either exits, or on
Ctrl-C / SIGTERM, the other is stopped with SIGTERM (each stops gracefully on it) and, if it
has not stopped after a grace period, killed. Two children rather than gunicorn in this
process, because gunicorn's master reaps every child it sees and would hide the worker's exit.

The children get process groups of their own, so that Ctrl-C in the terminal reaches this
supervisor only and each child receives exactly one SIGTERM: a second signal would make the
task worker abandon the task it is finishing.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from omni_privacy.outbox.mailbox import mailbox_dir, mailbox_in_use

GRACE_SECONDS = 30
POLL_SECONDS = 0.2


def startup_lines(host: str, port: int) -> list[str]:
    """Where the application really answers and where its mail goes, in words."""
    shown = f"[{host}]" if ":" in host else host
    base = f"http://{shown}:{port}"
    if host in ("0.0.0.0", "::"):  # noqa: S104 - only describing what was asked
        base = f"http://127.0.0.1:{port}"
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
    help = "Run the worker and the web server together; stop both when one stops."
    requires_system_checks = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2, help="web worker processes")

    def handle(self, *args: Any, **options: Any) -> None:
        stopping = False

        def request_stop(_signum: int, _frame: FrameType | None) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, request_stop)
        signal.signal(signal.SIGINT, request_stop)
        command = [sys.executable, "-m", "omni_privacy"]
        for line in startup_lines(options["host"], options["port"]):
            self.stdout.write(line)
        children = {
            "worker": subprocess.Popen(  # noqa: S603 - our own CLI
                [*command, "worker"], process_group=0
            ),
            "serve": subprocess.Popen(  # noqa: S603 - our own CLI
                [
                    *command,
                    "serve",
                    "--host",
                    options["host"],
                    "--port",
                    str(options["port"]),
                    "--workers",
                    str(options["workers"]),
                ],
                process_group=0,
            ),
        }
        first_exit: tuple[str, int] | None = None
        while not stopping and first_exit is None:
            for name, child in children.items():
                code = child.poll()
                if code is not None:
                    first_exit = (name, code)
                    break
            else:
                time.sleep(POLL_SECONDS)
        self._stop_all(children)
        if first_exit is not None and first_exit[1] != 0:
            raise CommandError(
                _("%(name)s exited with status %(code)d; the other process was stopped.")
                % {"name": first_exit[0], "code": first_exit[1]}
            )

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
