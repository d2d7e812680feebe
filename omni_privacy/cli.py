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
    execute_from_command_line(["omni-privacy", command, *args[1:]])


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
        sys.exit(0)


if __name__ == "__main__":
    main()
