"""Retention writes: the sweep run, its replay after a restore, legal holds.

Each chunk of a run is its own transaction with its own audit event (retention/sweep.py); the
run's start, its end (the *receipt*) and its anonymisation register entry are transactions of
their own. A run killed between two chunks has lost nothing: its run row and the audit log
show the chunks it committed, and the next run marks it interrupted and does the rest.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice

from django.conf import settings
from django.db import transaction
from django.db.models import Count

from omni_privacy.audit.models import AuditEvent
from omni_privacy.audit.services import audit_record
from omni_privacy.core import clock
from omni_privacy.policy.domain.holds import HoldScope
from omni_privacy.policy.loader import active_policy
from omni_privacy.registry.models import LIVE_STATES, Holding
from omni_privacy.retention import ledger
from omni_privacy.retention.domain import anonymisation
from omni_privacy.retention.holds import exclude_held, hold_scope, only_held
from omni_privacy.retention.models import (
    AnonymisationEntry,
    RetentionRun,
    RunKind,
    RunStatus,
)
from omni_privacy.retention.sweep import (
    ChunkOutcome,
    DueRow,
    apply_chunk,
    due_rows,
    select_chunk,
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


def _count_by_rule_and_action(rows: Iterable[dict[str, object]]) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}
    for row in rows:
        rule, action = str(row["retention_rule"]), str(row["retention_action"])
        counts.setdefault(rule, {})[action] = int(row["n"])  # type: ignore[call-overload]
    return counts


def _held_counts(as_of: dt.date, holds: HoldScope) -> dict[str, int]:
    rows = (
        only_held(due_rows(as_of=as_of), holds)
        .values("retention_rule")
        .annotate(n=Count("id"))
        .order_by("retention_rule")
    )
    return {row["retention_rule"]: row["n"] for row in rows}


def retention_plan_counts(*, as_of: dt.date) -> RunReport:
    """What a run on ``as_of`` would do (``--dry-run``): counts only, nothing written."""
    holds, hold_ids = hold_scope(as_of=as_of)
    rows = (
        exclude_held(due_rows(as_of=as_of), holds)
        .values("retention_rule", "retention_action")
        .annotate(n=Count("id"))
        .order_by("retention_rule", "retention_action")
    )
    report = RunReport(as_of=as_of, dry_run=True, holds=hold_ids)
    report.counts = _count_by_rule_and_action(rows)
    report.processed = sum(sum(actions.values()) for actions in report.counts.values())
    report.held = _held_counts(as_of, holds)
    return report


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _close_dead_runs(*, actor: str, now: dt.datetime) -> list[str]:
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
                _entry_event(run, entry)
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


def _start_run(*, kind: str, actor: str, as_of: dt.date) -> RetentionRun:
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


def _save_progress(run: RetentionRun, report: RunReport, *, now: dt.datetime) -> None:
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
        _store_entry(run, report)


def _finish_run(run: RetentionRun, report: RunReport, *, started: float) -> None:
    """The receipt: the run's totals per clause, first and last record, duration; plus the
    anonymisation register entry when anything was anonymised. One transaction."""
    now = clock.now()
    report.duration_ms = int((time.monotonic() - started) * 1000)
    with transaction.atomic():
        if report.anonymised:
            report.anonymisation_entry = _register_entry(run, report).public_id
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
        _save_progress(run, report, now=now)
        RetentionRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FINISHED,
            finished_at=now,
            held=report.held,
            receipt_event=receipt.sequence,
            duration_ms=report.duration_ms,
        )


def _store_entry(run: RetentionRun, report: RunReport) -> AnonymisationEntry:
    entry, _created = AnonymisationEntry.objects.update_or_create(
        run=run,
        defaults={
            "anonymised_on": clock.today(),
            "holdings": sum(sum(per.values()) for per in report.anonymised.values()),
            "by_source": report.anonymised,
            "purposes": sorted({purpose for per in report.anonymised.values() for purpose in per}),
            "fields_removed": list(anonymisation.FIELDS_REMOVED),
            "fields_generalised": list(anonymisation.FIELDS_GENERALISED),
            "fields_kept": list(anonymisation.FIELDS_KEPT),
            "techniques": list(anonymisation.TECHNIQUES),
            "security_measures": list(anonymisation.SECURITY_MEASURES),
            "risk_analysis": anonymisation.RISK_ANALYSIS,
        },
    )
    return entry


def _entry_event(run: RetentionRun, entry: AnonymisationEntry) -> None:
    audit_record(
        actor=run.actor,
        action="retention.anonymisation_registered",
        object_type="anonymisation_entry",
        object_id=str(entry.public_id),
        payload={"run": str(run.public_id), "holdings": entry.holdings, "purposes": entry.purposes},
    )


def _register_entry(run: RetentionRun, report: RunReport) -> AnonymisationEntry:
    entry = _store_entry(run, report)
    _entry_event(run, entry)
    return entry


Progress = Callable[[RunReport], None]


def retention_run(
    *,
    actor: str,
    as_of: dt.date,
    dry_run: bool = False,
    limit: int | None = None,
    progress: Progress | None = None,
) -> RunReport:
    """Delete or anonymise every live holding due on or before ``as_of`` and not held
    (notice §4-§5). Idempotent: a second run on the same day finds nothing left to do."""
    if dry_run:
        return retention_plan_counts(as_of=as_of)
    started = time.monotonic()
    interrupted = _close_dead_runs(actor=actor, now=clock.now())
    run = _start_run(kind=RunKind.SWEEP, actor=actor, as_of=as_of)
    holds, hold_ids = hold_scope(as_of=as_of)
    report = RunReport(as_of=as_of, run_id=run.public_id, holds=hold_ids, interrupted=interrupted)
    report.held = _held_counts(as_of, holds)
    size = limit or chunk_size()
    cursor = 0
    while True:
        now = clock.now()
        with transaction.atomic():
            rows = select_chunk(as_of=as_of, holds=holds, after_id=cursor, limit=size)
            if not rows:
                break
            outcome = apply_chunk(
                rows,
                run_id=run.public_id,
                actor=actor,
                as_of=as_of,
                now=now,
                audit_action="retention.sweep.chunk",
            )
            report.absorb(outcome)
            _save_progress(run, report, now=now)
        if outcome.ledger_lines:
            ledger.mark_committed([outcome.chunk])
        cursor = outcome.last_id
        if progress is not None:
            progress(report)
    _finish_run(run, report, started=started)
    return report


# -- replay ------------------------------------------------------------------------------------


def _batches(items: Iterator[ledger.Tombstone], size: int) -> Iterator[list[ledger.Tombstone]]:
    while batch := list(islice(items, size)):
        yield batch


def _replay_rows(batch: list[ledger.Tombstone]) -> list[DueRow]:
    """Live holdings that a tombstone of ``batch`` says were erased: same keyed email digest,
    organisation and source, recorded before the erasure (a later collection is new data)."""
    wanted: dict[tuple[str, str, str], ledger.Tombstone] = {}
    for tombstone in batch:
        key = (tombstone.digest, tombstone.organization, tombstone.source)
        known = wanted.get(key)
        # Deletion is the stronger erasure; otherwise the latest one counts.
        if known is None or (
            known.action != "delete"
            and (tombstone.action == "delete" or tombstone.erased_at > known.erased_at)
        ):
            wanted[key] = tombstone
    candidates = (
        Holding.objects.filter(
            state__in=LIVE_STATES, person__email_digest__in={key[0] for key in wanted}
        )
        .select_for_update()
        .order_by("id")
        .values_list(
            "id",
            "public_id",
            "person_id",
            "organization_id",
            "source",
            "purpose",
            "person__email_digest",
            "organization__code",
            "created_at",
        )
    )
    rows = []
    for hid, public_id, person_id, org_id, source, purpose, digest, code, created in candidates:
        match = wanted.get((digest, code, source))
        if match is None or created > match.erased_at:
            continue
        rows.append(
            DueRow(
                hid,
                public_id,
                person_id,
                org_id,
                source,
                purpose,
                match.rule,
                match.action,
                digest,
                code,
            )
        )
    return rows


def retention_replay(*, actor: str, as_of: dt.date) -> RunReport:
    """Re-apply every erasure of the ledger (after a database backup is restored): whatever the
    restore brought back is erased again, by the same action. Idempotent."""
    started = time.monotonic()
    interrupted = _close_dead_runs(actor=actor, now=clock.now())
    run = _start_run(kind=RunKind.REPLAY, actor=actor, as_of=as_of)
    report = RunReport(
        as_of=as_of, kind=RunKind.REPLAY, run_id=run.public_id, interrupted=interrupted
    )
    for batch in _batches(ledger.read(), chunk_size()):
        now = clock.now()
        with transaction.atomic():
            rows = _replay_rows(batch)
            if not rows:
                continue
            outcome = apply_chunk(
                rows,
                run_id=run.public_id,
                actor=actor,
                as_of=as_of,
                now=now,
                audit_action="retention.replay.chunk",
                write_ledger=False,
            )
            report.absorb(outcome)
            _save_progress(run, report, now=now)
    _finish_run(run, report, started=started)
    return report
