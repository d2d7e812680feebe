"""The factories build what the services would have written."""

from __future__ import annotations

import datetime as dt

import pytest

from omni_privacy.accounts.permissions import is_privacy_officer
from omni_privacy.policy.domain.facts import Interval
from tests.factories import (
    HoldingFactory,
    OrganisationFactory,
    PersonFactory,
    RightsRequestFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db


def test_staff_factory_makes_an_officer_or_a_sales_account() -> None:
    officer, sales = StaffFactory(officer=True, username="pat.officer"), StaffFactory()
    assert (is_privacy_officer(officer), is_privacy_officer(sales)) == (True, False)
    assert officer.email == "pat.officer@example.com"


def test_holding_and_person_factories_go_through_the_registry() -> None:
    acme = OrganisationFactory(code="acme", subscriptions=(Interval(dt.date(2020, 1, 1)),))
    holding = HoldingFactory(organization=acme, source="sales", email="lea@example.com")
    again = PersonFactory(holding__organization=acme, holding__email="lea@example.com")
    assert (holding.source, holding.purpose, holding.organization.code) == (
        "sales",
        "sales_information",
        "acme",
    )
    assert again.pk == holding.person.pk


def test_rights_request_factory_records_a_request() -> None:
    rights = RightsRequestFactory(jurisdiction="gdpr", received_on=dt.date(2026, 11, 25))
    assert (rights.state, rights.due_on) == ("awaiting_verification", dt.date(2026, 12, 25))
