"""Reads about retention: what is due when (notice §4-§5), as plain rows.

The evaluator's answer is stored beside each holding (``due_at``, ``deadline_at``,
``retention_rule``, ``retention_action``), so these reads are indexed queries, never a
re-evaluation of every holding. They stream: a plan may cover millions of holdings.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from omni_privacy.core.digest import email_digest
from omni_privacy.policy.domain.collection import personal_fields
from omni_privacy.policy.domain.retention import Status, status_on
from omni_privacy.policy.loader import active_policy
from omni_privacy.registry.domain.gate import normalize_email
from omni_privacy.registry.models import LIVE_STATES, Holding, Person
from omni_privacy.retention import ledger
from omni_privacy.retention.holds import active_holds, held_q, hold_scope
from omni_privacy.retention.models import AnonymisationEntry, RetentionRun

CHUNK = 2000


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
    roles: tuple[str, ...] = ()
    """Software profiles: the roles the snapshot flagged (empty once every role is removed)."""
    role_removed_at: dt.date | None = None


def person_holdings(*, person: Person, as_of: dt.date) -> list[PersonHolding]:
    """Every holding of ``person`` (live ones first), with its retention status on ``as_of``."""
    clause = _Clauses()
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
    holds, _ids = hold_scope(as_of=as_of)
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
            held=holds.covers(organization_id=org_id, person_id=person_id),
        )


# -- console figures (notice §4-§5: what is overdue, late, held, due soon) ---------------------


@dataclass(frozen=True)
class RunClause:
    """One rule's figures in a run: what it deleted, anonymised and left held."""

    rule: str
    clause: str
    delete: int
    anonymize: int
    held: int


@dataclass(frozen=True)
class RunSummary:
    run_id: uuid.UUID
    kind: str
    as_of: dt.date
    status: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    processed: int
    people_erased: int
    clauses: tuple[RunClause, ...]
    duration_ms: int | None
    receipt_event: int | None


_RUN_FIELDS = (
    "public_id",
    "kind",
    "as_of",
    "status",
    "started_at",
    "finished_at",
    "processed",
    "people_erased",
    "counts",
    "held",
    "duration_ms",
    "receipt_event",
)


def _run_summary(row: dict, clause: _Clauses) -> RunSummary:
    counts: dict[str, dict[str, int]] = row["counts"] or {}
    held: dict[str, int] = row["held"] or {}
    return RunSummary(
        run_id=row["public_id"],
        kind=row["kind"],
        as_of=row["as_of"],
        status=row["status"],
        started_at=row["started_at"],
        finished_at=row["finished_at"],
        processed=row["processed"],
        people_erased=row["people_erased"],
        clauses=tuple(
            RunClause(
                rule=rule,
                clause=clause(rule),
                delete=counts.get(rule, {}).get("delete", 0),
                anonymize=counts.get(rule, {}).get("anonymize", 0),
                held=held.get(rule, 0),
            )
            for rule in sorted(set(counts) | set(held))
        ),
        duration_ms=row["duration_ms"],
        receipt_event=row["receipt_event"],
    )


def retention_runs(*, limit: int = 20) -> list[RunSummary]:
    """The latest runs (sweeps and replays), newest first, with their figures per rule."""
    clause = _Clauses()
    rows = RetentionRun.objects.order_by("-started_at", "-id").values(*_RUN_FIELDS)[:limit]
    return [_run_summary(row, clause) for row in rows]


@dataclass(frozen=True)
class RetentionOverview:
    """Live holdings of some sources by retention situation on ``as_of``. The first three
    split the holdings whose due day is past (``late_holdings``); the last looks ahead.

    - ``overdue``: not held, deadline passed: the notice's "within 60 days" is broken (alarm);
    - ``late``: not held, due day passed, deadline not yet: the sweep has not acted yet;
    - ``held``: due day passed, kept on purpose by an active legal hold;
    - ``due_soon``: due from ``as_of`` to ``as_of`` + ``days`` (held or not).
    """

    as_of: dt.date
    days: int
    overdue: int
    late: int
    held: int
    due_soon: int
    last_run: RunSummary | None


