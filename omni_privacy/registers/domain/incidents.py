"""Confidentiality incidents (notice §8; Quebec P-39.1 s.3.5-3.8; Regulation respecting
confidentiality incidents, c. A-2.1, r. 3.1, s.3, s.5 and s.7; GDPR art. 33-34). Pure.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

# s.3.6: the factors of the risk of serious injury.
LEVELS = ("low", "medium", "high")
KINDS = ("access", "use", "communication", "loss")  # s.3.6 ¶2's four kinds of incident
REGISTER_KEPT_YEARS = 5  # incident regulation s.7 ¶2: kept at least 5 years after awareness


@dataclass(frozen=True)
class IncidentFacts:
    kind: str
    description: str
    description_unknown_reason: str
    circumstances: str
    occurred_from: dt.date | None
    occurred_until: dt.date | None
    aware_at: dt.datetime | None
    persons_count: int | None
    persons_estimated: bool


def incident_problems(facts: IncidentFacts) -> list[str]:
    """What the register of s.7 needs before a record is kept (empty: complete enough)."""
    problems = []
    if facts.kind not in KINDS:
        problems.append("kind")
    if not facts.description.strip() and not facts.description_unknown_reason.strip():
        problems.append("description")  # s.7 ¶1 (1): or the reason it is not known
    if not facts.circumstances.strip():
        problems.append("circumstances")
    if facts.occurred_from is None:
        problems.append("occurred_from")  # s.7 ¶1 (3): the date or period
    elif facts.occurred_until is not None and facts.occurred_until < facts.occurred_from:
        problems.append("occurred_until")
    if facts.aware_at is None or (
        facts.occurred_from is not None and facts.aware_at.date() < facts.occurred_from
    ):
        problems.append("aware_at")
    if facts.persons_count is None or facts.persons_count < 0:
        problems.append("persons_count")  # s.7 ¶1 (5): the number, or an estimate
    return problems


@dataclass(frozen=True)
class RiskFacts:
    sensitivity: str
    consequences: str
    likelihood: str
    officers_consulted: int


def risk_problems(facts: RiskFacts) -> list[str]:
    """s.3.7: the assessment weighs sensitivity, consequences and likelihood, with the person
    in charge of the protection of personal information consulted."""
    problems = [
        name
        for name, value in (("sensitivity", facts.sensitivity), ("likelihood", facts.likelihood))
        if value not in LEVELS
    ]
    if not facts.consequences.strip():
        problems.append("consequences")
    if facts.officers_consulted < 1:
        problems.append("officers_consulted")
    return problems


def serious_risk(facts: RiskFacts) -> bool:
    """A risk of serious injury (s.3.5): sensitive information with injury at least medium
    likely, or any information with injury highly likely. The officer's recorded conclusion
    may differ; it is what counts, and this is its default."""
    if facts.likelihood == "high":
        return True
    return facts.sensitivity == "high" and facts.likelihood == "medium"


def register_kept_until(aware_at: dt.datetime) -> dt.date:
    """The first day the record may be destroyed (s.7 ¶2: at least 5 years after the date Omni
    learned of the incident). 29 February moves to 28 February."""
    day = aware_at.date()
    try:
        return day.replace(year=day.year + REGISTER_KEPT_YEARS)
    except ValueError:
        return day.replace(year=day.year + REGISTER_KEPT_YEARS, day=28)
