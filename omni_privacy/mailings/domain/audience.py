"""Who a campaign may reach (notice §3: a use only for the purposes the data was collected
for; §9.1: objections and withdrawals honoured; REQUIREMENTS #6, #19, #22).

A campaign kind names the people it is for (by role, or everyone held) and the purpose it
uses. Each candidate gets one answer from `consent.selectors.use_decision`:

- allowed: a recipient, in their preferred language (French by default);
- suppressed, consent withdrawn, no consent: left out (they said no, or never said yes);
- no holding with the purpose: the kind's own selection reached someone whose data was not
  collected for this use. That is not a person to skip but a campaign to refuse, whole, with
  the reason: purpose limitation is not a filter that quietly fixes a wrong audience.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

SOFTWARE_UPDATE = "software_update"
SECURITY_INCIDENT = "security_incident"
NOTICE_CHANGE = "notice_change"

LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"

LEFT_OUT = ("suppressed", "consent_withdrawn", "no_consent", "no_address")
WITHOUT_PURPOSE = "no_holding"


@dataclass(frozen=True)
class Kind:
    id: str
    purpose: str
    """The purpose every recipient must hold; empty for a notice-change announcement, which
    goes to everyone held for any purpose that may still be used."""
    role: str
    """The role (of a software profile) that selects the candidates; empty: everyone held."""
    urgent: bool


KINDS = {
    SOFTWARE_UPDATE: Kind(
        SOFTWARE_UPDATE, "communication_obligations", "update_notice_subscriber", urgent=False
    ),
    SECURITY_INCIDENT: Kind(
        SECURITY_INCIDENT, "communication_obligations", "security_incident_contact", urgent=True
    ),
    NOTICE_CHANGE: Kind(NOTICE_CHANGE, "", "", urgent=False),
}


@dataclass(frozen=True)
class Candidate:
    person_public_id: uuid.UUID
    decision: str
    """`use_decision`'s reason: allowed, no_holding, suppressed, consent_withdrawn, no_consent."""
    language: str | None
    has_address: bool


@dataclass(frozen=True)
class Audience:
    recipients: tuple[Candidate, ...]
    left_out: dict[str, int]
    without_purpose: tuple[uuid.UUID, ...]
    by_language: dict[str, int] = field(default_factory=dict)

    @property
    def refused(self) -> bool:
        return bool(self.without_purpose)


def language_of(values: Iterable[str | None]) -> str:
    """The person's preferred language: the first French or English value held, else French."""
    for value in values:
        if value in LANGUAGES:
            return value
    return DEFAULT_LANGUAGE


def plan_audience(candidates: Iterable[Candidate]) -> Audience:
    recipients = []
    left_out: Counter[str] = Counter()
    without = []
    for candidate in candidates:
        if candidate.decision == WITHOUT_PURPOSE:
            without.append(candidate.person_public_id)
        elif candidate.decision != "allowed":
            left_out[candidate.decision] += 1
        elif not candidate.has_address:
            left_out["no_address"] += 1
        else:
            recipients.append(candidate)
    by_language = Counter(language_of([c.language]) for c in recipients)
    return Audience(
        recipients=tuple(recipients),
        left_out={reason: left_out[reason] for reason in LEFT_OUT if left_out[reason]},
        without_purpose=tuple(without),
        by_language={lang: by_language[lang] for lang in LANGUAGES},
    )
