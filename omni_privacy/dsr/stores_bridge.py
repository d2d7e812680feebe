"""A rights request reaching Omni's other databases (issue 17 points 3 and 4; docs/stores.md).

- Erasure: before the registry is touched, one erasure per registered store is asked for
  (stores/jobs.py: all or nothing per store, proven by a re-query, retried with backoff while a
  store is down) and tried at once. The request is answered only when every store is done: a
  store still pending or blocked refuses the fulfilment with its name and reason, the registry
  is left as it was, and the officer answers once the store is done (the retries go on in the
  background; a blocked store is fixed and retried from the Stores page). The person's address
  stays sealed in each store's erasure only until that store is done.
- Access: what each store holds about the person, per table, for the access report, in the
  person's language; portability: the personal columns whose source is portable.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext, gettext_noop

from omni_privacy.core.bilingual import both
from omni_privacy.core.crypto import unseal
from omni_privacy.core.errors import Refused, define
from omni_privacy.dsr.domain import portability
from omni_privacy.dsr.models import RightsRequest
from omni_privacy.policy.domain.collection import purpose_and_basis, synced_only
from omni_privacy.policy.loader import active_policy
from omni_privacy.stores.access import CountingSink
from omni_privacy.stores.domain.dataset import Dataset
from omni_privacy.stores.domain.results import Failure
from omni_privacy.stores.jobs import store_erasure_attempt, store_erasures_request
from omni_privacy.stores.models import ExternalStore, StoreErasure
from omni_privacy.stores.selectors import store_dataset, store_erasures_of
from omni_privacy.stores.services import StoreInputError, store_access
from omni_privacy.stores.texts import erasure_table_lines, failure_text, planned_erasure

STORES_PENDING = define(
    "dsr.stores_pending",
    gettext_noop(
        "the erasure is not finished in: %(stores)s. Nothing was changed here; it is retried "
        "automatically, and the request can be answered once every store is done"
    ),
)
STORES_UNREADABLE = define(
    "dsr.stores_unreadable",
    gettext_noop(
        "cannot read what these stores hold: %(stores)s. Nothing was sent; answer once they "
        "can be reached (the Stores page says why)"
    ),
)
MAX_ROWS_SHOWN = 1000
STORE_NOT_READY = gettext_noop("the store is not ready: check it first")
# The erasure letter's line for a store (core/bilingual.py).
STORE_ERASED = gettext_noop("Database “%(store)s”: your information was erased.")
STORE_ERASED_KEPT = gettext_noop(
    "Database “%(store)s”: your information was erased, except what is kept for the reason "
    "given: %(kept)s."
)


def reason_of(request: RightsRequest) -> str:
    return f"rights_request:{request.public_id}"


def erase_in_stores(request: RightsRequest, *, actor: str) -> list[dict[str, str]]:
    """Erase the person in every store, or refuse (``Refused``) while one is not done. Returns
    the letter's lines (French and English) for the stores, one per store."""
    if not ExternalStore.objects.exists() or not request.email_sealed:
        return []
    email = unseal(request.email_sealed)
    for job in store_erasures_request(actor=actor, reason=reason_of(request), email=email):
        if job.state == StoreErasure.State.PENDING:
            store_erasure_attempt(job.pk, now=job.next_attempt_at)
    jobs = store_erasures_of(reason_of(request))
    waiting = [job for job in jobs if job.state != StoreErasure.State.DONE]
    if waiting:
        names = ", ".join(
            f"{job.store.name} ({failure_text(Failure(job.failure_code, job.failure_params))})"
            if job.failure_code
            else job.store.name
            for job in waiting
        )
        raise Refused(STORES_PENDING, {"stores": names})
    return [store_letter_line(job.store.name, _kept(job.result)) for job in jobs]


def _kept(result: dict[str, Any]) -> list[str]:
    """What an erasure kept, each with the clause that keeps it: whole tables, then columns."""
    kept = []
    for name, table in sorted(result.get("tables", {}).items()):
        if not table.get("found"):
            continue
        if table.get("clause"):
            kept.append(f"{name} ({table['clause']})")
        for column, why in sorted(table.get("kept_columns", {}).items()):
            kept.append(f"{name}.{column} ({why.get('clause', '')})")
    return kept


def store_letter_line(store: str, kept: list[str]) -> dict[str, str]:
    """The erasure letter's line for one store, in both languages."""
    if kept:
        return both(STORE_ERASED_KEPT, store=store, kept=", ".join(kept))
    return both(STORE_ERASED, store=store)


@dataclass
class StorePreview:
    store: str
    lines: list[str] = field(default_factory=list)
    """What the erasure will do in each table that holds the person, in the reader's words."""
    letter: dict[str, str] = field(default_factory=dict)
    failure: str = ""


def erasure_preview_in_stores(request: RightsRequest, *, actor: str) -> list[StorePreview]:
    """What the erasure will do in each store, before anything is done: the person's rows per
    table (one counting read, audited like any access) and the dataset's rule for each, with
    the letter's line it will give. A store that cannot be read says why (the erasure will
    wait for it)."""
    if not ExternalStore.objects.exists() or not request.email_sealed:
        return []
    email = unseal(request.email_sealed)
    previews = []
    for store in ExternalStore.objects.order_by("name"):
        dataset, _problems = store_dataset(store)
        try:
            # Counts only: the rows come back counted in the result, none is kept.
            result = store_access(actor=actor, store=store, email=email, sink=CountingSink())
        except StoreInputError:
            previews.append(StorePreview(store.name, failure=gettext(STORE_NOT_READY)))
            continue
        if result.failure or dataset is None:
            failure = failure_text(result.failure) if result.failure else gettext(STORE_NOT_READY)
            previews.append(StorePreview(store.name, failure=failure))
            continue
        found = {table.table: table.rows for table in result.tables if table.rows}
        planned = planned_erasure(dataset, found)
        previews.append(
            StorePreview(
                store.name,
                lines=erasure_table_lines({"tables": planned}, planned=True),
                letter=store_letter_line(store.name, _kept({"tables": planned})),
            )
        )
    return previews


