"""The set-based core of the retention sweep: select one chunk of due holdings, erase it.

zulip's retention design (zerver/lib/retention.py) is the model: work in chunks, each chunk one
transaction that selects its rows, acts on them and records what it did, so that a run killed
at any moment has either done a chunk completely (and said so in the audit log and the run
row) or not at all, and the next run simply picks up what is still due. Nothing here loads more
than one chunk into Python; the writes are a handful of statements per chunk, whatever its size.

Per chunk, in one transaction:
1. the rows: live holdings due on or before ``as_of``, not under a legal hold, after the
   cursor, locked (SKIP LOCKED on PostgreSQL, so concurrent runs split the work);
2. the erasure ledger lines (keyed email digests), appended and fsynced *before* commit;
3. for the holdings to anonymise, INSERT ... SELECT of their organisation-level facts into
   unlinked AnonymisedFact rows; then one DELETE of every holding of the chunk;
4. DELETE of the people left with no holding (and their keyed email digest with them);
5. one audit event listing every holding acted on, by rule and action.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, models
from django.utils import timezone

from omni_privacy.audit.services import audit_record
from omni_privacy.core.sql import in_values, values_param
from omni_privacy.policy.domain.holds import HoldScope
from omni_privacy.registry.models import LIVE_STATES, Holding
from omni_privacy.registry.signals import holdings_erasing
from omni_privacy.registry.writers import holdings_delete, people_delete_unheld
from omni_privacy.retention import ledger
from omni_privacy.retention.domain.anonymisation import by_source_and_purpose
from omni_privacy.retention.holds import exclude_held
from omni_privacy.retention.models import AnonymisedFact

DELETE = "delete"


@dataclass(frozen=True)
class DueRow:
    id: int
    public_id: uuid.UUID
    person_id: int | None
    organization_id: int
    source: str
    purpose: str
    rule: str
    action: str
    digest: str | None
    """The person's keyed email digest (what the erasure ledger names them by)."""
    organization_code: str


_ROW_FIELDS = (
    "id",
    "public_id",
    "person_id",
    "organization_id",
    "source",
    "purpose",
    "retention_rule",
    "retention_action",
    "person__email_digest",
    "organization__code",
)


def due_rows(*, as_of: dt.date) -> models.QuerySet[Holding]:
    """Live holdings the evaluator says are due on or before ``as_of`` (notice §4-§5: act at
    the first run after the due day; the 60 days are the outer limit)."""
    return Holding.objects.filter(state__in=LIVE_STATES, due_at__lte=as_of)


def select_chunk(*, as_of: dt.date, holds: HoldScope, after_id: int, limit: int) -> list[DueRow]:
    """The next chunk of due, unheld holdings after ``after_id``, locked for this transaction."""
    rows = exclude_held(due_rows(as_of=as_of), holds).filter(id__gt=after_id)
    if connection.features.has_select_for_update_skip_locked:
        rows = rows.select_for_update(skip_locked=True, of=("self",))
    return [DueRow(*values) for values in rows.order_by("id").values_list(*_ROW_FIELDS)[:limit]]


@dataclass
class ChunkOutcome:
    processed: int = 0
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    anonymised: dict[str, dict[str, int]] = field(default_factory=dict)
    people_erased: int = 0
    ledger_lines: int = 0
    first_holding: uuid.UUID | None = None
    last_holding: uuid.UUID | None = None
    event_sequence: int | None = None
    last_id: int = 0
    chunk: str = ""
    """Names this chunk in the ledger and its audit event (the ledger's commit mark)."""


