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
3. DELETE of the holdings whose action is delete; UPDATE of the others to anonymous rows
   (identifiers removed, dates to the month, person unlinked, new random public id);
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
from django.db.models import DateField, Exists, OuterRef, Q
from django.db.models.functions import TruncMonth

from omni_privacy.audit.services import audit_record
from omni_privacy.registry.models import LIVE_STATES, Holding, HoldingState, Organization, Person
from omni_privacy.retention import ledger
from omni_privacy.retention.domain.anonymisation import by_source_and_purpose

DELETE = "delete"
ANONYMIZE = "anonymize"


class RandomUUID(models.Func):
    """A fresh random UUID computed by the database (one per row of an UPDATE)."""

    output_field = models.UUIDField()

    def as_sql(self, compiler: Any, connection: Any, *args: Any, **extra: Any) -> Any:
        raise NotImplementedError(f"RandomUUID is not written for {connection.vendor}")

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        return "gen_random_uuid()", []

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        # Django stores a UUIDField as 32 hex characters on SQLite.
        return "lower(hex(randomblob(16)))", []


@dataclass(frozen=True)
class Holds:
    """What active legal holds cover on the run's day."""

    organization_ids: frozenset[int] = frozenset()
    person_ids: frozenset[int] = frozenset()

    def exclude_from(self, rows: models.QuerySet[Holding]) -> models.QuerySet[Holding]:
        if self.organization_ids:
            rows = rows.exclude(organization_id__in=sorted(self.organization_ids))
        if self.person_ids:
            rows = rows.exclude(person_id__in=sorted(self.person_ids))
        return rows

    def only_held(self, rows: models.QuerySet[Holding]) -> models.QuerySet[Holding]:
        if not (self.organization_ids or self.person_ids):
            return rows.none()
        return rows.filter(
            Q(organization_id__in=sorted(self.organization_ids))
            | Q(person_id__in=sorted(self.person_ids))
        )


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


_ROW_FIELDS = (
    "id",
    "public_id",
    "person_id",
    "organization_id",
    "source",
    "purpose",
    "retention_rule",
    "retention_action",
)


def due_rows(*, as_of: dt.date) -> models.QuerySet[Holding]:
    """Live holdings the evaluator says are due on or before ``as_of`` (notice §4-§5: act at
    the first run after the due day; the 60 days are the outer limit)."""
    return Holding.objects.filter(state__in=LIVE_STATES, due_at__lte=as_of)


def select_chunk(*, as_of: dt.date, holds: Holds, after_id: int, limit: int) -> list[DueRow]:
    """The next chunk of due, unheld holdings after ``after_id``, locked for this transaction."""
    rows = holds.exclude_from(due_rows(as_of=as_of)).filter(id__gt=after_id)
    if connection.features.has_select_for_update_skip_locked:
        rows = rows.select_for_update(skip_locked=True)
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


def apply_chunk(
    rows: Sequence[DueRow],
    *,
    run_id: uuid.UUID,
    actor: str,
    as_of: dt.date,
    now: dt.datetime,
    audit_action: str,
    write_ledger: bool = True,
) -> ChunkOutcome:
    """Erase ``rows`` (each by its own action). Must run inside the caller's transaction,
    the one that selected and locked them."""
    if not connection.in_atomic_block:
        raise RuntimeError("apply_chunk must run inside the transaction that selected the rows")
    outcome = ChunkOutcome()
    if not rows:
        return outcome
    if write_ledger:
        outcome.ledger_lines = ledger.append(_tombstones(rows, run_id=run_id, now=now))
    deleted = [row.id for row in rows if row.action == DELETE]
    anonymised = [row for row in rows if row.action != DELETE]
    if deleted:
        Holding.objects.filter(id__in=deleted).delete()
    if anonymised:
        _anonymise([row.id for row in anonymised], now=now)
    outcome.people_erased = _delete_unheld_people(
        {row.person_id for row in rows if row.person_id is not None}
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
            "count": len(rows),
            "people_erased": outcome.people_erased,
            "holdings": listed,
        },
        occurred_at=now,
    )
    outcome.event_sequence = event.sequence
    return outcome


def _tombstones(
    rows: Sequence[DueRow], *, run_id: uuid.UUID, now: dt.datetime
) -> list[ledger.Tombstone]:
    person_ids = {row.person_id for row in rows if row.person_id is not None}
    digests = dict(Person.objects.filter(id__in=person_ids).values_list("id", "email_digest"))
    codes = dict(
        Organization.objects.filter(id__in={row.organization_id for row in rows}).values_list(
            "id", "code"
        )
    )
    return [
        ledger.Tombstone(
            digest=digests[row.person_id],
            organization=codes[row.organization_id],
            source=row.source,
            action=row.action,
            rule=row.rule,
            erased_at=now,
            run=str(run_id),
        )
        for row in rows
        if row.person_id in digests
    ]


def _anonymise(ids: list[int], *, now: dt.datetime) -> None:
    """Irreversible (domain/anonymisation.py): identifiers removed, dates to the month, the
    person unlinked and a new random id, so that nothing still names or points to the row."""
    Holding.objects.filter(id__in=ids).update(
        state=HoldingState.ANONYMIZED,
        person=None,
        full_name=None,
        email=None,
        phone=None,
        preferred_language=None,
        roles=[],
        last_contact_at=None,
        role_removed_at=None,
        collected_at=TruncMonth("collected_at", output_field=DateField()),
        created_at=TruncMonth("created_at", tzinfo=dt.UTC),
        updated_at=now,
        ended_at=now,
        due_at=None,
        deadline_at=None,
        public_id=RandomUUID(),
    )


def _delete_unheld_people(person_ids: set[int]) -> int:
    """Delete the people among ``person_ids`` left with no holding at all (their keyed email
    digest goes with them). Other rows that point to a person follow their on_delete."""
    if not person_ids:
        return 0
    orphans = Person.objects.filter(id__in=sorted(person_ids)).filter(
        ~Exists(Holding.objects.filter(person_id=OuterRef("pk")))
    )
    deleted, _by_model = orphans.delete()
    return int(_by_model.get(Person._meta.label, 0)) if deleted else 0
