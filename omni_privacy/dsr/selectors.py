"""Reads on rights requests: the queue with its countdown, one request's history."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from omni_privacy.audit.models import AuditEvent
from omni_privacy.dsr.domain.deadlines import days_left, overdue
from omni_privacy.dsr.domain.states import CLOSED, OPEN, State
from omni_privacy.dsr.models import RightsRequest


@dataclass(frozen=True)
class QueueRow:
    request: RightsRequest
    days_left: int
    overdue: bool
    deemed_refused: bool
    """Quebec: silence past the due day counts as a refusal (s.32)."""

    @property
    def days_overdue(self) -> int:
        return -self.days_left


def queue_row(request: RightsRequest, *, today: dt.date) -> QueueRow:
    is_open = request.state in OPEN
    late = is_open and overdue(request.due_on, today)
    return QueueRow(
        request=request,
        days_left=days_left(request.due_on, today),
        overdue=late,
        deemed_refused=late and request.jurisdiction == "quebec",
    )


def open_requests() -> QuerySet[RightsRequest]:
    return RightsRequest.objects.filter(state__in=[str(s) for s in OPEN])


def request_queue(*, today: dt.date, closed: bool = False, limit: int = 200) -> list[QueueRow]:
    """Open requests, due first (or the latest closed ones)."""
    if closed:
        rows = RightsRequest.objects.filter(state__in=[str(s) for s in CLOSED]).order_by(
            "-closed_at", "-id"
        )
    else:
        rows = open_requests().order_by("due_on", "id")
    return [queue_row(r, today=today) for r in rows.select_related("assigned_to")[:limit]]


def awaiting_verification(*, today: dt.date) -> QuerySet[RightsRequest]:
    """Requests never verified whose due day has passed: they expire."""
    return RightsRequest.objects.filter(state=State.AWAITING_VERIFICATION, due_on__lt=today)


def request_by_id(public_id: uuid.UUID | str) -> RightsRequest | None:
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        return None
    return (
        RightsRequest.objects.filter(public_id=key)
        .select_related("assigned_to", "verified_by", "person")
        .first()
    )


# The console's queue shows a request by the first eight hex digits of its public id.
SHORT_REFERENCE = 8


def request_by_reference(reference: str) -> RightsRequest | None:
    """A request by its public id or by the short reference the console shows.

    The short reference is the id's first eight hex digits (before its first hyphen, so the
    same lookup holds where the database keeps ids as text or as ``uuid``); None when no
    request, or more than one, starts with them: the operator then gives the whole id.
    """
    text = reference.strip().lower()
    if len(text) == SHORT_REFERENCE and all(c in "0123456789abcdef" for c in text):
        matches = list(
            RightsRequest.objects.filter(public_id__startswith=text).select_related(
                "assigned_to", "verified_by", "person"
            )[:2]
        )
        return matches[0] if len(matches) == 1 else None
    return request_by_id(text)


def request_history(request: RightsRequest) -> list[AuditEvent]:
    """Every audit event about the request, oldest first."""
    return list(
        AuditEvent.objects.filter(
            object_type="rights_request", object_id=str(request.public_id)
        ).order_by("sequence")
    )


def request_figures(*, today: dt.date, soon_days: int = 7) -> dict[str, int]:
    """Open requests, those past their due day, those due within ``soon_days``: one query."""
    return open_requests().aggregate(
        open=Count("id"),
        overdue=Count("id", filter=Q(due_on__lt=today)),
        due_soon=Count(
            "id", filter=Q(due_on__gte=today, due_on__lte=today + dt.timedelta(days=soon_days))
        ),
    )
