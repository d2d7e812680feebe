"""When a failed store operation is tried again (issue 17 point 5). Pure.

A store that is down (unreachable, a lock, a timeout) is retried with a growing wait, so a
short outage heals by itself and a long one does not hammer the store; after ``MAX_ATTEMPTS``
the operation is *blocked* and waits for a privacy officer (the dashboard shows it). A failure
that retrying cannot cure (the dataset no longer matches the schema, a NOT NULL column mapped
to NULL) is blocked at once.
"""

from __future__ import annotations

import datetime as dt

# The waits after the 1st, 2nd, ... failure: 1 min, 5 min, 30 min, 2 h, 12 h.
WAITS = (
    dt.timedelta(minutes=1),
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=30),
    dt.timedelta(hours=2),
    dt.timedelta(hours=12),
)
MAX_ATTEMPTS = len(WAITS) + 1

# SQLSTATE classes a later attempt may cure: connection exceptions (08), transaction rollback
# such as a deadlock or a serialisation failure (40), operator intervention such as a server
# shutting down (57). A constraint violation (23) or a bad column (42) stays as it is.
_TRANSIENT_CLASSES = ("08", "40", "57")
# MySQL/MariaDB error numbers of the same kinds: lock wait timeout, deadlock, server gone,
# a statement cancelled by MariaDB's max_statement_time (1969).
_TRANSIENT_MYSQL = frozenset({"1205", "1213", "1969", "2006", "2013"})


def is_transient(code: str, sqlstate: str | None = None) -> bool:
    """A failure (stores/connect.py's codes) that retrying may cure."""
    if code == "unreachable":
        return True
    state = sqlstate or ""
    return code == "statement_failed" and (
        state[:2] in _TRANSIENT_CLASSES or state in _TRANSIENT_MYSQL
    )


def next_attempt(
    *, attempts: int, failed_at: dt.datetime, code: str, sqlstate: str | None = None
) -> dt.datetime | None:
    """When to try again after the ``attempts``-th failure (``code``), or ``None``: blocked."""
    if not is_transient(code, sqlstate) or attempts >= MAX_ATTEMPTS:
        return None
    return failed_at + WAITS[min(attempts, len(WAITS)) - 1]
