"""Console fixtures: three staff users, two organisations and holdings under three sources.

The clock is frozen at 2026-11-25 so that each holding's status (kept, scheduled, due,
overdue) is fixed.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from omni_privacy.accounts.models import Team, User
from omni_privacy.policy.domain.facts import Interval
from omni_privacy.registry.domain.gate import HoldingCandidate
from omni_privacy.registry.models import Holding, Organization
from omni_privacy.registry.services import OrganizationInput, holding_record, organization_upsert
from tests.intake.conftest import export_server  # noqa: F401 - the loopback export, a fixture

TODAY = dt.date(2026, 11, 25)
PASSWORD = "correct-horse-battery-staple-42"

PURPOSE = {
    "customer_service": ("service_obligations", "contract"),
    "sales": ("sales_information", "consent"),
    "administrative": ("order_and_account", "contract"),
}


@pytest.fixture(autouse=True)
def _frozen_today():
    moment = dt.datetime(2026, 11, 25, 12, 0, tzinfo=ZoneInfo("America/Toronto"))
    with time_machine.travel(moment, tick=False):
        yield


def make_user(username: str, team: str) -> User:
    return User.objects.create_user(username=username, password=PASSWORD, team=team)


@pytest.fixture
def sales_user(db) -> User:
    return make_user("sam.sales", Team.SALES)


@pytest.fixture
def service_user(db) -> User:
    return make_user("cleo.service", Team.CUSTOMER_SERVICE)


@pytest.fixture
def officer(db) -> User:
    user = make_user("pat.officer", Team.PRIVACY_OFFICE)
    user.first_name, user.last_name = "Pat", "Gagnon"
    user.save()
    return user


def organization(code: str, name: str, *periods: Interval) -> Organization:
    return organization_upsert(
        actor="system",
        data=OrganizationInput(code=code, name=name, subscriptions=periods),
        as_of=TODAY,
    )


def record(
    org: Organization,
    *,
    source: str,
    full_name: str | None,
    email: str,
    collected_at: dt.date,
    phone: str | None = None,
) -> Holding:
    purpose, basis = PURPOSE[source]
    return holding_record(
        actor="system",
        organization=org,
        candidate=HoldingCandidate(
            source=source,
            purpose=purpose,
            legal_basis=basis,
            channel="email",
            collected_at=collected_at,
            full_name=full_name,
            email=email,
            phone=phone,
            preferred_language="fr",
        ),
        today=TODAY,
    )


@pytest.fixture
def acme(db) -> Organization:
    return organization("acme", "Outils Acme", Interval(dt.date(2020, 1, 1)))


@pytest.fixture
def boreal(db) -> Organization:
    # Last subscription ended 2021-06-30: non-renewal on 2021-07-01 (notice §4 ¶2).
    return organization(
        "boreal", "Boréal Logistique", Interval(dt.date(2019, 1, 1), dt.date(2021, 6, 30))
    )


@pytest.fixture
def holdings(acme, boreal) -> dict[str, Holding]:
    """Five live holdings; the key says who and which source."""
    return {
        "camille_service": record(
            acme,
            source="customer_service",
            full_name="Camille Tremblay",
            email="camille@example.com",
            collected_at=dt.date(2025, 3, 4),
            phone="+1 514 555 0123",
        ),
        "camille_sales": record(
            acme,
            source="sales",
            full_name="Camille Tremblay",
            email="camille@example.com",
            collected_at=dt.date(2024, 3, 1),
        ),
        "jordan_sales": record(
            boreal,
            source="sales",
            full_name="Jordan Lévesque",
            email="jordan@example.org",
            collected_at=dt.date(2021, 1, 15),
        ),
        "alex_sales": record(
            acme,
            source="sales",
            full_name="Alex Roy",
            email="alex@example.com",
            collected_at=dt.date(2021, 10, 1),
        ),
        "morgan_service": record(
            boreal,
            source="customer_service",
            full_name="Morgan Côté",
            email="morgan@example.org",
            collected_at=dt.date(2020, 5, 1),
        ),
    }
