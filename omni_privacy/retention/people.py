"""One person's retention: each holding with its status and clause, and, for an address no
person row holds any more, when the erasure ledger says it was erased."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.utils import timezone

from omni_privacy.core.digest import email_digest
from omni_privacy.policy.domain.collection import personal_fields
from omni_privacy.policy.domain.retention import Status, status_on
from omni_privacy.policy.loader import active_policy
from omni_privacy.registry.domain.gate import normalize_email
from omni_privacy.registry.models import LIVE_STATES, Holding, Person
from omni_privacy.retention import ledger
from omni_privacy.retention.clauses import Clauses
from omni_privacy.retention.models import (
    RetentionRun,
)


@dataclass(frozen=True)
class PersonHolding:
    holding_id: uuid.UUID
    source: str
    organization: str
    state: str
    purpose: str
    legal_basis: str
    channel: str
    fields: dict[str, str]
    """The personal values held, by field name (only those held)."""
    collected_at: dt.date
    last_contact_at: dt.date | None
    due_at: dt.date | None
    deadline_at: dt.date | None
    action: str
    rule: str
    clause: str
    status: Status | None
    """None once the holding has ended (deleted or anonymised)."""
    roles: tuple[str, ...] = ()
    """Software profiles: the roles the snapshot flagged (empty once every role is removed)."""
    role_removed_at: dt.date | None = None


def person_holdings(*, person: Person, as_of: dt.date) -> list[PersonHolding]:
    """Every holding of ``person`` (live ones first), with its retention status on ``as_of``."""
    clause = Clauses()
    personal = personal_fields(active_policy())
    result = []
    holdings = Holding.objects.filter(person=person).select_related("organization")
    for holding in holdings.order_by("collected_at", "id"):
        live = holding.state in LIVE_STATES
        result.append(
            PersonHolding(
                holding_id=holding.public_id,
                source=holding.source,
                organization=holding.organization.code,
                state=holding.state,
                purpose=holding.purpose,
                legal_basis=holding.legal_basis,
                channel=holding.channel,
                fields={
                    name: getattr(holding, name) for name in personal if getattr(holding, name)
                },
                collected_at=holding.collected_at,
                last_contact_at=holding.last_contact_at,
                due_at=holding.due_at,
                deadline_at=holding.deadline_at,
                action=holding.retention_action,
                rule=holding.retention_rule,
                clause=clause(holding.retention_rule),
                status=status_on(holding.due_at, holding.deadline_at, as_of) if live else None,
                roles=tuple(holding.roles or ()),
                role_removed_at=holding.role_removed_at,
            )
        )
    result.sort(key=lambda row: row.status is None)
    return result


@dataclass(frozen=True)
class Erasure:
    """What the erasure ledger says about an address no person row holds any more."""

    erased_on: dt.date
    """The day the last sweep that erased one of its holdings acted for (its ``--as-of``)."""
    holdings: int


def erasure_by_email(email: str) -> Erasure | None:
    """When the person with this address was erased, from the erasure ledger (which names
    people by the keyed digest of their address, never the address: notice §4-§5). None when
    the ledger lists no holding of theirs. The address itself is only hashed, never kept."""
    try:
        digest = email_digest(normalize_email(email))
    except ValueError:
        return None
    tombstones = [tombstone for tombstone in ledger.read() if tombstone.digest == digest]
    if not tombstones:
        return None
    last = max(tombstones, key=lambda tombstone: tombstone.erased_at)
    run_day = (
        RetentionRun.objects.filter(public_id=uuid.UUID(last.run))
        .values_list("as_of", flat=True)
        .first()
    )
    erased_on = run_day or timezone.localdate(last.erased_at)
    return Erasure(erased_on=erased_on, holdings=len(tombstones))
