"""Which rows of each table belong to the person, as one SQL condition per table.

A table's rows belong to the person when one of its identity columns holds the person's value,
or when one of its references points at a row that does: ``customer_id IN (SELECT id FROM
customers WHERE lower(email) = :e)``, nested along the reference graph. Every statement of an
access or an erasure is one set-based statement per table built on these conditions.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.expression import FunctionElement

from omni_privacy.stores.domain.dataset import Dataset
from omni_privacy.stores.domain.plan import Plan
from omni_privacy.stores.domain.results import Identity
from omni_privacy.stores.domain.schema import Schema


class year_start(FunctionElement[object]):  # noqa: N801 - SQL function naming
    """1 January of the value's year: a date generalised to its year."""

    name = "year_start"
    inherit_cache = True


@compiles(year_start)
def _year_start_default(element: year_start, compiler: sa.sql.compiler.SQLCompiler,
                        **kw: object) -> str:  # fmt: skip
    return f"CAST(date_trunc('year', {compiler.process(element.clauses, **kw)}) AS DATE)"


@compiles(year_start, "mysql")
def _year_start_mysql(element: year_start, compiler: sa.sql.compiler.SQLCompiler,
                      **kw: object) -> str:  # fmt: skip
    return f"MAKEDATE(YEAR({compiler.process(element.clauses, **kw)}), 1)"


@compiles(year_start, "sqlite")
def _year_start_sqlite(element: year_start, compiler: sa.sql.compiler.SQLCompiler,
                       **kw: object) -> str:  # fmt: skip
    return f"strftime('%Y-01-01', {compiler.process(element.clauses, **kw)})"


def table_clauses(dataset: Dataset, schema: Schema | None) -> dict[str, sa.TableClause]:
    """Light table objects (no reflection at use): the columns the dataset names, its
    references' columns, and those the last check read from the schema."""
    names: dict[str, set[str]] = {name: set(table.columns) for name, table in
                                  dataset.tables.items()}  # fmt: skip
    for table in dataset.tables.values():
        for ref in table.references:
            names.setdefault(ref.table, set()).add(ref.column)
            names.setdefault(ref.to_table, set()).add(ref.to_column)
    if schema is not None:
        for held in schema.tables.values():
            names.setdefault(held.name, set()).update(held.columns)
    return {
        name: sa.table(name, *(sa.column(column) for column in sorted(columns)))
        for name, columns in names.items()
    }


def identity_match(column: ColumnElement[object], kind: str, value: str,
                   dialect: str) -> ColumnElement[bool]:  # fmt: skip
    """``column`` holds the person's ``value``. Emails compare case-insensitively: MariaDB's
    default collations already do (and keep the column's index usable); elsewhere lower()
    (index ``lower(email)`` on PostgreSQL)."""
    if kind == "email":
        if dialect == "mysql":
            return column == value
        return sa.func.lower(column) == value.lower()
    return column == value


@dataclass
class Matcher:
    dataset: Dataset
    plan: Plan
    tables: dict[str, sa.TableClause]
    identity: Identity
    dialect: str

    def condition(self, name: str, seen: Iterable[str] = ()) -> ColumnElement[bool] | None:
        """The rows of ``name`` that belong to the person, or None when nothing can."""
        table = self.tables[name]
        parts: list[ColumnElement[bool]] = []
        for column in self.dataset.tables[name].identity_columns:
            value = self.identity.value(column.identifies or "")
            if value is not None:
                parts.append(identity_match(table.c[column.name], column.identifies or "",
                                            value, self.dialect))  # fmt: skip
        path = {*seen, name}
        for ref in self.plan.parents.get(name, ()):
            if ref.to_table in path:
                continue
            parent_condition = self.condition(ref.to_table, path)
            if parent_condition is None:
                continue
            parent = self.tables[ref.to_table]
            parts.append(
                table.c[ref.column].in_(sa.select(parent.c[ref.to_column]).where(parent_condition))
            )
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else sa.or_(*parts)
