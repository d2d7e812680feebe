"""Reminders to the privacy officers while an incident's clock runs (notice §8): once when a
clock is due within 24 hours and once when it is overdue, through the outbox."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from omni_privacy.accounts.selectors import privacy_officers
from omni_privacy.audit.services import audit_record
from omni_privacy.outbox.services import outbox_enqueue
from omni_privacy.registers.domain import clocks
from omni_privacy.registers.models import Incident
from omni_privacy.registers.selectors import incident_clocks


def incident_reminders(*, now: dt.datetime) -> int:
    """Queue the reminders not sent yet; returns how many incidents were reminded."""
    officers = [user.email for user in privacy_officers(at=now.date()) if user.email]
    reminded = 0
    for incident in Incident.objects.filter(closed_at__isnull=True):
        due = [
            (clock, state)
            for clock in incident_clocks(incident)
            if (state := clock.state(now)) in (clocks.DUE_SOON, clocks.OVERDUE)
            and f"{clock.kind}:{state}" not in incident.reminded
        ]
        if not due:
            continue
        with transaction.atomic():
            with translation.override("fr"):
                body = render_to_string(
                    "registers/incident_reminder.txt", {"incident": incident, "due": due}
                )
                subject = translation.gettext("Incident: a notification clock is running")
            for address in officers:
                outbox_enqueue(
                    to=address,
                    subject=subject,
                    body_text=body,
                    language="fr",
                    kind="incident.reminder",
                    reference=str(incident.public_id),
                    urgent=True,
                )
            for clock, state in due:
                incident.reminded[f"{clock.kind}:{state}"] = now.isoformat()
            incident.save(update_fields=["reminded", "updated_at"])
            audit_record(
                actor="system",
                action="incident.reminded",
                object_type="incident",
                object_id=str(incident.public_id),
                payload={"clocks": sorted(f"{c.kind}:{s}" for c, s in due)},
                occurred_at=now,
            )
        reminded += 1
    return reminded
