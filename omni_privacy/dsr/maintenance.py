"""The daily rights-request job (dsr_daily): reminders to the privacy officers before due
days, expiry of requests never verified, and the purge of closed case files (data
minimisation: verification data and export files go OMNI_DSR_PURGE_DAYS after closing; the
request's dates and states and its audit events remain as evidence)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from omni_privacy.accounts.permissions import request_officers
from omni_privacy.audit.services import audit_record
from omni_privacy.dsr.domain.states import CLOSED, State
from omni_privacy.dsr.exports import export_delete
from omni_privacy.dsr.letters import officer_reminder_send
from omni_privacy.dsr.models import RightsRequest
from omni_privacy.dsr.selectors import awaiting_verification, open_requests
from omni_privacy.dsr.services import locked, move


@dataclass(frozen=True)
class DailyReport:
    reminded: int
    expired: int
    purged: int


def _officer_addresses(today: dt.date) -> list[str]:
    return sorted(user.email for user in request_officers(at=today) if user.email)


def dsr_reminders_send(*, today: dt.date) -> int:
    """Remind the privacy officers once about each open request due within
    OMNI_DSR_REMINDER_DAYS (the console shows the rest: days left, overdue in red)."""
    horizon = today + dt.timedelta(days=int(settings.OMNI_DSR_REMINDER_DAYS))
    with transaction.atomic():
        due = list(
            open_requests()
            .select_for_update()
            .filter(due_on__lte=horizon, reminded_on__isnull=True)
            .exclude(state=State.AWAITING_VERIFICATION)
            .order_by("due_on", "id")
        )
        if not due:
            return 0
        lines = [
            f"- {r.public_id} ({r.kind}, {r.jurisdiction}): due {r.due_on.isoformat()}" for r in due
        ]
        body = (
            "Rights requests due soon / Demandes d'exercice de droits à échéance proche:\n\n"
            + "\n".join(lines)
            + "\n\n/console/requests/\n"
        )
        RightsRequest.objects.filter(pk__in=[r.pk for r in due]).update(reminded_on=today)
        for request in due:
            audit_record(
                actor="system",
                action="rights_request.reminded",
                object_type="rights_request",
                object_id=str(request.public_id),
                payload={"due_on": request.due_on.isoformat()},
            )
        officer_reminder_send(
            recipients=_officer_addresses(today),
            subject=(
                f"[omni-privacy] {len(due)} "
                + ("demande à échéance" if len(due) < 2 else "demandes à échéance")
                + f" au plus tard le {horizon.isoformat()} / {len(due)} "
                + ("rights request due" if len(due) == 1 else "rights requests due")
                + f" by {horizon.isoformat()}"
            ),
            body=body,
        )
    return len(due)


def dsr_expire_unverified(*, today: dt.date, now: dt.datetime) -> int:
    count = 0
    # Never verified within OMNI_DSR_UNVERIFIED_DAYS: closed as expired, with its reason.
    for request in awaiting_verification(today=today):
        with transaction.atomic():
            locked_request = locked(request)
            locked_request.outcome = {**locked_request.outcome, "closed_because": "never_verified"}
            move(locked_request, State.EXPIRED, actor="system", now=now, reason="never_verified")
        count += 1
    return count


def dsr_purge_closed(*, now: dt.datetime) -> int:
    """Purge the case files of requests closed more than OMNI_DSR_PURGE_DAYS ago."""
    limit = now - dt.timedelta(days=int(settings.OMNI_DSR_PURGE_DAYS))
    count = 0
    candidates = RightsRequest.objects.filter(
        state__in=[str(s) for s in CLOSED], closed_at__lte=limit, purged_at__isnull=True
    )
    for candidate in candidates:
        with transaction.atomic():
            request = RightsRequest.objects.select_for_update().get(pk=candidate.pk)
            exports = list(request.exports.filter(purged_at__isnull=True))
            for export in exports:
                export_delete(export, now=now)
            codes = request.codes.all().delete()[0]
            notes = request.notes.all().delete()[0]
            request.email_sealed = ""
            request.details_sealed = ""
            request.denial_text = ""
            request.purged_at = now
            request.save()
            audit_record(
                actor="system",
                action="rights_request.purged",
                object_type="rights_request",
                object_id=str(request.public_id),
                payload={"exports": len(exports), "codes": codes, "notes": notes},
            )
        count += 1
    return count


def dsr_daily(*, today: dt.date, now: dt.datetime) -> DailyReport:
    return DailyReport(
        reminded=dsr_reminders_send(today=today),
        expired=dsr_expire_unverified(today=today, now=now),
        purged=dsr_purge_closed(now=now),
    )
