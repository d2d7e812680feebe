"""The retention figures behind the dashboard and the retention page (notice §4-§5)."""

from __future__ import annotations

import datetime as dt

import pytest

from omni_privacy.accounts.permissions import all_sources
from omni_privacy.retention.due import due_by_clause, late_holdings, retention_overview
from omni_privacy.retention.holds import legal_hold_release, legal_holds
from omni_privacy.retention.models import LegalHold, RetentionRun
from omni_privacy.retention.runs import RunClause, retention_runs
from omni_privacy.retention.services import retention_run
from tests.console.retention_registry import AS_OF, build

pytestmark = pytest.mark.django_db

RULES = (
    "profile_role_removed",
    "profile_subscription_not_renewed",
    "service_not_renewed",
    "sales_last_contact",
    "sales_erasure_request",
    "administrative_not_renewed",
)


@pytest.fixture
def registry(officer):
    return build(officer)


def test_the_fixture_holdings_have_the_due_dates_it_documents(registry) -> None:
    assert {
        key: (str(h.due_at) if h.due_at else None, h.retention_rule)
        for key, h in registry.holdings.items()
        if key != "ended"
    } == {
        "overdue_sales": ("2026-01-15", "sales_last_contact"),
        "overdue_service": ("2021-07-01", "service_not_renewed"),
        "overdue_admin": ("2026-06-30", "administrative_not_renewed"),
        "late_sales": ("2026-10-01", "sales_last_contact"),
        "held_by_org": ("2026-09-01", "sales_last_contact"),
        "held_by_person": ("2026-11-01", "sales_last_contact"),
        "due_today": ("2026-11-25", "sales_last_contact"),
        "due_soon_sales": ("2026-12-01", "sales_last_contact"),
        "due_soon_service": ("2027-01-01", "service_not_renewed"),
        "due_later_sales": ("2027-01-10", "sales_last_contact"),
        "due_last_day": ("2027-02-23", "sales_last_contact"),
        "beyond": ("2027-02-24", "sales_last_contact"),
        "kept": (None, ""),
    }


def figures(overview) -> tuple[int, int, int, int]:
    return (overview.overdue, overview.late, overview.held, overview.due_soon)


def test_overview_for_all_sources(registry) -> None:
    overview = retention_overview(as_of=AS_OF, sources=all_sources())
    assert figures(overview) == (3, 1, 2, 5)
    assert (overview.as_of, overview.days, overview.last_run) == (AS_OF, 90, None)


def test_overview_splits_exactly_the_late_holdings(registry) -> None:
    """Overdue + past due + held = every live holding past its due day (retention check)."""
    late = list(late_holdings(as_of=AS_OF))
    overview = retention_overview(as_of=AS_OF, sources=all_sources())
    assert overview.overdue + overview.late + overview.held == len(late) == 6
    assert overview.held == sum(row.held for row in late)


@pytest.mark.parametrize(
    ("sources", "expected"),
    [
        ({"sales"}, (1, 1, 2, 4)),
        ({"customer_service"}, (1, 0, 0, 1)),
        ({"administrative"}, (1, 0, 0, 0)),
        (set(), (0, 0, 0, 0)),
    ],
)
def test_overview_counts_only_the_sources_given(registry, sources, expected) -> None:
    assert figures(retention_overview(as_of=AS_OF, sources=sources)) == expected


def test_a_released_or_expired_hold_no_longer_holds(registry, officer) -> None:
    legal_hold_release(user=officer, hold=registry.org_hold)
    # The person hold's last day was 2027-03-31: on 2027-04-01 it has expired.
    assert figures(retention_overview(as_of=AS_OF, sources=all_sources())) == (4, 1, 1, 5)
    later = dt.date(2027, 4, 1)
    overview = retention_overview(as_of=later, sources=all_sources())
    assert (overview.held, overview.overdue + overview.late) == (0, 12)


