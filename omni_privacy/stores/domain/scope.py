"""An erasure limited to one of the policy's sources (issue 17 point 4: the retention sweep
reaches a store when a person's data *of a source* is due, notice §4-§5). Pure.

``scoped(dataset, plan, source)`` is the dataset the erasure then follows: what belongs to
another source is kept as it is. A table belongs to its own ``source``; a table without one
belongs to the source of the rows it hangs from (its parents in the reference graph), when
they agree; a table that belongs to no source is kept on a source's erasure (only a full
erasure, a rights request's, removes it). A column belongs to its own source (the table's by
default). The erasure's proof then covers exactly what the scope erases.
"""

from __future__ import annotations

import dataclasses

from omni_privacy.stores.domain.dataset import Dataset, Table
from omni_privacy.stores.domain.plan import Plan


def table_sources(dataset: Dataset, plan: Plan) -> dict[str, str | None]:
    """Each table's source: its own, else its parents' when they all agree, else None."""
    found: dict[str, str | None] = {}

    def source_of(name: str, seen: frozenset[str]) -> str | None:
        if name in found:
            return found[name]
        table = dataset.tables[name]
        if table.source is not None:
            return table.source
        parents = {ref.to_table for ref in plan.parents.get(name, ()) if ref.to_table not in seen}
        sources = {source_of(parent, seen | {name}) for parent in parents}
        return sources.pop() if len(sources) == 1 else None

    for name in dataset.tables:
        found[name] = source_of(name, frozenset())
    return found


def scoped(dataset: Dataset, plan: Plan, source: str) -> Dataset:
    """The dataset with everything not of ``source`` set to be kept as it is."""
    sources = table_sources(dataset, plan)
    tables: dict[str, Table] = {}
    for name, table in dataset.tables.items():
        columns = {
            column_name: column
            if column.source == source
            else dataclasses.replace(column, erase="keep", keep=None)
            for column_name, column in table.columns.items()
        }
        erase = table.erase
        if erase == "delete" and sources[name] != source:
            erase = "keep"
        tables[name] = dataclasses.replace(table, erase=erase, columns=columns)
    return Dataset(tables)
