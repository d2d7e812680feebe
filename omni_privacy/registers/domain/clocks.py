"""Incident clocks, counted from the day Omni learned of the incident (its awareness).

- GDPR art. 33(1): notify the supervisory authority "without undue delay and, where feasible,
  not later than 72 hours after having become aware of it" where EU residents are concerned.
- Quebec P-39.1 s.3.5: notify the Commission d'accès à l'information (CAI) and the persons
  "promptly" (avec diligence) when the incident presents a risk of serious injury. The law sets
  no number of hours: Omni's internal target is OMNI_INCIDENT_TARGET_HOURS (default 72).

Hours are elapsed hours (aware-datetime arithmetic in UTC), never wall-clock hours: 72 h across
a daylight-saving change in America/Toronto ends one wall-clock hour later or earlier, and a
weekend counts like any other day (neither text suspends the clock on days off).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

GDPR_AUTHORITY_HOURS = 72
DUE_SOON_HOURS = 24

# Which clock: the GDPR authority, the CAI (Quebec), the persons concerned (Quebec and GDPR 34).
GDPR_AUTHORITY, QUEBEC_CAI, PERSONS = "gdpr_authority", "quebec_cai", "persons"
# States of a clock at a moment.
MET, LATE_MET, OPEN, DUE_SOON, OVERDUE = "met", "late_met", "open", "due_soon", "overdue"


class NaiveMomentError(ValueError):
    """A moment without a time zone: an incident clock never guesses one."""


@dataclass(frozen=True)
class Clock:
    kind: str
    due_at: dt.datetime
    done_at: dt.datetime | None

    def state(self, now: dt.datetime) -> str:
        _aware(now)
        if self.done_at is not None:
            return MET if self.done_at <= self.due_at else LATE_MET
        if now > self.due_at:
            return OVERDUE
        if self.due_at - now <= dt.timedelta(hours=DUE_SOON_HOURS):
            return DUE_SOON
        return OPEN

    def alarm(self, now: dt.datetime) -> bool:
        return self.state(now) in (OVERDUE, DUE_SOON)


def _aware(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise NaiveMomentError("incident clocks need aware datetimes")
    return moment


def due_after(aware_at: dt.datetime, hours: int) -> dt.datetime:
    """``hours`` elapsed hours after ``aware_at``, in UTC (the zone the moment came in does not
    change the instant; convert for display)."""
    return _aware(aware_at).astimezone(dt.UTC) + dt.timedelta(hours=hours)


def incident_clocks(
    *,
    aware_at: dt.datetime,
    eu_residents: bool,
    serious_risk: bool | None,
    target_hours: int,
    authority_notified_at: dt.datetime | None = None,
    cai_notified_at: dt.datetime | None = None,
    persons_notified_at: dt.datetime | None = None,
) -> list[Clock]:
    """The clocks running for one incident.

    The GDPR clock runs as soon as EU residents are concerned (art. 33(1): unless the breach is
    unlikely to result in a risk, which the officer records by notifying or closing). The
    Quebec clocks run while the risk of serious injury is unassessed (``None``: the assessment
    itself is due promptly, s.3.7) or assessed serious (s.3.5); a risk assessed not serious
    stops them."""
    if target_hours <= 0:
        raise ValueError("target_hours must be positive")
    clocks = []
    if eu_residents:
        clocks.append(
            Clock(GDPR_AUTHORITY, due_after(aware_at, GDPR_AUTHORITY_HOURS), authority_notified_at)
        )
    if serious_risk is not False:
        due = due_after(aware_at, target_hours)
        clocks.append(Clock(QUEBEC_CAI, due, cai_notified_at))
        clocks.append(Clock(PERSONS, due, persons_notified_at))
    return clocks
