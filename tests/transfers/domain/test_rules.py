"""Notice §6 (QC s.17) and §7 (QC s.18.4) rules, pure."""

from __future__ import annotations

import datetime as dt

from omni_privacy.transfers.domain import rules
from omni_privacy.transfers.domain.rules import MergerFacts, RecipientFacts

DAY = dt.date(2026, 11, 25)
OK = RecipientFacts(
    registered=True,
    assessed_on=dt.date(2026, 1, 1),
    conclusion="adequate",
    approved=True,
    agreement_reference="A-1",
    agreement_date=dt.date(2026, 1, 2),
    reassess_on=DAY,
)


def _with(**changes) -> RecipientFacts:
    return RecipientFacts(**{**OK.__dict__, **changes})


def test_an_approved_adequate_assessment_with_an_agreement_allows_until_its_reassessment_day():
    assert rules.may_transfer(OK, DAY)
    assert rules.may_transfer(OK, DAY + dt.timedelta(days=1)).code == rules.EXPIRED


def test_each_missing_piece_refuses_with_its_code():
    assert rules.may_transfer(RecipientFacts(registered=False), DAY).code == rules.NOT_REGISTERED
    assert rules.may_transfer(_with(approved=False), DAY).code == rules.NOT_ASSESSED
    assert rules.may_transfer(_with(assessed_on=None), DAY).code == rules.NOT_ASSESSED
    assert rules.may_transfer(_with(conclusion="inadequate"), DAY).code == rules.NOT_ADEQUATE
    assert rules.may_transfer(_with(agreement_reference=""), DAY).code == rules.NO_AGREEMENT
    assert rules.may_transfer(_with(agreement_date=None), DAY).code == rules.NO_AGREEMENT
    later = _with(agreement_date=DAY + dt.timedelta(days=1))
    assert rules.may_transfer(later, DAY).code == rules.NOT_YET
    assert rules.may_transfer(_with(reassess_on=None), DAY).code == rules.EXPIRED


def test_reassessment_overdue_is_the_day_after():
    assert not rules.reassessment_overdue(DAY, DAY)
    assert rules.reassessment_overdue(DAY, DAY + dt.timedelta(days=1))
    assert not rules.reassessment_overdue(None, DAY)


def test_a_merger_exports_only_after_agreement_every_notice_and_the_waiting_period():
    told = MergerFacts(agreement_recorded=True, persons=2, untold=0, last_notice_on=DAY)
    assert rules.merger_may_export(told, DAY, waiting_days=30).code == rules.MERGER_WAITING
    assert rules.merger_may_export(told, DAY + dt.timedelta(days=29), waiting_days=30).code == (
        rules.MERGER_WAITING
    )
    assert rules.merger_may_export(told, DAY + dt.timedelta(days=30), waiting_days=30)
    untold = MergerFacts(agreement_recorded=True, persons=2, untold=1, last_notice_on=DAY)
    far = DAY + dt.timedelta(days=365)
    assert rules.merger_may_export(untold, far, waiting_days=30).code == rules.MERGER_UNTOLD
    none = MergerFacts(agreement_recorded=False, persons=0, untold=0, last_notice_on=None)
    assert rules.merger_may_export(none, far, waiting_days=0).code == rules.MERGER_NO_AGREEMENT
    done = MergerFacts(True, 2, 0, DAY, exported=True)
    assert rules.merger_may_export(done, far, waiting_days=0).code == rules.MERGER_DONE
