"""A person's erasure in every external store, as work that survives faults (issue 17 point 5).

``store_erasures_request`` records one :class:`StoreErasure` per registered store for a reason
(a rights request, a retention sweep), with the person's address sealed. ``store_erasure_attempt``
tries one of them: the store's own transaction commits or rolls back whole (stores/erasure.py),
then the row is updated here. Retrying is safe: an erasure already applied finds nothing the
second time (the re-query proves the same thing), so a worker killed between the store's commit
and this row's update applies nothing twice. A transient failure (the store is down) waits
``stores/domain/retry.py``'s growing delay; one that retrying cannot cure is blocked at once.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from email_validator import EmailNotValidError

from omni_privacy.audit.services import audit_record
from omni_privacy.core import clock
from omni_privacy.core.crypto import seal, unseal
from omni_privacy.core.digest import email_digest
from omni_privacy.registry.domain.gate import normalize_email
from omni_privacy.stores.domain.results import DONE, ErasureResult
from omni_privacy.stores.domain.retry import next_attempt
from omni_privacy.stores.models import ExternalStore, StoreErasure
from omni_privacy.stores.services import StoreInputError, store_erase

ACTOR = "system:stores"


def store_erasures_request(*, actor: str, reason: str, email: str) -> list[StoreErasure]:
    """One pending erasure per registered store (idempotent: asking twice for the same reason
    and person adds nothing). Returns the erasures of that reason and person."""
    normalized = normalize_email(email)
    digest = email_digest(normalized)
    now = clock.now()
    with transaction.atomic():
        created = 0
        for store in ExternalStore.objects.order_by("name"):
            _job, made = StoreErasure.objects.get_or_create(
                store=store,
                reason=reason,
                subject_digest=digest,
                defaults={"identity_sealed": seal(normalized), "next_attempt_at": now},
            )
            created += made
        if created:
            audit_record(
                actor=actor,
                action="store.erasures_requested",
                object_type="store_erasure",
                object_id=reason,
                payload={"subject": digest, "stores": created},
                occurred_at=now,
            )
    return list(
        StoreErasure.objects.filter(reason=reason, subject_digest=digest).select_related("store")
    )


def store_erasures_request_many(*, actor: str, reason: str, people: list[tuple[str, str]]) -> int:
    """One pending erasure per store and (person, source): the retention sweep's, in the
    sweep's transaction, set-based (one insert a chunk, existing ones left as they are) and
    one audit event naming the counts. Returns how many were added."""
    stores = list(ExternalStore.objects.order_by("name"))
    if not stores or not people:
        return 0
    now = clock.now()
    wanted: dict[tuple[str, str], str] = {}
    for email, source in people:
        try:
            normalized = normalize_email(email)
        except EmailNotValidError:
            continue  # an address the registry holds but that no store can match
        wanted.setdefault((email_digest(normalized), source), normalized)
    jobs = [
        StoreErasure(
            store=store,
            reason=reason,
            subject_digest=digest,
            source=source,
            identity_sealed=seal(normalized),
            next_attempt_at=now,
        )
        for store in stores
        for (digest, source), normalized in wanted.items()
    ]
    with transaction.atomic():
        before = StoreErasure.objects.filter(reason=reason).count()
        StoreErasure.objects.bulk_create(jobs, batch_size=1000, ignore_conflicts=True)
        added = StoreErasure.objects.filter(reason=reason).count() - before
        if added:
            audit_record(
                actor=actor,
                action="store.erasures_requested",
                object_type="store_erasure",
                object_id=reason,
                payload={"people": len(wanted), "stores": len(stores), "added": added},
                occurred_at=now,
            )
    return added


def _result_dict(result: ErasureResult) -> dict[str, Any]:
    return {
        "tables": {
            table.table: {
                "action": table.action,
                "found": table.found,
                "erased": table.erased,
                "anonymised": table.anonymised,
                "kept": table.kept,
                "reason": table.keep.reason if table.keep else "",
                "clause": table.keep.clause if table.keep else "",
                "kept_columns": {
                    kept.column: {"reason": kept.keep.reason, "clause": kept.keep.clause}
                    for kept in table.kept_columns
                },
            }
            for table in result.tables
        }
    }


def store_erasure_attempt(job_id: int, *, now: dt.datetime | None = None) -> StoreErasure | None:
    """Try one pending erasure whose time has come; ``None`` when there is nothing to do (done,
    blocked, not yet time, or another worker holds it)."""
    now = now or clock.now()
    with transaction.atomic():
        job = (
            StoreErasure.objects.select_for_update(skip_locked=True)
            .select_related("store")
            .filter(pk=job_id, state=StoreErasure.State.PENDING, next_attempt_at__lte=now)
            .first()
        )
        if job is None:
            return None
        # Claim the attempt before the store is touched: a worker killed from here on leaves
        # a row that the next attempt (after its wait) tries again, never a lost erasure.
        job.attempts += 1
        job.next_attempt_at = now + dt.timedelta(minutes=10)
        job.save(update_fields=["attempts", "next_attempt_at", "updated_at"])
    email = unseal(job.identity_sealed)
    try:
        result = store_erase(
            actor=ACTOR, store=job.store, email=email, source=job.source or None, reason=job.reason
        )
    except StoreInputError as refused:
        code = refused.problems[0].code if refused.problems else "dataset_invalid"
        return _failed(job, now, code, {"problems": [p.code for p in refused.problems]})
    if result.outcome == DONE:
        return _done(job, now, result)
    failure = result.failure
    if failure is None:  # a failed result always names its failure; be safe all the same
        return _failed(job, now, "unknown", {})
    return _failed(job, now, failure.code, dict(failure.params))


def _done(job: StoreErasure, now: dt.datetime, result: ErasureResult) -> StoreErasure:
    with transaction.atomic():
        job.state = StoreErasure.State.DONE
        job.identity_sealed = ""  # the address is destroyed once the store is done
        job.next_attempt_at = None
        job.failure_code, job.failure_params = "", {}
        job.result = _result_dict(result)
        job.finished_at = now
        job.save()
        audit_record(
            actor=ACTOR,
            action="store.erasure_done",
            object_type="store_erasure",
            object_id=str(job.public_id),
            payload={"store": job.store.name, "reason": job.reason, "attempts": job.attempts},
            occurred_at=now,
        )
    return job


def _failed(job: StoreErasure, now: dt.datetime, code: str, params: dict[str, Any]) -> StoreErasure:
    sqlstate = str(params.get("sqlstate") or "")
    retry_at = next_attempt(attempts=job.attempts, failed_at=now, code=code, sqlstate=sqlstate)
    with transaction.atomic():
        job.failure_code, job.failure_params = code, params
        if retry_at is None:
            job.state = StoreErasure.State.BLOCKED
            job.next_attempt_at = None
        else:
            job.next_attempt_at = retry_at
        job.save()
        audit_record(
            actor=ACTOR,
            action="store.erasure_failed",
            object_type="store_erasure",
            object_id=str(job.public_id),
            payload={
                "store": job.store.name,
                "code": code,
                "attempts": job.attempts,
                "blocked": retry_at is None,
            },
            occurred_at=now,
        )
    return job


def store_erasure_retry(*, actor: str, job: StoreErasure) -> StoreErasure:
    """A privacy officer sends a blocked erasure back to the queue (after fixing the store)."""
    now = clock.now()
    with transaction.atomic():
        job.state = StoreErasure.State.PENDING
        job.attempts = 0
        job.next_attempt_at = now
        job.save(update_fields=["state", "attempts", "next_attempt_at", "updated_at"])
        audit_record(
            actor=actor,
            action="store.erasure_retried",
            object_type="store_erasure",
            object_id=str(job.public_id),
            payload={"store": job.store.name},
            occurred_at=now,
        )
    return job


def store_erasures_run_due(*, now: dt.datetime | None = None, limit: int = 100) -> dict[str, int]:
    """Try every pending erasure whose time has come (the periodic job and the CLI)."""
    now = now or clock.now()
    ids = list(
        StoreErasure.objects.filter(state=StoreErasure.State.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    counts = {"done": 0, "waiting": 0, "blocked": 0}
    for job_id in ids:
        job = store_erasure_attempt(job_id, now=now)
        if job is None:
            continue
        key = {"done": "done", "blocked": "blocked"}.get(job.state, "waiting")
        counts[key] += 1
    return counts
