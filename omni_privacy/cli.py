"""The `omni-privacy` console script (also `python -m omni_privacy`).

Thin on purpose: every sub-command is a Django management command in ops/management/commands/,
so the console, tests and the CLI share one implementation. The command list `--help` prints
is read from the commands' own parsers (ops/catalogue.py), as is docs/cli.md's table.
"""

from __future__ import annotations

import os
import sys
from importlib.metadata import PackageNotFoundError, version

from omni_privacy.ops.catalogue import ALIASES

DISTRIBUTION = "omni-privacy"


def package_version() -> str:
    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError:  # running from a checkout that was never installed
        return "unknown"


def reader_language(environ: dict[str, str] | None = None) -> str:
    """The reader's language from the locale variables, in POSIX order (LC_ALL, LC_MESSAGES,
    LANG; LANGUAGE first, as gettext reads it): English for ``en…``, otherwise French, Omni's
    default (Quebec)."""
    env = os.environ if environ is None else environ
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "")
        if value and value not in ("C", "POSIX", "C.UTF-8"):
            return "en" if value.lower().startswith("en") else "fr"
    return "fr"


def _run(args: list[str]) -> None:
    if args and args[0] in {"--version", "-V"}:
        print(f"omni-privacy {package_version()}")
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "omni_privacy.settings")
    import django
    from django.utils import translation

    django.setup()
    translation.activate(reader_language())
    if not args or args[0] in {"-h", "--help", "help"}:
        from omni_privacy.ops.catalogue import usage

        print(usage())
        return
    from django.core.management import execute_from_command_line

    command = ALIASES.get(args[0], args[0])
    # Django prints a refusal as "CommandError: …"; the reader should see only the words. With
    # --traceback the refusal comes back here as an exception, and main() prints its message
    # (unless the reader asked for the traceback themselves).
    extra = [] if "--traceback" in args else ["--traceback"]
    execute_from_command_line(["omni-privacy", command, *extra, *args[1:]])


def _database_unusable(error: Exception) -> str:
    """The words for a database a command could not use, in the reader's language: not set up
    (migrations not applied) or not reachable. Never the driver's text (it may hold the
    connection's details)."""
    from django.db import DEFAULT_DB_ALIAS, connections
    from django.db.migrations.executor import MigrationExecutor
    from django.utils.translation import gettext as _

    try:
        connection = connections[DEFAULT_DB_ALIAS]
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception:
        vendor = connections[DEFAULT_DB_ALIAS].vendor
        return _(
            "The database (%(vendor)s) cannot be reached: check OMNI_DATABASE_URL and that the "
            "server is running."
        ) % {"vendor": vendor}
    if pending:
        return _("The database is not set up: run `omni-privacy migrate` first.")
    return _(
        "The database refused the command (%(kind)s); run it with --traceback for details."
    ) % {"kind": type(error).__name__}


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        _run(args)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (`omni-privacy retention plan | head`): stop quietly. Point
        # stdout at devnull so that Python's own flush at exit does not complain again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        # Leave at once: a cursor still open in a generator would otherwise complain while the
        # interpreter shuts down ("Exception ignored in cursor_iter"). Nothing is lost: a write
        # is committed or rolled back by its transaction, not by the exit.
        sys.stderr.flush()
        os._exit(0)
    except Exception as error:
        from django.core.management import CommandError
        from django.db import DatabaseError

        if "--traceback" in args:
            raise
        if isinstance(error, CommandError):
            print(error, file=sys.stderr)
            sys.exit(error.returncode)
        if not isinstance(error, DatabaseError):
            raise
        print(_database_unusable(error), file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
