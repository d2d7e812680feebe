"""Least privilege by team (notice §8, §12): who sees and who records which source."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AnonymousUser

from omni_privacy.accounts.permissions import (
    ALL_SOURCES,
    can_record_source,
    can_view_source,
    is_privacy_officer,
    visible_sources,
)

SOURCES = ("software_profile", "customer_service", "sales", "administrative")


@dataclass
class Staff:
    team: str
    is_active: bool = True
    is_authenticated: bool = True


@pytest.mark.parametrize(
    ("team", "sees"),
    [
        ("customer_service", {"customer_service"}),
        ("sales", {"sales"}),
        ("administration", {"administrative"}),
        ("privacy_office", set(SOURCES)),
        ("unknown_team", set()),
    ],
)
def test_visible_sources_per_team(team: str, sees: set[str]) -> None:
    user = Staff(team)
    assert visible_sources(user) == sees
    assert [source for source in SOURCES if can_view_source(user, source)] == [
        source for source in SOURCES if source in sees
    ]


@pytest.mark.parametrize(
    ("team", "records"),
    [
        ("customer_service", ["customer_service"]),
        ("sales", ["sales"]),
        ("administration", ["administrative"]),
        ("privacy_office", ["customer_service", "sales", "administrative"]),
    ],
)
def test_recordable_sources_per_team(team: str, records: list[str]) -> None:
    assert [source for source in SOURCES if can_record_source(Staff(team), source)] == records


def test_nobody_records_software_profiles_by_hand() -> None:
    teams = ("customer_service", "sales", "administration", "privacy_office")
    assert [can_record_source(Staff(team), "software_profile") for team in teams] == [False] * 4


def test_all_sources_are_the_policys(policy) -> None:  # type: ignore[no-untyped-def]
    assert frozenset(policy.sources) == ALL_SOURCES


def test_privacy_officer() -> None:
    assert is_privacy_officer(Staff("privacy_office")) is True
    assert is_privacy_officer(Staff("sales")) is False
    assert is_privacy_officer(Staff("privacy_office", is_active=False)) is False


@pytest.mark.parametrize("team", ["customer_service", "sales", "administration", "privacy_office"])
def test_inactive_staff_see_and_record_nothing(team: str) -> None:
    user = Staff(team, is_active=False)
    assert visible_sources(user) == frozenset()
    assert [can_record_source(user, source) for source in SOURCES] == [False] * 4


def test_anonymous_sees_and_records_nothing() -> None:
    user = AnonymousUser()
    assert visible_sources(user) == frozenset()  # type: ignore[arg-type]
    assert is_privacy_officer(user) is False  # type: ignore[arg-type]
    assert [can_view_source(user, source) for source in SOURCES] == [False] * 4  # type: ignore[arg-type]
    assert [can_record_source(user, source) for source in SOURCES] == [False] * 4  # type: ignore[arg-type]
