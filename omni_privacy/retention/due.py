"""What is due when (notice §4-§5), as plain rows: the plan, the holdings past their due
day, the console's overview and its chart of what falls due per clause.

The evaluator's answer is stored beside each holding (``due_at``, ``deadline_at``,
``retention_rule``, ``retention_action``), so these reads are indexed queries, never a
re-evaluation of every holding. They stream: a plan may cover millions of holdings.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Q

from omni_privacy.policy.domain.retention import Status, status_on
from omni_privacy.policy.loader import active_policy
from omni_privacy.registry.models import LIVE_STATES, Holding
from omni_privacy.retention.clauses import Clauses
from omni_privacy.retention.holds import active_holds, held_q, hold_scope
from omni_privacy.retention.models import (
    RetentionRun,
)
from omni_privacy.retention.runs import RUN_FIELDS, RunSummary, run_summary

CHUNK = 2000


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
    clause = Clauses()
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
    clause = Clauses()
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
    *, as_of: dt.date, sources: Iterable[str] | None, days: int = 90, cached: bool = False
) -> RetentionOverview:
    """Two queries: one aggregate over the live holdings of ``sources`` (None: every holding,
    what `retention check` counts; the console dashboard reads the same figures), and the last
    run.

    Every figure is about a holding due before ``as_of`` + ``days``: the aggregate reads only
    those, through the (state, due_at) index, not every live holding (issue 18: the registry
    page shows these figures on each visit, with a million holdings). With ``cached``, a large
    registry's figures are counted at most every 30 s (the console); the CLI counts exactly."""
    chosen = None if sources is None else sorted(sources)
    key = f"retention-overview:{as_of.isoformat()}:{days}:{chosen}"
    figures = cache.get(key) if cached else None
    if figures is None:
        figures = _overview_figures(as_of=as_of, sources=chosen, days=days)
        if cached and sum(figures.values()) > CACHE_FIGURES_ABOVE:
            cache.set(key, figures, CACHE_SECONDS)
    last = RetentionRun.objects.order_by("-started_at", "-id").values(*RUN_FIELDS).first()
    return RetentionOverview(
        as_of=as_of,
        days=days,
        overdue=figures["overdue"],
        late=figures["late"],
        held=figures["held"],
        due_soon=figures["due_soon"],
        last_run=run_summary(last, Clauses()) if last is not None else None,
    )


# A large registry's figures are counted at most every half minute, not on every page view
# (100,000 holdings due within 90 days take about 100 ms to count); small ones always exactly.
CACHE_FIGURES_ABOVE = 10_000
CACHE_SECONDS = 30


def _overview_figures(*, as_of: dt.date, sources: list[str] | None, days: int) -> dict[str, int]:
    held = held_q(active_holds(as_of=as_of))
    past_due = Q(due_at__lt=as_of)
    horizon = as_of + dt.timedelta(days=days)
    live = Holding.objects.filter(state__in=LIVE_STATES, due_at__lte=horizon)
    if sources is not None:
        live = live.filter(source__in=sources)
    return live.aggregate(
        overdue=Count("id", filter=past_due & Q(deadline_at__lt=as_of) & ~held),
        late=Count(
            "id",
            filter=past_due & (Q(deadline_at__gte=as_of) | Q(deadline_at__isnull=True)) & ~held,
        ),
        held=Count("id", filter=past_due & held),
        due_soon=Count("id", filter=Q(due_at__gte=as_of, due_at__lte=horizon)),
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
