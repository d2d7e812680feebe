"""Reads about retention: what is due when (notice §4-§5), as plain rows.

The evaluator's answer is stored beside each holding (``due_at``, ``deadline_at``,
``retention_rule``, ``retention_action``), so these reads are indexed queries, never a
re-evaluation of every holding. They stream: a plan may cover millions of holdings.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from omni_privacy.policy.loader import active_policy
from omni_privacy.registry.models import LIVE_STATES, Holding, Person
from omni_privacy.retention.domain.evaluator import Status, status_on
from omni_privacy.retention.models import LegalHold

CHUNK = 2000
PERSONAL_FIELDS = ("full_name", "email", "phone", "preferred_language")


class _Clauses:
    """The notice section of each rule id, looked up once per rule."""

    def __init__(self) -> None:
        self._policy = active_policy()
        self._cache: dict[str, str] = {}

    def __call__(self, rule_id: str) -> str:
        if not rule_id:
            return ""
        if rule_id not in self._cache:
            try:
                self._cache[rule_id] = self._policy.rule(rule_id).section
            except KeyError:
                # A rule dropped from a newer policy file: the stored answer is stale until
                # the holding is re-evaluated; show no clause rather than a wrong one.
                self._cache[rule_id] = ""
        return self._cache[rule_id]


@dataclass(frozen=True)
class DueHolding:
    holding_id: uuid.UUID
    source: str
    organization: str
    clause: str
    rule: str
    action: str
    due_at: dt.date
    deadline_at: dt.date | None
    status: Status


def holdings_due(*, as_of: dt.date, horizon_days: int | None) -> Iterator[DueHolding]:
    """Live holdings with a due date, by due date: those due on or before ``as_of`` +
    ``horizon_days`` (every scheduled one when ``horizon_days`` is None). Overdue ones come
    first, since they are due earliest."""
    rows = Holding.objects.filter(state__in=LIVE_STATES, due_at__isnull=False)
    if horizon_days is not None:
        rows = rows.filter(due_at__lte=as_of + dt.timedelta(days=horizon_days))
    values = rows.order_by("due_at", "id").values_list(
        "public_id",
        "source",
        "organization__code",
        "retention_rule",
        "retention_action",
        "due_at",
        "deadline_at",
    )
    clause = _Clauses()
    for public_id, source, code, rule, action, due_at, deadline_at in values.iterator(
        chunk_size=CHUNK
    ):
        if due_at is None:  # excluded by the query; narrows the type
            continue
        yield DueHolding(
            holding_id=public_id,
            source=source,
            organization=code,
            clause=clause(rule),
            rule=rule,
            action=action,
            due_at=due_at,
            deadline_at=deadline_at,
            status=status_on(due_at, deadline_at, as_of),
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


def person_holdings(*, person: Person, as_of: dt.date) -> list[PersonHolding]:
    """Every holding of ``person`` (live ones first), with its retention status on ``as_of``."""
    clause = _Clauses()
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
                    name: getattr(holding, name)
                    for name in PERSONAL_FIELDS
                    if getattr(holding, name)
                },
                collected_at=holding.collected_at,
                last_contact_at=holding.last_contact_at,
                due_at=holding.due_at,
                deadline_at=holding.deadline_at,
                action=holding.retention_action,
                rule=holding.retention_rule,
                clause=clause(holding.retention_rule),
                status=status_on(holding.due_at, holding.deadline_at, as_of) if live else None,
            )
        )
    result.sort(key=lambda row: row.status is None)
    return result


def active_holds(*, as_of: dt.date) -> QuerySet[LegalHold]:
    """Holds in force on ``as_of``: not released, and ``until`` (the last day held) not past."""
    return LegalHold.objects.filter(released_at__isnull=True).filter(
        Q(until__isnull=True) | Q(until__gte=as_of)
    )


@dataclass(frozen=True)
class LateHolding:
    """A live holding still held after its due day: the sweep should have acted."""

    holding_id: uuid.UUID
    source: str
    organization: str
    clause: str
    rule: str
    action: str
    due_at: dt.date
    deadline_at: dt.date | None
    status: Status
    held: bool
    """True when an active legal hold covers it: kept on purpose, reported, not an alarm."""


def late_holdings(*, as_of: dt.date) -> Iterator[LateHolding]:
    """Live holdings whose due day is before ``as_of`` (the run of their due day should have
    acted), by due day. Streams."""
    holds = list(active_holds(as_of=as_of).values_list("organization_id", "person_id"))
    held_orgs = {org for org, _person in holds if org is not None}
    held_people = {person for _org, person in holds if person is not None}
    rows = (
        Holding.objects.filter(state__in=LIVE_STATES, due_at__lt=as_of)
        .order_by("due_at", "id")
        .values_list(
            "public_id",
            "source",
            "organization__code",
            "retention_rule",
            "retention_action",
            "due_at",
            "deadline_at",
            "organization_id",
            "person_id",
        )
    )
    clause = _Clauses()
    for (
        public_id,
        source,
        code,
        rule,
        action,
        due_at,
        deadline_at,
        org_id,
        person_id,
    ) in rows.iterator(chunk_size=CHUNK):
        if due_at is None:  # excluded by the query; narrows the type
            continue
        yield LateHolding(
            holding_id=public_id,
            source=source,
            organization=code,
            clause=clause(rule),
            rule=rule,
            action=action,
            due_at=due_at,
            deadline_at=deadline_at,
            status=status_on(due_at, deadline_at, as_of),
            held=org_id in held_orgs or person_id in held_people,
        )


# -- console figures (notice §4-§5: what is overdue, late, held, due soon) ---------------------
