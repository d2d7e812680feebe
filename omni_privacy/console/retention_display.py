"""Retention records as the console shows them: the chart of what is due per clause (with the
table that gives the same numbers), runs, and anonymisation register entries, their codes
named in the reader's language. Pure presentation: no queries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import pgettext

from omni_privacy.console.chart import PALETTE, Bar, Segment, StackedBars, stacked_bars
from omni_privacy.console.labels import policy_label
from omni_privacy.console.retention_labels import (
    RISK_ANALYSIS_LABELS,
    SECURITY_MEASURE_LABELS,
    TECHNIQUE_LABELS,
    code_label,
    column_label,
)
from omni_privacy.policy.domain.schema import Policy
from omni_privacy.retention.due import DueByClause, DueWeek
from omni_privacy.retention.labels import RUN_KIND_LABELS, RUN_STATUS_LABELS
from omni_privacy.retention.register import RegisterEntry
from omni_privacy.retention.runs import RunSummary


@dataclass(frozen=True)
class DueSeries:
    rule: str
    clause: str
    label: str
    """The notice clause and the source it applies to (``§4 ¶3 · Sales``)."""
    colour: str


@dataclass(frozen=True)
class SegmentView:
    segment: Segment
    series: DueSeries


@dataclass(frozen=True)
class BarView:
    bar: Bar
    week: DueWeek
    segments: tuple[SegmentView, ...]


@dataclass(frozen=True)
class DueChart:
    as_of: dt.date
    days: int
    last_day: dt.date
    total: int
    series: tuple[DueSeries, ...]
    chart: StackedBars
    bars: tuple[BarView, ...]
    weeks: tuple[DueWeek, ...]


def due_chart(due: DueByClause, policy: Policy) -> DueChart:
    """Stacked bars, one per week, one colour per clause (the rule's place in the policy)."""
    series = tuple(
        DueSeries(
            rule=rule.rule,
            clause=rule.clause,
            label=f"{rule.clause} · {policy_label(policy.sources, rule.source)}",
            colour=PALETTE[position % len(PALETTE)],
        )
        for position, rule in enumerate(due.rules)
    )
    # Translators: a Django date format for the short day under each bar (Nov 25 / 25 nov).
    day_format = pgettext("chart week label", "M j")
    chart = stacked_bars(
        [week.counts for week in due.weeks],
        labels=[date_format(week.start, day_format) for week in due.weeks],
        series=[item.label for item in series],
    )
    bars = tuple(
        BarView(
            bar=bar,
            week=week,
            segments=tuple(
                SegmentView(segment=segment, series=series[segment.series])
                for segment in bar.segments
            ),
        )
        for bar, week in zip(chart.bars, due.weeks, strict=True)
    )
    return DueChart(
        as_of=due.as_of,
        days=due.days,
        last_day=due.as_of + dt.timedelta(days=due.days),
        total=due.total,
        series=series,
        chart=chart,
        bars=bars,
        weeks=due.weeks,
    )


@dataclass(frozen=True)
class RunView:
    run: RunSummary
    kind: str
    status: str
    duration_seconds: float | None


def run_view(run: RunSummary) -> RunView:
    return RunView(
        run=run,
        kind=code_label(RUN_KIND_LABELS, run.kind),
        status=code_label(RUN_STATUS_LABELS, run.status),
        duration_seconds=None if run.duration_ms is None else run.duration_ms / 1000,
    )


@dataclass(frozen=True)
class SourcePurposeCount:
    source: str
    purpose: str
    holdings: int


@dataclass(frozen=True)
class RegisterView:
    entry: RegisterEntry
    purposes: tuple[str, ...]
    by_source: tuple[SourcePurposeCount, ...]
    techniques: tuple[str, ...]
    security_measures: tuple[str, ...]
    fields_removed: tuple[str, ...]
    fields_generalised: tuple[str, ...]
    fields_kept: tuple[str, ...]
    risk_analysis: str


def register_view(entry: RegisterEntry, policy: Policy) -> RegisterView:
    return RegisterView(
        entry=entry,
        purposes=tuple(policy_label(policy.purposes, code) for code in entry.purposes),
        by_source=tuple(
            SourcePurposeCount(
                source=policy_label(policy.sources, source),
                purpose=policy_label(policy.purposes, purpose),
                holdings=count,
            )
            for source, per_purpose in sorted(entry.by_source.items())
            for purpose, count in sorted(per_purpose.items())
        ),
        techniques=tuple(code_label(TECHNIQUE_LABELS, code) for code in entry.techniques),
        security_measures=tuple(
            code_label(SECURITY_MEASURE_LABELS, code) for code in entry.security_measures
        ),
        fields_removed=tuple(column_label(name, policy) for name in entry.fields_removed),
        fields_generalised=tuple(column_label(name, policy) for name in entry.fields_generalised),
        fields_kept=tuple(column_label(name, policy) for name in entry.fields_kept),
        risk_analysis=code_label(RISK_ANALYSIS_LABELS, entry.risk_analysis),
    )
