"""The reference graph of a dataset: which tables the identity reaches, through which
references, and the order erasure must follow (children before the rows they reference, so
that every statement still finds its rows through their parents)."""

from __future__ import annotations

import graphlib
from collections.abc import Mapping
from dataclasses import dataclass

from omni_privacy.stores.domain.dataset import Dataset, Reference
from omni_privacy.stores.domain.problems import Problem
from omni_privacy.stores.domain.schema import Schema


@dataclass(frozen=True)
class Plan:
    # Per table, the references through which its rows belong to the person (to tables the
    # identity reaches); a table with identity columns is reached by them too.
    parents: Mapping[str, tuple[Reference, ...]]
    # Children first: the order of erasure statements.
    order: tuple[str, ...]


def references_of(dataset: Dataset, schema: Schema | None) -> tuple[Reference, ...]:
    """Declared references, and the schema's foreign keys between the dataset's tables (a
    declared one wins over a reflected one on the same column)."""
    found = {(ref.table, ref.column): ref for ref in dataset.references()}
    for table in schema.tables.values() if schema else ():
        if table.name not in dataset.tables:
            continue
        for ref in table.foreign_keys:
            if ref.to_table in dataset.tables and ref.to_table != ref.table:
                found.setdefault((ref.table, ref.column), ref)
    return tuple(found.values())


def build_plan(dataset: Dataset, schema: Schema | None) -> tuple[Plan | None, list[Problem]]:
    references = references_of(dataset, schema)
    reached = {name for name, table in dataset.tables.items() if table.identity_columns}
    changed = True
    while changed:  # a fixpoint: at most one pass per table
        changed = False
        for ref in references:
            if ref.to_table in reached and ref.table not in reached:
                reached.add(ref.table)
                changed = True
    problems = [
        Problem(f"tables.{name}", "table_unreachable", {"table": name})
        for name in dataset.tables
        if name not in reached
    ]
    parents = {
        name: tuple(
            ref
            for ref in references
            if ref.table == name and ref.to_table in reached and ref.to_table != name
        )
        for name in dataset.tables
        if name in reached
    }
    # A parent's erasure waits for its children: the parent's predecessors are its children.
    graph: dict[str, list[str]] = {name: [] for name in sorted(parents)}
    for name in sorted(parents):
        for ref in parents[name]:
            graph[ref.to_table].append(name)
    try:
        # Sorted names in, the same order out on every run (and in every audit payload).
        order = tuple(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError as exc:
        cycle = " → ".join(exc.args[1])
        problems.append(Problem("tables", "references_cycle", {"cycle": cycle}))
        return None, problems
    return Plan(parents=parents, order=order), problems
