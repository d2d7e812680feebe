"""`omni-privacy serve`: the web application under gunicorn (never Django's runserver).

Static files are collected into STATIC_ROOT first and served by WhiteNoise. Gunicorn's own
master handles SIGTERM (graceful: workers finish their requests) and SIGINT (quick). No access
log by default: request lines may carry search terms typed by staff, i.e. personal data.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.wsgi import get_wsgi_application
from django.db import connections
from django.utils.translation import gettext as _
from gunicorn.app.base import BaseApplication

from omni_privacy.core.dbwait import use_busy_timeout

GRACEFUL_TIMEOUT_SECONDS = 20
# gthread workers (issue 15 §7; docs/operations.md, "Slow clients"): each worker process runs
# a pool of threads and parks idle and kept-alive connections in its poller, so a slow client
# holds at most one thread, not a whole process as a sync worker does; a connection that sends
# nothing within 5 s goes back to the poller. TIMEOUT: a worker whose main loop stops
# answering for this long is replaced; KEEPALIVE: an idle kept-alive connection is closed.
WORKER_CLASS = "gthread"
STATIC_IGNORED = ["*.map", "redoc.standalone.js"]
TIMEOUT_SECONDS = 30
KEEPALIVE_SECONDS = 5


class _Gunicorn(BaseApplication):
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            # Settings this gunicorn does not know (older releases) are skipped.
            if key in self.cfg.settings:
                self.cfg.set(key, value)

    def load(self) -> Any:
        return get_wsgi_application()


class Command(BaseCommand):
    help = "Serve the web application with gunicorn (stops gracefully on SIGTERM)."
    requires_system_checks = []  # checked by `check --deploy` and the test suite, not per start

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2, help="worker processes")
        parser.add_argument(
            "--threads", type=int, default=8, help="threads per worker (requests at once)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not 0 < options["port"] < 65536:
            raise CommandError(_("--port must be between 1 and 65535"))
        if options["workers"] < 1:
            raise CommandError(_("--workers must be at least 1"))
        if options["threads"] < 1:
            raise CommandError(_("--threads must be at least 1"))
        # Swagger UI's source maps and django-ninja's unused ReDoc are not served: compressing
        # their 6 MB made every start half a minute slower.
        call_command(
            "collectstatic", interactive=False, verbosity=0, ignore_patterns=STATIC_IGNORED
        )
        # Forked workers must not share the master's database connection.
        connections.close_all()
        use_busy_timeout(settings.OMNI_WEB_DB_BUSY_SECONDS)
        host = options["host"]
        bind = f"[{host}]:{options['port']}" if ":" in host else f"{host}:{options['port']}"
        self.stdout.write(_("Serving on http://%(bind)s/") % {"bind": bind})
        self.stdout.flush()
        _Gunicorn(
            {
                "bind": [bind],
                "workers": options["workers"],
                "worker_class": WORKER_CLASS,
                "threads": options["threads"],
                "timeout": TIMEOUT_SECONDS,
                "keepalive": KEEPALIVE_SECONDS,
                "graceful_timeout": GRACEFUL_TIMEOUT_SECONDS,
                # Request line and headers bounded (gunicorn's defaults, said here on purpose).
                "limit_request_line": 4094,
                "limit_request_fields": 100,
                "limit_request_field_size": 8190,
                # Only the trusted proxies may set the scheme (as core/security.py decides).
                "forwarded_allow_ips": ",".join(settings.OMNI_TRUSTED_PROXIES),
                "proc_name": "omni-privacy",
                "accesslog": None,
                "errorlog": "-",
                "loglevel": "info",
                # Gunicorn 24+ opens a control socket in the home directory; nothing here uses it.
                "control_socket_disable": True,
            }
        ).run()
