"""Registers fixtures: a privacy officer with a current delegation, and people held."""

from __future__ import annotations

import datetime as dt

import pytest

from omni_privacy.accounts.services import privacy_officer_delegate
from omni_privacy.registry.domain.facts import Interval
from tests.factories import HoldingFactory, OrganisationFactory, StaffFactory

NOW = dt.datetime(2026, 11, 25, 17, 0, tzinfo=dt.UTC)


@pytest.fixture
def officer(db):
    user = StaffFactory(officer=True, username="officer-a")
    privacy_officer_delegate(
        user=user,
        valid_from=dt.date(2024, 1, 1),
        document="DEL-2024-1",
        actor="test",
        at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
    )
    return user


@pytest.fixture
def persons(db):
    acme = OrganisationFactory(code="acme", subscriptions=(Interval(dt.date(2022, 1, 1)),))
    return [
        HoldingFactory(organization=acme, email="lea@example.com", preferred_language="fr").person,
        HoldingFactory(organization=acme, email="sam@example.com", preferred_language="en").person,
    ]