def test_due_by_clause_counts_per_week_and_rule(registry) -> None:
    due = due_by_clause(as_of=AS_OF, sources=all_sources())
    assert [rule.rule for rule in due.rules] == list(RULES)
    assert [rule.clause for rule in due.rules] == [
        "§4 ¶1",
        "§3 ¶1, §4 ¶2",
        "§4 ¶2",
        "§4 ¶3",
        "§4 ¶3, §5, §9.1",
        "§4 ¶4",
    ]
    assert len(due.weeks) == 13
    assert (due.weeks[0].start, due.weeks[0].end) == (AS_OF, dt.date(2026, 12, 1))
    assert (due.weeks[12].start, due.weeks[12].end) == (dt.date(2027, 2, 17), dt.date(2027, 2, 23))
    nonzero = {index: week.counts for index, week in enumerate(due.weeks) if week.total}
    assert nonzero == {
        0: (0, 0, 0, 2, 0, 0),
        5: (0, 0, 1, 0, 0, 0),
        6: (0, 0, 0, 1, 0, 0),
        12: (0, 0, 0, 1, 0, 0),
    }
    assert due.total == 5


def test_due_by_clause_for_one_source_charts_only_its_rules(registry) -> None:
    due = due_by_clause(as_of=AS_OF, sources={"customer_service"}, days=40)
    assert [rule.rule for rule in due.rules] == ["service_not_renewed"]
    # 40 days: the sixth week is cut short at TODAY + 40.
    assert [(week.start, week.end) for week in due.weeks][-1] == (
        dt.date(2026, 12, 30),
        dt.date(2027, 1, 4),
    )
    assert [week.counts for week in due.weeks] == [(0,), (0,), (0,), (0,), (0,), (1,)]


def test_due_by_clause_is_one_query(registry, django_assert_num_queries) -> None:
    with django_assert_num_queries(1):
        due_by_clause(as_of=AS_OF, sources=all_sources())


def test_runs_summarise_counts_per_clause(registry) -> None:
    report = retention_run(actor="test", as_of=AS_OF)
    (run,) = retention_runs()
    assert (run.run_id, run.kind, run.status, run.as_of, run.processed) == (
        report.run_id,
        "sweep",
        "finished",
        AS_OF,
        5,
    )
    assert run.clauses == (
        RunClause("administrative_not_renewed", "§4 ¶4", delete=0, anonymize=1, held=0),
        RunClause("sales_last_contact", "§4 ¶3", delete=0, anonymize=3, held=2),
        RunClause("service_not_renewed", "§4 ¶2", delete=0, anonymize=1, held=0),
    )
    assert run.receipt_event == report.receipt_event
    overview = retention_overview(as_of=AS_OF, sources=all_sources())
    assert figures(overview) == (0, 0, 2, 4)
    assert overview.last_run == run


def test_legal_holds_are_marked_active_on_the_day(registry, officer) -> None:
    expired = LegalHold.objects.create(
        organization=registry.organizations["acme"],
        reason="Ancien litige",
        placed_by=officer,
        until=dt.date(2026, 11, 24),
    )
    rows = {row.hold_id: row for row in legal_holds(as_of=AS_OF)}
    assert {hold_id: row.active for hold_id, row in rows.items()} == {
        registry.org_hold.public_id: True,
        registry.person_hold.public_id: True,
        expired.public_id: False,
    }
    person = registry.holdings["held_by_person"].person
    (row,) = legal_holds(as_of=AS_OF, person=person.public_id)
    assert (row.person, row.organization_code, row.until, row.placed_by) == (
        person.public_id,
        "",
        dt.date(2027, 3, 31),
        "Pat Gagnon",
    )
    org_row = rows[registry.org_hold.public_id]
    assert (org_row.person, org_row.organization_code, org_row.organization_name) == (
        None,
        "dunes",
        "Dunes Distribution",
    )


def test_interrupted_run_is_listed_with_its_partial_counts(registry) -> None:
    from django.utils import timezone

    RetentionRun.objects.create(
        as_of=AS_OF,
        actor="cli",
        status="interrupted",
        started_at=timezone.now(),
        heartbeat_at=timezone.now(),
        processed=7,
        counts={"sales_last_contact": {"anonymize": 7}},
    )
    (run,) = retention_runs()
    assert (run.status, run.processed, run.receipt_event, run.duration_ms) == (
        "interrupted",
        7,
        None,
        None,
    )
    assert run.clauses == (RunClause("sales_last_contact", "§4 ¶3", 0, 7, 0),)
