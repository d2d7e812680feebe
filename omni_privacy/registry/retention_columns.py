"""Keeps a holding's stored retention columns equal to the evaluator's answer.

The registry stores the answer (for set-based sweeps and indexed plans); the rule itself lives
in policy/domain/retention.py, which is pure (the registry sits above policy: no
exception to the layers).
"""

from __future__ import annotations

import datetime as dt

from omni_privacy.policy.domain.facts import HoldingFacts, OrganizationFacts
from omni_privacy.policy.domain.retention import evaluate
from omni_privacy.policy.loader import active_policy
from omni_privacy.registry.models import Holding


def holding_facts_of(holding: Holding) -> HoldingFacts:
    return HoldingFacts(
        source=holding.source,
        collected_at=holding.collected_at,
        last_contact_at=holding.last_contact_at,
        role_removed_at=holding.role_removed_at,
        erasure_requested_at=holding.erasure_requested_at,
        roles=tuple(holding.roles or ()),
    )


RetentionColumns = tuple[dt.date | None, dt.date | None, str, str]


def decision_columns(
    facts: HoldingFacts, organization: OrganizationFacts, *, as_of: dt.date
) -> RetentionColumns:
    """(due_at, deadline_at, retention_rule, retention_action) from the evaluator."""
    decision = evaluate(facts, organization, active_policy(), as_of=as_of)
    if decision is None:
        return None, None, "", ""
    return decision.due_at, decision.deadline_at, decision.rule_id, decision.action


def apply_decision(holding: Holding, organization: OrganizationFacts, *, as_of: dt.date) -> None:
    """Set ``holding``'s retention columns from the evaluator (does not save)."""
    (
        holding.due_at,
        holding.deadline_at,
        holding.retention_rule,
        holding.retention_action,
    ) = decision_columns(holding_facts_of(holding), organization, as_of=as_of)
