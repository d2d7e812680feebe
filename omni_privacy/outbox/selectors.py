"""Reads of the outbox: what could not be delivered (an alarm on /healthz and on the console
dashboard, issue 14 point 8)."""

from __future__ import annotations

from omni_privacy.outbox.models import OutboxMessage, OutboxStatus


def undelivered_count() -> int:
    """Messages given up after their last attempt (their error label is on the message)."""
    return OutboxMessage.objects.filter(status=OutboxStatus.FAILED).count()
