"""Who looked at a person (issue 15 point 3), in words: the staff member's name, when, and
through which page. Names are looked up at reading time; the audit log keeps only ids."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from omni_privacy.accounts.models import User
from omni_privacy.audit.selectors import person_reads

VIAS = {
    "person_page": gettext_lazy("opened the person page"),
    "consent_lookup": gettext_lazy("looked up consent and objections"),
    "search": gettext_lazy("saw them in a registry search"),
    "rights_request": gettext_lazy("opened their rights request"),
    "export": gettext_lazy("downloaded an export"),
    "api": gettext_lazy("read through the API"),
}


@dataclass(frozen=True)
class ReadLine:
    occurred_at: dt.datetime
    who: str
    what: str


def read_lines(person_public_id: Any, *, limit: int = 50) -> list[ReadLine]:
    """The latest ``limit`` reads (the person page shows 50; the audit-log page has all)."""
    events = person_reads(person_public_id, limit=limit)
    ids = set()
    for event in events:
        if event.actor.startswith("user:"):
            try:
                ids.add(uuid.UUID(event.actor[5:]))
            except ValueError:
                continue
    names = {
        str(user.public_id): user.get_full_name() or user.get_username()
        for user in User.objects.filter(public_id__in=ids)
    }
    return [
        ReadLine(
            occurred_at=event.occurred_at,
            who=names.get(event.actor[5:], _("a former staff member"))
            if event.actor.startswith("user:")
            else event.actor,
            what=str(VIAS.get(str(event.payload.get("via")), event.payload.get("via", ""))),
        )
        for event in events
    ]
