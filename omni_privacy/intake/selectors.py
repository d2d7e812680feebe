"""Reads of the monthly sync: each instance's sync history, due and stale (alarm) flags."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, F, Max, OuterRef, Q, Subquery

from omni_privacy.intake.domain.schedule import SyncHistory, sync_due, sync_stale
from omni_privacy.intake.models import SyncRun, SyncStatus
from omni_privacy.registry.models import Instance


@dataclass(frozen=True)
class InstanceSync:
    instance_id: int
    name: str
    organization: str
    pullable: bool
    """It has an export URL: the schedule can fetch it."""
    history: SyncHistory
    last_problem: str
    """The first problem of the last refused sync since the last success (no personal data)."""
    due: bool
    stale: bool


def instance_syncs(*, now: dt.datetime) -> list[InstanceSync]:
    """Every instance with its sync history, in one query."""
    failed_since = Q(sync_runs__status=SyncStatus.FAILED) & (
        Q(last_synced_at__isnull=True) | Q(sync_runs__finished_at__gt=F("last_synced_at"))
    )
    last_failed = SyncRun.objects.filter(
        instance=OuterRef("pk"), status=SyncStatus.FAILED
    ).order_by("-finished_at", "-id")
    rows = (
        Instance.objects.select_related("organization")
        .annotate(
            failures=Count("sync_runs", filter=failed_since),
            last_failure=Max("sync_runs__finished_at", filter=failed_since),
            last_problems=Subquery(last_failed.values("problems")[:1]),
        )
        .order_by("code")
    )
    found = []
    for row in rows:
        history = SyncHistory(
            registered_at=row.created_at,
            last_success=row.last_synced_at,
            failures_since_success=row.failures,
            last_failure=row.last_failure,
        )
        found.append(
            InstanceSync(
                instance_id=row.pk,
                name=row.code,
                organization=row.organization.code,
                pullable=bool(row.export_url),
                history=history,
                last_problem=(row.last_problems or "").split("\n", 1)[0] if row.failures else "",
                due=sync_due(history, now=now),
                stale=sync_stale(history, now=now),
            )
        )
    return found
