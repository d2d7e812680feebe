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

    def handle(self, *args: Any, **options: Any) -> None:
        if not 0 < options["port"] < 65536:
            raise CommandError(_("--port must be between 1 and 65535"))
        if options["workers"] < 1:
            raise CommandError(_("--workers must be at least 1"))
        call_command("collectstatic", interactive=False, verbosity=0)
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
                "worker_class": "sync",
                "graceful_timeout": GRACEFUL_TIMEOUT_SECONDS,
                "proc_name": "omni-privacy",
                "accesslog": None,
                "errorlog": "-",
                "loglevel": "info",
                # Gunicorn 24+ opens a control socket in the home directory; nothing here uses it.
                "control_socket_disable": True,
            }
        ).run()
