"""A list of values bound as one SQL parameter: an array on PostgreSQL, JSON on SQLite.

``column IN (%s, %s, ...)`` with thousands of placeholders costs the driver and the planner
per value; one parameter costs neither, and the statement text stays the same whatever the
number of values (one plan).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from django.db import connection


def in_values(column: str) -> str:
    """SQL for "``column`` (already quoted) is one of the values bound as one parameter"."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)"
    return f"{column} IN (SELECT value FROM json_each(%s))"  # noqa: S608 - a quoted name


def values_param(values: Sequence[Any]) -> Any:
    """The parameter ``in_values`` expects for ``values`` (ints or strings)."""
    return list(values) if connection.vendor == "postgresql" else json.dumps(list(values))
