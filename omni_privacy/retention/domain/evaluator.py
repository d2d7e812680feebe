"""The retention evaluator: when must a holding be deleted or anonymised, and why.

Pure (STYLE: time comes in as an argument). For each retention rule of the holding's source
(policy file, notice §4-§5) it finds the trigger date, adds the rule's period to get the day
the holding becomes *due* (never earlier: the notice allows keeping it until then), and adds
the rule's maximum delay (60 days) to get the *deadline* (never later). When several rules
apply, the one due first wins: the notice's promises are upper bounds on keeping data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from omni_privacy.policy.domain.schema import Policy, RetentionRule
from omni_privacy.registry.domain.facts import HoldingFacts, OrganizationFacts


class Status(StrEnum):
    KEPT = "kept"  # no trigger has happened: kept while the clause's condition lasts
    SCHEDULED = "scheduled"  # due on a future day
    DUE = "due"  # due, deadline not passed: the next sweep acts
    OVERDUE = "overdue"  # deadline passed: a broken promise, raise the alarm


@dataclass(frozen=True)
class Decision:
    rule_id: str
    clause: str
    action: str
    trigger_at: dt.date
    due_at: dt.date
    deadline_at: dt.date
    provisional: bool
    """True when the trigger lies after ``as_of`` (e.g. a subscription that may still renew)."""

    def status(self, as_of: dt.date) -> Status:
        return status_on(self.due_at, self.deadline_at, as_of)


def status_on(due_at: dt.date | None, deadline_at: dt.date | None, as_of: dt.date) -> Status:
    """The status on ``as_of`` of a decision (or of the retention columns stored from one):
    no due day means kept while the clause's condition lasts; past the deadline (the notice's
    "within 60 days") the promise is broken."""
    if due_at is None:
        return Status.KEPT
    if as_of < due_at:
        return Status.SCHEDULED
    if deadline_at is None or as_of <= deadline_at:
        return Status.DUE
    return Status.OVERDUE


def trigger_date(
    rule: RetentionRule, holding: HoldingFacts, organization: OrganizationFacts
) -> dt.date | None:
    """The day the rule's trigger event happened (or will, if nothing changes), or None."""
    if rule.trigger == "role_removed":
        return holding.role_removed_at
    if rule.trigger == "subscription_not_renewed":
        return organization.non_renewal_on()
    if rule.trigger == "last_contact":
        return holding.last_contact
    if rule.trigger == "erasure_request":
        requested = holding.erasure_requested_at
        # Notice §4 ¶3, §5: the right applies if the organisation is not subscribed.
        if requested is not None and not organization.subscribed_on(requested):
            return requested
        return None
    raise ValueError(f"unknown trigger {rule.trigger!r}")


def evaluate(
    holding: HoldingFacts,
    organization: OrganizationFacts,
    policy: Policy,
    *,
    as_of: dt.date,
) -> Decision | None:
    """The decision for one holding, or None if it is kept (no trigger has happened)."""
    best: Decision | None = None
    for rule in policy.rules_for(holding.source):
        trigger = trigger_date(rule, holding, organization)
        if trigger is None:
            continue
        due = rule.period.add_to(trigger)
        decision = Decision(
            rule_id=rule.id,
            clause=rule.section,
            action=rule.default_action,
            trigger_at=trigger,
            due_at=due,
            deadline_at=due + dt.timedelta(days=rule.max_delay_days),
            provisional=trigger > as_of,
        )
        if best is None or (decision.due_at, decision.deadline_at) < (
            best.due_at,
            best.deadline_at,
        ):
            best = decision
    return best


def status_of(decision: Decision | None, as_of: dt.date) -> Status:
    return Status.KEPT if decision is None else decision.status(as_of)
