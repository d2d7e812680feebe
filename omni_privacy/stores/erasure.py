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
        erased = connection.execute(sa.delete(clause).where(condition)).rowcount
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


def _leftovers(connection: Connection, matcher: Matcher, schema: Schema | None) -> list[
        dict[str, Any]]:  # fmt: skip
    places: list[dict[str, Any]] = []
    for name in matcher.plan.order:
        table = matcher.dataset.tables[name]
        clause = matcher.tables[name]
        condition = matcher.condition(name)
        if condition is None or table.erase == "keep":
            continue
        if table.erase == "delete":
            if rows := _count(connection, clause, condition):
                places.append({"table": name, "column": "", "rows": rows})
            continue
        changed = _changed_columns(table)
        if not changed:
            continue
        sums = [sa.func.sum(sa.case((_not_erased(clause, c), 1), else_=0)) for c in changed]
        totals = connection.execute(sa.select(*sums).select_from(clause).where(condition)).one()
        places += [
            {"table": name, "column": column.name, "rows": int(total)}
            for column, total in zip(changed, totals, strict=True)
            if total
        ]
    places += _undeclared(connection, matcher, schema)
    return places


def _undeclared(connection: Connection, matcher: Matcher, schema: Schema | None) -> list[
        dict[str, Any]]:  # fmt: skip
    """Email-looking columns that are not identities (the row the dataset forgot)."""
    email = matcher.identity.email
    if email is None or schema is None:
        return []
    places = []
    for table in schema.tables.values():
        declared = matcher.dataset.tables.get(table.name)
        identities = {c.name for c in declared.identity_columns} if declared else set()
        fields = {c.name for c in declared.columns.values() if c.field == "email"} if (
            declared) else set()  # fmt: skip
        suspects = [
            column.name
            for column in table.columns.values()
            if column.textual
            and column.name not in identities
            and (column.name in fields or kind_by_name(column.name) == "email")
        ]
        if not suspects:
            continue
        clause = matcher.tables[table.name]
        kept = (
            {c.name for c in declared.columns.values() if c.erase == "keep"} if declared else set()
        )
        checks = [
            (name, identity_match(clause.c[name], "email", email, matcher.dialect))
            for name in suspects
            if name not in kept
        ]
        if not checks:
            continue
        sums = [sa.func.sum(sa.case((check, 1), else_=0)) for _name, check in checks]
        totals = connection.execute(sa.select(*sums).select_from(clause)).one()
        places += [
            {"table": table.name, "column": name, "rows": int(total)}
            for (name, _check), total in zip(checks, totals, strict=True)
            if total
        ]
    return places


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
