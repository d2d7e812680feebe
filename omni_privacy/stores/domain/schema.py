"""What reflection read of a store's schema, as plain values that survive a JSON round trip
(stored on the store at each check, so access and erasure need no reflection)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from omni_privacy.stores.domain.dataset import Dataset, Reference
from omni_privacy.stores.domain.problems import WARNING, Problem


@dataclass(frozen=True)
class SchemaColumn:
    name: str
    type: str  # the database's type, as SQLAlchemy names it (VARCHAR(255), DATE...)
    nullable: bool
    textual: bool
    datelike: bool


@dataclass(frozen=True)
class SchemaTable:
    name: str
    columns: Mapping[str, SchemaColumn]
    primary_key: tuple[str, ...] = ()
    foreign_keys: tuple[Reference, ...] = field(default=())


@dataclass(frozen=True)
class Schema:
    tables: Mapping[str, SchemaTable]

    def as_dict(self) -> dict[str, Any]:
        return {
            name: {
                "columns": [
                    [c.name, c.type, c.nullable, c.textual, c.datelike]
                    for c in table.columns.values()
                ],
                "primary_key": list(table.primary_key),
                "foreign_keys": [
                    [ref.column, ref.to_table, ref.to_column] for ref in table.foreign_keys
                ],
            }
            for name, table in self.tables.items()
        }

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Schema:
        return cls(
            {
                name: SchemaTable(
                    name=name,
                    columns={c[0]: SchemaColumn(*c) for c in body["columns"]},
                    primary_key=tuple(body["primary_key"]),
                    foreign_keys=tuple(
                        Reference(name, column, to_table, to_column, declared=False)
                        for column, to_table, to_column in body["foreign_keys"]
                    ),
                )
                for name, body in raw.items()
            }
        )


def schema_problems(dataset: Dataset, schema: Schema) -> list[Problem]:
    """Where the dataset names what the store does not have, or asks what it cannot do."""
    problems = []
    for table in dataset.tables.values():
        path = f"tables.{table.name}"
        found = schema.tables.get(table.name)
        if found is None:
            problems.append(Problem(path, "table_missing", {"table": table.name}))
            continue
        for column in table.columns.values():
            held = found.columns.get(column.name)
            key = f"{path}.columns.{column.name}"
            if held is None:
                problems.append(Problem(key, "column_missing", {"column": column.name}))
            elif column.erase == "null" and not held.nullable:
                # Erasure would fail and roll the store back: say so before it is tried.
                problems.append(
                    Problem(f"{key}.erase", "not_null_to_null", {"column": column.name},
                            severity=WARNING)
                )  # fmt: skip
            elif column.generalise == "year" and not held.datelike:
                problems.append(Problem(f"{key}.generalise", "not_a_date", {"column": column.name}))
        for index, ref in enumerate(table.references):
            ref_key = f"{path}.references[{index}]"
            if ref.column not in found.columns:
                problems.append(Problem(f"{ref_key}.column", "column_missing",
                                        {"column": ref.column}))  # fmt: skip
            target = schema.tables.get(ref.to_table)
            if target is not None and ref.to_column not in target.columns:
                problems.append(Problem(f"{ref_key}.to", "column_missing",
                                        {"column": ref.to_column}))  # fmt: skip
    return problems
