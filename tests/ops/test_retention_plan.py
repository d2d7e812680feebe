"""`omni-privacy retention plan` and its selector."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from omni_privacy.ops.tables import cell
from omni_privacy.policy.domain.retention import Status
from omni_privacy.policy.loader import active_policy
from omni_privacy.registry.models import HoldingState
from omni_privacy.retention.due import holdings_due


def _row(holding, *, clause, rule, action, due, deadline, status, organization="globex"):
    return {
        "holding_id": str(holding.public_id),
        "source": holding.source,
        "organization": organization,
        "clause": clause,
        "rule": rule,
        "action": action,
        "due_at": due,
        "deadline_at": deadline,
        "status": status,
    }


@pytest.fixture
def expected(registry) -> dict[str, dict]:
    return {
        "overdue": _row(
            registry.overdue,
            clause="§4 ¶3",
            rule="sales_last_contact",
            action="anonymize",
            due="2026-08-01",
            deadline="2026-09-30",
            status="overdue",
        ),
        "due": _row(
            registry.due,
            organization="acme",
            clause="§4 ¶2",
            rule="service_not_renewed",
            action="anonymize",
            due="2026-11-01",
            deadline="2026-12-30",
            status="due",
        ),
        "scheduled": _row(
            registry.scheduled,
            clause="§4 ¶3",
            rule="sales_last_contact",
            action="anonymize",
            due="2026-12-01",
            deadline="2027-01-30",
            status="scheduled",
        ),
        "later": _row(
            registry.later,
            clause="§4 ¶3",
            rule="sales_last_contact",
            action="anonymize",
            due="2029-03-01",
            deadline="2029-04-30",
            status="scheduled",
        ),
    }


@pytest.mark.django_db
def test_plan_lists_what_is_due_within_90_days_by_due_date(run, expected) -> None:
    out = run("retention", "plan", "--as-of", "2026-11-25", "--json")
    assert out.json() == [expected["overdue"], expected["due"], expected["scheduled"]]


@pytest.mark.django_db
def test_within_narrows_the_horizon(run, expected) -> None:
    out = run("retention", "plan", "--as-of", "2026-11-25", "--within", "5", "--json")
    assert out.json() == [expected["overdue"], expected["due"]]


@pytest.mark.django_db
def test_within_all_lists_every_scheduled_holding(run, expected) -> None:
    out = run("retention", "plan", "--as-of", "2026-11-25", "--within", "all", "--json")
    assert out.json() == [
        expected["overdue"],
        expected["due"],
        expected["scheduled"],
        expected["later"],
    ]


@pytest.mark.django_db
def test_status_follows_as_of(run, expected) -> None:
    out = run("retention", "plan", "--as-of", "2026-07-01", "--within", "all", "--json")
    assert [row["status"] for row in out.json()] == ["scheduled"] * 4


@pytest.mark.django_db
def test_ended_holdings_are_not_listed(run, registry, expected) -> None:
    registry.overdue.state = HoldingState.ANONYMIZED
    registry.overdue.save()
    registry.due.state = HoldingState.PENDING_DELETION
    registry.due.save()
    out = run("retention", "plan", "--as-of", "2026-11-25", "--json")
    assert out.json() == [expected["due"], expected["scheduled"]]


@pytest.mark.django_db
def test_empty_plan(run) -> None:
    assert run("retention", "plan", "--as-of", "2026-11-25", "--json").json() == []
    lines = run("retention", "plan", "--as-of", "2026-11-25").stdout.splitlines()
    assert [line.split() for line in lines] == [
        [
            "Due",
            "Deadline",
            "Status",
            "Action",
            "Source",
            "Organisation",
            "Clause",
            "Rule",
            "Holding",
        ],
        ["0", "holdings"],
    ]


@pytest.mark.django_db
def test_text_output_is_a_table(run, registry) -> None:
    lines = run("retention", "plan", "--as-of", "2026-11-25").stdout.splitlines()
    assert lines[0].split() == [
        "Due",
        "Deadline",
        "Status",
        "Action",
        "Source",
        "Organisation",
        "Clause",
        "Rule",
        "Holding",
    ]

    # Cells are padded and separated by two spaces; they say words, not codes (the codes are
    # in --json): the status, the action, the source's label and the rule's text.
    def rule(rule_id: str) -> str:
        return cell(active_policy().rule(rule_id).text.en, 40).strip()

    assert [re.split(r"\s{2,}", line) for line in lines[1:4]] == [
        ["2026-08-01", "2026-09-30", "Overdue", "Anonymize", "Sales", "globex", "§4 ¶3",
         rule("sales_last_contact"), str(registry.overdue.public_id)],
        ["2026-11-01", "2026-12-30", "Due", "Anonymize", "Customer service", "acme", "§4 ¶2",
         rule("service_not_renewed"), str(registry.due.public_id)],
        ["2026-12-01", "2027-01-30", "Scheduled", "Anonymize", "Sales", "globex", "§4 ¶3",
         rule("sales_last_contact"), str(registry.scheduled.public_id)],
    ]  # fmt: skip
    assert lines[4:] == ["3 holdings"]


@pytest.mark.django_db
def test_selector_streams_in_one_query(registry) -> None:
    rows = holdings_due(as_of=dt.date(2026, 11, 25), horizon_days=None)
    assert isinstance(rows, Iterator)
    with CaptureQueriesContext(connection) as queries:
        statuses = [row.status for row in rows]
    assert statuses == [Status.OVERDUE, Status.DUE, Status.SCHEDULED, Status.SCHEDULED]
    assert len(queries) == 1


@pytest.mark.django_db
def test_bad_as_of_names_the_option(run) -> None:
    with pytest.raises(CommandError) as caught:
        run("retention", "plan", "--as-of", "25/11/2026")
    assert str(caught.value) == "--as-of must be a date as YYYY-MM-DD, not '25/11/2026'"


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["soon", "-1"])
def test_bad_within_names_the_option(run, value: str) -> None:
    with pytest.raises(CommandError) as caught:
        run("retention", "plan", "--as-of", "2026-11-25", "--within", value)
    assert str(caught.value) == f"--within must be a number of days or 'all', not {value!r}"
