"""The request state machine (issue 6 item 4): allowed moves only."""

from __future__ import annotations

import itertools

import pytest

from omni_privacy.dsr.domain.states import (
    CLOSED,
    DRP_STATUS,
    State,
    TransitionRefusedError,
    allowed_targets,
    check_transition,
)
from omni_privacy.dsr.domain.verification import MAX_TRIES, CodeCheck, CodeState, judge, well_formed

HAPPY = [
    State.RECEIVED,
    State.AWAITING_VERIFICATION,
    State.VERIFIED,
    State.IN_PROGRESS,
    State.FULFILLED,
]


def test_the_happy_path() -> None:
    for current, target in itertools.pairwise(HAPPY):
        assert check_transition(current, target) is target


@pytest.mark.parametrize("closed", sorted(CLOSED))
def test_closed_states_are_final(closed: State) -> None:
    assert allowed_targets(closed) == frozenset()
    with pytest.raises(
        TransitionRefusedError, match=f"a request in state {closed} cannot become in_progress"
    ):
        check_transition(closed, State.IN_PROGRESS)


def test_no_fulfilment_without_verification() -> None:
    for early in (State.RECEIVED, State.AWAITING_VERIFICATION, State.VERIFIED):
        assert State.FULFILLED not in allowed_targets(early)
    assert allowed_targets(State.AWAITING_VERIFICATION) == {
        State.VERIFIED,
        State.EXPIRED,
        State.WITHDRAWN,
        State.DENIED,
    }


def test_every_state_has_a_drp_status() -> None:
    assert set(DRP_STATUS) == set(State)
    assert set(DRP_STATUS.values()) == {
        "open",
        "in_progress",
        "fulfilled",
        "denied",
        "revoked",
        "expired",
    }


def test_codes() -> None:
    import datetime as dt

    issued = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
    fresh = CodeState(issued, tries=0, used=False)
    assert judge(fresh, matches=True, now=issued + dt.timedelta(minutes=15)) is CodeCheck.OK
    assert (
        judge(fresh, matches=True, now=issued + dt.timedelta(minutes=15, seconds=1))
        is CodeCheck.EXPIRED
    )
    assert judge(fresh, matches=False, now=issued) is CodeCheck.WRONG
    assert (
        judge(CodeState(issued, MAX_TRIES, used=False), matches=True, now=issued)
        is CodeCheck.EXHAUSTED
    )
    assert judge(CodeState(issued, 0, used=True), matches=True, now=issued) is CodeCheck.USED
    assert [well_formed(c) for c in ("012345", "12345", "1234567", "12a456", "١٢٣٤٥٦")] == [
        True,
        False,
        False,
        False,
        False,
    ]
