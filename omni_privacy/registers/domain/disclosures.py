"""Disclosures without consent (notice §7; Quebec P-39.1 s.18, s.18.1; GDPR art. 6(1)(c)).

§7: Omni may disclose personal information without consent when the law requires or allows
it (a court order, an agency with legal authority), or in good faith to protect itself against
a liability, to defend its rights, or to investigate a wrongdoing. Pure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

REQUESTERS = ("court", "agency", "other")
# The ground: a legal authority (a court order, a statute: cited), or one of §7's three
# good-faith grounds.
LEGAL_AUTHORITY = "legal_authority"
GOOD_FAITH = ("protect_liability", "defend_rights", "investigate_wrongdoing")
GROUNDS = (LEGAL_AUTHORITY, *GOOD_FAITH)
# Whether the person was told: told; deferred until a day (telling would hinder an inquiry,
# s.18 ¶2 and s.28 by analogy); withheld (the law forbids telling, e.g. a sealed order).
TOLD, DEFERRED, WITHHELD = "told", "deferred", "withheld"
NOTICES = (TOLD, DEFERRED, WITHHELD)


@dataclass(frozen=True)
class DisclosureFacts:
    requester_kind: str
    requester: str
    ground: str
    authority: str
    persons: int
    categories: tuple[str, ...]
    notice: str
    notice_reason: str
    deferred_until: dt.date | None
    approved: bool


def disclosure_problems(facts: DisclosureFacts, *, known_fields: Collection[str]) -> list[str]:
    """The codes of what makes the record incomplete (empty: it may be recorded)."""
    problems = []
    if facts.requester_kind not in REQUESTERS:
        problems.append("requester_kind")
    if not facts.requester.strip():
        problems.append("requester")
    if facts.ground not in GROUNDS:
        problems.append("ground")
    elif facts.ground == LEGAL_AUTHORITY and not facts.authority.strip():
        problems.append("authority")  # the order, statute or section relied on
    if facts.persons < 1:
        problems.append("persons")
    if not facts.categories or set(facts.categories) - set(known_fields):
        problems.append("categories")
    if facts.notice not in NOTICES:
        problems.append("notice")
    elif facts.notice != TOLD and not facts.notice_reason.strip():
        problems.append("notice_reason")
    elif facts.notice == DEFERRED and facts.deferred_until is None:
        problems.append("deferred_until")
    if not facts.approved:
        problems.append("approver")  # a privacy officer with a current delegation (§12)
    return problems


def visible_to_person(*, notice: str, deferred_until: dt.date | None, today: dt.date) -> bool:
    """Whether the person's access report lists the disclosure (s.27; s.28 ¶1 lets Omni refuse
    while telling could hinder an inquiry): told, or deferred and the deferral has ended. A
    disclosure the law forbids telling stays out of the report."""
    if notice == TOLD:
        return True
    return notice == DEFERRED and deferred_until is not None and deferred_until <= today
