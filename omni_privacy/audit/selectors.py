"""Reads of the audit log for people: who looked at a person."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from omni_privacy.audit.models import AuditChainHead, AuditEvent
from omni_privacy.audit.services import READ_ACTION


def person_reads(person_public_id: Any, *, limit: int = 200) -> list[AuditEvent]:
    """The staff reads of one person's data, newest first."""
    return list(
        AuditEvent.objects.filter(
            action=READ_ACTION, object_type="person", object_id=str(person_public_id)
        ).order_by("-occurred_at", "-id")[:limit]
    )


@dataclass(frozen=True)
class AuditFilter:
    """What the audit-log page asks for: ids and codes only, never a value."""

    action: str = ""
    actor: str = ""
    object_id: str = ""
    since: dt.date | None = None
    until: dt.date | None = None


@dataclass(frozen=True)
class AuditPage:
    events: list[AuditEvent]
    older: int | None  # the sequence to page from ("older" link), None on the last page


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


def _filtered(filters: AuditFilter) -> QuerySet[AuditEvent]:
    """The events the filters match. Days are the installation's local days."""
    events = AuditEvent.objects.all()
    if filters.action:
        events = events.filter(action=filters.action)
    if filters.actor:
        events = events.filter(actor=filters.actor)
    if filters.object_id:
        events = events.filter(object_id=filters.object_id)
    if filters.since:
        events = events.filter(occurred_at__gte=_day_start(filters.since))
    if filters.until:
        events = events.filter(occurred_at__lt=_day_start(filters.until + dt.timedelta(days=1)))
    return events


def audit_page(filters: AuditFilter, *, before: int | None = None, size: int = 50) -> AuditPage:
    """Newest first, ``size`` a page, found by sequence (keyset: the thousandth page of a
    large log costs what the first does)."""
    events = _filtered(filters)
    if before is not None:
        events = events.filter(sequence__lt=before)
    rows = list(events.order_by("-sequence")[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return AuditPage(rows, rows[-1].sequence if more and rows else None)


def audit_stream(filters: AuditFilter, *, chunk: int = 2000) -> Iterator[AuditEvent]:
    """Every event the filters match, newest first, read ``chunk`` at a time (the export of a
    log of millions holds one chunk in memory, not the log)."""
    return _filtered(filters).order_by("-sequence").iterator(chunk_size=chunk)


def audit_actions() -> list[str]:
    """Every action code the log holds, for the page's filter."""
    return sorted(AuditEvent.objects.order_by().values_list("action", flat=True).distinct())


def audit_head() -> int:
    """The sequence number of the chain's last event (0: none yet). Every service writes its
    audit event in its own transaction, so a changed head means something was written: a
    reader may keep what it computed from the database under the head it saw."""
    head = AuditChainHead.objects.filter(pk=1).values_list("sequence", flat=True).first()
    return int(head or 0)
