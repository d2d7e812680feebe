"""Reads of the monthly sync: each instance's sync history, due and stale (alarm) flags."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from django.db.models import Count, F, JSONField, Max, OuterRef, Q, Subquery
from django.utils import timezone

from omni_privacy.core.errors import Problem
from omni_privacy.intake.domain.schedule import SyncHistory, sync_due, sync_stale
from omni_privacy.intake.models import SyncRun, SyncStatus
from omni_privacy.registry.domain.facts import Interval, OrganizationFacts
from omni_privacy.registry.models import Instance


@dataclass(frozen=True)
class InstanceSync:
    instance_id: int
    name: str
    organization: str
    organization_name: str
    pullable: bool
    """It has an export URL: the schedule can fetch it."""
    history: SyncHistory
    last_problem: Problem | None
    """The first problem of the last refused sync since the last success (no personal data)."""
    due: bool
    stale: bool
    subscribed: bool = True
    """False once the organisation's subscription has ended: no profile may be collected from
    it any more (notice §2.1 ¶2; a sync would be refused), so it is neither due nor stale."""


def _first_problem(row: Instance) -> Problem | None:
    codes = getattr(row, "last_codes", None)
    if isinstance(codes, str):  # some backends hand a subquery's JSON back as text
        codes = json.loads(codes)
    if codes:
        return Problem.from_dict(codes[0])
    text = (getattr(row, "last_problems", None) or "").split("\n", 1)[0]
    return Problem(text) if text else None  # refused before problems had codes


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
        .prefetch_related("organization__subscriptions")
        .annotate(
            failures=Count("sync_runs", filter=failed_since),
            last_failure=Max("sync_runs__finished_at", filter=failed_since),
            last_problems=Subquery(last_failed.values("problems")[:1]),
            last_codes=Subquery(last_failed.values("problem_codes")[:1], output_field=JSONField()),
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
        today = timezone.localdate(now)
        subscribed = OrganizationFacts(
            subscriptions=tuple(
                Interval(period.start, period.end)
                for period in row.organization.subscriptions.all()
            ),
            purchasing_group_contracts=(),
        ).subscribed_on(today)
        found.append(
            InstanceSync(
                instance_id=row.pk,
                name=row.code,
                organization=row.organization.code,
                organization_name=row.organization.name,
                pullable=bool(row.export_url),
                history=history,
                last_problem=_first_problem(row) if row.failures else None,
                due=subscribed and sync_due(history, now=now),
                stale=subscribed and sync_stale(history, now=now),
                subscribed=subscribed,
            )
        )
    return found


@dataclass(frozen=True)
class SyncFindings:
    """What `sync check` reports and the console dashboard shows, from the same reading
    (issue 14 point 7): an instance never synced is an alarm as much as a stale one."""

    count: int
    """Instances whose organisation is subscribed: those expected to sync."""
    ended: int
    """Instances of ended subscriptions: no longer synced, and no alarm."""
    stale: tuple[InstanceSync, ...]
    never: tuple[InstanceSync, ...]
    """Never synced, registered 31 days ago or less (older ones are stale)."""
    failing: tuple[InstanceSync, ...]
    """Last attempts refused, not stale yet: being retried."""

    @property
    def alarms(self) -> tuple[InstanceSync, ...]:
        return self.stale + self.never


def never_synced(item: InstanceSync) -> bool:
    return item.subscribed and item.history.last_success is None and not item.stale


def sync_findings(items: list[InstanceSync]) -> SyncFindings:
    return SyncFindings(
        count=sum(1 for item in items if item.subscribed),
        ended=sum(1 for item in items if not item.subscribed),
        stale=tuple(item for item in items if item.stale),
        never=tuple(item for item in items if never_synced(item)),
        failing=tuple(
            item for item in items if item.history.failures_since_success and not item.stale
        ),
    )
