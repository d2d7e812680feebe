"""What portability covers (GDPR art. 20, QC s.27 since 2024-09; REQUIREMENTS #21): the data
the person provided themselves (by email, form or telephone; not what their organisation's
instance reported), processed on consent or on a contract. Pure.

Omni's other databases (external stores) hold what its teams collected from the person: a
store table's personal columns are portable when their source is not one only the monthly
sync collects and its legal basis is consent or a contract."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping
from typing import Any

PORTABLE_BASES = frozenset({"consent", "contract"})
PROVIDED_CHANNELS = frozenset({"email", "form", "phone"})
COLUMNS = (
    "source",
    "organization",
    "purpose",
    "legal_basis",
    "channel",
    "collected_at",
    "full_name",
    "email",
    "phone",
    "preferred_language",
    "store",  # empty for the registry's holdings; store.table for a store's row
)


def portable(*, legal_basis: str, channel: str) -> bool:
    return legal_basis in PORTABLE_BASES and channel in PROVIDED_CHANNELS


def store_portable(*, legal_basis: str, synced_only: bool) -> bool:
    return legal_basis in PORTABLE_BASES and not synced_only


def as_json(
    rows: Iterable[Mapping[str, str | None]],
    stores: Iterable[Mapping[str, Any]] = (),
) -> str:
    """The registry's holdings, then each store table's portable rows (``store``, ``table``,
    ``source``, ``rows``: one object a row, keyed by the policy's field names)."""
    return json.dumps(
        {
            "format": "omni-privacy portability v1",
            "holdings": [dict(row) for row in rows],
            "stores": [dict(table) for table in stores],
        },
        ensure_ascii=False,
        indent=2,
    )


def as_csv(
    rows: Iterable[Mapping[str, str | None]],
    stores: Iterable[Mapping[str, Any]] = (),
) -> str:
    """One line a holding, then one line a store row (its ``store`` column named); a field
    only a store holds (one the notice does not name) gets a column of its own at the end."""
    tables = list(stores)
    extra = sorted(
        {name for table in tables for values in table["rows"] for name in values} - set(COLUMNS)
    )
    columns = (*COLUMNS, *extra)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({name: row.get(name) or "" for name in columns})
    for table in tables:
        for values in table["rows"]:
            line = {**values, "store": f"{table['store']}.{table['table']}"}
            line["source"] = table["source"]
            writer.writerow({name: line.get(name) or "" for name in columns})
    return out.getvalue()
