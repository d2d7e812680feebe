"""The notice's rules on transfers and mergers, as pure functions.

- Notice §6 and QC s.17: personal information leaves Omni (to another organisation, or to a
  place outside Quebec) only after a privacy impact assessment that weighs the information's
  sensitivity, the purposes, the protection measures (contractual ones included) and the
  destination's legal framework, and concludes that the protection is adequate; and only under a
  written agreement. `may_transfer` answers for one recipient on one day.
- Notice §7 and QC s.18.4: in a merger, acquisition or sale of assets, the information is used
  only for the deal under a prior agreement; the notice promises more than the law (the law
  asks the buyer to tell people after closing): every affected person is told **before** the
  transfer. `merger_may_export` answers for one transaction on one day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

# Refusal codes (transfers/texts.py turns them into words).
NOT_REGISTERED = "transfer_recipient_unknown"
NOT_ASSESSED = "transfer_not_assessed"
NOT_ADEQUATE = "transfer_not_adequate"
NO_AGREEMENT = "transfer_no_agreement"
EXPIRED = "transfer_assessment_expired"
NOT_YET = "transfer_agreement_not_in_force"

MERGER_NO_AGREEMENT = "merger_no_agreement"
MERGER_UNTOLD = "merger_persons_untold"
MERGER_WAITING = "merger_waiting_period"
MERGER_DONE = "merger_already_exported"

# QC s.17's conclusion: adequate protection is the only one that allows the transfer.
ADEQUATE = "adequate"


@dataclass(frozen=True)
class RecipientFacts:
    """What the register says of one recipient, as of now."""

    registered: bool
    assessed_on: dt.date | None = None
    conclusion: str = ""
    approved: bool = False
    agreement_reference: str = ""
    agreement_date: dt.date | None = None
    reassess_on: dt.date | None = None


@dataclass(frozen=True)
class Answer:
    allowed: bool
    code: str = ""

    def __bool__(self) -> bool:
        return self.allowed


def may_transfer(facts: RecipientFacts, today: dt.date) -> Answer:
    """Notice §6, QC s.17: an approved assessment concluding adequate protection, current on
    ``today`` (its re-assessment day not passed), and a written agreement in force."""
    if not facts.registered:
        return Answer(False, NOT_REGISTERED)
    if facts.assessed_on is None or not facts.approved:
        return Answer(False, NOT_ASSESSED)
    if facts.conclusion != ADEQUATE:
        return Answer(False, NOT_ADEQUATE)
    if not facts.agreement_reference or facts.agreement_date is None:
        return Answer(False, NO_AGREEMENT)
    if facts.agreement_date > today:
        return Answer(False, NOT_YET)
    if facts.reassess_on is None or facts.reassess_on < today:
        return Answer(False, EXPIRED)
    return Answer(True)


def reassessment_overdue(reassess_on: dt.date | None, today: dt.date) -> bool:
    """Notice §6: an assessment past its re-assessment day is an alarm (and refuses)."""
    return reassess_on is not None and reassess_on < today


@dataclass(frozen=True)
class MergerFacts:
    agreement_recorded: bool
    persons: int
    """Affected persons."""
    untold: int
    """Affected persons neither told nor with a recorded delivery failure."""
    last_notice_on: dt.date | None
    exported: bool = False


def export_allowed_from(last_notice_on: dt.date, waiting_days: int) -> dt.date:
    """The first day the export may go: ``waiting_days`` full days after the last notice."""
    return last_notice_on + dt.timedelta(days=waiting_days)


def merger_may_export(facts: MergerFacts, today: dt.date, *, waiting_days: int) -> Answer:
    """Notice §7 (more than QC s.18.4): the s.18.4 agreement first, every affected person told
    (or the failure of their notice recorded) and the waiting period passed."""
    if facts.exported:
        return Answer(False, MERGER_DONE)
    if not facts.agreement_recorded:
        return Answer(False, MERGER_NO_AGREEMENT)
    if facts.untold or facts.last_notice_on is None:
        return Answer(False, MERGER_UNTOLD)
    if today < export_allowed_from(facts.last_notice_on, waiting_days):
        return Answer(False, MERGER_WAITING)
    return Answer(True)
