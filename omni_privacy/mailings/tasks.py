"""Background task of mailings (thin)."""

from __future__ import annotations

from django_tasks import task

from omni_privacy.core import clock
from omni_privacy.mailings.services import campaigns_close


@task()
def task_campaigns_close() -> int:
    """Mark "sent" the campaigns whose messages have all left the outbox (every 5 minutes)."""
    return campaigns_close(at=clock.now())
