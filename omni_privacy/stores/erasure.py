"""Erasure in one store: one transaction, one set-based statement per table, children first,
then a re-query that proves nothing of the person remains, or the whole store rolls back.

The proof, inside the same transaction and before the commit:
- no row of a table whose rows are deleted still belongs to the person;
- no row that still belongs to the person (its identity kept, with a reason) holds a value in
  a column that was to be set to NULL, replaced or generalised;
- no column that looks like an email by its name (scan heuristics) or is declared as an email
  field, but that the dataset does not use as an identity, holds the person's address: the
  row the dataset forgot.
Any statement that fails (a NOT NULL column set to NULL, a foreign key that refuses) or any
leftover found rolls every table of the store back and returns a failed result with its code.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.sql.elements import ColumnElement

from omni_privacy.stores.connect import db_failure, dialect_of
from omni_privacy.stores.domain.dataset import Column, Dataset, Table
from omni_privacy.stores.domain.plan import Plan
from omni_privacy.stores.domain.results import (
    DONE,
    FAILED,
    ErasureResult,
    Failure,
    Identity,
    KeptColumn,
    TableErasure,
)
from omni_privacy.stores.domain.scan import kind_by_name
from omni_privacy.stores.domain.schema import Schema
from omni_privacy.stores.matching import Matcher, identity_match, table_clauses, year_start


class _RemainsError(Exception):
    def __init__(self, places: list[dict[str, Any]]) -> None:
        super().__init__("remains")
        self.places = places


def _changed_columns(table: Table) -> list[Column]:
    return [c for c in table.columns.values() if c.erase in ("null", "replace")]


def _new_value(clause: sa.TableClause, column: Column) -> Any:
    target = clause.c[column.name]
    if column.erase == "null":
        return None
    if column.generalise == "year":
        return year_start(target)
    # A fixed replacement stands for a value, not for an absence: NULL stays NULL.
    return sa.case((target.is_(None), sa.null()), else_=sa.literal(column.value))


def _not_erased(clause: sa.TableClause, column: Column) -> ColumnElement[bool]:
    """The column of a remaining row still holds what was to be erased."""
    target = clause.c[column.name]
    if column.erase == "null":
        return target.is_not(None)
    if column.generalise == "year":
        return sa.and_(target.is_not(None), target != year_start(target))
    return sa.and_(target.is_not(None), target != sa.literal(column.value))


def _count(connection: Connection, clause: sa.TableClause,
           condition: ColumnElement[bool]) -> int:  # fmt: skip
    statement = sa.select(sa.func.count()).select_from(clause).where(condition)
    return int(connection.execute(statement).scalar_one())


def _apply(connection: Connection, matcher: Matcher, name: str) -> TableErasure:
    table = matcher.dataset.tables[name]
    clause = matcher.tables[name]
    condition = matcher.condition(name)
    action = "delete" if table.erase == "delete" else "keep" if table.erase == "keep" else (
        "anonymise")  # fmt: skip
    kept_columns = tuple(
        KeptColumn(c.name, c.keep) for c in table.columns.values() if c.keep is not None
    )
    if condition is None:
        return TableErasure(name, action, found=0, keep=table.keep, kept_columns=kept_columns)
    if table.erase == "delete":
        statement = sa.delete(clause).where(condition)
        if matcher.dialect == "mysql":
            # MariaDB plans a single-table DELETE's IN (subquery) as a dependent subquery run
            # for every row of the table; the multi-table form (DELETE t FROM t ...) gets the
            # semi-join that drives from the person's keys. Names are checked identifiers.
            statement = statement.prefix_with(f"`{name}`", dialect="mysql")
        erased = connection.execute(statement).rowcount
        return TableErasure(name, action, found=erased, erased=erased)
    changed = _changed_columns(table)
    if table.erase == "keep" or not changed:
        kept = _count(connection, clause, condition)
        return TableErasure(name, "keep", found=kept, kept=kept, keep=table.keep,
                            kept_columns=kept_columns)  # fmt: skip
    values = {column.name: _new_value(clause, column) for column in changed}
    anonymised = connection.execute(sa.update(clause).where(condition).values(values)).rowcount
    return TableErasure(name, action, found=anonymised, anonymised=anonymised,
                        kept=anonymised if kept_columns else 0,
                        kept_columns=kept_columns)  # fmt: skip


def _count_of(clause: sa.TableClause, condition: ColumnElement[bool]) -> Any:
    return sa.select(sa.func.count()).select_from(clause).where(condition).scalar_subquery()


def _checks(matcher: Matcher, schema: Schema | None) -> list[tuple[str, str, Any]]:
    """Every question of the proof as (table, column, a count that must be 0)."""
    checks: list[tuple[str, str, Any]] = []
    for name in matcher.plan.order:
        table = matcher.dataset.tables[name]
        clause = matcher.tables[name]
        condition = matcher.condition(name)
        if condition is None or table.erase == "keep":
            continue
        if table.erase == "delete":
            checks.append((name, "", _count_of(clause, condition)))
            continue
        for column in _changed_columns(table):
            still = sa.and_(condition, _not_erased(clause, column))
            checks.append((name, column.name, _count_of(clause, still)))
    checks += _undeclared(matcher, schema)
    return checks


def _leftovers(connection: Connection, matcher: Matcher, schema: Schema | None) -> list[
        dict[str, Any]]:  # fmt: skip
    """The proof's answers, in one round trip (one SELECT of scalar subqueries)."""
    checks = _checks(matcher, schema)
    if not checks:
        return []
    totals = connection.execute(sa.select(*(count for _t, _c, count in checks))).one()
    return [
        {"table": table, "column": column, "rows": int(total)}
        for (table, column, _count), total in zip(checks, totals, strict=True)
        if total
    ]


