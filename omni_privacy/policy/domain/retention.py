"""The retention evaluator: when must a holding be deleted or anonymised, and why.

Pure (STYLE: time comes in as an argument). For each retention rule of the holding's source
(policy file, notice §4-§5) it finds the rule's *event day*, adds the rule's period to get the
day the holding becomes *due* (never earlier: the notice allows keeping it until then), and
adds the rule's maximum delay (60 days) to get the *deadline* (never later). When several rules
apply, the one due first wins: the notice's promises are upper bounds on keeping data.

The counting convention (docs/retention.md, "How the days are counted"): every clock counts
from the last day its condition held, the strictest reading of "within 60 days of" and of
"5 years after":
- the last contact (§4 ¶3), a role seen removed (§4 ¶1), an erasure request (§4 ¶3, §5, §9.1):
  that day;
- non-renewal (§4 ¶2, ¶4): the last day of the last subscription, not the first uncovered day,
  so a subscription ending on 29 February 2024 makes service data due on 1 March (it may not
  go while still covered) with its deadline on 29 April, not 30 April;
- a clock never runs before the data existed: a holding collected after its period has run is
  due on its collection day and gone within the delay from then (never born overdue).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from omni_privacy.policy.domain.facts import HoldingFacts, OrganizationFacts
from omni_privacy.policy.domain.schema import Policy, RetentionRule


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
    """The event day the rule's clock counts from (the last day its condition held)."""
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
    """The event day the rule's clock counts from (or will, if nothing changes), or None."""
    if rule.trigger == "role_removed":
        return holding.role_removed_at
    if rule.trigger == "subscription_not_renewed":
        return organization.last_subscription_end()
    if rule.trigger == "last_contact":
        return holding.last_contact
    if rule.trigger == "erasure_request":
        # Notice §4 ¶3, §5 (a non-subscriber may ask at any time) and §9.1 (erasure when no
        # clause requires keeping the data: nothing requires keeping sales data, subscriber or
        # not). The request is a fact of the holdings it covered, never of data collected
        # after it (registry: person_erasure_request_record).
        return holding.erasure_requested_at
    raise ValueError(f"unknown trigger {rule.trigger!r}")


def earliest_due(
    rule: RetentionRule, holding: HoldingFacts, organization: OrganizationFacts
) -> dt.date:
    """The first day the holding may go under ``rule`` whatever its period: never while a
    subscription still covers it (§4 ¶2, ¶4), never before it was collected."""
    floor = holding.collected_at
    if rule.trigger == "subscription_not_renewed":
        first_uncovered = organization.non_renewal_on()
        if first_uncovered is not None:
            floor = max(floor, first_uncovered)
    return floor


def _known_from(rule: RetentionRule, trigger: dt.date) -> dt.date:
    """The day the event is certain: a subscription may still be renewed on its last day."""
    if rule.trigger == "subscription_not_renewed":
        return trigger + dt.timedelta(days=1)
    return trigger


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
        ends = rule.period.add_to(trigger)
        floor = earliest_due(rule, holding, organization)
        delay = dt.timedelta(days=rule.max_delay_days)
        decision = Decision(
            rule_id=rule.id,
            clause=rule.section,
            action=rule.default_action,
            trigger_at=trigger,
            due_at=max(ends, floor),
            # Counted from the event day (the strict reading), or from collection when the
            # data arrived after the period had run.
            deadline_at=max(ends, holding.collected_at) + delay,
            provisional=_known_from(rule, trigger) > as_of,
        )
        if best is None or (decision.due_at, decision.deadline_at) < (
            best.due_at,
            best.deadline_at,
        ):
            best = decision
    return best
