"""Access: every row the store holds about the person, one streamed query per table.

Rows are read with a server-side cursor (``yield_per``) and handed to the caller's sink in
batches, so that a person with a million rows costs a batch of memory, not a million rows.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from omni_privacy.stores.connect import StoreError, db_failure, dialect_of
from omni_privacy.stores.domain.dataset import Dataset
from omni_privacy.stores.domain.plan import Plan
from omni_privacy.stores.domain.results import Identity, TableAccess
from omni_privacy.stores.domain.schema import Schema
from omni_privacy.stores.matching import Matcher, table_clauses

BATCH_ROWS = 1000


class RowSink(Protocol):
    def table(self, name: str, columns: Sequence[str]) -> None: ...

    def rows(self, name: str, batch: Sequence[Sequence[Any]]) -> None: ...


class CountingSink:
    """A sink that keeps nothing (for counts and benchmarks)."""

    def table(self, name: str, columns: Sequence[str]) -> None:
        pass

    def rows(self, name: str, batch: Sequence[Sequence[Any]]) -> None:
        pass


def _read(connection: Connection, statement: sa.Select[Any], name: str, sink: RowSink) -> int:
    """Most people have a few rows per table: one round trip with a LIMIT gets them all. When
    the probe comes back full, the query runs again on a server-side cursor, streamed."""
    probe = connection.execute(statement.limit(BATCH_ROWS + 1))
    rows = probe.fetchall()
    sink.table(name, list(probe.keys()))
    if len(rows) <= BATCH_ROWS:
        if rows:
            sink.rows(name, rows)
        return len(rows)
    del rows
    count = 0
    streamed = connection.execute(
        statement, execution_options={"stream_results": True, "yield_per": BATCH_ROWS}
    )
    for batch in streamed.partitions():
        sink.rows(name, batch)
        count += len(batch)
    return count


def access_rows(
    engine: Engine,
    *,
    dataset: Dataset,
    plan: Plan,
    schema: Schema | None,
    identity: Identity,
    sink: RowSink,
) -> tuple[TableAccess, ...]:
    """Stream each table's rows about the person to ``sink`` (parents before children) and
    return the count per table. Raises StoreError naming the table that failed."""
    matcher = Matcher(dataset, plan, table_clauses(dataset, schema), identity, dialect_of(engine))
    found = []
    try:
        connection = engine.connect()
    except SQLAlchemyError as exc:
        raise StoreError(db_failure("unreachable", exc)) from None
    current = ""
    try:
        with connection:
            for name in reversed(plan.order):
                current = name
                condition = matcher.condition(name)
                if condition is None:
                    found.append(TableAccess(name, 0))
                    continue
                statement: sa.Select[Any] = (
                    sa.select(sa.literal_column("*"))
                    .select_from(matcher.tables[name])
                    .where(condition)
                )
                count = _read(connection, statement, name, sink)
                found.append(TableAccess(name, count))
            connection.rollback()  # read only
    except SQLAlchemyError as exc:
        raise StoreError(db_failure("statement_failed", exc, table=current)) from None
    return tuple(found)


def identity_emails(engine: Engine, *, dataset: Dataset, schema: Schema | None) -> Iterator[str]:
    """Every distinct value of every email identity column of the store, streamed (a replay
    after a restore looks for the people the ledger names by digest: their addresses are
    only in the store). Raises StoreError naming the table that failed."""
    clauses = table_clauses(dataset, schema)
    current = ""
    try:
        with engine.connect() as connection:
            for name, table in sorted(dataset.tables.items()):
                for column in table.identity_columns:
                    if column.identifies != "email":
                        continue
                    current = name
                    target = clauses[name].c[column.name]
                    statement = sa.select(target).where(target.is_not(None)).distinct()
                    streamed = connection.execute(
                        statement, execution_options={"stream_results": True,
                                                      "yield_per": BATCH_ROWS}
                    )  # fmt: skip
                    for batch in streamed.partitions():
                        for (value,) in batch:
                            yield str(value)
            connection.rollback()  # read only
    except SQLAlchemyError as exc:
        raise StoreError(db_failure("statement_failed", exc, table=current)) from None
