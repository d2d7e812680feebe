"""The dataset file of an external store (format: docs/stores.md), parsed and validated.

Pure. ``parse_dataset`` returns the dataset and every problem it found, each naming its key
(``tables.orders.columns.email.erase``) with a code: an interface says them in words. A problem
of severity ``conformance`` (a field the notice does not allow for its source, notice §2.1)
does not stop the dataset from working: data that should not be there can still be found and
erased, and the store fails the conformance check until it is gone.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from omni_privacy.policy.domain.schema import Policy
from omni_privacy.stores.domain.problems import CONFORMANCE, Problem

IDENTITY_KINDS = ("email", "phone", "id")
TABLE_ERASURES = ("delete", "keep")
COLUMN_ERASURES = ("null", "replace", "keep")
GENERALISATIONS = ("year",)
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")
_TOML_LINE = re.compile(r"at line (\d+), column (\d+)")
_TABLE_KEYS = {"source", "purposes", "erase", "reason", "clause", "columns", "references"}
_COLUMN_KEYS = {
    "identifies",
    "field",
    "source",
    "purposes",
    "erase",
    "value",
    "generalise",
    "reason",
    "clause",
}
_REFERENCE_KEYS = {"column", "table", "to"}


@dataclass(frozen=True)
class Keep:
    """Why data stays after an erasure: a legal basis of the policy and the clause (of the
    notice or of a law) that requires it (notice §9 ¶3: legal obligations)."""

    reason: str
    clause: str


@dataclass(frozen=True)
class Column:
    name: str
    identifies: str | None = None
    field: str | None = None
    source: str | None = None
    purposes: tuple[str, ...] = ()
    erase: str | None = None
    value: Any = None
    generalise: str | None = None
    keep: Keep | None = None


@dataclass(frozen=True)
class Reference:
    """``table.column`` holds values of ``to_table.to_column`` (a foreign key, reflected or
    declared)."""

    table: str
    column: str
    to_table: str
    to_column: str
    declared: bool = True


@dataclass(frozen=True)
class Table:
    name: str
    source: str | None = None
    erase: str | None = None
    keep: Keep | None = None
    columns: Mapping[str, Column] = field(default_factory=dict)
    references: tuple[Reference, ...] = ()

    @property
    def identity_columns(self) -> tuple[Column, ...]:
        return tuple(column for column in self.columns.values() if column.identifies)


@dataclass(frozen=True)
class Dataset:
    tables: Mapping[str, Table]

    def references(self) -> tuple[Reference, ...]:
        return tuple(ref for table in self.tables.values() for ref in table.references)


class _Reader:
    """Collects problems while reading; each check says the key it is about."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self.problems: list[Problem] = []

    def problem(self, key: str, code: str, **params: Any) -> None:
        self.problems.append(Problem(key=key, code=code, params=params))

    def conformance(self, key: str, code: str, **params: Any) -> None:
        self.problems.append(Problem(key=key, code=code, params=params, severity=CONFORMANCE))

    def only(self, body: Mapping[str, Any], path: str, allowed: set[str]) -> None:
        for key in body:
            if key not in allowed:
                self.problem(f"{path}.{key}", "unknown_key")

    def string(self, body: Mapping[str, Any], key: str, path: str) -> str | None:
        value = body.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            self.problem(f"{path}.{key}", "not_a_string")
            return None
        return value.strip()

    def choice(
        self, body: Mapping[str, Any], key: str, path: str, allowed: tuple[str, ...]
    ) -> str | None:
        value = self.string(body, key, path)
        if value is not None and value not in allowed:
            self.problem(f"{path}.{key}", "invalid_choice", allowed=", ".join(allowed))
            return None
        return value

    def keep(self, body: Mapping[str, Any], path: str) -> Keep | None:
        reason = self.string(body, "reason", path)
        clause = self.string(body, "clause", path)
        if reason is None:
            self.problem(f"{path}.reason", "keep_needs_reason")
        elif reason not in self.policy.legal_bases:
            self.problem(
                f"{path}.reason", "unknown_reason", allowed=", ".join(self.policy.legal_bases)
            )
            reason = None
        if clause is None:
            self.problem(f"{path}.clause", "keep_needs_clause")
        return Keep(reason, clause) if reason and clause else None

    def purposes(self, body: Mapping[str, Any], path: str, source: str | None) -> tuple[str, ...]:
        raw = body.get("purposes")
        if raw is None:
            return ()
        if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
            self.problem(f"{path}.purposes", "not_a_list")
            return ()
        kept: list[str] = []
        for index, purpose in enumerate(raw):
            key = f"{path}.purposes[{index}]"
            if purpose not in self.policy.purposes:
                self.problem(key, "unknown_purpose", purpose=purpose)
                continue
            allowed = self.policy.sources[source].purposes if source in self.policy.sources else ()
            if source in self.policy.sources and purpose not in allowed:
                self.conformance(
                    key,
                    "purpose_not_allowed",
                    purpose=purpose,
                    source=source,
                    section=self.policy.sources[source].section,
                )
            kept.append(purpose)
        return tuple(kept)

    def source(self, body: Mapping[str, Any], path: str) -> str | None:
        source = self.string(body, "source", path)
        if source is not None and source not in self.policy.sources:
            self.problem(f"{path}.source", "unknown_source", allowed=", ".join(self.policy.sources))
            return None
        return source