def apply_chunk(
    rows: Sequence[DueRow],
    *,
    run_id: uuid.UUID,
    actor: str,
    as_of: dt.date,
    now: dt.datetime,
    audit_action: str,
    write_ledger: bool = True,
    reach_stores: bool = False,
) -> ChunkOutcome:
    """Erase ``rows`` (each by its own action). Must run inside the caller's transaction,
    the one that selected and locked them. ``reach_stores`` (the sweep): the same people's
    data of the same sources is asked to be erased in the external stores, in this
    transaction (registry/signals.py)."""
    if not connection.in_atomic_block:
        raise RuntimeError("apply_chunk must run inside the transaction that selected the rows")
    outcome = ChunkOutcome(chunk=str(uuid.uuid4()))
    if not rows:
        return outcome
    if write_ledger:
        outcome.ledger_lines = ledger.append(
            _tombstones(rows, run_id=run_id, now=now, chunk=outcome.chunk)
        )
    if reach_stores:
        holdings_erasing.send(
            sender="retention", holding_ids=[row.id for row in rows],
            reason=f"retention:{as_of.isoformat()}", actor=actor,
        )  # fmt: skip
    anonymised = [row for row in rows if row.action != DELETE]
    if anonymised:
        _keep_facts([row.id for row in anonymised], now=now)
    holdings_delete(ids=[row.id for row in rows])
    outcome.people_erased = people_delete_unheld(
        person_ids=sorted({row.person_id for row in rows if row.person_id is not None})
    )
    listed: dict[str, dict[str, list[str]]] = {}
    for row in rows:
        by_action = outcome.counts.setdefault(row.rule, {})
        by_action[row.action] = by_action.get(row.action, 0) + 1
        listed.setdefault(row.rule, {}).setdefault(row.action, []).append(str(row.public_id))
    outcome.anonymised = by_source_and_purpose((row.source, row.purpose) for row in anonymised)
    outcome.processed = len(rows)
    outcome.first_holding = rows[0].public_id
    outcome.last_holding = rows[-1].public_id
    outcome.last_id = max(row.id for row in rows)
    event = audit_record(
        actor=actor,
        action=audit_action,
        object_type="retention_run",
        object_id=str(run_id),
        payload={
            "as_of": as_of.isoformat(),
            "chunk": outcome.chunk,
            "count": len(rows),
            "people_erased": outcome.people_erased,
            "holdings": listed,
        },
        occurred_at=now,
    )
    outcome.event_sequence = event.sequence
    return outcome


def _tombstones(
    rows: Sequence[DueRow], *, run_id: uuid.UUID, now: dt.datetime, chunk: str
) -> list[ledger.Tombstone]:
    return [
        ledger.Tombstone(
            digest=row.digest,
            organization=row.organization_code,
            source=row.source,
            action=row.action,
            rule=row.rule,
            erased_at=now,
            run=str(run_id),
            chunk=chunk,
        )
        for row in rows
        if row.digest is not None
    ]


# -- set-based SQL: a chunk's ids go to the database as one parameter, not thousands ----------


def _in_ids(column: str) -> str:
    """``column`` is one of the ids bound as the single parameter (see `_ids_param`)."""
    return in_values(_quote(column))


def _ids_param(ids: Sequence[int]) -> Any:
    return values_param(ids)


def _execute(sql: str, ids: Sequence[int], *before: Any) -> list[tuple[Any, ...]]:
    """Run ``sql`` with ``before`` then the id list bound; the rows it returns, if any."""
    with connection.cursor() as cursor:
        cursor.execute(sql, [*before, _ids_param(ids)])
        return list(cursor.fetchall()) if cursor.description else []


def _quote(name: str) -> str:
    return str(connection.ops.quote_name(name))


def _table(model: type[models.Model]) -> str:
    return _quote(model._meta.db_table)


_MONTH_OF = {
    "postgresql": "date_trunc('month', {column})::date",
    "sqlite": "date({column}, 'start of month')",
}


def _keep_facts(ids: list[int], *, now: dt.datetime) -> None:
    """Anonymising, irreversibly (domain/anonymisation.py): only organisation-level facts are
    copied to unlinked AnonymisedFact rows (months, no person, no holding id, inserted in random
    order within the chunk); the caller then deletes the holdings with every identifier."""
    month_of = _MONTH_OF[connection.vendor].format(column=_quote("collected_at"))
    listed = ", ".join(
        _quote(column)
        for column in ("organization_id", "source", "purpose", "legal_basis", "channel")
    )
    _execute(
        f"INSERT INTO {_table(AnonymisedFact)} "  # noqa: S608 - names from _meta, values bound
        f"({listed}, collected_month, anonymised_month, retention_rule) "
        f"SELECT {listed}, {month_of}, %s, retention_rule FROM {_table(Holding)} "
        f"WHERE {_in_ids('id')} ORDER BY random()",
        ids,
        timezone.localdate(now).replace(day=1),
    )


def select_person_due(*, person_id: int, as_of: dt.date, holds: HoldScope) -> list[DueRow]:
    """One person's due, unheld holdings, locked for this transaction: an erasure request
    carried out at once, through the same ``apply_chunk`` as the sweep (issue 14 point 4)."""
    rows = exclude_held(due_rows(as_of=as_of), holds).filter(person_id=person_id)
    if connection.features.has_select_for_update:
        rows = rows.select_for_update(of=("self",))
    return [DueRow(*values) for values in rows.order_by("id").values_list(*_ROW_FIELDS)]