def retention_overview(
    *, as_of: dt.date, sources: Iterable[str], days: int = 90
) -> RetentionOverview:
    """Two queries: one aggregate over the live holdings of ``sources``, and the last run."""
    held = held_q(active_holds(as_of=as_of))
    past_due = Q(due_at__lt=as_of)
    figures = Holding.objects.filter(state__in=LIVE_STATES, source__in=list(sources)).aggregate(
        overdue=Count("id", filter=past_due & Q(deadline_at__lt=as_of) & ~held),
        late=Count(
            "id",
            filter=past_due & (Q(deadline_at__gte=as_of) | Q(deadline_at__isnull=True)) & ~held,
        ),
        held=Count("id", filter=past_due & held),
        due_soon=Count(
            "id", filter=Q(due_at__gte=as_of, due_at__lte=as_of + dt.timedelta(days=days))
        ),
    )
    last = RetentionRun.objects.order_by("-started_at", "-id").values(*_RUN_FIELDS).first()
    return RetentionOverview(
        as_of=as_of,
        days=days,
        overdue=figures["overdue"],
        late=figures["late"],
        held=figures["held"],
        due_soon=figures["due_soon"],
        last_run=_run_summary(last, _Clauses()) if last is not None else None,
    )


@dataclass(frozen=True)
class DueWeek:
    start: dt.date
    end: dt.date
    counts: tuple[int, ...]
    """Holdings due that week, one number per rule of ``DueByClause.rules``."""

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True)
class DueRule:
    rule: str
    clause: str
    source: str


@dataclass(frozen=True)
class DueByClause:
    as_of: dt.date
    days: int
    rules: tuple[DueRule, ...]
    """Every retention rule of the sources asked for, in policy order (stable colours)."""
    weeks: tuple[DueWeek, ...]

    @property
    def total(self) -> int:
        return sum(week.total for week in self.weeks)


def due_by_clause(*, as_of: dt.date, sources: Iterable[str], days: int = 90) -> DueByClause:
    """Live holdings of ``sources`` due from ``as_of`` to ``as_of`` + ``days``, per week (weeks
    start on ``as_of``; the last one may be short) and per retention rule. One query, grouped
    by rule and day."""
    wanted = set(sources)
    rules = tuple(
        DueRule(rule=rule.id, clause=rule.section, source=rule.source)
        for rule in active_policy().retention
        if rule.source in wanted
    )
    index = {rule.rule: position for position, rule in enumerate(rules)}
    last_day = as_of + dt.timedelta(days=days)
    rows = (
        Holding.objects.filter(
            state__in=LIVE_STATES,
            source__in=sorted(wanted),
            due_at__gte=as_of,
            due_at__lte=last_day,
        )
        .values("retention_rule", "due_at")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = [[0] * len(rules) for _week in range(days // 7 + 1)]
    for row in rows:
        position = index.get(row["retention_rule"])
        if position is not None:  # a rule dropped from the policy: not charted
            counts[(row["due_at"] - as_of).days // 7][position] += row["n"]
    weeks = []
    for number, week_counts in enumerate(counts):
        start = as_of + dt.timedelta(days=7 * number)
        if start > last_day:
            break
        end = min(start + dt.timedelta(days=6), last_day)
        weeks.append(DueWeek(start=start, end=end, counts=tuple(week_counts)))
    return DueByClause(as_of=as_of, days=days, rules=rules, weeks=tuple(weeks))


@dataclass(frozen=True)
class RegisterEntry:
    """One entry of the anonymisation register, as codes (the console names them)."""

    entry_id: uuid.UUID
    anonymised_on: dt.date
    holdings: int
    by_source: dict[str, dict[str, int]]
    purposes: tuple[str, ...]
    fields_removed: tuple[str, ...]
    fields_generalised: tuple[str, ...]
    fields_kept: tuple[str, ...]
    techniques: tuple[str, ...]
    security_measures: tuple[str, ...]
    risk_analysis: str
    run_id: uuid.UUID
    receipt_event: int | None


def anonymisation_register(*, limit: int = 50) -> list[RegisterEntry]:
    """The latest entries of the anonymisation register, newest first. One query."""
    rows = AnonymisationEntry.objects.order_by("-anonymised_on", "-id").values(
        "public_id",
        "anonymised_on",
        "holdings",
        "by_source",
        "purposes",
        "fields_removed",
        "fields_generalised",
        "fields_kept",
        "techniques",
        "security_measures",
        "risk_analysis",
        "run__public_id",
        "run__receipt_event",
    )[:limit]
    return [
        RegisterEntry(
            entry_id=row["public_id"],
            anonymised_on=row["anonymised_on"],
            holdings=row["holdings"],
            by_source=row["by_source"],
            purposes=tuple(row["purposes"]),
            fields_removed=tuple(row["fields_removed"]),
            fields_generalised=tuple(row["fields_generalised"]),
            fields_kept=tuple(row["fields_kept"]),
            techniques=tuple(row["techniques"]),
            security_measures=tuple(row["security_measures"]),
            risk_analysis=row["risk_analysis"],
            run_id=row["run__public_id"],
            receipt_event=row["run__receipt_event"],
        )
        for row in rows
    ]
