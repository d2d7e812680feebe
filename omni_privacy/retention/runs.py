"""Retention runs and their receipts: starting a run (sweep or replay), its heartbeat and
progress after each chunk, closing runs that died, the receipt at its end (one audit event
with the totals per clause), and the list of runs the console and CLI show.

Each step is its own transaction; the chunks themselves are retention/sweep.py's. A run
killed between two chunks has lost nothing: its run row and the audit log show the chunks it
committed, and the next run marks it interrupted and does the rest.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction

from omni_privacy.audit.models import AuditEvent
from omni_privacy.audit.services import audit_record
from omni_privacy.core import clock
from omni_privacy.policy.loader import active_policy
from omni_privacy.retention import ledger
from omni_privacy.retention.clauses import Clauses
from omni_privacy.retention.domain import anonymisation
from omni_privacy.retention.models import (
    AnonymisationEntry,
    RetentionRun,
    RunKind,
    RunStatus,
)
from omni_privacy.retention.register import (
    register_entry_event,
    register_entry_record,
    register_entry_store,
)
from omni_privacy.retention.sweep import (
    ChunkOutcome,
)

# A running run whose heartbeat is older than this is taken for dead (another machine).
STALE_AFTER = dt.timedelta(minutes=15)


def chunk_size() -> int:
    return int(getattr(settings, "OMNI_RETENTION_CHUNK", 5000))


@dataclass
class RunReport:
    """What a run did (or, dry, would do): the receipt, as plain values."""

    as_of: dt.date
    kind: str = RunKind.SWEEP
    dry_run: bool = False
    run_id: uuid.UUID | None = None
    processed: int = 0
    people_erased: int = 0
    ledger_lines: int = 0
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    held: dict[str, int] = field(default_factory=dict)
    holds: list[str] = field(default_factory=list)
    first_holding: uuid.UUID | None = None
    last_holding: uuid.UUID | None = None
    first_event: int | None = None
    last_event: int | None = None
    receipt_event: int | None = None
    duration_ms: int = 0
    anonymisation_entry: uuid.UUID | None = None
    anonymised: dict[str, dict[str, int]] = field(default_factory=dict)
    interrupted: list[str] = field(default_factory=list)

    def absorb(self, chunk: ChunkOutcome) -> None:
        self.processed += chunk.processed
        self.people_erased += chunk.people_erased
        self.ledger_lines += chunk.ledger_lines
        anonymisation.merge_counts(self.counts, chunk.counts)
        anonymisation.merge_counts(self.anonymised, chunk.anonymised)
        if self.first_holding is None:
            self.first_holding = chunk.first_holding
            self.first_event = chunk.event_sequence
        self.last_holding = chunk.last_holding or self.last_holding
        self.last_event = chunk.event_sequence or self.last_event

    def clauses(self) -> dict[str, dict[str, object]]:
        """Counts per rule with the notice section each rule implements."""
        policy = active_policy()
        result: dict[str, dict[str, object]] = {}
        for rule in sorted(set(self.counts) | set(self.held)):
            try:
                section = policy.rule(rule).section
            except KeyError:
                section = ""
            actions = self.counts.get(rule, {})
            result[rule] = {
                "clause": section,
                "delete": actions.get("delete", 0),
                "anonymize": actions.get("anonymize", 0),
                "held": self.held.get(rule, 0),
            }
        return result


Progress = Callable[[RunReport], None]


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def runs_close_dead(*, actor: str, now: dt.datetime) -> list[str]:
    """Mark runs that died mid-way (killed, machine lost) as interrupted, with their partial
    receipt in the audit log. Their committed chunks stand; the current run does the rest."""
    host = socket.gethostname()
    closed = []
    for run in RetentionRun.objects.filter(status=RunStatus.RUNNING):
        same_host_dead = run.host == host and run.pid is not None and not _pid_alive(run.pid)
        if not (same_host_dead or run.heartbeat_at < now - STALE_AFTER):
            continue
        with transaction.atomic():
            updated = RetentionRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING).update(
                status=RunStatus.INTERRUPTED, finished_at=now
            )
            if not updated:
                continue
            audit_record(
                actor=actor,
                action="retention.run.interrupted",
                object_type="retention_run",
                object_id=str(run.public_id),
                payload={
                    "as_of": run.as_of.isoformat(),
                    "processed": run.processed,
                    "counts": run.counts,
                    "last_event": run.last_event,
                    "last_heartbeat": run.heartbeat_at.isoformat(),
                },
                occurred_at=now,
            )
            _reconcile_ledger(run)
            entry = AnonymisationEntry.objects.filter(run=run).first()
            if entry is not None:
                register_entry_event(run, entry)
        closed.append(str(run.public_id))
    return closed


def _reconcile_ledger(run: RetentionRun) -> None:
    """Mark the dead run's chunks that did commit (their audit event exists) but died before
    their ledger mark; the others never erased anything and replay keeps ignoring them."""
    unmarked = ledger.unmarked_chunks(str(run.public_id))
    if not unmarked:
        return
    committed = set(
        AuditEvent.objects.filter(
            object_type="retention_run", object_id=str(run.public_id), action__endswith=".chunk"
        ).values_list("payload__chunk", flat=True)
    )
    ledger.mark_committed(sorted(unmarked & committed))


def run_start(*, kind: str, actor: str, as_of: dt.date) -> RetentionRun:
    now = clock.now()
    with transaction.atomic():
        run = RetentionRun.objects.create(
            kind=kind,
            as_of=as_of,
            actor=actor,
            started_at=now,
            heartbeat_at=now,
            host=socket.gethostname(),
            pid=os.getpid(),
        )
        audit_record(
            actor=actor,
            action=f"retention.{kind}.started",
            object_type="retention_run",
            object_id=str(run.public_id),
            payload={"as_of": as_of.isoformat()},
            occurred_at=now,
        )
    return run


def run_progress_save(run: RetentionRun, report: RunReport, *, now: dt.datetime) -> None:
    RetentionRun.objects.filter(pk=run.pk).update(
        heartbeat_at=now,
        processed=report.processed,
        people_erased=report.people_erased,
        counts=report.counts,
        first_holding=report.first_holding,
        last_holding=report.last_holding,
        first_event=report.first_event,
        last_event=report.last_event,
    )
    if report.anonymised:
        # In the chunk's own transaction: a run killed half-way keeps the register entry for
        # what it did anonymise (the next run closes it as interrupted).
        register_entry_store(run, report)


def run_finish(run: RetentionRun, report: RunReport, *, started: float) -> None:
    """The receipt: the run's totals per clause, first and last record, duration; plus the
    anonymisation register entry when anything was anonymised. One transaction."""
    now = clock.now()
    report.duration_ms = int((time.monotonic() - started) * 1000)
    with transaction.atomic():
        if report.anonymised:
            report.anonymisation_entry = register_entry_record(run, report).public_id
        receipt = audit_record(
            actor=run.actor,
            action=f"retention.{run.kind}.receipt",
            object_type="retention_run",
            object_id=str(run.public_id),
            payload={
                "as_of": report.as_of.isoformat(),
                "processed": report.processed,
                "people_erased": report.people_erased,
                "clauses": report.clauses(),
                "holds": report.holds,
                "first_holding": str(report.first_holding) if report.first_holding else None,
                "last_holding": str(report.last_holding) if report.last_holding else None,
                "first_event": report.first_event,
                "last_event": report.last_event,
                "duration_ms": report.duration_ms,
                "ledger_lines": report.ledger_lines,
                "anonymisation_entry": (
                    str(report.anonymisation_entry) if report.anonymisation_entry else None
                ),
                "interrupted_runs": report.interrupted,
            },
            occurred_at=now,
        )
        report.receipt_event = receipt.sequence
        run_progress_save(run, report, now=now)
        RetentionRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FINISHED,
            finished_at=now,
            held=report.held,
            receipt_event=receipt.sequence,
            duration_ms=report.duration_ms,
        )


@dataclass(frozen=True)
class RunClause:
    """One rule's figures in a run: what it deleted, anonymised and left held."""

    rule: str
    clause: str
    delete: int
    anonymize: int
    held: int


