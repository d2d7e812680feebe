"""Reads of the audit log for people: who looked at a person."""

from __future__ import annotations

from typing import Any

from omni_privacy.audit.models import AuditEvent
from omni_privacy.audit.services import READ_ACTION


def person_reads(person_public_id: Any, *, limit: int = 200) -> list[AuditEvent]:
    """The staff reads of one person's data, newest first."""
    return list(
        AuditEvent.objects.filter(
            action=READ_ACTION, object_type="person", object_id=str(person_public_id)
        ).order_by("-occurred_at", "-id")[:limit]
    )
