"""Reads on rights requests: the queue with its countdown, one request's history."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.conf import settings
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


# A request whose address is not verified yet is not Omni's to answer: never overdue (it
# expires after OMNI_DSR_UNVERIFIED_DAYS instead).
UNVERIFIED = (State.RECEIVED, State.AWAITING_VERIFICATION)


def queue_row(request: RightsRequest, *, today: dt.date) -> QueueRow:
    is_open = request.state in OPEN and request.state not in UNVERIFIED
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


def overdue_requests(*, today: dt.date) -> list[QueueRow]:
    """Open, verified requests past their legal due day, due first: what `dsr check` reports
    and the console dashboard counts (issue 14 point 7). Unlike the queue, never cut short."""
    rows = (
        open_requests()
        .exclude(state__in=[str(s) for s in UNVERIFIED])
        .filter(due_on__lt=today)
        .select_related("assigned_to")
        .order_by("due_on", "id")
    )
    return [row for row in (queue_row(r, today=today) for r in rows) if row.overdue]


def awaiting_verification(*, today: dt.date) -> QuerySet[RightsRequest]:
    """Requests never verified, received more than OMNI_DSR_UNVERIFIED_DAYS ago: they expire."""
    limit = today - dt.timedelta(days=int(settings.OMNI_DSR_UNVERIFIED_DAYS))
    return RightsRequest.objects.filter(state=State.AWAITING_VERIFICATION, received_on__lt=limit)


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
    """Every audit event about the request, oldest first (with the retention engine's record
    of an erasure carried out for it, filed under the request's id)."""
    return list(
        AuditEvent.objects.filter(
            object_type__in=("rights_request", "retention_run"), object_id=str(request.public_id)
        ).order_by("sequence")
    )


def request_figures(*, today: dt.date, soon_days: int = 7) -> dict[str, int]:
    """Open requests, those past their due day, those due within ``soon_days``: one query."""
    return open_requests().aggregate(
        open=Count("id"),
        overdue=Count(
            "id", filter=Q(due_on__lt=today) & ~Q(state__in=[str(s) for s in UNVERIFIED])
        ),
        due_soon=Count(
            "id", filter=Q(due_on__gte=today, due_on__lte=today + dt.timedelta(days=soon_days))
        ),
    )


QUEUE_ORDERS = {
    "due": ("due_on", "id"),
    "-due": ("-due_on", "-id"),
    "received": ("received_on", "id"),
    "-received": ("-received_on", "-id"),
    "kind": ("kind", "due_on", "id"),
    "state": ("state", "due_on", "id"),
}


@dataclass(frozen=True)
class QueueFilter:
    """The console queue's search and filters (issue 14 point 6). ``email_digest`` is the
    keyed digest of a searched address: the address itself never reaches a query string."""

    closed: bool = False
    state: str = ""
    kind: str = ""
    jurisdiction: str = ""
    due_within: int | None = None
    assignee: uuid.UUID | None = None
    unassigned: bool = False
    reference: str = ""
    email_digest: str = ""
    order: str = "due"


def request_queue_filtered(
    *, today: dt.date, where: QueueFilter, limit: int = 200
) -> list[QueueRow]:
    """The queue under ``where``: open (or closed) requests, filtered, sorted."""
    states = CLOSED if where.closed else OPEN
    rows = RightsRequest.objects.filter(state__in=[str(s) for s in states])
    if where.state:
        rows = rows.filter(state=where.state)
    if where.kind:
        rows = rows.filter(kind=where.kind)
    if where.jurisdiction:
        rows = rows.filter(jurisdiction=where.jurisdiction)
    if where.due_within is not None:
        rows = rows.filter(due_on__lte=today + dt.timedelta(days=where.due_within))
    if where.unassigned:
        rows = rows.filter(assigned_to__isnull=True)
    elif where.assignee is not None:
        rows = rows.filter(assigned_to__public_id=where.assignee)
    if where.reference:
        hexadecimal = all(char in "0123456789abcdefABCDEF-" for char in where.reference)
        rows = rows.filter(public_id__istartswith=where.reference) if hexadecimal else rows.none()
    if where.email_digest:
        rows = rows.filter(email_digest=where.email_digest)
    default = ("-closed_at", "-id") if where.closed else QUEUE_ORDERS["due"]
    order = QUEUE_ORDERS.get(where.order, default) if where.order else default
    rows = rows.select_related("assigned_to").order_by(*order)
    return [queue_row(r, today=today) for r in rows[:limit]]
