"""A rights request's audit history in words (issue 14 point 6): each event a sentence in the
reader's language (omni_privacy/audit/words.py), each actor a staff member's name, looked up
here at reading time from the accounts table.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from omni_privacy.accounts.selectors import staff_names
from omni_privacy.audit.models import AuditEvent
from omni_privacy.audit.words import ACTORS, STATES, actor_name, sentence

__all__ = ["ACTORS", "STATES", "HistoryLine", "actor_name", "history_lines", "sentence",
           "staff_names"]  # fmt: skip


@dataclass(frozen=True)
class HistoryLine:
    sequence: int
    occurred_at: dt.datetime
    who: str
    what: str


def history_lines(events: list[AuditEvent]) -> list[HistoryLine]:
    names = staff_names(events)
    return [
        HistoryLine(
            sequence=event.sequence,
            occurred_at=event.occurred_at,
            who=actor_name(event.actor, names),
            what=sentence(event.action, event.payload, names),
        )
        for event in events
    ]
