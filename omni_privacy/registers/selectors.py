"""Reads of the registers, turned into domain values (clocks, visibility)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings

from omni_privacy.registers.domain import clocks, disclosures
from omni_privacy.registers.models import Disclosure, Incident
from omni_privacy.registry.models import Person


def all_disclosures() -> list[Disclosure]:
    return list(Disclosure.objects.select_related("approved_by").prefetch_related("persons"))


def person_disclosures(person: Person | None, *, today: dt.date) -> list[Disclosure]:
    """The disclosures about ``person`` that their access report lists (s.27, s.28)."""
    if person is None:
        return []
    return [
        item
        for item in Disclosure.objects.filter(persons=person)
        if disclosures.visible_to_person(
            notice=item.notice, deferred_until=item.deferred_until, today=today
        )
    ]


def incident_clocks(incident: Incident) -> list[clocks.Clock]:
    return clocks.incident_clocks(
        aware_at=incident.aware_at,
        eu_residents=incident.eu_residents,
        serious_risk=incident.serious_risk,
        target_hours=int(settings.OMNI_INCIDENT_TARGET_HOURS),
        authority_notified_at=incident.authority_notified_at,
        cai_notified_at=incident.cai_notified_at,
        persons_notified_at=incident.persons_notified_at,
    )


@dataclass(frozen=True)
class IncidentView:
    incident: Incident
    clocks: list[tuple[clocks.Clock, str]]

    @property
    def alarm(self) -> bool:
        return any(state in (clocks.OVERDUE, clocks.DUE_SOON) for _, state in self.clocks)


def incident_views(*, now: dt.datetime, open_only: bool = False) -> list[IncidentView]:
    rows = Incident.objects.all()
    if open_only:
        rows = rows.filter(closed_at__isnull=True)
    return [
        IncidentView(row, [(clock, clock.state(now)) for clock in incident_clocks(row)])
        for row in rows
    ]


def incident_alarms(*, now: dt.datetime) -> dict[str, int]:
    """The dashboard's figures: open incidents with a clock overdue, or due within 24 hours."""
    views = incident_views(now=now, open_only=True)
    states = [state for view in views for _, state in view.clocks]
    return {
        "open": len(views),
        "overdue": sum(1 for view in views if any(s == clocks.OVERDUE for _, s in view.clocks)),
        "due_soon": sum(
            1
            for view in views
            if any(s == clocks.DUE_SOON for _, s in view.clocks)
            and not any(s == clocks.OVERDUE for _, s in view.clocks)
        ),
        "clocks_overdue": states.count(clocks.OVERDUE),
    }


def incidents_past_keeping(*, today: dt.date) -> list[Incident]:
    """Closed records whose 5 years (regulation s.7 ¶2) have passed: for the retention engine."""
    return list(Incident.objects.filter(closed_at__isnull=False, kept_until__lte=today))