def parse_dataset(text: str, *, policy: Policy) -> tuple[Dataset | None, list[Problem]]:
    """The dataset of ``text`` (TOML) and its problems. The dataset is None when the text is
    not TOML or not a table of tables; otherwise it holds what could be read (check the
    problems' severity before using it)."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        where = _TOML_LINE.search(str(exc))
        line, column = (int(where[1]), int(where[2])) if where else (None, None)
        return None, [Problem(key="(file)", code="toml_invalid", params={"column": column},
                              line=line)]  # fmt: skip
    reader = _Reader(policy)
    reader.only(raw, "(file)", {"tables"})
    tables_raw = raw.get("tables")
    if not isinstance(tables_raw, dict) or not tables_raw:
        reader.problem("tables", "no_tables")
        return None, reader.problems
    tables = {}
    for name, body in tables_raw.items():
        path = f"tables.{name}"
        if not _NAME.fullmatch(name):
            reader.problem(path, "invalid_name")
            continue
        if not isinstance(body, dict):
            reader.problem(path, "not_a_table")
            continue
        tables[name] = _table(reader, name, body, path)
    dataset = Dataset(tables)
    _check_dataset(reader, dataset)
    return dataset, reader.problems


def _table(reader: _Reader, name: str, body: dict[str, Any], path: str) -> Table:
    reader.only(body, path, _TABLE_KEYS)
    source = reader.source(body, path)
    purposes = reader.purposes(body, path, source)
    erase = reader.choice(body, "erase", path, TABLE_ERASURES)
    keep = reader.keep(body, path) if erase == "keep" else None
    if erase != "keep":
        for key in ("reason", "clause"):
            if key in body:
                reader.problem(f"{path}.{key}", "only_with_keep")
    columns_raw = body.get("columns", {})
    if not isinstance(columns_raw, dict):
        reader.problem(f"{path}.columns", "not_a_table")
        columns_raw = {}
    columns = {}
    for column_name, column_body in columns_raw.items():
        column_path = f"{path}.columns.{column_name}"
        if not _NAME.fullmatch(column_name):
            reader.problem(column_path, "invalid_name")
            continue
        if not isinstance(column_body, dict):
            reader.problem(column_path, "not_a_table")
            continue
        columns[column_name] = _column(
            reader, column_name, column_body, column_path,
            table_source=source, table_purposes=purposes, table_erase=erase,
        )  # fmt: skip
    references = _references(reader, name, body.get("references", []), f"{path}.references")
    return Table(
        name=name, source=source, erase=erase, keep=keep, columns=columns, references=references
    )


def _column(
    reader: _Reader,
    name: str,
    body: dict[str, Any],
    path: str,
    *,
    table_source: str | None,
    table_purposes: tuple[str, ...],
    table_erase: str | None,
) -> Column:
    reader.only(body, path, _COLUMN_KEYS)
    identifies = reader.choice(body, "identifies", path, IDENTITY_KINDS)
    field_name = reader.string(body, "field", path)
    source = reader.source(body, path) or table_source
    purposes = reader.purposes(body, path, source) or table_purposes
    if field_name is None and identifies != "id":
        reader.problem(f"{path}.field", "field_required")
    if source is None and "source" not in body:
        reader.problem(f"{path}.source", "source_required")
    if field_name is not None and source in reader.policy.sources:
        allowed = reader.policy.sources[source].fields
        if field_name not in allowed:
            reader.conformance(
                f"{path}.field",
                "field_not_allowed",
                field=field_name,
                source=source,
                section=reader.policy.sources[source].section,
            )
    erase = reader.choice(body, "erase", path, COLUMN_ERASURES)
    if table_erase is None and erase is None and "erase" not in body:
        reader.problem(f"{path}.erase", "erase_required")
    if table_erase is not None and erase is not None:
        reader.problem(f"{path}.erase", "erase_with_table_erase", table_erase=table_erase)
        erase = None
    value, generalise = None, None
    if erase == "replace":
        value = body.get("value")
        generalise = reader.choice(body, "generalise", path, GENERALISATIONS)
        if value is None and generalise is None and "generalise" not in body:
            reader.problem(f"{path}.erase", "replace_needs_value")
        elif value is not None and generalise is not None:
            reader.problem(f"{path}.value", "value_and_generalise")
        elif value is not None and not isinstance(value, str | int | float | bool):
            reader.problem(f"{path}.value", "not_a_scalar")
            value = None
    else:
        for key in ("value", "generalise"):
            if key in body:
                reader.problem(f"{path}.{key}", "only_with_replace")
    keep = reader.keep(body, path) if erase == "keep" else None
    if erase != "keep":
        for key in ("reason", "clause"):
            if key in body:
                reader.problem(f"{path}.{key}", "only_with_keep")
    return Column(
        name=name,
        identifies=identifies,
        field=field_name,
        source=source,
        purposes=purposes,
        erase=erase,
        value=value,
        generalise=generalise,
        keep=keep,
    )


def _references(reader: _Reader, table: str, raw: Any, path: str) -> tuple[Reference, ...]:
    if not isinstance(raw, list):
        reader.problem(path, "not_a_list")
        return ()
    found = []
    for index, body in enumerate(raw):
        key = f"{path}[{index}]"
        if not isinstance(body, dict):
            reader.problem(key, "not_a_table")
            continue
        reader.only(body, key, _REFERENCE_KEYS)
        names = [reader.string(body, part, key) for part in ("column", "table", "to")]
        for part, value in zip(("column", "table", "to"), names, strict=True):
            if value is None and part not in body:
                reader.problem(f"{key}.{part}", "required")
        column, to_table, to_column = names
        if column and to_table and to_column:
            found.append(Reference(table, column, to_table, to_column, declared=True))
    return tuple(found)


def _check_dataset(reader: _Reader, dataset: Dataset) -> None:
    for table in dataset.tables.values():
        for index, ref in enumerate(table.references):
            if ref.to_table not in dataset.tables:
                reader.problem(
                    f"tables.{table.name}.references[{index}].table",
                    "unknown_table",
                    table=ref.to_table,
                )
    if not any(table.identity_columns for table in dataset.tables.values()):
        reader.problem("tables", "no_identity")
