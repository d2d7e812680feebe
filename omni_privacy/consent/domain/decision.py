"""May this person's data be used for a purpose now? (notice §3, §9, §9.1; REQUIREMENTS #6,
#16, #19, #22.)

The one rule behind `consent.selectors.may_use`, which every mailing and every use calls:

1. a live holding must carry the purpose (notice §3: a use is allowed only for the purposes the
   data was collected for);
2. no suppression may cover it (§9.1 objection): a suppression scoped to the purpose, to "all",
   or to "direct_marketing" when the purpose is a direct-marketing one, which is absolute;
3. where the purpose rests on consent only (§9 ¶1), the latest consent event for it must be a
   consent given, not a withdrawal (§9.1: withdrawal reaches every use). A holding of the same
   purpose on another basis (contract, legal obligation, legitimate interest) does not need it.

Time comes in as an argument: events and suppressions after ``at`` do not count yet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

CONSENT = "consent"
SCOPE_ALL = "all"
SCOPE_DIRECT_MARKETING = "direct_marketing"
# Notice §3 ¶3: the sales process is the only purpose under which Omni could write to someone
# unasked; an objection to direct marketing (GDPR 21(2)-(3), a GPC signal) stops all of it.
DIRECT_MARKETING_PURPOSES = frozenset({"sales_information"})

ALLOWED = "allowed"
NO_HOLDING = "no_holding"
SUPPRESSED = "suppressed"
CONSENT_WITHDRAWN = "consent_withdrawn"
NO_CONSENT = "no_consent"


@dataclass(frozen=True)
class HeldPurpose:
    """One live holding's purpose and legal basis."""

    purpose: str
    legal_basis: str


@dataclass(frozen=True)
class ConsentMark:
    purpose: str
    given: bool
    at: dt.datetime
    sequence: int = 0
    """Breaks ties between events at the same instant (the row id)."""


@dataclass(frozen=True)
class SuppressionMark:
    scope: str
    at: dt.datetime


@dataclass(frozen=True)
class UseDecision:
    allowed: bool
    reason: str


def scope_covers(scope: str, purpose: str) -> bool:
    """Whether a suppression of ``scope`` stops uses for ``purpose``."""
    if scope == SCOPE_ALL:
        return True
    if scope == SCOPE_DIRECT_MARKETING:
        return purpose in DIRECT_MARKETING_PURPOSES
    return scope == purpose


def latest_consent(
    consents: Iterable[ConsentMark], *, purpose: str, at: dt.datetime
) -> ConsentMark | None:
    relevant = [mark for mark in consents if mark.purpose == purpose and mark.at <= at]
    if not relevant:
        return None
    return max(relevant, key=lambda mark: (mark.at, mark.sequence))


def decide_use(
    *,
    purpose: str,
    held: Iterable[HeldPurpose],
    suppressions: Iterable[SuppressionMark],
    consents: Iterable[ConsentMark],
    at: dt.datetime,
) -> UseDecision:
    bases = {item.legal_basis for item in held if item.purpose == purpose}
    if not bases:
        return UseDecision(allowed=False, reason=NO_HOLDING)
    if any(mark.at <= at and scope_covers(mark.scope, purpose) for mark in suppressions):
        return UseDecision(allowed=False, reason=SUPPRESSED)
    if bases != {CONSENT}:
        return UseDecision(allowed=True, reason=ALLOWED)
    latest = latest_consent(consents, purpose=purpose, at=at)
    if latest is None:
        return UseDecision(allowed=False, reason=NO_CONSENT)
    if not latest.given:
        return UseDecision(allowed=False, reason=CONSENT_WITHDRAWN)
    return UseDecision(allowed=True, reason=ALLOWED)
