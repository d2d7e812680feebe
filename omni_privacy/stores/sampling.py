"""Bounded samples of a store's text columns, for the scan (``stores/domain/scan.py``)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from omni_privacy.stores.connect import StoreError, db_failure
from omni_privacy.stores.domain.schema import Schema

SAMPLE_ROWS = 200


def sample_values(
    engine: Engine, schema: Schema, *, rows: int = SAMPLE_ROWS
) -> dict[str, dict[str, list[str]]]:
    """Up to ``rows`` non-null values of each text column, per table (one query per table).
    The values stay in memory only for the scan: never logged, never stored."""
    samples: dict[str, dict[str, list[str]]] = {}
    try:
        with engine.connect() as connection:
            for table in schema.tables.values():
                names = [c.name for c in table.columns.values() if c.textual]
                if not names:
                    continue
                clause = sa.table(table.name, *(sa.column(name) for name in names))
                result = connection.execute(sa.select(*clause.c).limit(rows))
                values: dict[str, list[str]] = {name: [] for name in names}
                for row in result:
                    for name, value in zip(names, row, strict=True):
                        if value is not None:
                            values[name].append(str(value))
                samples[table.name] = values
            connection.rollback()
    except SQLAlchemyError as exc:
        raise StoreError(db_failure("unreachable", exc)) from None
    return samples
