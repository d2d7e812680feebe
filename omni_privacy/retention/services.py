"""The retention sweep and its replay: what a run on a day would do (``--dry-run``), the run
itself, chunk after chunk (retention/sweep.py), and the replay of the erasure ledger after a
database backup is restored. The run records and receipts are retention/runs.py's; legal
holds are retention/holds.py's."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable, Iterator
from itertools import islice

from django.db import transaction
from django.db.models import Count

from omni_privacy.core import clock
from omni_privacy.policy.domain.holds import HoldScope
from omni_privacy.registry.models import LIVE_STATES, Holding
from omni_privacy.retention import ledger
from omni_privacy.retention.holds import exclude_held, hold_scope, only_held
from omni_privacy.retention.models import (
    RunKind,
)
from omni_privacy.retention.runs import (
    Progress,
    RunReport,
    chunk_size,
    run_finish,
    run_progress_save,
    run_start,
    runs_close_dead,
)
from omni_privacy.retention.sweep import (
    DueRow,
    apply_chunk,
    due_rows,
    select_chunk,
)


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
    interrupted = runs_close_dead(actor=actor, now=clock.now())
    run = run_start(kind=RunKind.SWEEP, actor=actor, as_of=as_of)
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
                reach_stores=True,
            )
            report.absorb(outcome)
            run_progress_save(run, report, now=now)
        if outcome.ledger_lines:
            ledger.mark_committed([outcome.chunk])
        cursor = outcome.last_id
        if progress is not None:
            progress(report)
    run_finish(run, report, started=started)
    return report


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
    interrupted = runs_close_dead(actor=actor, now=clock.now())
    run = run_start(kind=RunKind.REPLAY, actor=actor, as_of=as_of)
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
            run_progress_save(run, report, now=now)
    run_finish(run, report, started=started)
    return report
