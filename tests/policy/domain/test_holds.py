"""Which legal hold covers a holding (policy/domain/holds.py, notice §9.1): one rule, pure."""

from __future__ import annotations

from dataclasses import dataclass

from omni_privacy.policy.domain.holds import HoldScope, covering_hold, hold_covers


@dataclass(frozen=True)
class Hold:
    organization_id: int | None = None
    person_id: int | None = None


def test_a_person_hold_covers_that_person_in_every_organisation() -> None:
    hold = Hold(person_id=7)
    assert hold_covers(hold, organization_id=1, person_id=7)
    assert hold_covers(hold, organization_id=2, person_id=7)
    assert not hold_covers(hold, organization_id=1, person_id=8)


def test_an_organisation_hold_covers_every_holding_of_the_organisation() -> None:
    hold = Hold(organization_id=1)
    assert hold_covers(hold, organization_id=1, person_id=7)
    assert hold_covers(hold, organization_id=1, person_id=None)
    assert not hold_covers(hold, organization_id=2, person_id=7)


def test_a_holding_with_no_person_is_not_covered_by_a_person_hold() -> None:
    assert not hold_covers(Hold(person_id=None), organization_id=1, person_id=None)


def test_the_first_covering_hold_is_the_answer() -> None:
    holds = [Hold(organization_id=2), Hold(person_id=7), Hold(organization_id=1)]
    assert covering_hold(holds, organization_id=1, person_id=7) is holds[1]
    assert covering_hold(holds, organization_id=3, person_id=8) is None


def test_the_scope_answers_as_the_holds_do() -> None:
    holds = [Hold(organization_id=2), Hold(person_id=7), Hold()]
    scope = HoldScope(organization_ids=frozenset({2}), person_ids=frozenset({7}))
    for organization_id in (1, 2, 3):
        for person_id in (None, 7, 8):
            assert scope.covers(organization_id=organization_id, person_id=person_id) == (
                covering_hold(holds, organization_id=organization_id, person_id=person_id)
                is not None
            )
    assert scope
    assert not HoldScope()