def _undeclared(matcher: Matcher, schema: Schema | None) -> list[tuple[str, str, Any]]:
    """Email-looking columns that are not identities (the row the dataset forgot)."""
    email = matcher.identity.email
    if email is None or schema is None:
        return []
    checks = []
    for table in schema.tables.values():
        declared = matcher.dataset.tables.get(table.name)
        columns = declared.columns.values() if declared else ()
        identities = {c.name for c in columns if c.identifies}
        fields = {c.name for c in columns if c.field == "email"}
        kept = {c.name for c in columns if c.erase == "keep"}
        clause = matcher.tables[table.name]
        for column in table.columns.values():
            if (
                column.textual
                and column.name not in identities | kept
                and (column.name in fields or kind_by_name(column.name) == "email")
            ):
                match = identity_match(clause.c[column.name], "email", email, matcher.dialect)
                checks.append((table.name, column.name, _count_of(clause, match)))
    return checks


def erase_person(
    engine: Engine,
    *,
    store: str,
    dataset: Dataset,
    plan: Plan,
    schema: Schema | None,
    identity: Identity,
) -> ErasureResult:
    """Erase the person from the store, all tables or none; see the module's docstring."""
    matcher = Matcher(dataset, plan, table_clauses(dataset, schema), identity, dialect_of(engine))
    results = []
    try:
        connection = engine.connect()
    except SQLAlchemyError as exc:
        return ErasureResult(store, FAILED, failure=db_failure("unreachable", exc))
    current = ""
    try:
        # Leaving the block by an exception rolls every statement of the store back.
        with connection, connection.begin():
            for name in plan.order:
                current = name
                results.append(_apply(connection, matcher, name))
            current = ""  # the re-query
            places = _leftovers(connection, matcher, schema)
            if places:
                raise _RemainsError(places)
    except _RemainsError as remains:
        first = remains.places[0]
        return ErasureResult(store, FAILED, failure=Failure("remains", {**first,
                             "places": remains.places}))  # fmt: skip
    except SQLAlchemyError as exc:
        return ErasureResult(store, FAILED, failure=db_failure("statement_failed", exc,
                             table=current))  # fmt: skip
    return ErasureResult(store, DONE, tables=tuple(results))