@dataclass(frozen=True)
class RunSummary:
    run_id: uuid.UUID
    kind: str
    as_of: dt.date
    status: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    processed: int
    people_erased: int
    clauses: tuple[RunClause, ...]
    duration_ms: int | None
    receipt_event: int | None


RUN_FIELDS = (
    "public_id",
    "kind",
    "as_of",
    "status",
    "started_at",
    "finished_at",
    "processed",
    "people_erased",
    "counts",
    "held",
    "duration_ms",
    "receipt_event",
)


def run_summary(row: dict, clause: Clauses) -> RunSummary:
    counts: dict[str, dict[str, int]] = row["counts"] or {}
    held: dict[str, int] = row["held"] or {}
    return RunSummary(
        run_id=row["public_id"],
        kind=row["kind"],
        as_of=row["as_of"],
        status=row["status"],
        started_at=row["started_at"],
        finished_at=row["finished_at"],
        processed=row["processed"],
        people_erased=row["people_erased"],
        clauses=tuple(
            RunClause(
                rule=rule,
                clause=clause(rule),
                delete=counts.get(rule, {}).get("delete", 0),
                anonymize=counts.get(rule, {}).get("anonymize", 0),
                held=held.get(rule, 0),
            )
            for rule in sorted(set(counts) | set(held))
        ),
        duration_ms=row["duration_ms"],
        receipt_event=row["receipt_event"],
    )


def retention_runs(*, limit: int = 20) -> list[RunSummary]:
    """The latest runs (sweeps and replays), newest first, with their figures per rule."""
    clause = Clauses()
    rows = RetentionRun.objects.order_by("-started_at", "-id").values(*RUN_FIELDS)[:limit]
    return [run_summary(row, clause) for row in rows]
