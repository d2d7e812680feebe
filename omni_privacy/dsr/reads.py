"""Who had access to a person's data, for their access report (Quebec s.27; issue 15 point 3):
each staff read of their data by day and team (the team's name, not the staff member's)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from omni_privacy.accounts.models import Team, User
from omni_privacy.audit.selectors import person_reads


@dataclass(frozen=True)
class AccessLine:
    day: str
    team: str
    via: str


def access_lines(person_public_id: Any) -> list[AccessLine]:
    """One line per day, team and page, newest first (in the active language)."""
    events = person_reads(person_public_id, limit=1000)
    ids = {
        uuid.UUID(event.actor[5:])
        for event in events
        if event.actor.startswith("user:") and len(event.actor) == 41
    }
    teams = {str(user.public_id): user.team for user in User.objects.filter(public_id__in=ids)}
    seen: dict[tuple[str, str, str], AccessLine] = {}
    for event in events:
        team = teams.get(event.actor[5:], "")
        label = str(Team(team).label) if team in Team.values else ""
        key = (event.occurred_at.date().isoformat(), label, str(event.payload.get("via", "")))
        seen.setdefault(key, AccessLine(*key))
    return list(seen.values())
