"""A fictional registry with holdings in every retention situation on 2026-11-25 (TODAY).

Sales holdings are due 5 years after the last contact (notice §4 ¶3), customer service ones on
the day after the last subscription ended (§4 ¶2), administrative ones 5 years after its last
day (§4 ¶4); each then has 60 days from the clock's event day (the deadline).

    key              source            due          deadline     situation on TODAY
    overdue_sales    sales             2026-01-15   2026-03-16   overdue
    overdue_service  customer_service  2021-07-01   2021-08-29   overdue
    overdue_admin    administrative    2026-06-30   2026-08-29   overdue
    late_sales       sales             2026-10-01   2026-11-30   past due, not processed
    held_by_org      sales             2026-09-01   2026-10-31   past due, organisation held
    held_by_person   sales             2026-11-01   2026-12-31   past due, person held
    due_today        sales             2026-11-25                due in week 0
    due_soon_sales   sales             2026-12-01                due in week 0
    due_soon_service customer_service  2027-01-01                due in week 5 (12-30..01-05)
    due_later_sales  sales             2027-01-10                due in week 6 (01-06..01-12)
    due_last_day     sales             2027-02-23                due in week 12 (TODAY + 90)
    beyond           sales             2027-02-24                not in the next 90 days
    kept             customer_service  (none)                    kept
    ended            sales             2026-02-01                deleted: counts nowhere
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from omni_privacy.accounts.models import User
from omni_privacy.policy.domain.facts import Interval
from omni_privacy.registry.models import Holding, Organization
from omni_privacy.retention.models import LegalHold
from tests.console.conftest import organization, record

AS_OF = dt.date(2026, 11, 25)


@dataclass(frozen=True)
class RetentionRegistry:
    holdings: dict[str, Holding]
    organizations: dict[str, Organization]
    org_hold: LegalHold
    person_hold: LegalHold


def build(officer: User) -> RetentionRegistry:
    orgs = {
        "acme": organization("acme", "Outils Acme", Interval(dt.date(2020, 1, 1))),
        "boreal": organization(
            "boreal", "Boréal Logistique", Interval(dt.date(2019, 1, 1), dt.date(2021, 6, 30))
        ),
        "cirrus": organization(
            "cirrus", "Cirrus Conseil", Interval(dt.date(2022, 1, 1), dt.date(2026, 12, 31))
        ),
        "dunes": organization("dunes", "Dunes Distribution"),
    }

    def sales(key: str, org: str, contact: dt.date) -> Holding:
        return record(
            orgs[org],
            source="sales",
            full_name=f"Prospect {key}",
            email=f"{key}@example.com",
            collected_at=contact,
        )

    def service(key: str, org: str, collected: dt.date) -> Holding:
        return record(
            orgs[org],
            source="customer_service",
            full_name=f"Client {key}",
            email=f"{key}@example.org",
            collected_at=collected,
        )

    holdings = {
        "overdue_sales": sales("overdue_sales", "boreal", dt.date(2021, 1, 15)),
        "overdue_service": service("overdue_service", "boreal", dt.date(2020, 5, 1)),
        "overdue_admin": record(
            orgs["boreal"],
            source="administrative",
            full_name="Admin Boréal",
            email="admin.boreal@example.org",
            collected_at=dt.date(2020, 3, 1),
        ),
        "late_sales": sales("late_sales", "acme", dt.date(2021, 10, 1)),
        "held_by_org": sales("held_by_org", "dunes", dt.date(2021, 9, 1)),
        "held_by_person": sales("held_by_person", "acme", dt.date(2021, 11, 1)),
        "due_today": sales("due_today", "acme", dt.date(2021, 11, 25)),
        "due_soon_sales": sales("due_soon_sales", "acme", dt.date(2021, 12, 1)),
        "due_soon_service": service("due_soon_service", "cirrus", dt.date(2025, 6, 1)),
        "due_later_sales": sales("due_later_sales", "acme", dt.date(2022, 1, 10)),
        "due_last_day": sales("due_last_day", "acme", dt.date(2022, 2, 23)),
        "beyond": sales("beyond", "acme", dt.date(2022, 2, 24)),
        "kept": service("kept", "acme", dt.date(2025, 3, 4)),
        "ended": sales("ended", "acme", dt.date(2021, 2, 1)),
    }
    Holding.objects.filter(pk=holdings["ended"].pk).update(
        state="deleted", full_name=None, email=None
    )
    org_hold = LegalHold.objects.create(
        organization=orgs["dunes"], reason="Litige 2026-17", placed_by=officer
    )
    person = holdings["held_by_person"].person
    person_hold = LegalHold.objects.create(
        person=person, reason="Demande de la CAI", placed_by=officer, until=dt.date(2027, 3, 31)
    )
    return RetentionRegistry(
        holdings=holdings, organizations=orgs, org_hold=org_hold, person_hold=person_hold
    )
