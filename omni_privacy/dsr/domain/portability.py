"""What portability covers (GDPR art. 20, QC s.27 since 2024-09; REQUIREMENTS #21): the data
the person provided themselves (by email, form or telephone; not what their organisation's
instance reported), processed on consent or on a contract. Pure."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping

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
)


def portable(*, legal_basis: str, channel: str) -> bool:
    return legal_basis in PORTABLE_BASES and channel in PROVIDED_CHANNELS


def as_json(rows: Iterable[Mapping[str, str | None]]) -> str:
    return json.dumps(
        {"format": "omni-privacy portability v1", "holdings": [dict(row) for row in rows]},
        ensure_ascii=False,
        indent=2,
    )


def as_csv(rows: Iterable[Mapping[str, str | None]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({name: row.get(name) or "" for name in COLUMNS})
    return out.getvalue()
