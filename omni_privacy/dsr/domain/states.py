"""The life of a rights request, as a state machine (pure). Every change goes through
`check_transition`; services record each one in the audit log.

received → awaiting_verification → verified → in_progress → fulfilled | partially_fulfilled
| denied; withdrawn (by the person) from any open state; expired when identity was never
verified before the due day; denied also before fulfilment (e.g. insufficient verification).
"""

from __future__ import annotations

from enum import StrEnum


class State(StrEnum):
    RECEIVED = "received"
    AWAITING_VERIFICATION = "awaiting_verification"
    VERIFIED = "verified"
    IN_PROGRESS = "in_progress"
    FULFILLED = "fulfilled"
    PARTIALLY_FULFILLED = "partially_fulfilled"
    DENIED = "denied"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"


CLOSED = frozenset(
    {State.FULFILLED, State.PARTIALLY_FULFILLED, State.DENIED, State.WITHDRAWN, State.EXPIRED}
)
OPEN = frozenset(State) - CLOSED

ALLOWED: dict[State, frozenset[State]] = {
    State.RECEIVED: frozenset({State.AWAITING_VERIFICATION, State.WITHDRAWN, State.DENIED}),
    State.AWAITING_VERIFICATION: frozenset(
        {State.VERIFIED, State.EXPIRED, State.WITHDRAWN, State.DENIED}
    ),
    State.VERIFIED: frozenset({State.IN_PROGRESS, State.DENIED, State.WITHDRAWN}),
    State.IN_PROGRESS: frozenset(
        {State.FULFILLED, State.PARTIALLY_FULFILLED, State.DENIED, State.WITHDRAWN}
    ),
}


class TransitionRefusedError(ValueError):
    def __init__(self, current: str, target: str) -> None:
        super().__init__(f"a request in state {current} cannot become {target}")
        self.current = current
        self.target = target


def allowed_targets(current: State | str) -> frozenset[State]:
    return ALLOWED.get(State(current), frozenset())


def check_transition(current: State | str, target: State | str) -> State:
    """The target state, or TransitionRefusedError when the machine forbids the move."""
    source, goal = State(current), State(target)
    if goal not in allowed_targets(source):
        raise TransitionRefusedError(source, goal)
    return goal


def is_closed(state: State | str) -> bool:
    return State(state) in CLOSED


class Kind(StrEnum):
    """Notice §9.1: the rights a person may exercise."""

    ACCESS = "access"
    RECTIFICATION = "rectification"
    OBJECTION = "objection"
    ERASURE = "erasure"
    PORTABILITY = "portability"
    WITHDRAWAL = "withdrawal"


class DenialReason(StrEnum):
    """The Data Rights Protocol's denial reasons (REQUIREMENTS, protocols)."""

    SUSPECTED_FRAUD = "suspected_fraud"
    INSUF_VERIFICATION = "insuf_verification"
    NO_MATCH = "no_match"
    CLAIM_NOT_COVERED = "claim_not_covered"
    OUTSIDE_JURISDICTION = "outside_jurisdiction"
    TOO_MANY_REQUESTS = "too_many_requests"
    OTHER = "other"


# Data Rights Protocol 1.0 statuses, for integrations polling the API.
DRP_STATUS = {
    State.RECEIVED: "open",
    State.AWAITING_VERIFICATION: "open",
    State.VERIFIED: "open",
    State.IN_PROGRESS: "in_progress",
    State.FULFILLED: "fulfilled",
    State.PARTIALLY_FULFILLED: "fulfilled",
    State.DENIED: "denied",
    State.WITHDRAWN: "revoked",
    State.EXPIRED: "expired",
}
