"""What every command's presenter shares: refusals, dates and moments, counts, tables, JSON.

A command is: parse arguments → one service or selector → one presenter. The presenter writes
text (in the reader's language) or, with ``--json``, one JSON document; a refusal goes to
stderr through :func:`refusals`, so every command says it the same way and exits with the
same codes (docs/cli.md, "Exit status").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager

from django.core.management.base import CommandError
from django.utils import timezone

from omni_privacy.core.errors import AppError
from omni_privacy.ops.options import write_json
from omni_privacy.ops.tables import Table, write_json_list

__all__ = [
    "EXIT_ERASED",
    "EXIT_PROBLEM",
    "EXIT_REFUSED",
    "EXIT_USAGE",
    "Table",
    "day_text",
    "moment_text",
    "refusals",
    "write_json",
    "write_json_list",
]

# The exit statuses every command keeps (documented in docs/cli.md).
EXIT_REFUSED = 1  # refused or failed: the reason is on stderr, nothing was written
EXIT_PROBLEM = 1  # a monitoring check found something wrong (retention/dsr/sync check, audit)
EXIT_USAGE = 2  # argparse: unknown option, missing argument
EXIT_ERASED = 3  # `people show`: the person was erased

Legacy = Mapping[type[Exception], Callable[[Exception], str]]


@contextmanager
def refusals(legacy: Legacy | None = None) -> Iterator[None]:
    """Say a refusal on stderr and exit with :data:`EXIT_REFUSED`.

    An :class:`~omni_privacy.core.errors.AppError` is said with ``error.said()``: one line per
    problem, in the active language. ``legacy`` maps exception types that services still raise
    (``PermissionError``, ``ValueError`` subclasses) to the words for them; the first matching
    type wins, so list subclasses before their base. The console script (cli.py) prints a
    ``CommandError``'s words alone on stderr and exits with its return code; ``call_command``
    raises it, which tests read.
    """
    try:
        yield
    except CommandError:
        raise
    except Exception as error:
        for kind, say in (legacy or {}).items():
            if isinstance(error, kind):
                raise CommandError(say(error), returncode=EXIT_REFUSED) from None
        if isinstance(error, AppError):
            raise CommandError("\n".join(error.said()), returncode=EXIT_REFUSED) from None
        raise


def day_text(day: dt.date | None) -> str | None:
    """A date as commands print it (text and JSON alike): YYYY-MM-DD."""
    return day.isoformat() if day else None


def moment_text(moment: dt.datetime | None) -> str | None:
    """A moment in ``OMNI_TIME_ZONE``, ISO 8601 with its offset (``--as-of`` shows midnight)."""
    return timezone.localtime(moment).isoformat() if moment else None