@dataclass
class StoreTable:
    name: str
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    total: int = 0
    headings: list[str] = field(default_factory=list)
    """The columns for the person: a personal column by its field's name in their language
    (``Nom complet (full_name)``), any other as the store names it."""


@dataclass
class StoreSection:
    store: str
    tables: list[StoreTable] = field(default_factory=list)
    failure: str = ""


class _Collect:
    def __init__(self) -> None:
        self.tables: list[StoreTable] = []

    def table(self, name: str, columns: Any) -> None:
        self.tables.append(StoreTable(name, list(columns)))

    def rows(self, name: str, batch: Any) -> None:
        table = self.tables[-1]
        for row in batch:
            table.total += 1
            if len(table.rows) < MAX_ROWS_SHOWN:
                table.rows.append(["" if value is None else str(value) for value in row])


def _headings(table: StoreTable, dataset: Dataset | None, language: str) -> list[str]:
    policy = active_policy()
    declared = dataset.tables.get(table.name) if dataset is not None else None
    headings = []
    for column in table.columns:
        known = declared.columns.get(column) if declared is not None else None
        label = policy.fields.get(known.field) if known is not None and known.field else None
        headings.append(f"{label.label.get(language)} ({column})" if label else column)
    return headings


def access_in_stores(request: RightsRequest, *, actor: str) -> list[StoreSection]:
    """What every store holds about the person (one set-based query per table)."""
    if not request.email_sealed:
        return []
    email = unseal(request.email_sealed)
    sections = []
    for store in ExternalStore.objects.order_by("name"):
        sink = _Collect()
        try:
            result = store_access(actor=actor, store=store, email=email, sink=sink)
        except StoreInputError:
            sections.append(StoreSection(store.name, failure="not_ready"))
            continue
        failure = failure_text(result.failure) if result.failure else ""
        tables = [table for table in sink.tables if table.total]
        dataset, _problems = store_dataset(store)
        for table in tables:
            table.headings = _headings(table, dataset, request.language)
        sections.append(StoreSection(store.name, tables, failure=failure))
    failed = [section for section in sections if section.failure]
    if failed:
        names = ", ".join(
            section.store
            if section.failure == "not_ready"
            else f"{section.store} ({section.failure})"
            for section in failed
        )
        raise Refused(STORES_UNREADABLE, {"stores": names})
    return sections


class _Portable:
    """Keeps, of each table, the personal columns whose source is portable, by field name
    (every row: a portability export is the whole of it, not a first thousand)."""

    def __init__(self, store: str, dataset: Dataset) -> None:
        self.store, self.dataset = store, dataset
        self.tables: list[dict[str, Any]] = []
        self.policy = active_policy()
        self._keep: list[tuple[int, str]] = []

    def _portable(self, source: str | None) -> bool:
        if source is None or source not in self.policy.sources:
            return False
        _purpose, basis = purpose_and_basis(self.policy, source)
        return portability.store_portable(
            legal_basis=basis, synced_only=synced_only(self.policy, source)
        )

    def table(self, name: str, columns: Any) -> None:
        table = self.dataset.tables.get(name)
        self._keep = []
        if table is None:
            return
        positions = {column: index for index, column in enumerate(columns)}
        sources: set[str] = set()
        for column in table.columns.values():
            source = column.source or table.source
            if source is None or column.field is None or column.name not in positions:
                continue
            if self._portable(source):
                self._keep.append((positions[column.name], column.field))
                sources.add(source)
        if self._keep:
            self.tables.append(
                {"store": self.store, "table": name, "source": ", ".join(sorted(sources)),
                 "rows": []}
            )  # fmt: skip

    def rows(self, name: str, batch: Any) -> None:
        if not self._keep:
            return
        rows = self.tables[-1]["rows"]
        for row in batch:
            values = {field: row[index] for index, field in self._keep}
            rows.append({k: None if v is None else str(v) for k, v in values.items()})


def portable_in_stores(request: RightsRequest, *, actor: str) -> list[dict[str, Any]]:
    """The person's portable data in every store: per table, the rows of its personal
    columns whose source is portable (dsr/domain/portability.py). A store that cannot be
    read refuses, as for access: nothing incomplete is sent."""
    if not request.email_sealed:
        return []
    email = unseal(request.email_sealed)
    found: list[dict[str, Any]] = []
    failed: list[str] = []
    for store in ExternalStore.objects.order_by("name"):
        dataset, _problems = store_dataset(store)
        if dataset is None:
            failed.append(store.name)  # not ready: its dataset has problems
            continue
        sink = _Portable(store.name, dataset)
        try:
            result = store_access(actor=actor, store=store, email=email, sink=sink)
        except StoreInputError:
            failed.append(store.name)  # not ready: not checked, or the check found problems
            continue
        if result.failure:
            failed.append(f"{store.name} ({failure_text(result.failure)})")
            continue
        found += [table for table in sink.tables if table["rows"]]
    if failed:
        raise Refused(STORES_UNREADABLE, {"stores": ", ".join(failed)})
    return found
